"""Google's generated ConferenceRecordsServiceClient (REST transport, integer enums) against the
emulator, unmodified: every one of the 14 methods, its pagers, filters and error mapping."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timezone

import pytest
from google.api_core import exceptions as core_exceptions
from google.apps import meet_v2
from google.oauth2.credentials import Credentials

from pulumi_meet.emulator import Emulator
from tests.control import Control
from tests.emulator.records_support import ALL_ARTIFACTS, OWNER, READERS, Meet, at, new_space

Client = meet_v2.ConferenceRecordsServiceClient
State = meet_v2.Recording.State


@pytest.fixture
def client_for(emulator: Emulator, control: Control) -> Callable[..., Client]:
    def build(email: str = OWNER, scopes: list[str] | None = None) -> Client:
        return Client(
            credentials=Credentials(control.token(email, scopes or READERS)),
            transport="rest",
            client_options={"api_endpoint": emulator.base_url},
        )

    return build


def _when(minutes: float) -> datetime:
    text = at(minutes).replace("Z", "+00:00")
    return datetime.fromisoformat(text).astimezone(timezone.utc)


def test_every_conference_records_method(
    client_for: Callable[..., Client], meet: Meet, control: Control, day: str
) -> None:
    space = new_space(meet, config=ALL_ARTIFACTS)
    answer = control.post(
        f"{space}:startConference",
        {
            "startTime": at(0),
            "endTime": at(60),
            "participants": [
                {"user": OWNER, "says": ["Welcome.", "Let us start."]},
                {"anonymous": "Visitor", "joinTime": at(5), "leaveTime": at(15)},
                {"phone": "+15551234567", "joinTime": at(10)},
            ],
        },
    )
    client = client_for()

    (record,) = client.list_conference_records()
    assert record.name == answer["conferenceRecord"] and record.space == space
    assert record.start_time == _when(0) and record.end_time == _when(60)
    assert record.expire_time == _when(60 + 30 * 24 * 60)
    assert client.get_conference_record(name=record.name) == record

    participants = list(client.list_participants(parent=record.name))
    assert [p.name for p in participants] == [answer["participants"][i] for i in (2, 1, 0)]
    phone, visitor, owner = participants
    assert owner.signedin_user.display_name == "Owner"
    assert owner.signedin_user.user.startswith("users/")
    assert visitor.anonymous_user.display_name == "Visitor"
    assert phone.phone_user.display_name == "+15******567"
    assert visitor.latest_end_time == _when(15)
    assert client.get_participant(name=owner.name) == owner

    (session,) = client.list_participant_sessions(parent=visitor.name)
    assert session.start_time == _when(5) and session.end_time == _when(15)
    assert client.get_participant_session(name=session.name) == session

    (recording,) = client.list_recordings(parent=record.name)
    assert recording.state == State.FILE_GENERATED
    assert recording.drive_destination.export_uri.endswith(
        f"/{recording.drive_destination.file}/view"
    )
    assert client.get_recording(name=recording.name) == recording

    (transcript,) = client.list_transcripts(parent=record.name)
    assert transcript.state == meet_v2.Transcript.State.FILE_GENERATED
    assert transcript.docs_destination.document
    assert client.get_transcript(name=transcript.name) == transcript

    entries = list(client.list_transcript_entries(parent=transcript.name))
    assert [e.text for e in entries] == ["Welcome.", "Let us start."]
    assert entries[0].participant == owner.name and entries[0].language_code == "en-US"
    assert client.get_transcript_entry(name=entries[1].name) == entries[1]

    (note,) = client.list_smart_notes(parent=record.name)
    assert note.state == meet_v2.SmartNote.State.FILE_GENERATED
    assert client.get_smart_note(name=note.name) == note


def test_pagers_filters_and_scopes(
    client_for: Callable[..., Client], meet: Meet, control: Control, day: str
) -> None:
    space = new_space(meet)
    for index in range(5):
        control.post(
            f"{space}:startConference",
            {"startTime": at(10 * index), "endTime": at(10 * index + 5), "participants": [OWNER]},
        )
    control.post(f"{space}:startConference", {"startTime": at(60), "participants": [OWNER]})
    for scopes in (["meetings.space.created"], ["meetings.space.readonly"]):
        client = client_for(OWNER, scopes)
        pager = client.list_conference_records(request={"page_size": 2})
        records = list(pager)
        assert len(records) == 6
        assert [r.start_time for r in records] == sorted(
            (r.start_time for r in records), reverse=True
        )
    running = list(client.list_conference_records(request={"filter": "end_time IS NULL"}))
    assert [r.start_time for r in running] == [_when(60)]
    window = f'start_time>="{at(10)}" AND start_time<="{at(30)}"'
    assert len(list(client.list_conference_records(request={"filter": window}))) == 3
    with pytest.raises(core_exceptions.BadRequest):
        list(client.list_conference_records(request={"filter": 'colour = "blue"'}))


def test_errors_map_to_the_clients_exceptions(
    client_for: Callable[..., Client], meet: Meet, control: Control, day: str
) -> None:
    space = new_space(meet)
    record = control.post(
        f"{space}:startConference", {"startTime": at(0), "endTime": at(5), "participants": [OWNER]}
    )["conferenceRecord"]
    with pytest.raises(core_exceptions.Forbidden) as hidden:
        client_for("stranger@example.com").get_conference_record(name=record)
    assert "ConferenceRecord (or it might not exist)" in hidden.value.message
    with pytest.raises(core_exceptions.NotFound):
        client_for().get_participant(name=f"{record}/participants/nobody")
    with pytest.raises(core_exceptions.Forbidden) as scope:
        client_for(OWNER, ["meetings.space.settings"]).list_recordings(parent=record)
    assert scope.value.reason == "ACCESS_TOKEN_SCOPE_INSUFFICIENT"
