"""Four concurrent callers (the provider host's thread pool) x 100 operations through one provider
instance: no shared-state corruption, one token fetch for all threads, pacing holding across
threads against a compressed quota window."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from typing import Any

from pulumi.dynamic import ConfigureRequest
from pulumi.dynamic.config import Config

from pulumi_meet.client.meet import get_client
from pulumi_meet.client.settings import Settings
from pulumi_meet.client.state import default_state
from pulumi_meet.dynamic.providers import SpaceProvider
from pulumi_meet.emulator import Emulator
from tests.reliability.conftest import Control
from tests.reliability.matrix import OWNER, SA_PROJECT

THREADS = 4
OPERATIONS_PER_THREAD = 100
ACCESS = ("OPEN", "TRUSTED", "RESTRICTED")
COUNTER_SIZE = 10_000
# A fault rule that only counts: each /token request uses one of its `times`.
TOKEN_COUNTER: dict[str, Any] = {
    "method": "oauth2.token",
    "delaySeconds": 0.001,
    "times": COUNTER_SIZE,
}


def _configured(config: dict[str, str]) -> SpaceProvider:
    provider = SpaceProvider()
    provider.configure(ConfigureRequest(Config(dict(config), "meet-test")))
    return provider


def _token_requests(control: Control) -> int:
    """How many /token requests arrived since the counting rule was armed."""
    rules = control.call("GET", "faults")["rules"]
    left = rules[0]["times"] if rules else 0
    return COUNTER_SIZE - int(left)


def _outs(result: Any) -> dict[str, Any]:
    """The outputs of a CreateResult, UpdateResult or ReadResult."""
    outs: dict[str, Any] | None = result.outs
    assert outs is not None
    return outs


def _worker(provider: SpaceProvider, thread: int, count: int, after: int) -> dict[str, str]:
    """`count` operations: create two rooms, then update and read them in turns.

    Returns the access type each room should end with; every read must show what this thread
    wrote last (only this thread touches its rooms), which a mixed-up session, cache or
    answer would break. `after` ops in, the worker waits for the token to be made stale.
    """
    rooms: dict[str, dict[str, Any]] = {}
    expected: dict[str, str] = {}
    for _ in range(2):
        created = provider.create({"config": {"access_type": "OPEN"}})
        outs = _outs(created)
        assert outs["owner"] == OWNER and outs["name"] == created.id
        rooms[str(created.id)] = outs
        expected[str(created.id)] = "OPEN"
    for step in range(count - 2):
        if step == after:
            _BARRIER.wait(timeout=30)  # everyone pauses here while the token is made stale
            _BARRIER.wait(timeout=30)
        name = list(rooms)[step % 2]
        if step % 3 == 2:
            read = provider.read(name, rooms[name])
            assert read.id == name and _outs(read)["config"]["access_type"] == expected[name]
            continue
        # Always a different value, so every update is one patch on the wire.
        access = ACCESS[(ACCESS.index(expected[name]) + 1 + thread % 2) % 3]
        news = {"config": {"access_type": access}}
        updated = provider.update(name, rooms[name], news)
        outs = _outs(updated)
        assert outs["name"] == name and outs["config"]["access_type"] == access, (thread, name)
        rooms[name] = outs
        expected[name] = access
    return expected


_BARRIER = threading.Barrier(THREADS + 1)


def test_four_threads_share_one_provider_one_token_and_no_state(
    emulator: Emulator, control: Control
) -> None:
    key = control.service_account(project=SA_PROJECT)
    config = {
        "meet:emulatorHost": emulator.host_port,
        "meet:credentials": json.dumps(key),
        "meet:impersonateUser": OWNER,
        "meet:createsPerMinute": "6000",
        "meet:writesPerMinute": "6000",
        "meet:readsPerMinute": "6000",
    }
    control.quotas(perUser={"create": 6000, "write": 6000, "read": 6000})
    control.faults(TOKEN_COUNTER)
    provider = _configured(config)
    _BARRIER.reset()
    half = OPERATIONS_PER_THREAD // 2
    with ThreadPoolExecutor(THREADS) as pool:
        futures = [
            pool.submit(_worker, provider, n, OPERATIONS_PER_THREAD, half) for n in range(THREADS)
        ]
        _BARRIER.wait(timeout=60)
        assert _token_requests(control) == 1  # four threads, one token
        settings = Settings.from_config(config.get, {})
        shared = default_state().credentials.authorization_for(settings, None).credentials
        shared.inner.expiry = datetime.utcnow() - timedelta(seconds=1)  # due for refresh
        _BARRIER.wait(timeout=60)
        expected = [future.result(timeout=120) for future in futures]
    assert _token_requests(control) == 2  # one refresh for all four threads

    log = control.calls()
    assert len(log) == THREADS * OPERATIONS_PER_THREAD
    assert {entry["status"] for entry in log} == {200}
    assert {entry["principal"] for entry in log} == {OWNER}
    live = {space["name"]: space for space in control.spaces()}
    assert len(live) == 2 * THREADS  # no duplicate, none lost
    for rooms in expected:
        for name, access in rooms.items():
            assert live[name]["config"]["accessType"] == access  # no lost or crossed update


def _paced_reads(provider_call: Callable[[], Any], count: int) -> list[float]:
    finished = []
    for _ in range(count):
        provider_call()
        finished.append(time.monotonic())
    return finished


def test_pacing_holds_across_threads_under_a_compressed_quota(
    emulator: Emulator, control: Control
) -> None:
    window, per_window = 1.0, 20
    control.quotas(windowSeconds=window, perUser={"read": per_window})
    settings = Settings.from_config(
        {
            "meet:emulatorHost": emulator.host_port,
            "meet:user": OWNER,
            "meet:quotaWindowSeconds": str(window),
            "meet:readsPerMinute": str(per_window * 60 / window),
        }.get,
        {},
    )
    client = get_client(settings)
    name = client.create_space({})["name"]
    control.call("DELETE", "requests")
    total = 100
    started = time.monotonic()
    with ThreadPoolExecutor(THREADS) as pool:
        futures = [
            pool.submit(_paced_reads, lambda: client.get_space(name), total // THREADS)
            for _ in range(THREADS)
        ]
        for future in futures:
            future.result(timeout=60)
    elapsed = time.monotonic() - started
    statuses = [entry["status"] for entry in control.calls()]
    assert statuses == [200] * total  # not one 429: the four threads shared one limiter
    windows_needed = total / per_window - 1  # the first window's requests go at once
    assert elapsed >= windows_needed * window * 0.9
    assert elapsed <= (windows_needed + 2) * window * 1.5  # and the quota is used, not wasted
