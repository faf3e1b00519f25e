"""``pulumi-meet discover --users FILE``: the rooms in the users' conference records, managed
ones marked, the others written as a CSV that ``adopt --from`` accepts."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from tests.cli.conftest import Result, Rooms
from tests.cli.records_support import conference, plugin_room, write_export
from tests.control import Control

Run = Callable[..., Result]
ALICE, BOB = "alice@example.com", "bob@example.com"


def test_an_unmanaged_room_two_users_met_in_becomes_an_adopt_csv(
    run_main: Run,
    rooms: Rooms,
    control: Control,
    tmp_path: Path,
) -> None:
    unmanaged = rooms.create(owner=ALICE)  # made in the Meet app, say: no stack knows it
    conference(control, unmanaged["name"], 3, 30, [ALICE, BOB])
    conference(control, unmanaged["name"], 1, 30, [ALICE, BOB])
    managed = rooms.create(owner=BOB)
    conference(control, managed["name"], 2, 15, [BOB, ALICE])
    rooms.create(owner=ALICE)  # never used: no record names it, discover cannot see it
    users = tmp_path / "users.txt"
    users.write_text(f"# the team\n{ALICE}\n\n{BOB.upper()}\n{ALICE}\n")
    export = write_export(tmp_path / "stack.json", [plugin_room(managed, BOB)])

    table = run_main("discover", "--users", str(users), "--managed", str(export))
    assert table.code == 0, table.err
    assert f"{ALICE}: 1 room(s)" in table.out and f"{BOB}: 1 room(s)" in table.out
    line = next(x for x in table.out.splitlines() if unmanaged["name"] in x)
    assert unmanaged["meetingCode"] in line and ALICE in line and "UNMANAGED" in line
    assert "2 conference(s)" in line
    assert "2 distinct room(s) seen, 1 managed, 1 unmanaged" in table.out

    found = json.loads(
        run_main("discover", "--users", str(users), "--managed", str(export), "--json").out
    )
    assert [u["user"] for u in found] == [ALICE, BOB]
    (seen,) = found[0]["spaces"]
    assert seen["space"] == unmanaged["name"] and seen["owner"] == ALICE
    assert seen["managed"] is False and seen["conferences"] == 2
    assert found[1]["spaces"][0]["managed"] is True

    written = run_main("discover", "--users", str(users), "--managed", str(export), "--csv")
    assert written.out.splitlines() == ["space,owner", f"{unmanaged['name']},{ALICE}"]
    csv_file = tmp_path / "rooms.csv"
    csv_file.write_text(written.out)
    adopted = run_main("adopt", "--from", str(csv_file))
    assert adopted.code == 0, adopted.err
    assert unmanaged["name"] in adopted.out or unmanaged["meetingCode"] in adopted.out


def test_a_user_whose_records_cannot_be_read_is_a_row(
    run_main: Run, control: Control, tmp_path: Path
) -> None:
    users = tmp_path / "users.txt"
    users.write_text("not-an-address\n")
    result = run_main("discover", "--users", str(users))
    assert result.code == 1
    assert "not-an-address: cannot read:" in result.out
    users.write_text(f"{ALICE}\n")
    control.faults({"method": "conferenceRecords.list", "status": 403})
    refused = run_main("discover", "--users", str(users), "--json")
    assert refused.code == 1
    (row,) = json.loads(refused.out)
    assert row["user"] == ALICE and row["spaces"] == [] and "403" in row["error"]


def test_usage_errors(run_main: Run, tmp_path: Path) -> None:
    assert run_main("discover").code == 2
    empty = tmp_path / "empty.txt"
    empty.write_text("# nobody\n")
    assert run_main("discover", "--users", str(empty)).code == 2
    assert run_main("discover", "--users", "-", "--managed", "-").code == 2
