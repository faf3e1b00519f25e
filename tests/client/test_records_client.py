"""The client's conference-record reads against the emulator: methods and scopes as the
discovery document says, READ pacing, every page followed, the scope to add, typed errors."""

from __future__ import annotations

from typing import Any

import pytest

from pulumi_meet.client.meet import get_client
from pulumi_meet.client.records import RECORD_METHODS, record_name
from pulumi_meet.emulator import Emulator
from pulumi_meet.exceptions import PermissionDenied, ScopeInsufficient
from pulumi_meet.pacing.quota import READ
from tests.client.conftest import emulator_settings
from tests.control import DEFAULT_USER, Control


def test_the_methods_match_the_discovery_document(meet_discovery: dict[str, Any]) -> None:
    discovery = meet_discovery
    documented: dict[str, dict[str, object]] = {}

    def walk(prefix: str, resource: dict[str, object]) -> None:
        for name, method in (resource.get("methods") or {}).items():  # type: ignore[attr-defined]
            documented[f"{prefix}.{name}"] = method
        for name, child in (resource.get("resources") or {}).items():  # type: ignore[attr-defined]
            walk(f"{prefix}.{name}", child)

    walk("conferenceRecords", discovery["resources"]["conferenceRecords"])
    for method in RECORD_METHODS:
        entry = documented[method.id]
        assert entry["httpMethod"] == method.verb == "GET", method.id
        assert set(method.scopes) == set(entry["scopes"]), method.id  # type: ignore[arg-type]
        assert method.bucket is READ
        assert method.scopes[0].endswith("meetings.space.readonly")  # the one to suggest


def test_every_page_is_followed_at_the_largest_size(emulator: Emulator, control: Control) -> None:
    client = get_client(emulator_settings(emulator))
    space = client.create_space({})["name"]
    control.put("clock", {"now": "2030-01-02T00:00:00Z", "frozen": True})
    made = []
    for index in range(103):
        answer = control.post(
            f"{space}:startConference",
            {
                "startTime": f"2030-01-01T00:{index // 60:02d}:{index % 60:02d}Z",
                "endTime": f"2030-01-01T00:{index // 60:02d}:{index % 60:02d}.5Z",
                "participants": [DEFAULT_USER],
            },
        )
        made.append(answer["conferenceRecord"])
    control.clear()
    records = list(client.iter_conference_records(f'space.name = "{space}"'))
    assert [r["name"] for r in records] == made[::-1]  # newest first, none twice
    calls = control.calls()
    assert [c["apiMethod"] for c in calls] == ["conferenceRecords.list"] * 2
    assert calls[0]["query"]["pageSize"] == "100"
    assert calls[1]["query"]["pageToken"]
    assert client.count_participants(made[0]) == 1


def test_a_token_without_a_records_scope_is_told_which_to_add(
    emulator: Emulator, control: Control
) -> None:
    client = get_client(emulator_settings(emulator, scopes="meetings.space.settings"))
    with pytest.raises(ScopeInsufficient) as refused:
        list(client.iter_conference_records())
    assert refused.value.scope.endswith("meetings.space.readonly")
    assert "Add `meetings.space.readonly`" in str(refused.value)


def test_an_unknown_record_is_permission_denied_with_what_it_can_mean(
    emulator: Emulator, control: Control
) -> None:
    client = get_client(emulator_settings(emulator))
    with pytest.raises(PermissionDenied) as refused:
        client.get_conference_record("conferenceRecords/unknown")
    message = str(refused.value)
    assert "expired" in message and "owner" in message and "meetings.space.readonly" in message
    assert refused.value.method == "conferenceRecords.get"


def test_record_names() -> None:
    assert record_name("abc-DEF_1") == "conferenceRecords/abc-DEF_1"
    assert record_name(" conferenceRecords/x1 ") == "conferenceRecords/x1"
    for bad in ("", "conferenceRecords/", "conferenceRecords/a/b", "a b", "../x"):
        with pytest.raises(ValueError, match="conferenceRecords/<id>"):
            record_name(bad)
