"""Recordings, transcripts, smart notes and entries: only where the space's artifact config
generates them, started by the owner or a co-host, with the Drive / Docs destinations."""

from __future__ import annotations

import re
from typing import Any

from tests.control import Control
from tests.emulator.records_support import (
    ALL_ARTIFACTS,
    NOW,
    OWNER,
    READERS,
    Meet,
    at,
    conference,
    new_space,
    past_conference,
)

KINDS = ("recordings", "transcripts", "smartNotes")


def _list(meet: Meet, path: str, **params: Any) -> dict[str, Any]:
    response = meet(OWNER, READERS).get(path, params=params)
    assert response.status_code == 200, response.text
    return dict(response.json())


def test_no_artifacts_without_artifact_config(meet: Meet, control: Control, day: str) -> None:
    record = past_conference(control, new_space(meet), 0, 60, [OWNER, "a@example.com"])
    for kind in KINDS:
        assert _list(meet, f"{record}/{kind}") == {}


def test_each_kind_only_where_its_switch_is_on(meet: Meet, control: Control, day: str) -> None:
    config = {"artifactConfig": {"recordingConfig": {"autoRecordingGeneration": "ON"}}}
    record = past_conference(control, new_space(meet, config=config), 0, 60)
    assert len(_list(meet, f"{record}/recordings")["recordings"]) == 1
    assert _list(meet, f"{record}/transcripts") == {} == _list(meet, f"{record}/smartNotes")


def test_file_generated_artifacts_have_their_destinations(
    meet: Meet, control: Control, day: str
) -> None:
    record = past_conference(control, new_space(meet, config=ALL_ARTIFACTS), 0, 60)
    (recording,) = _list(meet, f"{record}/recordings")["recordings"]
    assert recording["state"] == "FILE_GENERATED"
    assert (recording["startTime"], recording["endTime"]) == (at(0), at(60))
    drive = recording["driveDestination"]
    assert re.fullmatch(r"[A-Za-z0-9_-]{33}", drive["file"])
    assert drive["exportUri"] == f"https://drive.google.com/file/d/{drive['file']}/view"
    for kind in ("transcripts", "smartNotes"):
        (item,) = _list(meet, f"{record}/{kind}")[kind]
        docs = item["docsDestination"]
        assert docs["exportUri"] == f"https://docs.google.com/document/d/{docs['document']}/view"
        assert "driveDestination" not in item
        assert meet(OWNER, READERS).get(item["name"]).json() == item


def test_states_move_from_started_to_ended_to_file_generated(meet: Meet, control: Control) -> None:
    control.put("clock", {"now": at(0), "frozen": True})
    space = new_space(meet, config=ALL_ARTIFACTS)
    record = conference(control, space, participants=[OWNER])["conferenceRecord"]
    (started,) = _list(meet, f"{record}/recordings")["recordings"]
    assert started["state"] == "STARTED" and "endTime" not in started
    assert "driveDestination" not in started
    control.post("clock:advance", {"seconds": 600})
    control.post(f"{space}:endConference", {})
    control.post("clock:advance", {"seconds": 299})
    (ended,) = _list(meet, f"{record}/recordings")["recordings"]
    assert ended["state"] == "ENDED" and ended["endTime"] == at(10)
    assert "driveDestination" not in ended
    control.post("clock:advance", {"seconds": 1})  # five minutes after the end
    assert _list(meet, f"{record}/recordings")["recordings"][0]["state"] == "FILE_GENERATED"
    numbers = _list(meet, f"{record}/transcripts", **{"$alt": "json;enum-encoding=int"})
    assert numbers["transcripts"][0]["state"] == 3  # FILE_GENERATED's number


