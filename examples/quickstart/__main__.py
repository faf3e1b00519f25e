"""One Google Meet room managed as code; its meeting URL is exported.

Try a change: ``pulumi config set accessType OPEN`` then ``pulumi up`` patches the room in place.
"""

import pulumi

import pulumi_meet as meet

access_type = pulumi.Config().get("accessType") or meet.AccessType.TRUSTED

room = meet.Space(
    "team-standup",
    config=meet.SpaceConfigArgs(
        access_type=access_type,
        entry_point_access=meet.EntryPointAccess.ALL,
    ),
)

pulumi.export("meeting_uri", room.meeting_uri)
pulumi.export("space_name", room.name)
