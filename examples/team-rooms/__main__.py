"""A meeting room per team, owned by the team's lead, with the team's co-hosts (from YAML).

The teams come from ``teams.yaml`` beside this file, or from the file named by the stack config
``teamsFile`` (``pulumi config set teamsFile other-teams.yaml``). Adding a team adds a room,
adding an address under ``cohosts`` adds a co-host, and removing it removes the co-host.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pulumi
import yaml

import pulumi_meet as meet

HERE = Path(__file__).resolve().parent


def load_teams(path: Path) -> list[dict[str, Any]]:
    """The ``teams`` list of the YAML file, each team checked for the keys this program uses."""
    document = yaml.safe_load(path.read_text()) or {}
    teams = document.get("teams") if isinstance(document, dict) else None
    if not isinstance(teams, list):
        raise ValueError(f"{path}: expected a top-level `teams:` list")
    for index, team in enumerate(teams):
        if not isinstance(team, dict) or not isinstance(team.get("name"), str):
            raise ValueError(f"{path}: teams[{index}] needs a `name`")
        if not isinstance(team.get("cohosts") or [], list):
            raise ValueError(f"{path}: teams[{index}].cohosts must be a list of e-mail addresses")
    return teams


def slug(text: str) -> str:
    """A stable, readable piece of a resource name (an e-mail's case does not matter)."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def team_room(team: dict[str, Any]) -> meet.Space:
    """The team's room and one co-host resource per address."""
    name = slug(team["name"])
    room = meet.Space(
        f"{name}-room",
        config=meet.SpaceConfigArgs(access_type=team.get("access", meet.AccessType.TRUSTED)),
        owner=team.get("lead"),
    )
    for email in team.get("cohosts") or []:
        # Passing the room itself makes the co-host calls act as the room's owner.
        meet.SpaceMember(f"{name}-cohost-{slug(email)}", room, email, meet.MemberRole.COHOST)
    return room


teams_file = HERE / (pulumi.Config().get("teamsFile") or "teams.yaml")
rooms = {team["name"]: team_room(team) for team in load_teams(teams_file)}
pulumi.export("meeting_uris", {team: room.meeting_uri for team, room in rooms.items()})
