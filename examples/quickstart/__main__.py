"""One Google Meet room managed as code; its meeting URL is exported."""

import pulumi

import pulumi_meet as meet

room = meet.Space(
    "team-standup",
    config=meet.SpaceConfigArgs(
        access_type=meet.AccessType.TRUSTED,
        entry_point_access=meet.EntryPointAccess.ALL,
    ),
)

pulumi.export("meeting_uri", room.meeting_uri)
pulumi.export("space_name", room.name)
