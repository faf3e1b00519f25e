"""``meet:index:getConferenceRecords`` through the plugin's process (Invoke as the engine sends
it): records newest first with their participant counts, ``since``, paced reads, errors."""

from __future__ import annotations

import pytest

from pulumi_meet.plugin.records import GET_CONFERENCE_RECORDS
from pulumi_meet.plugin.schema import SPACE
from tests.control import DEFAULT_USER, Control
from tests.plugin.host import PluginError, PluginHost, urn

ROOM = urn(SPACE, "standup")
NOW = "2030-01-10T00:00:00Z"


def _room(plugin: PluginHost) -> str:
    checked, _ = plugin.check(ROOM, {}, {})
    id_, _outputs = plugin.create(ROOM, checked)
    return id_


def _conference(control: Control, space: str, start: str, end: str, people: list[object]) -> str:
    answer = control.post(
        f"{space}:startConference", {"startTime": start, "endTime": end, "participants": people}
    )
    return str(answer["conferenceRecord"])


@pytest.fixture
def room(control: Control, plugin: PluginHost) -> str:
    control.put("clock", {"now": "2030-01-01T00:00:00Z", "frozen": True})
    space = _room(plugin)
    control.put("clock", {"now": NOW, "frozen": True})
    return space


def test_records_newest_first_with_participant_counts(
    control: Control, plugin: PluginHost, room: str
) -> None:
    first = _conference(
        control, room, "2030-01-02T09:00:00Z", "2030-01-02T09:30:00Z", [DEFAULT_USER]
    )
    people = [DEFAULT_USER, "bob@example.com", {"anonymous": "Guest"}, {"phone": "+14155550123"}]
    second = _conference(control, room, "2030-01-05T09:00:00Z", "2030-01-05T10:00:00Z", people)
    control.clear()

    returned, failures = plugin.invoke(GET_CONFERENCE_RECORDS, {"space": room})
    assert failures == []
    assert returned["space"] == room
    assert [r["name"] for r in returned["records"]] == [second, first]
    newest = returned["records"][0]
    assert newest["startTime"] == "2030-01-05T09:00:00Z"
    assert newest["endTime"] == "2030-01-05T10:00:00Z"
    assert newest["expireTime"] == "2030-02-04T10:00:00Z"
    assert [r["participantCount"] for r in returned["records"]] == [4, 1]
    # One get, one page of records, one participants count per record: all read quota.
    assert control.methods() == [
        "spaces.get",
        "conferenceRecords.list",
        "conferenceRecords.participants.list",
        "conferenceRecords.participants.list",
    ]
    listed = control.calls()[1]["query"]
    assert listed["filter"] == f'space.name = "{room}"'
    assert listed["pageSize"] == "100"


def test_since_and_a_meeting_code(control: Control, plugin: PluginHost, room: str) -> None:
    _conference(control, room, "2030-01-02T09:00:00Z", "2030-01-02T09:30:00Z", [DEFAULT_USER])
    late = _conference(
        control, room, "2030-01-05T09:00:00Z", "2030-01-05T09:10:00Z", [DEFAULT_USER]
    )
    code = control.as_user(DEFAULT_USER, "GET", f"/v2/{room}")["meetingCode"]
    for since in ("2030-01-03", "2030-01-03T00:00:00+01:00"):
        returned, failures = plugin.invoke(
            GET_CONFERENCE_RECORDS, {"space": code.upper(), "since": since}
        )
        assert failures == []
        assert returned["space"] == room
        assert [r["name"] for r in returned["records"]] == [late]
    returned, _ = plugin.invoke(GET_CONFERENCE_RECORDS, {"space": room, "since": "2030-02-01"})
    assert returned["records"] == []


def test_bad_arguments_are_failures_before_any_call(
    control: Control, plugin: PluginHost, room: str
) -> None:
    control.clear()
    _, failures = plugin.invoke(
        GET_CONFERENCE_RECORDS,
        {"space": "not a room", "since": "last tuesday", "owner": "nobody", "colour": "x"},
    )
    assert sorted(p for p, _ in failures) == ["colour", "owner", "since", "space"]
    reasons = dict(failures)
    assert "RFC 3339" in reasons["since"] and "2030-01-01" in reasons["since"]
    assert control.methods() == []


def test_a_room_of_someone_else_is_refused_with_whom_to_act_as(
    control: Control, plugin: PluginHost, room: str
) -> None:
    with pytest.raises(PluginError) as refused:
        plugin.invoke(GET_CONFERENCE_RECORDS, {"space": room, "owner": "eve@example.com"})
    assert refused.value.code.name == "PERMISSION_DENIED"
    assert "eve@example.com does not own" in refused.value.details
    assert "owner" in refused.value.details
    # As the owner, named explicitly, it works.
    returned, _ = plugin.invoke(GET_CONFERENCE_RECORDS, {"space": room, "owner": DEFAULT_USER})
    assert returned["records"] == []


def test_reads_wait_for_the_read_quota_instead_of_failing(
    control: Control, start_plugin: object, room: str
) -> None:
    for day in range(2, 6):
        _conference(
            control, room, f"2030-01-0{day}T09:00:00Z", f"2030-01-0{day}T09:05:00Z", [DEFAULT_USER]
        )
    # Three reads per 2 s for the user: the function's six reads must wait, not meet a 429.
    control.put("quotas", {"windowSeconds": 2, "perUser": {"read": 3}})
    assert callable(start_plugin)
    paced: PluginHost = start_plugin()
    paced.configure(
        {
            "emulatorHost": control.host_port,
            "readsPerMinute": "3",
            "quotaWindowSeconds": "2",
        }
    )
    control.clear()
    returned, _ = paced.invoke(GET_CONFERENCE_RECORDS, {"space": room})
    assert len(returned["records"]) == 4
    statuses = [c["status"] for c in control.calls()]
    assert statuses == [200] * 6
