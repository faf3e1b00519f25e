"""A team's standing Google Meet room, owned by the user named in stack config.

Created by ``pulumi new`` from pulumi-meet's template, which asked for ``owner`` and for
``meet:emulatorHost`` (``embedded``: the emulator inside the provider; unset: Google Meet).
Co-hosts come from config too: ``pulumi config set --path 'cohosts[0]' deputy@example.com``.
"""

from __future__ import annotations

import re

import pulumi

import pulumi_meet as meet

config = pulumi.Config()
# An explicit owner: the room belongs to a person, never to the identity a pipeline deploys as.
owner = config.require("owner")
cohosts: list[str] = config.get_object("cohosts") or []

room = meet.Space(
    "team-standup",
    config=meet.SpaceConfigArgs(
        access_type=meet.AccessType.TRUSTED,
        moderation=meet.Moderation.ON,
    ),
    owner=owner,
)
for email in cohosts:
    meet.SpaceMember(f"cohost-{re.sub(r'[^a-z0-9]+', '-', email.lower()).strip('-')}", room, email)

pulumi.export("meeting_uri", room.meeting_uri)
