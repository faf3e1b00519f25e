"""conferenceRecords over the wire: shapes, order, who may read, scopes, apps, retention."""

from __future__ import annotations

import re

from tests.control import Control
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

DENIED = "Permission denied on resource ConferenceRecord (or it might not exist)"


def test_a_record_and_its_list_have_googles_shape(meet: Meet, control: Control, day: str) -> None:
    space = new_space(meet)
    record = past_conference(control, space, 0, 90)
    assert re.fullmatch(r"conferenceRecords/[A-Za-z0-9_-]{12}", record)
    expected = {
        "name": record,
        "startTime": at(0),
        "endTime": at(90),
        "expireTime": at(90 + 30 * 24 * 60),  # 30 days after the end
        "space": space,
    }
    reader = meet(OWNER, READERS)
    assert reader.get(record).json() == expected
    assert reader.get("conferenceRecords").json() == {"conferenceRecords": [expected]}


def test_a_running_conference_has_no_end_and_no_expire_time(
    meet: Meet, control: Control, day: str
) -> None:
    space = new_space(meet)
    record = conference(control, space, startTime=at(0), participants=[OWNER])
    view = meet(OWNER, READERS).get(record["conferenceRecord"]).json()
    assert set(view) == {"name", "startTime", "space"}


def test_list_is_newest_first_across_spaces(meet: Meet, control: Control, day: str) -> None:
    first, second = new_space(meet), new_space(meet)
    old = past_conference(control, first, 0, 10)
    middle = past_conference(control, second, 20, 30)
    new = past_conference(control, first, 40, 50)
    running = conference(control, second, startTime=at(60), participants=[OWNER])
    names = [r["name"] for r in meet(OWNER).get("conferenceRecords").json()["conferenceRecords"]]
    assert names == [running["conferenceRecord"], new, middle, old]


def test_owner_and_participants_read_a_record_strangers_do_not(
    meet: Meet, control: Control, day: str
) -> None:
    space = new_space(meet)
    answer = conference(
        control,
        space,
        startTime=at(0),
        endTime=at(30),
        participants=[OWNER, "guest@example.com", {"anonymous": "guest@example.com"}],
    )
    record, participant = answer["conferenceRecord"], answer["participants"][0]
    sessions = meet(OWNER).get(f"{participant}/participantSessions").json()
    session = sessions["participantSessions"][0]["name"]
    guest, stranger = meet("Guest@example.com", READERS), meet("nobody@example.com", READERS)
    artifacts = [f"{record}/{kind}" for kind in ("recordings", "transcripts", "smartNotes")]
    for path in (record, f"{record}/participants", participant, session, *artifacts):
        assert guest.get(path).status_code == 200, path
        error = api_error(stranger.get(path), 403, "PERMISSION_DENIED")
        assert error["message"] == DENIED
    # A participant reaches the record by get, but list shows the records of spaces one owns.
    assert guest.get("conferenceRecords").json() == {}
    assert stranger.get("conferenceRecords").json() == {}


def test_unknown_records_are_hidden_unknown_children_are_not_found(
    meet: Meet, control: Control, day: str
) -> None:
    record = past_conference(control, new_space(meet), 0, 10)
    reader = meet(OWNER, READERS)
    for path in ("conferenceRecords/nope", "conferenceRecords/nope/participants",
                 "conferenceRecords/nope/participants/x/participantSessions",
                 "conferenceRecords/nope/transcripts/t/entries/e"):  # fmt: skip
        assert api_error(reader.get(path), 403, "PERMISSION_DENIED")["message"] == DENIED
    for path in (f"{record}/participants/nope", f"{record}/participants/nope/participantSessions",
                 f"{record}/recordings/nope", f"{record}/transcripts/nope",
                 f"{record}/transcripts/nope/entries", f"{record}/smartNotes/nope"):  # fmt: skip
        api_error(reader.get(path), 404, "NOT_FOUND")
    api_error(reader.get(f"{record}/whatever"), 404, "NOT_FOUND")


def test_scopes_created_and_readonly_only(meet: Meet, control: Control, day: str) -> None:
    record = past_conference(control, new_space(meet), 0, 10)
    for scopes in (["meetings.space.created"], ["meetings.space.readonly"]):
        assert meet(OWNER, scopes).get(record).status_code == 200
    denied = meet(OWNER, ["meetings.space.settings"]).get(f"{record}/participants")
    error = api_error(denied, 403, "PERMISSION_DENIED")
    assert error["details"][0]["reason"] == "ACCESS_TOKEN_SCOPE_INSUFFICIENT"
    assert error["details"][0]["metadata"]["method"] == (
        "google.apps.meet.v2.ConferenceRecordsService.ListParticipants"
    )


