"""Fault rules name API methods: unknown names are refused, short and verb forms resolved."""

from __future__ import annotations

from typing import Any

import requests


def _put_faults(base: str, rules: list[dict[str, Any]]) -> requests.Response:
    return requests.put(f"{base}/emulator/v1/faults", json={"rules": rules}, timeout=10)


def test_a_fault_rule_naming_no_method_is_refused(emulator: Any) -> None:
    answer = _put_faults(emulator.base_url, [{"method": "nonsense.method", "status": 503}])
    assert answer.status_code == 400
    assert "Unknown method 'nonsense.method'" in answer.json()["error"]["message"]


def test_members_methods_may_be_named_without_the_spaces_prefix(emulator: Any) -> None:
    base = emulator.base_url
    answer = _put_faults(base, [{"method": "members.create", "status": 503}])
    assert answer.status_code == 200
    assert answer.json()["rules"][0]["method"] == "spaces.members.create"
    token = requests.post(
        f"{base}/emulator/v1/token", json={"email": "owner@example.com"}, timeout=10
    ).json()["access_token"]
    headers = {"Authorization": f"Bearer {token}"}
    space = requests.post(f"{base}/v2/spaces", json={}, headers=headers, timeout=10).json()
    member = requests.post(
        f"{base}/v2/{space['name']}/members",
        json={"email": "bob@example.com"},
        headers=headers,
        timeout=10,
    )
    assert member.status_code == 503


def test_http_verbs_still_work_in_any_case(emulator: Any) -> None:
    answer = _put_faults(emulator.base_url, [{"method": "get", "status": 500}])
    assert answer.status_code == 200
    assert answer.json()["rules"][0]["method"] == "GET"
