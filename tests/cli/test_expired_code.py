"""A meeting code a year unused expires: ``spaces get`` and ``adopt`` by the old code fail with
one clear error pointing at the ``spaces/<id>`` name; by the name, the room shows its new code."""

from __future__ import annotations

import json
from collections.abc import Callable

from tests.cli.conftest import Result, Rooms
from tests.control import Control

Run = Callable[..., Result]


def test_the_old_code_fails_clearly_and_the_name_still_works(
    run_main: Run, rooms: Rooms, control: Control
) -> None:
    room = rooms.create()
    control.post("clock:advance", {"seconds": 366 * 86400})
    old = room["meetingCode"]
    for command in (("spaces", "get", old), ("adopt", room["meetingUri"])):
        failed = run_main(*command)
        assert failed.code == 1, command
        assert f"No room has the meeting code {old}" in failed.err
        assert "expired" in failed.err and "reused" in failed.err
        assert "spaces/<id>" in failed.err
    shown = json.loads(run_main("spaces", "get", room["name"], "--json").out)
    assert shown["meetingCode"] != old
    usage = json.loads(run_main("usage", room["name"], "--json").out)
    assert usage[0]["meetingCode"] == shown["meetingCode"]