def test_created_scope_reaches_only_records_of_the_apps_spaces(
    meet: Meet, control: Control, day: str
) -> None:
    response = meet(OWNER, app="other-app").post("spaces", json={})
    record = past_conference(control, response.json()["name"], 0, 10)
    hidden = meet(OWNER, ["meetings.space.created"])
    assert api_error(hidden.get(record), 403, "PERMISSION_DENIED")["message"] == DENIED
    assert hidden.get("conferenceRecords").json() == {}
    wide = meet(OWNER, ["meetings.space.readonly"])
    assert wide.get(record).status_code == 200
    assert len(wide.get("conferenceRecords").json()["conferenceRecords"]) == 1
    same_app = meet(OWNER, ["meetings.space.created"], app="other-app")
    assert same_app.get(record).status_code == 200


def test_a_record_is_gone_30_days_after_its_end_with_everything_under_it(
    meet: Meet, control: Control
) -> None:
    control.put("clock", {"now": at(100), "frozen": True})
    space = new_space(meet, config={"artifactConfig": {
        "transcriptionConfig": {"autoTranscriptionGeneration": "ON"}}})  # fmt: skip
    answer = conference(
        control, space, startTime=at(0), endTime=at(60),
        participants=[{"user": OWNER, "says": ["Bye."]}],
    )  # fmt: skip
    record, participant = answer["conferenceRecord"], answer["participants"][0]
    reader = meet(OWNER, READERS)
    transcript = reader.get(f"{record}/transcripts").json()["transcripts"][0]["name"]
    entry = reader.get(f"{transcript}/entries").json()["transcriptEntries"][0]["name"]
    assert reader.get(record).json()["expireTime"] == at(60 + 30 * 24 * 60)
    # From at(100) to a millisecond before the expiry: everything is still there.
    control.post("clock:advance", {"seconds": 30 * 86400 - 40 * 60 - 0.001})
    assert reader.get(entry).status_code == 200
    control.post("clock:advance", {"seconds": 0.001})
    for path in (record, participant, transcript, entry):
        assert api_error(reader.get(path), 403, "PERMISSION_DENIED")["message"] == DENIED
    assert reader.get("conferenceRecords").json() == {}
    # Gone, not hidden: moving the clock back does not bring it back.
    control.put("clock", {"now": at(100), "frozen": True})
    assert reader.get(record).status_code == 403


def test_participants_have_stable_user_ids_and_display_names(
    meet: Meet, control: Control, day: str
) -> None:
    first = conference(control, new_space(meet), participants=["ada@example.com"])
    second = conference(control, new_space(meet), participants=["ADA@example.com"])
    reader = meet(OWNER, READERS)
    one, two = (reader.get(a["participants"][0]).json() for a in (first, second))
    assert one["signedinUser"] == two["signedinUser"]
    assert re.fullmatch(r"users/\d{21}", one["signedinUser"]["user"])
    assert one["signedinUser"]["displayName"] == "Ada"


def test_totalsize_only_when_a_field_mask_asks_for_it(
    meet: Meet, control: Control, day: str
) -> None:
    people = [OWNER, "a@example.com", {"anonymous": "A"}, {"phone": "+15551234567"}]
    record = conference(control, new_space(meet), participants=people)["conferenceRecord"]
    reader = meet(OWNER, READERS)
    plain = reader.get(f"{record}/participants", params={"pageSize": 1}).json()
    assert set(plain) == {"participants", "nextPageToken"}
    masked = reader.get(
        f"{record}/participants",
        params={"pageSize": 1, "fields": "participants,nextPageToken,totalSize"},
    ).json()
    assert masked["totalSize"] == 4 and len(masked["participants"]) == 1
    everything = reader.get(f"{record}/participants", params={"fields": "*"}).json()
    assert everything["totalSize"] == 4
    params = {"fields": "totalSize", "filter": "latest_end_time IS NULL"}
    filtered = reader.get(f"{record}/participants", params=params).json()
    assert filtered == {"totalSize": 4}
