"""Take Google Meet rooms that already exist under management, without recreating them.

The rooms are listed in stack config, each as a meeting code, a meeting URL or ``spaces/<id>``:

    pulumi config set --path 'rooms[0]' abc-mnop-xyz
    pulumi config set --path 'rooms[1]' https://meet.google.com/pqr-stuv-wxy
    pulumi config set accessType TRUSTED          # optional: the access every room gets

Each room is resolved with one read and then patched only where it differs from ``accessType``.
The rooms stay where they are when removed from the list or when the stack is destroyed
(``deletion_policy`` ABANDON; set ``deletionPolicy`` to RESTRICT to lock them instead).
``pulumi-meet adopt CODE...`` prints such a program with every room's current settings.
"""

from __future__ import annotations

import re

import pulumi

import pulumi_meet as meet

config = pulumi.Config()
references: list[str] = config.require_object("rooms")
access = config.get("accessType")
policy = config.get("deletionPolicy") or meet.DeletionPolicy.ABANDON


def resource_name(reference: str) -> str:
    """A stable resource name from a reference: its last path segment (a code or an id)."""
    last = reference.strip().rstrip("/").rsplit("/", 1)[-1]
    # Meeting codes are case-insensitive; space ids are not, so only codes are lowered.
    code = last.lower() if re.fullmatch(r"[A-Za-z]+-[A-Za-z]+-[A-Za-z]+", last) else last
    return f"room-{code}"


rooms = {
    reference: meet.Space(
        resource_name(reference),
        adopt=reference,
        config=meet.SpaceConfigArgs(access_type=access) if access else None,
        deletion_policy=policy,
    )
    for reference in references
}
pulumi.export("rooms", {reference: room.name for reference, room in rooms.items()})
pulumi.export("meeting_uris", {reference: room.meeting_uri for reference, room in rooms.items()})
