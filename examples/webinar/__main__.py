"""A webinar room: moderated, attendees join as viewers, only hosts chat and present, and every
session is recorded and transcribed. The co-hosts (panelists) come from stack config:

    pulumi config set --path 'cohosts[0]' panelist@example.com
    pulumi config set owner host@example.com      # optional: the user who hosts the webinar
    pulumi config set record false                # optional: stop recording (default true)
"""

from __future__ import annotations

import re

import pulumi

import pulumi_meet as meet

config = pulumi.Config()
cohosts: list[str] = config.get_object("cohosts") or []
record = config.get_bool("record")
recording = meet.AutoGenerationType.OFF if record is False else meet.AutoGenerationType.ON

webinar = meet.Space(
    "webinar",
    config=meet.SpaceConfigArgs(
        access_type=config.get("accessType") or meet.AccessType.OPEN,
        moderation=meet.Moderation.ON,
        moderation_restrictions=meet.ModerationRestrictionsArgs(
            chat_restriction=meet.RestrictionType.HOSTS_ONLY,
            present_restriction=meet.RestrictionType.HOSTS_ONLY,
            default_join_as_viewer_type=meet.DefaultJoinAsViewerType.ON,
        ),
        artifact_config=meet.ArtifactConfigArgs(
            recording_config=meet.RecordingConfigArgs(auto_recording_generation=recording),
            transcription_config=meet.TranscriptionConfigArgs(
                auto_transcription_generation=meet.AutoGenerationType.ON
            ),
        ),
    ),
    owner=config.get("owner"),
)

for email in cohosts:
    # Co-hosts have the host controls: they chat, present and admit people like the owner.
    name = re.sub(r"[^a-z0-9]+", "-", email.lower()).strip("-")
    meet.SpaceMember(f"cohost-{name}", webinar, email)

pulumi.export("meeting_uri", webinar.meeting_uri)
pulumi.export("meeting_code", webinar.meeting_code)
