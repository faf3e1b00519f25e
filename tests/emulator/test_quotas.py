"""Quotas: the sliding window (unit, with a hand-driven clock) and the 429 over the wire."""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest

from pulumi_meet.emulator.exceptions import InvalidArgument, ResourceExhausted
from pulumi_meet.emulator.quotas import GOOGLE_LIMITS, Quotas
from tests.clock import FakeClock
from tests.control import Control, MeetHttp

Meet = Callable[..., MeetHttp]


def _admit(quotas: Quotas, user: str = "a@x.com", app: str = "app", bucket: str = "read") -> None:
    quotas.admit(bucket=bucket, app=app, user=user)


def test_google_limits_by_default() -> None:
    assert Quotas().describe() == {"windowSeconds": 60.0, **GOOGLE_LIMITS}
    assert GOOGLE_LIMITS["perUser"] == {"read": 600, "write": 100, "create": 10}
    assert GOOGLE_LIMITS["perProject"] == {"read": 6000, "write": 1000, "create": 100}


def test_sliding_window_and_retry_after() -> None:
    clock = FakeClock(1000.0)
    quotas = Quotas(clock)
    quotas.configure({"windowSeconds": 10, "perUser": {"read": 2}})
    _admit(quotas)
    clock.now += 3
    _admit(quotas)
    clock.now += 1
    with pytest.raises(ResourceExhausted) as refused:
        _admit(quotas)
    # The oldest admission (t=0) leaves the window at t=10; now is t=4.
    assert refused.value.headers["Retry-After"] == "6"
    info = refused.value.details[0]
    assert info["reason"] == "RATE_LIMIT_EXCEEDED"
    assert info["metadata"]["quota_limit_value"] == "2"
    assert info["metadata"]["consumer"] == "projects/app"
    clock.now += 5.5  # t=9.5: still full
    with pytest.raises(ResourceExhausted) as again:
        _admit(quotas)
    assert again.value.headers["Retry-After"] == "1"
    clock.now += 0.5  # t=10: the first admission has left; the one at t=3 is still in
    _admit(quotas)
    with pytest.raises(ResourceExhausted):
        _admit(quotas)


def test_refused_requests_consume_nothing() -> None:
    clock = FakeClock(1000.0)
    quotas = Quotas(clock)
    quotas.configure({"windowSeconds": 10, "perUser": {"write": 1}})
    _admit(quotas, bucket="write")
    clock.now += 9
    for _ in range(5):
        with pytest.raises(ResourceExhausted):
            _admit(quotas, bucket="write")
    clock.now += 1
    _admit(quotas, bucket="write")


def test_users_projects_and_buckets_are_separate() -> None:
    quotas = Quotas(FakeClock(1000.0))
    quotas.configure({"perUser": {"create": 1}, "perProject": {"create": 2}})
    _admit(quotas, "a@x.com", bucket="create")
    _admit(quotas, "a@x.com", bucket="read")
    with pytest.raises(ResourceExhausted) as per_user:
        _admit(quotas, "a@x.com", bucket="create")
    assert per_user.value.details[0]["metadata"]["quota_limit"].endswith("PerUserPerProject")
    _admit(quotas, "b@x.com", bucket="create")
    with pytest.raises(ResourceExhausted) as per_project:
        _admit(quotas, "c@x.com", bucket="create")
    assert per_project.value.details[0]["metadata"]["quota_limit"].endswith("PerMinutePerProject")
    _admit(quotas, "c@x.com", app="other-app", bucket="create")


@pytest.mark.parametrize(
    "body",
    [
        [],
        {"windowSeconds": 0},
        {"windowSeconds": "60"},
        {"perUser": {"reads": 1}},
        {"perUser": {"read": -1}},
        {"perProject": {"read": 1.5}},
        {"perDay": {}},
    ],
)
def test_bad_settings_are_refused(body: object) -> None:
    with pytest.raises(InvalidArgument):
        Quotas().configure(body)


def test_quota_over_the_wire(meet: Meet, control: Control) -> None:
    settings = control.put("quotas", {"windowSeconds": 1, "perUser": {"create": 2}})
    assert settings["perUser"]["create"] == 2 and settings["perProject"]["create"] == 100
    assert control.get("quotas") == settings
    alice = meet("alice@example.com")
    started = time.monotonic()
    assert [alice.post("spaces", json={}).status_code for _ in range(2)] == [200, 200]
    refused = alice.post("spaces", json={})
    assert refused.status_code == 429
    assert refused.headers["Retry-After"] == "1"
    error = refused.json()["error"]
    assert error["status"] == "RESOURCE_EXHAUSTED"
    assert error["details"][0]["reason"] == "RATE_LIMIT_EXCEEDED"
    assert meet("bob@example.com").post("spaces", json={}).status_code == 200
    log = control.get("requests")["requests"]
    assert [entry["status"] for entry in log][-2:] == [429, 200]
    time.sleep(max(0.0, started + 1.05 - time.monotonic()))
    assert alice.post("spaces", json={}).status_code == 200
