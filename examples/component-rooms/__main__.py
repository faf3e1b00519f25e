"""Rooms declared inside components: an ``Office`` holding one ``TeamRooms`` per team.

``TeamRooms`` is a reusable component: a team's standing room plus its co-hosts. ``Office``
groups the teams of one site. Each room's URN carries the whole chain
(``...::example:index:Office$example:index:TeamRooms$pulumi-python:dynamic/meet:Space::...``);
the provider serves it exactly like a room declared at the top level.

``pulumi config set accessType OPEN`` opens every room in place (one ``spaces.patch`` each).
"""

from __future__ import annotations

from collections.abc import Sequence

import pulumi

import pulumi_meet as meet


class TeamRooms(pulumi.ComponentResource):
    """A team's standing room, owned by its lead, and the team's co-hosts."""

    def __init__(
        self,
        name: str,
        *,
        lead: str | None,
        cohosts: Sequence[str],
        access_type: str,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__("example:index:TeamRooms", name, None, opts)
        children = pulumi.ResourceOptions(parent=self)
        self.room: meet.Space = meet.Space(
            f"{name}-room",
            config=meet.SpaceConfigArgs(access_type=access_type),
            owner=lead,
            opts=children,
        )
        for number, email in enumerate(cohosts, start=1):
            # The room itself as `space`: the co-host calls act as the room's owner.
            meet.SpaceMember(f"{name}-cohost-{number}", self.room, email, opts=children)
        self.meeting_uri: pulumi.Output[str] = self.room.meeting_uri
        self.register_outputs({"meeting_uri": self.meeting_uri})


class Office(pulumi.ComponentResource):
    """The teams of one site: a :class:`TeamRooms` per team, two components deep."""

    def __init__(
        self,
        name: str,
        teams: dict[str, tuple[str | None, Sequence[str]]],
        access_type: str,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__("example:index:Office", name, None, opts)
        self.teams: dict[str, TeamRooms] = {
            team: TeamRooms(
                f"{name}-{team}",
                lead=lead,
                cohosts=cohosts,
                access_type=access_type,
                opts=pulumi.ResourceOptions(parent=self),
            )
            for team, (lead, cohosts) in teams.items()
        }
        self.register_outputs({})


access = pulumi.Config().get("accessType") or meet.AccessType.TRUSTED.value
berlin = Office(
    "berlin",
    {
        "platform": ("dana@example.com", ["erin@example.com"]),
        "design": ("grace@example.com", []),
    },
    access,
)
pulumi.export("meeting_uris", {team: rooms.meeting_uri for team, rooms in berlin.teams.items()})
