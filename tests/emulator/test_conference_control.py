"""The control API's conferences: who joins and leaves when, sessions, and the refusals."""

from __future__ import annotations

from typing import Any

import pytest

from tests.control import Control
from tests.emulator.records_support import (
    NOW,
    OWNER,
    READERS,
    Meet,
    at,
    conference,
    control_error,
    new_space,
)


def _reader(meet: Meet) -> Any:
    return meet(OWNER, READERS)


def _sessions(meet: Meet, participant: str) -> list[dict[str, Any]]:
    answer = _reader(meet).get(f"{participant}/participantSessions").json()
    return list(answer.get("participantSessions", []))


def test_todays_body_still_starts_a_conference_of_signed_in_users(
    meet: Meet, control: Control, day: str
) -> None:
    space = new_space(meet)
    answer = conference(control, space, participants=["Ada.Lovelace@example.com"])
    record = _reader(meet).get(answer["conferenceRecord"]).json()
    assert record["startTime"].startswith(NOW[:15])  # the clock's now (it runs on from NOW)
    (participant,) = answer["participants"]
    fetched = _reader(meet).get(participant).json()
    assert fetched["signedinUser"]["displayName"] == "Ada Lovelace"
    assert fetched["signedinUser"]["user"].startswith("users/")
    assert "latestEndTime" not in fetched  # still there
    (session,) = _sessions(meet, participant)
    assert "endTime" not in session


def test_joins_with_times_and_every_kind_of_joiner(meet: Meet, control: Control, day: str) -> None:
    space = new_space(meet)
    answer = conference(
        control,
        space,
        startTime=at(0),
        participants=[
            {"user": "bob@example.com", "displayName": "Robert", "joinTime": at(5)},
            {"anonymous": "Visitor", "joinTime": at(1), "leaveTime": at(20)},
            {"phone": "+442071234567", "joinTime": at(2), "leaveTime": at(3)},
            OWNER,  # no joinTime: joins at the start of a conference started by this call
        ],
    )
    bob, visitor, phone, owner = (_reader(meet).get(p).json() for p in answer["participants"])
    assert bob["signedinUser"]["displayName"] == "Robert"
    assert bob["earliestStartTime"] == at(5)
    assert visitor["anonymousUser"] == {"displayName": "Visitor"}
    assert visitor["latestEndTime"] == at(20)
    assert phone["phoneUser"] == {"displayName": "+44*******567"}
    assert owner["earliestStartTime"] == at(0)
    for view in (bob, visitor, phone, owner):
        assert sum(key in view for key in ("signedinUser", "anonymousUser", "phoneUser")) == 1


def test_each_join_is_a_new_session_of_the_same_participant(
    meet: Meet, control: Control, day: str
) -> None:
    space = new_space(meet)
    first = conference(
        control,
        space,
        startTime=at(0),
        participants=[
            {"user": "bob@example.com", "leaveTime": at(10)},
            {"user": "BOB@example.com", "joinTime": at(15), "leaveTime": at(25)},
            OWNER,
        ],
    )
    again = conference(control, space, participants=["bob@example.com"])  # joins now
    assert first["participants"][0] == first["participants"][1] == again["participants"][0]
    sessions = _sessions(meet, first["participants"][0])
    assert len(sessions) == 3 and len({s["name"] for s in sessions}) == 3
    bob = _reader(meet).get(first["participants"][0]).json()
    assert bob["earliestStartTime"] == at(0) and "latestEndTime" not in bob


def test_leaving_closes_sessions_and_the_last_one_out_ends_the_conference(
    meet: Meet, control: Control, day: str
) -> None:
    space = new_space(meet)
    answer = conference(
        control, space, startTime=at(0), participants=[OWNER, {"anonymous": "Guest"}]
    )
    left = control.post(f"{space}:leaveConference", {"participants": [OWNER], "leaveTime": at(30)})
    assert left == {"conferenceRecord": answer["conferenceRecord"], "ended": False}
    owner = _reader(meet).get(answer["participants"][0]).json()
    assert owner["latestEndTime"] == at(30)
    assert "endTime" not in _reader(meet).get(answer["conferenceRecord"]).json()
    last = control.post(
        f"{space}:leaveConference", {"participants": [{"anonymous": "Guest"}], "leaveTime": at(45)}
    )
    assert last["ended"] is True
    record = _reader(meet).get(answer["conferenceRecord"]).json()
    assert record["endTime"] == at(45)
    assert "activeConference" not in _reader(meet).get(space).json()


def test_everyone_having_left_in_the_body_ends_the_conference(
    meet: Meet, control: Control, day: str
) -> None:
    space = new_space(meet)
    answer = conference(
        control, space, participants=[{"user": OWNER, "joinTime": at(0), "leaveTime": at(50)}]
    )
    record = _reader(meet).get(answer["conferenceRecord"]).json()
    assert (record["startTime"], record["endTime"]) == (at(0), at(50))


