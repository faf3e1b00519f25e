"""Fault injection: each kind of fault, matching, counting, and what it does not touch."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import pytest
import requests

from pulumi_meet.emulator import Emulator
from tests.control import Control, MeetHttp

Meet = Callable[..., MeetHttp]


def _spaces(control: Control) -> list[dict]:
    return list(control.get("spaces")["spaces"])


def _post_space(emulator: Emulator, token: str) -> requests.Response:
    """One request on a fresh connection (a dropped keep-alive connection is not reused)."""
    return requests.post(
        f"{emulator.base_url}/v2/spaces",
        json={},
        headers={"Authorization": f"Bearer {token}", "Connection": "close"},
        timeout=5,
    )


def test_status_fault_answers_googles_envelope_for_its_times(meet: Meet, control: Control) -> None:
    control.put("faults", {"rules": [{"method": "spaces.create", "status": 503, "times": 2}]})
    owner = meet("owner@example.com")
    first = owner.post("spaces", json={})
    assert first.status_code == 503
    assert first.json()["error"]["status"] == "UNAVAILABLE"
    assert control.get("faults") == {
        "rules": [{"method": "spaces.create", "status": 503, "times": 1}]
    }
    assert owner.post("spaces", json={}).status_code == 503
    assert owner.post("spaces", json={}).status_code == 200
    assert control.get("faults") == {"rules": []}
    assert len(_spaces(control)) == 1  # the faulted requests did nothing
    statuses = [entry["status"] for entry in control.get("requests")["requests"]]
    assert statuses == [503, 503, 200]


@pytest.mark.parametrize(
    ("status", "canonical"),
    [
        (429, "RESOURCE_EXHAUSTED"),
        (500, "INTERNAL"),
        (504, "DEADLINE_EXCEEDED"),
        (400, "INVALID_ARGUMENT"),
    ],
)
def test_status_fault_canonical_statuses(
    meet: Meet, control: Control, status: int, canonical: str
) -> None:
    control.put("faults", {"rules": [{"method": "POST", "status": status}]})
    response = meet("owner@example.com").post("spaces", json={})
    assert response.status_code == status
    assert response.json()["error"] == {
        "code": status,
        "message": response.json()["error"]["message"],
        "status": canonical,
    }


def test_rules_match_on_verb_and_path_regex(meet: Meet, control: Control) -> None:
    owner = meet("owner@example.com")
    space = owner.post("spaces", json={}).json()["name"]
    control.put("faults", {"rules": [{"method": "GET", "path": r"/members$", "status": 500}]})
    assert owner.get(space).status_code == 200  # path does not match
    assert owner.post(f"{space}/members", json={"email": "a@x.com"}).status_code == 200  # verb
    assert owner.get(f"{space}/members").status_code == 500
    assert owner.get(f"{space}/members").status_code == 200  # times defaults to 1


def test_first_matching_rule_applies(meet: Meet, control: Control) -> None:
    control.put(
        "faults",
        {"rules": [{"method": "spaces.get", "status": 404}, {"path": ".", "status": 500}]},
    )
    owner = meet("owner@example.com")
    assert owner.post("spaces", json={}).status_code == 500
    assert control.get("faults") == {"rules": [{"method": "spaces.get", "status": 404, "times": 1}]}


def test_delay_fault(meet: Meet, control: Control) -> None:
    owner = meet("owner@example.com")
    space = owner.post("spaces", json={}).json()["name"]
    control.put("faults", {"rules": [{"method": "meet.spaces.get", "delaySeconds": 0.3}]})
    started = time.monotonic()
    assert owner.get(space).status_code == 200
    assert time.monotonic() - started >= 0.3


def test_drop_before_does_nothing(emulator: Emulator, control: Control) -> None:
    token = control.token("owner@example.com")
    control.put("faults", {"rules": [{"method": "spaces.create", "dropConnection": "before"}]})
    with pytest.raises(requests.ConnectionError):
        _post_space(emulator, token)
    assert _spaces(control) == []
    assert control.get("requests")["requests"][0]["status"] is None
    assert _post_space(emulator, token).status_code == 200


def test_drop_after_commits_the_write(emulator: Emulator, control: Control) -> None:
    token = control.token("owner@example.com")
    control.put("faults", {"rules": [{"method": "spaces.create", "dropConnection": "after"}]})
    with pytest.raises(requests.ConnectionError):
        _post_space(emulator, token)
    assert len(_spaces(control)) == 1
    assert control.get("requests")["requests"][0]["status"] == 200


def test_faults_apply_to_identity_endpoints_but_not_the_control_api(
    emulator: Emulator, control: Control
) -> None:
    control.put(
        "faults",
        {
            "rules": [
                {"path": "^/emulator/", "status": 500, "times": 5},
                {"method": "oauth2.token", "status": 503},
                {"method": "iamcredentials.signJwt", "status": 500},
            ]
        },
    )
    assert control.get("quotas")["windowSeconds"] == 60  # control calls are never faulted
    token = requests.post(f"{emulator.base_url}/token", data={"grant_type": "x"}, timeout=5)
    assert token.status_code == 503
    assert token.json()["error"] == "internal_failure"
    sign = requests.post(
        f"{emulator.base_url}/v1/projects/-/serviceAccounts/a@b.iam.gserviceaccount.com:signJwt",
        json={"payload": "{}"},
        timeout=5,
    )
    assert sign.status_code == 500 and sign.json()["error"]["status"] == "INTERNAL"
    assert control.get("requests") == {"requests": []}  # only Meet calls are logged


@pytest.mark.parametrize(
    "rule",
    [
        {"status": 200},
        {"status": 503, "dropConnection": "after"},
        {"dropConnection": "sometimes"},
        {"method": "spaces.get"},
        {"status": 500, "times": 0},
        {"status": 500, "path": "("},
        {"status": 500, "delaySeconds": -1},
        {"status": 500, "colour": "red"},
        "not a rule",
    ],
)
def test_bad_rules_are_refused(emulator: Emulator, rule: object) -> None:
    response = requests.put(
        f"{emulator.base_url}/emulator/v1/faults", json={"rules": [rule]}, timeout=5
    )
    assert response.status_code == 400
    assert response.json()["error"]["status"] == "INVALID_ARGUMENT"


def test_stop_cuts_a_delayed_request_short() -> None:
    emulator = Emulator().start()
    try:
        control = Control(emulator.base_url)
        token = control.token("owner@example.com")
        control.put("faults", {"rules": [{"method": "spaces.create", "delaySeconds": 60}]})
        outcome: list[object] = []

        def call() -> None:
            try:
                outcome.append(_post_space(emulator, token))
            except requests.ConnectionError as error:
                outcome.append(error)

        caller = threading.Thread(target=call)
        caller.start()
        time.sleep(0.2)
    finally:
        started = time.monotonic()
        emulator.stop()
    assert time.monotonic() - started < 2
    caller.join(timeout=5)
    assert len(outcome) == 1 and isinstance(outcome[0], requests.ConnectionError)
