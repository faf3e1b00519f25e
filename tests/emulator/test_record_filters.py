"""The ``filter`` of conferenceRecords.list, participants.list and participantSessions.list:
every documented field and form, and a 400 for anything else."""

from __future__ import annotations

import pytest

from tests.control import Control, MeetHttp
from tests.emulator.records_support import (
    OWNER,
    READERS,
    Meet,
    api_error,
    at,
    conference,
    new_space,
    past_conference,
)


@pytest.fixture
def three(meet: Meet, control: Control, day: str) -> dict[str, str]:
    """Two spaces: an early and a late conference in the first, a running one in the second."""
    first, second = new_space(meet), new_space(meet)
    early = past_conference(control, first, 0, 60)
    late = past_conference(control, first, 600, 700)  # 19:00 to 20:40
    running = conference(control, second, startTime=at(120), participants=[OWNER])
    codes = {s["name"]: s["meetingCode"] for s in control.spaces()}
    return {
        "first": first,
        "second": second,
        "code": codes[first],
        "early": early,
        "late": late,
        "running": running["conferenceRecord"],
    }


def _names(caller: MeetHttp, path: str, text: str) -> list[str]:
    response = caller.get(path, params={"filter": text})
    assert response.status_code == 200, response.text
    key = {"conferenceRecords": "conferenceRecords"}.get(path, path.rsplit("/", 1)[-1])
    return [item["name"] for item in response.json().get(key, [])]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('space.name = "{first}"', ["late", "early"]),
        ('space.name != "{first}"', ["running"]),
        ('space.meeting_code = "{code}"', ["late", "early"]),
        ('space.meeting_code = "{CODE}"', ["late", "early"]),  # codes are case-insensitive
        ('start_time>="2030-01-01T00:00:00.000Z" AND start_time<="2030-01-01T10:00:00.000Z"',
         ["early"]),
        ('start_time > "2030-01-01T10:00:00+01:00"', ["late", "running"]),  # 09:00 UTC
        ('end_time IS NULL', ["running"]),
        ('end_time IS NOT NULL', ["late", "early"]),
        ('end_time < "2030-01-01T12:00:00Z"', ["early"]),
        ('NOT end_time IS NULL AND space.name = "{first}"', ["late", "early"]),
        ('(end_time IS NULL OR start_time < "2030-01-01T09:30:00Z")', ["running", "early"]),
        ('space.name = "spaces/{code}"', []),  # only the spaces/{id} form names a space
        ("", ["late", "running", "early"]),  # newest start first
    ],
)  # fmt: skip
def test_conference_record_filters(
    meet: Meet, three: dict[str, str], text: str, expected: list[str]
) -> None:
    query = text.format(first=three["first"], code=three["code"], CODE=three["code"].upper())
    names = _names(meet(OWNER, READERS), "conferenceRecords", query)
    assert names == [three[key] for key in expected]


def test_participant_and_session_filters(meet: Meet, control: Control, day: str) -> None:
    space = new_space(meet)
    answer = conference(
        control,
        space,
        startTime=at(0),
        participants=[
            {"user": OWNER, "joinTime": at(0), "leaveTime": at(10)},
            {"user": OWNER, "joinTime": at(20)},
            {"anonymous": "Early", "joinTime": at(1), "leaveTime": at(5)},
            {"phone": "+15551234567", "joinTime": at(30), "leaveTime": at(40)},
        ],
    )
    record = answer["conferenceRecord"]
    owner, _, early, phone = answer["participants"]
    reader = meet(OWNER, READERS)
    participants = f"{record}/participants"
    assert _names(reader, participants, "latest_end_time IS NULL") == [owner]
    assert _names(reader, participants, "latest_end_time IS NOT NULL") == [phone, early]
    assert _names(reader, participants, f'earliest_start_time >= "{at(1)}"') == [phone, early]
    assert _names(reader, participants, f'latest_end_time <= "{at(5)}"') == [early]
    sessions = f"{owner}/participantSessions"
    open_session = _names(reader, sessions, "end_time IS NULL")
    closed = _names(reader, sessions, f'end_time = "{at(10)}"')
    assert len(open_session) == len(closed) == 1 and open_session != closed
    assert _names(reader, sessions, f'start_time < "{at(20)}"') == closed
    assert _names(reader, sessions, "") == open_session + closed  # newest first


@pytest.mark.parametrize(
    ("path", "text", "words"),
    [
        ("conferenceRecords", 'space.id = "x"', "unknown field 'space.id'"),
        ("conferenceRecords", 'earliest_start_time IS NULL', "unknown field"),
        ("conferenceRecords", "end_time IS NUL", "expected NULL"),
        ("conferenceRecords", "end_time is null", "keywords are upper case"),
        ("conferenceRecords", 'start_time > "last week"', "not an RFC 3339 time"),
        ("conferenceRecords", "start_time > 2030-01-01T00:00:00Z", "unexpected character"),
        ("conferenceRecords", 'space.name < "spaces/a"', "only be compared with = or !="),
        ("conferenceRecords", '(end_time IS NULL', "missing ')'"),
        ("conferenceRecords", 'end_time IS NULL AND', "expected a field name"),
        ("conferenceRecords", 'end_time IS NULL end_time IS NULL', "unexpected 'end_time'"),
        ("conferenceRecords", 'space.name = spaces/a', "unexpected character '/'"),
        ("{record}/participants", 'start_time IS NULL', "unknown field 'start_time'"),
        ("{participant}/participantSessions", 'latest_end_time IS NULL', "unknown field"),
    ],
)  # fmt: skip
def test_anything_else_is_a_400_naming_the_problem(
    meet: Meet, control: Control, day: str, path: str, text: str, words: str
) -> None:
    answer = conference(control, new_space(meet), participants=[OWNER])
    target = path.format(record=answer["conferenceRecord"], participant=answer["participants"][0])
    error = api_error(meet(OWNER, READERS).get(target, params={"filter": text}), 400,
                      "INVALID_ARGUMENT")  # fmt: skip
    assert words in error["message"]
    assert error["details"][0]["fieldViolations"][0]["field"] == "filter"


def test_lists_without_a_filter_parameter_refuse_one(
    meet: Meet, control: Control, day: str
) -> None:
    record = past_conference(control, new_space(meet), 0, 10)
    for kind in ("recordings", "transcripts", "smartNotes"):
        error = api_error(
            meet(OWNER, READERS).get(f"{record}/{kind}", params={"filter": "end_time IS NULL"}),
            400,
            "INVALID_ARGUMENT",
        )
        assert "Cannot bind query parameter" in error["message"]
