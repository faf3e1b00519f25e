"""The emulator clock (``/emulator/v1/clock``): real by default, set, frozen, advanced, reset,
persisted; what follows it (spaces, codes, conferences) and what does not (tokens)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from pulumi_meet.emulator import Emulator
from pulumi_meet.emulator.timestamps import MICROS, parse_time
from tests.control import Control
from tests.emulator.records_support import Meet, control_error, new_space


def _seconds(text: str) -> float:
    value = parse_time(text)
    assert value is not None, text
    return value / MICROS


def test_the_clock_is_the_machines_until_set(control: Control) -> None:
    clock = control.get("clock")
    assert clock["real"] is True and clock["frozen"] is False
    assert abs(_seconds(clock["now"]) - time.time()) < 5


def test_a_set_clock_runs_on_from_the_given_time(control: Control) -> None:
    answer = control.put("clock", {"now": "2031-06-01T12:00:00+02:00"})
    assert answer["real"] is False and answer["frozen"] is False
    start = _seconds(answer["now"])
    assert abs(start - _seconds("2031-06-01T10:00:00Z")) < 2
    time.sleep(0.05)
    later = _seconds(control.get("clock")["now"])
    assert start < later < start + 5


def test_a_frozen_clock_stands_still_and_advances_only_when_told(control: Control) -> None:
    control.put("clock", {"now": "2031-06-01T10:00:00Z", "frozen": True})
    time.sleep(0.05)
    assert control.get("clock")["now"] == "2031-06-01T10:00:00Z"
    advanced = control.post("clock:advance", {"seconds": 86400 * 365})
    assert advanced["now"] == "2032-05-31T10:00:00Z" and advanced["frozen"] is True
    back = control.post("clock:advance", {"seconds": -60.5})
    assert back["now"] == "2032-05-31T09:58:59.500Z"
    real = control.delete("clock")
    assert real["real"] is True and abs(_seconds(real["now"]) - time.time()) < 5


@pytest.mark.parametrize(
    ("verb", "path", "body", "field"),
    [
        ("PUT", "clock", {}, "now"),
        ("PUT", "clock", {"now": "tomorrow"}, "now"),
        ("PUT", "clock", {"now": 1893456000}, "now"),
        ("PUT", "clock", {"now": "1969-12-31T23:59:59Z"}, "now"),
        ("PUT", "clock", {"now": "2030-01-01T00:00:00Z", "frozen": "yes"}, "frozen"),
        ("PUT", "clock", {"now": "2030-01-01T00:00:00Z", "speed": 2}, "speed"),
        ("POST", "clock:advance", {"seconds": "60"}, "seconds"),
        ("POST", "clock:advance", {"seconds": True}, "seconds"),
        ("POST", "clock:advance", {"seconds": -1e12}, "seconds"),
    ],
)
def test_bad_clock_bodies_are_refused_naming_the_field(
    control: Control, verb: str, path: str, body: object, field: str
) -> None:
    error = control_error(control, verb, path, body)
    assert error["status"] == "INVALID_ARGUMENT"
    assert error["details"][0]["fieldViolations"][0]["field"] == field
    assert control.get("clock")["real"] is True  # nothing changed


def test_spaces_and_conferences_follow_the_clock_tokens_do_not(
    meet: Meet, control: Control
) -> None:
    owner = meet("owner@example.com")  # token minted at the machine's time
    control.put("clock", {"now": "2040-03-01T08:00:00Z", "frozen": True})
    space = new_space(meet)
    view = next(s for s in control.spaces() if s["name"] == space)
    assert view["meetingCodeLastUseTime"] == "2040-03-01T08:00:00Z"
    record = control.post(f"{space}:startConference", {"participants": ["owner@example.com"]})
    control.post("clock:advance", {"seconds": 90})
    control.post(f"{space}:endConference", {})
    fetched = meet("owner@example.com", ["meetings.space.readonly"]).get(record["conferenceRecord"])
    assert fetched.json()["startTime"] == "2040-03-01T08:00:00Z"
    assert fetched.json()["endTime"] == "2040-03-01T08:01:30Z"
    # Fourteen years on, a token minted an hour ago (by the machine's clock) still works.
    assert owner.get(space).status_code == 200
    # The request log keeps the machine's time.
    assert abs(control.calls()[-1]["time"] - time.time()) < 60


def test_the_clock_is_kept_with_the_database_and_reset_forgets_it(tmp_path: Path) -> None:
    database = tmp_path / "emulator.db"
    with Emulator(db=database) as first:
        Control(first).put("clock", {"now": "2035-01-01T00:00:00Z", "frozen": True})
    with Emulator(db=database) as second:
        control = Control(second)
        assert control.get("clock")["now"] == "2035-01-01T00:00:00Z"
        control.post("reset")
        assert control.get("clock")["real"] is True
