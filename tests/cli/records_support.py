"""Helpers of the conference-record command tests: past conferences relative to now (the
emulator's clock is the machine's unless a test sets it), and stack exports as
``pulumi stack export`` writes them, for rooms of both front-ends."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from pulumi.dynamic.dynamic import serialize_provider

from pulumi_meet.dynamic.providers import MemberProvider, SpaceProvider
from tests.control import Control

__all__ = ["ago", "conference", "dynamic_room", "plugin_room", "write_export"]

_NOW = datetime.now(timezone.utc).replace(microsecond=0)
SECRET = "4dabf18193072939515e22adb298388d"


def ago(days: float, minutes: float = 0) -> str:
    """RFC 3339 of ``days`` before the start of the test run, plus ``minutes``."""
    moment = _NOW - timedelta(days=days) + timedelta(minutes=minutes)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def conference(control: Control, space: str, days: float, minutes: float, people: list[Any]) -> str:
    """A conference ``days`` ago lasting ``minutes``, everyone there throughout."""
    answer = control.post(
        f"{space}:startConference",
        {"startTime": ago(days), "endTime": ago(days, minutes), "participants": people},
    )
    return str(answer["conferenceRecord"])


def plugin_room(room: dict[str, Any], owner: str, name: str = "plugin-room") -> dict[str, Any]:
    """A ``meet:index:Space`` resource of a stack export (camelCase outputs, owner secret)."""
    return {
        "urn": f"urn:pulumi:dev::rooms::meet:index:Space::{name}",
        "custom": True,
        "id": room["name"],
        "type": "meet:index:Space",
        "outputs": {
            "name": room["name"],
            "meetingCode": room["meetingCode"],
            "meetingUri": room["meetingUri"],
            "owner": {SECRET: "1b47061264138c4ac30d75fd1eb44270", "plaintext": json.dumps(owner)},
        },
    }


def dynamic_room(
    room: dict[str, Any], owner: str | None, name: str = "dynamic-room", typed: bool = False
) -> dict[str, Any]:
    """A ``pulumi_meet.Space`` of a stack export: snake_case outputs and the pickled provider;
    ``typed``: the ``pulumi-python:dynamic/meet:Space`` type, else the shared one."""
    kind = "pulumi-python:dynamic/meet:Space" if typed else "pulumi-python:dynamic:Resource"
    return {
        "urn": f"urn:pulumi:dev::rooms::{kind}::{name}",
        "custom": True,
        "id": room["name"],
        "type": kind,
        "outputs": {
            "__provider": serialize_provider(SpaceProvider()),
            "name": room["name"],
            "meeting_code": room["meetingCode"],
            "owner": owner,
        },
    }


def member_resource(space: str) -> dict[str, Any]:
    """A dynamic SpaceMember: not a room."""
    return {
        "urn": "urn:pulumi:dev::rooms::pulumi-python:dynamic:Resource::cohost",
        "custom": True,
        "id": f"{space}/members/abc",
        "type": "pulumi-python:dynamic:Resource",
        "outputs": {"__provider": serialize_provider(MemberProvider()), "name": f"{space}/x"},
    }


def write_export(path: Path, resources: list[dict[str, Any]]) -> Path:
    """A ``pulumi stack export`` file holding ``resources`` (plus the stack and a provider)."""
    stack = {"urn": "urn:pulumi:dev::rooms::pulumi:pulumi:Stack::rooms-dev", "custom": False}
    provider = {
        "urn": "urn:pulumi:dev::rooms::pulumi:providers:meet::default",
        "custom": True,
        "id": "0b1c",
        "type": "pulumi:providers:meet",
    }
    document = {
        "version": 3,
        "deployment": {
            "manifest": {"time": "2030-01-01T00:00:00Z"},
            "resources": [stack, provider, *resources],
        },
    }
    path.write_text(json.dumps(document))
    return path
