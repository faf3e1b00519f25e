"""``pulumi-meet usage``: per room of a stack export (both front-ends' rooms) or named rooms,
the conferences in the records' window, last end, distinct participants, minutes, and the code's
expiry risk; table, --json, --csv, --chart; unreadable rooms as rows; --fail-on-unused."""

from __future__ import annotations

import io
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from pulumi_meet.cli.records_commands import UNUSED_EXIT
from pulumi_meet.cli.usage_report import COLUMNS
from pulumi_meet.operations.records import parse_time
from tests.cli.conftest import Result, Rooms
from tests.cli.records_support import (
    ago,
    conference,
    dynamic_room,
    member_resource,
    plugin_room,
    write_export,
)
from tests.control import Control

ALICE, CAROL, EVE = "alice@example.com", "carol@example.com", "eve@example.com"
DEVELOPER = "developer@example.com"
Run = Callable[..., Result]


@pytest.fixture
def stack(control: Control, rooms: Rooms, tmp_path: Path) -> dict[str, Any]:
    """Four rooms in a stack export: used (plugin), unused (dynamic), used (dynamic, typed),
    and one whose recorded owner does not own it."""
    used = rooms.create(owner=ALICE)
    conference(control, used["name"], 3, 45, [ALICE, "bob@example.com", {"anonymous": "Guest"}])
    conference(control, used["name"], 1, 30, [ALICE, "bob@example.com", {"phone": "+14155550123"}])
    unused = rooms.create()
    typed = rooms.create(owner=CAROL)
    conference(control, typed["name"], 2, 10, [CAROL, {"anonymous": "Guest"}])
    foreign = rooms.create(owner=EVE)
    export = write_export(
        tmp_path / "stack.json",
        [
            plugin_room(used, ALICE),
            dynamic_room(unused, None),
            member_resource(unused["name"]),
            dynamic_room(typed, CAROL, name="typed", typed=True),
            dynamic_room(foreign, "dave@example.com", name="foreign"),
            {"urn": "urn:x::aws:s3/bucket:Bucket::b", "type": "aws:s3/bucket:Bucket", "id": "b"},
        ],
    )
    return {"used": used, "unused": unused, "typed": typed, "foreign": foreign, "path": export}


def test_json_counts_each_room_of_both_front_ends(
    control: Control, run_main: Run, stack: dict[str, Any]
) -> None:
    control.clear()
    result = run_main("usage", "--from", str(stack["path"]), "--json")
    assert result.code == 1  # one room could not be read
    rows = json.loads(result.out)
    assert [r["space"] for r in rows] == [
        stack[k]["name"] for k in ("used", "unused", "typed", "foreign")
    ]
    used, unused, typed, foreign = rows
    assert list(used) == list(COLUMNS)  # exactly these keys, in this order
    assert used == {
        "space": stack["used"]["name"],
        "meetingCode": stack["used"]["meetingCode"],
        "conferences": 2,
        "lastConferenceEnd": ago(1, 30),
        "participants": 4,  # alice, bob, the guest, the phone
        "minutes": 75,
        "unused": False,
        "codeExpiresBy": _plus_days(ago(1), 365),
    }
    assert (unused["conferences"], unused["unused"], unused["participants"]) == (0, True, 0)
    assert unused["lastConferenceEnd"] is None
    expires = parse_time(unused["codeExpiresBy"])
    assert abs((expires - parse_time(ago(0))).days - 335) <= 1
    assert (typed["conferences"], typed["participants"], typed["minutes"]) == (1, 2, 10)
    assert foreign["error"] and "dave@example.com does not own" in foreign["error"]
    assert (
        foreign["conferences"] is None and foreign["meetingCode"] == stack["foreign"]["meetingCode"]
    )
    assert "4 rooms: 1 unused in the last 30 days" in result.err
    # Each room as its recorded owner (the default identity for the one with none recorded).
    listed = [c["principal"] for c in control.calls() if c["apiMethod"] == "conferenceRecords.list"]
    assert sorted(listed) == sorted([ALICE, DEVELOPER, CAROL])
    # One page of records per room.
    assert all(c["query"]["pageSize"] == "100" for c in control.calls() if "filter" in c["query"])


