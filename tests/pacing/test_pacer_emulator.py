"""Pacing against the emulator's quota (a compressed 3 s window): zero failed operations."""

from __future__ import annotations

import logging
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from pulumi_meet.client.meet import get_client
from pulumi_meet.emulator import Emulator
from tests.client.conftest import emulator_settings
from tests.control import Control

WINDOW = 3


def compressed_quota(control: Control, creates: int) -> None:
    control.quotas(
        windowSeconds=WINDOW,
        perUser={"create": creates, "write": 100, "read": 600},
        perProject={"create": 1000, "write": 1000, "read": 6000},
    )


@pytest.mark.slow
def test_a_fleet_of_creates_from_four_threads_never_trips_the_quota(
    emulator: Emulator, control: Control
) -> None:
    compressed_quota(control, creates=5)
    # 100 per minute over a 3 s window = 5 per window, the emulator's setting.
    settings = emulator_settings(
        emulator, createsPerMinute="100", quotaWindowSeconds=str(WINDOW), user="lead@example.com"
    )
    client = get_client(settings)
    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=4) as pool:
        names = list(pool.map(lambda _: client.create_space({})["name"], range(12)))
    elapsed = time.monotonic() - started
    assert len(set(names)) == 12
    assert {e["status"] for e in control.calls()} == {200}  # not a single 429
    # 5 + 5 + 2: the third batch waits two windows; as fast as the quota allows, no slower.
    assert 2 * WINDOW <= elapsed < 2 * WINDOW + 2


@pytest.mark.slow
def test_a_quota_spent_elsewhere_is_absorbed_with_retry_after(
    emulator: Emulator, control: Control
) -> None:
    compressed_quota(control, creates=3)
    token = control.token("lead@example.com")
    for _ in range(3):  # another process spends the user's whole window
        response = requests.post(
            f"{emulator.base_url}/v2/spaces",
            json={},
            headers={"Authorization": f"Bearer {token}"},
            timeout=10,
        )
        assert response.status_code == 200
    settings = emulator_settings(
        emulator, createsPerMinute="60", quotaWindowSeconds=str(WINDOW), user="lead@example.com"
    )
    client = get_client(settings)
    client.create_space({})
    client.create_space({})
    created = [e["status"] for e in control.calls() if e["apiMethod"] == "spaces.create"]
    assert created[:3] == [200, 200, 200]
    assert created.count(429) == 1  # one surprise, then paced by Retry-After
    assert created[-2:] == [200, 200]


def test_four_threads_share_one_token(
    emulator: Emulator, control: Control, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="pulumi_meet")
    client = get_client(emulator_settings(emulator))
    name = client.create_space({})["name"]
    barrier = threading.Barrier(4)

    def work(_: int) -> int:
        barrier.wait(timeout=10)
        return sum(1 for _ in range(10) if client.get_space(name)["name"] == name)

    # A fresh client on the same settings and identity shares the credentials, too.
    with ThreadPoolExecutor(max_workers=4) as pool:
        assert sum(pool.map(work, range(4))) == 40
    fetched = [r for r in caplog.records if "obtained an access token" in r.getMessage()]
    assert len(fetched) == 1
    assert client._transport.authorization().credentials.refresh_count == 1
    assert len(control.calls()) == 41


def test_four_threads_refresh_a_revoked_token_once(emulator: Emulator, control: Control) -> None:
    client = get_client(emulator_settings(emulator))
    name = client.create_space({})["name"]
    shared = client._transport.authorization().credentials
    shared.inner.token = control.token("developer@example.com", expiresIn=0)
    barrier = threading.Barrier(4)

    def work(_: int) -> str:
        barrier.wait(timeout=10)
        return str(client.get_space(name)["name"])

    with ThreadPoolExecutor(max_workers=4) as pool:
        assert set(pool.map(work, range(4))) == {name}
    # Every thread saw 401 on the same stale token; only the first one refreshed.
    assert shared.refresh_count == 2
