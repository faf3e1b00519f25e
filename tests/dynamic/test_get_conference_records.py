"""``pulumi_meet.get_conference_records`` (the dynamic front-end's getConferenceRecords): called
by a program next to a ``Space`` the real dynamic host created, with the stack's ``meet:``
configuration; same result, pacing and errors as the plugin's function."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path

import pulumi
import pytest

import pulumi_meet as meet
from pulumi_meet.client.meet import reset_clients
from pulumi_meet.core import record_fields
from pulumi_meet.dynamic.records import ConferenceRecordSummary, GetConferenceRecordsResult
from tests.control import DEFAULT_USER, Control
from tests.engine import Engine, ProviderHost
from tests.provider.conftest import control, emulator  # noqa: F401 (fixtures)


@pytest.fixture
def engine(control: Control, tmp_path: Path) -> Iterator[Engine]:  # noqa: F811
    reset_clients()
    control.put("clock", {"now": "2030-01-01T00:00:00Z", "frozen": True})
    with ProviderHost({}, tmp_path) as host:
        yield Engine(host, config={"meet:emulatorHost": control.host_port})
    reset_clients()


def _program(since: str | None = None) -> None:
    room = meet.Space("standup")
    found = meet.get_conference_records_output(room.name, since=since)
    pulumi.export("space", found.apply(lambda r: r.space))
    pulumi.export("records", found.apply(lambda r: [dataclasses.asdict(x) for x in r.records]))


def test_a_program_reads_the_records_of_its_room(control: Control, engine: Engine) -> None:  # noqa: F811
    engine.up(_program)
    room = engine.resource("standup").id
    assert engine.exports == {"space": room, "records": []}
    control.put("clock", {"now": "2030-01-10T00:00:00Z", "frozen": True})
    answer = control.post(
        f"{room}:startConference",
        {
            "startTime": "2030-01-03T09:00:00Z",
            "endTime": "2030-01-03T09:45:00Z",
            "participants": [DEFAULT_USER, {"anonymous": "Guest"}],
        },
    )
    control.clear()
    assert [s.op for s in engine.up(_program)] == ["same"]
    assert engine.exports["records"] == [
        {
            "name": answer["conferenceRecord"],
            "start_time": "2030-01-03T09:00:00Z",
            "participant_count": 2,
            "end_time": "2030-01-03T09:45:00Z",
            "expire_time": "2030-02-02T09:45:00Z",
        }
    ]
    # `up` runs the program twice (preview, then update), as the engine does: three reads each.
    assert (
        control.methods()
        == [
            "spaces.get",
            "conferenceRecords.list",
            "conferenceRecords.participants.list",
        ]
        * 2
    )
    engine.up(lambda: _program(since="2030-01-04"))
    assert engine.exports["records"] == []


def test_errors_are_the_providers(control: Control, engine: Engine) -> None:  # noqa: F811
    engine.up(_program)
    room = engine.resource("standup").id
    with pytest.raises(meet.PermissionDenied, match=r"eve@example\.com does not own"):
        meet.get_conference_records(room, owner="eve@example.com")
    with pytest.raises(ValueError, match="RFC 3339"):
        meet.get_conference_records(room, since="yesterday")


def test_the_result_classes_follow_the_declared_rows() -> None:
    summary = {f.name for f in dataclasses.fields(ConferenceRecordSummary)}
    assert summary == {f.name for f in record_fields.SUMMARY_FIELDS}
    required = {
        f.name
        for f in dataclasses.fields(ConferenceRecordSummary)
        if f.default is dataclasses.MISSING
    }
    assert required == {f.name for f in record_fields.SUMMARY_FIELDS if f.required}
    result = {f.name for f in dataclasses.fields(GetConferenceRecordsResult)}
    assert result == {f.name for f in record_fields.FUNCTION_OUTPUTS}
