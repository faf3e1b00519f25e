"""``spaces get A B C…``: many rooms read in parallel, paced, with progress on stderr."""

from __future__ import annotations

import json
from collections.abc import Callable

from tests.cli.conftest import Result, Rooms
from tests.control import Control


def test_many_rooms_in_order_as_one_json_array_with_progress_lines(
    cli: Callable[..., Result], rooms: Rooms, control: Control
) -> None:
    control.put("quotas", {"perUser": {"create": 100}})  # the setup's rooms, not the test
    spaces = [rooms.create() for _ in range(12)]
    control.delete("requests")
    result = cli("spaces", "get", *(s["meetingCode"] for s in spaces), "--json")
    assert result.code == 0, result.err
    assert [room["name"] for room in json.loads(result.out)] == [s["name"] for s in spaces]
    assert len(control.get("requests")["requests"]) == 12
    counts = [line for line in result.err_lines if line.endswith("rooms read")]
    assert counts[-1] == "pulumi-meet: 12/12 rooms read"  # not a terminal: plain lines


def test_a_room_that_cannot_be_read_is_reported_and_the_others_shown(
    run_main: Callable[..., Result], rooms: Rooms
) -> None:
    mine = rooms.create()
    result = run_main("spaces", "get", mine["name"], "spaces/doesNotExist")
    assert result.code == 1
    assert result.out.splitlines()[0].split() == ["name", mine["name"]]
    assert "config:" in result.out  # the owner's view: the settings are shown
    (error,) = result.err_lines
    assert error.startswith("pulumi-meet: error: spaces/doesNotExist: spaces.get")