def _plus_days(text: str, days: int) -> str:
    from datetime import timedelta

    from pulumi_meet.operations.records import format_time

    return format_time(parse_time(text) + timedelta(days=days))


def test_table_summary_and_fail_on_unused(run_main: Run, rooms: Rooms, control: Control) -> None:
    used, unused = rooms.create(), rooms.create()
    conference(control, used["name"], 2, 20, [DEVELOPER])
    result = run_main("usage", used["meetingUri"], unused["meetingCode"])
    assert result.code == 0
    lines = result.out.splitlines()
    assert lines[0].split()[:3] == ["SPACE", "CODE", "CONFERENCES"]
    assert used["name"] in lines[1] and "UNUSED" not in lines[1]
    assert unused["name"] in lines[2]
    assert "no use in the last 30 days; the code expires at most 335 days from now" in lines[2]
    assert lines[-1] == (
        f"2 rooms: 1 unused in the last 30 days: {unused['name']} ({unused['meetingCode']})."
    )
    assert run_main("usage", unused["name"], "--fail-on-unused").code == UNUSED_EXIT
    assert run_main("usage", used["name"], "--fail-on-unused").code == 0


def test_csv_has_the_json_columns(run_main: Run, rooms: Rooms, control: Control) -> None:
    used = rooms.create()
    conference(control, used["name"], 4, 15, [DEVELOPER, "x@example.com"])
    result = run_main("usage", used["name"], "--csv")
    header, row = result.out.splitlines()
    assert header.split(",") == [*COLUMNS, "error"]
    assert row.split(",")[:3] == [used["name"], used["meetingCode"], "1"]
    assert row.split(",")[4:7] == ["2", "15", "false"]


def test_stack_export_from_stdin(
    run_main: Run, stack: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO(stack["path"].read_text()))
    result = run_main("usage", "--from", "-", "--json")
    assert len(json.loads(result.out)) == 4


def test_bad_input_is_a_usage_error_or_a_clear_error(run_main: Run, tmp_path: Path) -> None:
    assert run_main("usage").code == 2
    assert run_main("usage", "spaces/abc", "--json", "--csv").code == 2
    missing = run_main("usage", "--from", str(tmp_path / "nope.json"))
    assert missing.code == 2 and "cannot open" in missing.err
    (tmp_path / "bad.json").write_text("not json")
    bad = run_main("usage", "--from", str(tmp_path / "bad.json"))
    assert bad.code == 1 and "pulumi stack export" in bad.err


def test_chart_draws_a_png(run_main: Run, rooms: Rooms, control: Control, tmp_path: Path) -> None:
    used, unused = rooms.create(), rooms.create()
    conference(control, used["name"], 2, 20, [DEVELOPER])
    chart = tmp_path / "use.png"
    result = run_main("usage", used["name"], unused["name"], "--chart", str(chart))
    assert result.code == 0, result.err
    assert chart.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert f"chart written to {chart}" in result.err


def test_chart_without_matplotlib_names_the_extra(
    cli: Run,
    rooms: Rooms,
    tmp_path: Path,
) -> None:
    # An environment where `import matplotlib` fails, as without the `chart` extra.
    blocker = tmp_path / "blocker" / "matplotlib"
    blocker.mkdir(parents=True)
    (blocker / "__init__.py").write_text("raise ImportError('no matplotlib here')\n")
    room = rooms.create()
    env = {"PYTHONPATH": f"{blocker.parent}:{Path(__file__).parents[2]}"}
    result = cli("usage", room["name"], "--chart", str(tmp_path / "x.png"), env=env)
    assert result.code == 1
    assert "pip install matplotlib" in result.err
    assert not (tmp_path / "x.png").exists()