def test_ending_at_a_given_time_closes_every_open_session(
    meet: Meet, control: Control, day: str
) -> None:
    space = new_space(meet)
    answer = conference(control, space, startTime=at(0), participants=[OWNER, "x@example.com"])
    assert control.post(f"{space}:endConference", {"endTime": at(60)}) == {}
    for participant in answer["participants"]:
        assert _reader(meet).get(participant).json()["latestEndTime"] == at(60)
    assert control.post(f"{space}:endConference", {}) == {}  # nothing left to end


def test_end_active_conference_ends_sessions_at_the_clock(
    meet: Meet, control: Control, day: str
) -> None:
    space = new_space(meet)
    control.put("clock", {"now": NOW, "frozen": True})
    answer = conference(control, space, participants=[OWNER])
    assert meet(OWNER).post(f"{space}:endActiveConference", json={}).status_code == 200
    (session,) = _sessions(meet, answer["participants"][0])
    assert session["endTime"] == NOW


@pytest.mark.parametrize(
    ("body", "field", "words"),
    [
        ({"participants": [{"user": OWNER, "joinTime": "2030-01-03T00:00:00Z"}]},
         "participants[0].joinTime", "in the future"),
        ({"startTime": at(10), "participants": [{"user": OWNER, "joinTime": at(5)}]},
         "participants", "before the conference started"),
        ({"participants": [{"user": OWNER, "joinTime": at(5), "leaveTime": at(1)}]},
         "participants[0].leaveTime", "before joinTime"),
        ({"participants": [{"phone": "555-1234"}]}, "participants[0].phone", "E.164"),
        ({"participants": [{"anonymous": "A", "displayName": "B"}]},
         "participants[0].displayName", "signed-in"),
        ({"participants": [{"user": OWNER, "anonymous": "A"}]}, "participants[0]", "one of"),
        ({"participants": [{"anonymous": ""}]}, "participants[0].anonymous", "non-empty"),
        ({"participants": [{"user": "not-an-address"}]}, "participants[0].user", "e-mail"),
        ({"participants": [{"user": OWNER, "says": [{"text": "hi", "languageCode": "??"}]}]},
         "participants[0].says[0].languageCode", "BCP 47"),
        ({"participants": [{"user": OWNER, "volume": 3}]}, "volume", "Unknown name"),
        ({"startTime": "yesterday"}, "startTime", "RFC 3339"),
    ],
)  # fmt: skip
def test_bad_start_bodies_are_refused_naming_the_field(
    meet: Meet, control: Control, day: str, body: dict[str, Any], field: str, words: str
) -> None:
    space = new_space(meet)
    error = control_error(control, "POST", f"{space}:startConference", body)
    assert error["status"] == "INVALID_ARGUMENT"
    violation = error["details"][0]["fieldViolations"][0]
    assert violation["field"] == field and words in violation["description"]
    assert meet(OWNER, READERS).get("conferenceRecords").json() == {}  # nothing was started


def test_conferences_of_a_space_follow_one_another(meet: Meet, control: Control, day: str) -> None:
    space = new_space(meet)
    conference(control, space, startTime=at(0), endTime=at(60), participants=[OWNER])
    overlap = control_error(control, "POST", f"{space}:startConference", {"startTime": at(30)})
    assert "previous conference" in overlap["message"]
    conference(control, space, startTime=at(61), participants=[OWNER])
    running = control_error(control, "POST", f"{space}:startConference", {"startTime": at(62)})
    assert "startTime only starts a new one" in running["message"]


def test_leave_and_end_refusals(meet: Meet, control: Control, day: str) -> None:
    space = new_space(meet)
    nobody = control_error(control, "POST", f"{space}:leaveConference", {"participants": [OWNER]})
    assert nobody["status"] == "FAILED_PRECONDITION"
    conference(control, space, startTime=at(0), participants=[{"user": OWNER, "joinTime": at(10)}])
    stranger = control_error(
        control, "POST", f"{space}:leaveConference", {"participants": ["x@example.com"]}
    )
    assert (
        stranger["status"] == "FAILED_PRECONDITION"
        and "not in the conference" in (stranger["message"])
    )
    early = control_error(
        control, "POST", f"{space}:leaveConference", {"participants": [OWNER], "leaveTime": at(5)}
    )
    assert early["status"] == "INVALID_ARGUMENT"
    too_soon = control_error(control, "POST", f"{space}:endConference", {"endTime": at(5)})
    assert "before the last join" in too_soon["message"]
    empty = control_error(control, "POST", f"{space}:leaveConference", {"participants": []})
    assert empty["status"] == "INVALID_ARGUMENT"
    unknown = control_error(control, "POST", "spaces/nope:leaveConference", {})
    assert unknown["status"] == "NOT_FOUND"
