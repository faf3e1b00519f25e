"""``pulumi-meet conferences list|show``: a room's records (newest first, --since, --json in the
API's shape) and one record in full (participants, sessions, artifacts with their links)."""

from __future__ import annotations

import json
from collections.abc import Callable

from tests.cli.conftest import OWNER, Result, Rooms
from tests.cli.records_support import ago, conference
from tests.control import Control

Run = Callable[..., Result]
ARTIFACTS = {
    "artifactConfig": {
        "recordingConfig": {"autoRecordingGeneration": "ON"},
        "transcriptionConfig": {"autoTranscriptionGeneration": "ON"},
    }
}


def test_list_newest_first_and_json_in_the_apis_shape(
    run_main: Run,
    rooms: Rooms,
    control: Control,
) -> None:
    room = rooms.create()
    older = conference(control, room["name"], 5, 45, [OWNER])
    newer = conference(control, room["name"], 1, 90, [OWNER])
    table = run_main("conferences", "list", room["meetingCode"])
    assert table.code == 0
    lines = table.out.splitlines()
    assert lines[0].split() == ["RECORD", "START", "END", "DURATION"]
    assert newer in lines[1] and "1 h 30 min" in lines[1]
    assert older in lines[2] and "45 min" in lines[2]
    listed = json.loads(run_main("conferences", "list", room["name"], "--json").out)
    assert [r["name"] for r in listed] == [newer, older]
    assert set(listed[0]) == {"name", "startTime", "endTime", "expireTime", "space"}
    assert listed[0]["space"] == room["name"]
    since = json.loads(
        run_main("conferences", "list", room["name"], "--since", ago(3), "--json").out
    )
    assert [r["name"] for r in since] == [newer]


def test_list_of_an_empty_room_and_of_someone_elses(run_main: Run, rooms: Rooms) -> None:
    mine = rooms.create()
    assert "has no conference records" in run_main("conferences", "list", mine["name"]).out
    assert run_main("conferences", "list", mine["name"], "--json").out.strip() == "[]"
    theirs = rooms.create(owner="eve@example.com")
    refused = run_main("conferences", "list", theirs["name"])
    assert refused.code == 1
    assert "does not own" in refused.err and "--as" in refused.err


def test_show_participants_sessions_and_links(
    run_main: Run,
    rooms: Rooms,
    control: Control,
) -> None:
    room = rooms.create({"artifactConfig": ARTIFACTS["artifactConfig"]})
    answer = control.post(
        f"{room['name']}:startConference",
        {
            "startTime": ago(2),
            "participants": [
                {"user": OWNER, "leaveTime": ago(2, 20), "says": ["Good morning"]},
                {"anonymous": "Guest", "joinTime": ago(2, 5), "leaveTime": ago(2, 10)},
                {"anonymous": "Guest", "joinTime": ago(2, 12), "leaveTime": ago(2, 15)},
            ],
        },
    )
    record = answer["conferenceRecord"]
    shown = run_main("conferences", "show", record, "--entries")
    assert shown.code == 0, shown.err
    text = shown.out
    assert f"record      {record}" in text and f"space       {room['name']}" in text
    assert "participants (2):" in text and "Guest (anonymous)" in text
    assert text.count("    session ") == 3  # the guest joined twice
    assert "recordings (1, Drive links):" in text and "https://drive.google.com/file/d/" in text
    assert "transcripts (1, Docs links):" in text and "https://docs.google.com/document/d/" in text
    assert "Good morning" in text
    details = json.loads(run_main("conferences", "show", record.split("/")[1], "--json").out)
    assert details["conferenceRecord"]["name"] == record
    guest = next(p for p in details["participants"] if "anonymousUser" in p)
    assert len(guest["participantSessions"]) == 2
    assert details["recordings"][0]["driveDestination"]["exportUri"].startswith("https://drive")
    assert "transcriptEntries" not in details["transcripts"][0]
    assert details["smartNotes"] == []


def test_show_errors(run_main: Run) -> None:
    bad = run_main("conferences", "show", "conferenceRecords/a/b")
    assert bad.code == 2 and "conferenceRecords/<id>" in bad.err
    gone = run_main("conferences", "show", "conferenceRecords/nothing123")
    assert gone.code == 1
    assert "has expired" in gone.err and "meetings.space.readonly" in gone.err