def test_only_the_owner_or_a_cohost_starts_them(meet: Meet, control: Control, day: str) -> None:
    space = new_space(meet, config=ALL_ARTIFACTS)
    guests = past_conference(control, space, 0, 30, ["guest@example.com", {"anonymous": "A"}])
    for kind in KINDS:
        assert _list(meet, f"{guests}/{kind}") == {}
    cohost = meet(OWNER).post(
        f"{space}/members", json={"email": "co@example.com", "role": "COHOST"}
    )
    assert cohost.status_code == 200
    meet(OWNER).post(f"{space}/members", json={"email": "plain@example.com"})
    plain = past_conference(control, space, 40, 50, ["plain@example.com"])
    assert _list(meet, f"{plain}/recordings") == {}
    people = ["guest@example.com", {"user": "co@example.com", "joinTime": at(70)}]
    with_cohost = past_conference(control, space, 60, 90, people)
    (recording,) = _list(meet, f"{with_cohost}/recordings")["recordings"]
    assert (recording["startTime"], recording["endTime"]) == (at(70), at(90))


def test_each_stretch_of_a_hosts_presence_is_one_artifact(
    meet: Meet, control: Control, day: str
) -> None:
    space = new_space(meet, config=ALL_ARTIFACTS)
    answer = conference(
        control,
        space,
        startTime=at(0),
        endTime=at(100),
        participants=[
            "guest@example.com",
            {"user": OWNER, "joinTime": at(10), "leaveTime": at(20)},
            {"user": OWNER, "joinTime": at(30), "leaveTime": at(40)},
            {"user": OWNER, "joinTime": at(35), "leaveTime": at(50)},  # a second device
        ],
    )
    record = answer["conferenceRecord"]
    for kind in KINDS:
        items = _list(meet, f"{record}/{kind}")[kind]
        spans = [(item["startTime"], item["endTime"]) for item in items]
        assert spans == [(at(10), at(20)), (at(30), at(50))], kind  # oldest first


def test_what_is_said_becomes_entries_of_the_running_transcript(
    meet: Meet, control: Control, day: str
) -> None:
    space = new_space(meet, config=ALL_ARTIFACTS)
    answer = conference(
        control,
        space,
        startTime=at(0),
        participants=[
            {"user": "guest@example.com", "says": ["Before anyone records."]},
            {"user": OWNER, "joinTime": at(1), "says": ["Hello.", {"text": "Hallo.",
                                                                   "languageCode": "de-DE"}]},
            {"phone": "+15551234567", "joinTime": at(2), "leaveTime": at(2.05),
             "says": ["One", "Two", "Three"]},
        ],
        endTime=at(30),
    )  # fmt: skip
    record = answer["conferenceRecord"]
    (transcript,) = _list(meet, f"{record}/transcripts")["transcripts"]
    entries = _list(meet, f"{transcript['name']}/entries")["transcriptEntries"]
    assert [(e["text"], e["languageCode"]) for e in entries] == [
        ("Hello.", "en-US"), ("Hallo.", "de-DE"), ("One", "en-US"), ("Two", "en-US"),
        ("Three", "en-US"),
    ]  # fmt: skip
    _, owner, phone = answer["participants"]
    assert [e["participant"] for e in entries] == [owner, owner, phone, phone, phone]
    assert (entries[0]["startTime"], entries[0]["endTime"]) == (at(1), "2030-01-01T09:01:05Z")
    # Three lines in a three-second session: a second each.
    assert [e["startTime"][-3:] for e in entries[2:]] == ["00Z", "01Z", "02Z"]
    assert meet(OWNER, READERS).get(entries[1]["name"]).json() == entries[1]


def test_artifacts_of_a_conference_still_running_at_the_clock(
    meet: Meet, control: Control, day: str
) -> None:
    space = new_space(meet, config=ALL_ARTIFACTS)
    record = conference(control, space, participants=[OWNER])["conferenceRecord"]
    (note,) = _list(meet, f"{record}/smartNotes")["smartNotes"]
    assert note["state"] == "STARTED" and note["startTime"].startswith(NOW[:13])
