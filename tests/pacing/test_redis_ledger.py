"""The Redis ledger against a real ``redis-server``: atomic admission, leases, expiry, outages.

Each test starts its own server on a free loopback port (`tests/redis_server.py`) and stops it.
"""

from __future__ import annotations

import os
import pickle
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from pulumi_meet.client import progress
from pulumi_meet.client.meet import get_client
from pulumi_meet.client.state import default_state
from pulumi_meet.emulator import Emulator
from pulumi_meet.pacing.ledger import LedgerKey, LedgerRefusal
from pulumi_meet.pacing.redis_ledger import LEASE_SLACK_SECONDS, RedisLedger
from tests.client.conftest import emulator_settings
from tests.conftest import REPO_ROOT
from tests.control import Control
from tests.redis_server import RedisServer, free_port

PASSWORD = "s3cret-redis-pass"
OWNER = "shared-owner@example.com"


@pytest.fixture
def redis_server() -> Iterator[RedisServer]:
    with RedisServer(password=PASSWORD) as server:
        yield server


@pytest.fixture
def messages() -> Iterator[list[progress.ProgressEvent]]:
    seen: list[progress.ProgressEvent] = []
    with progress.installed(seen.append):
        yield seen


def _warnings(seen: list[progress.ProgressEvent]) -> list[str]:
    return [event.message for event in seen if event.kind == "warning"]


def _keys(capacity: int = 2, window: float = 5.0) -> tuple[LedgerKey, LedgerKey]:
    return (
        LedgerKey("e user a@example.com create", capacity, window, "proj"),
        LedgerKey("e project proj create", 100, window, "proj"),
    )


def _statuses(control: Control) -> list[int]:
    return [e["status"] for e in control.calls() if e["apiMethod"] == "spaces.create"]


def test_admission_counts_in_flight_and_answered_calls(redis_server: RedisServer) -> None:
    ledger = default_state().ledgers.open(redis_server.url(), print)
    assert isinstance(ledger, RedisLedger)
    first, second = ledger.admit(_keys()), ledger.admit(_keys())
    refusal = ledger.admit(_keys())
    assert isinstance(refusal, LedgerRefusal) and refusal.key == _keys()[0]
    assert refusal.wait_seconds < 0.1  # both in flight: poll
    ledger.finish(first)
    ledger.forget(second)  # a 429: it leaves at once
    assert not isinstance(ledger.admit(_keys()), LedgerRefusal)
    refusal = ledger.admit(_keys())
    assert isinstance(refusal, LedgerRefusal)
    # The answered call frees its slot one window (and margin) after its answer.
    assert 4.5 < refusal.wait_seconds <= 5.1


def test_the_project_bucket_is_shared_by_every_user(redis_server: RedisServer) -> None:
    ledger = default_state().ledgers.open(redis_server.url(), print)
    project = LedgerKey("e project proj create", 1, 5.0, "proj")
    assert not isinstance(ledger.admit((LedgerKey("e user a create", 5, 5.0, "proj"), project)),
                          LedgerRefusal)  # fmt: skip
    refusal = ledger.admit((LedgerKey("e user b create", 5, 5.0, "proj"), project))
    assert isinstance(refusal, LedgerRefusal) and refusal.key == project


def test_every_key_expires_and_is_namespaced_by_project(redis_server: RedisServer) -> None:
    ledger = default_state().ledgers.open(redis_server.url(), print)
    for namespace in ("org-one-project", "org-two-project"):
        keys = tuple(LedgerKey(k.key, k.capacity, k.window_seconds, namespace) for k in _keys())
        held = ledger.admit(keys)
        ledger.admit(keys)
        ledger.finish(held)
    client: Any = redis_server.client()
    names = sorted(name.decode() for name in client.keys("*"))
    assert len(names) == 8  # 2 projects x (user, project) x (in flight, done)
    assert {name.split(":")[1] for name in names} == {"{org-one-project}", "{org-two-project}"}
    lease = 5.0 + 0.1 + LEASE_SLACK_SECONDS
    for name in names:
        assert 0 < client.pttl(name) <= (lease + 1.0) * 1000, name  # -1 would be: no expiry


def test_contended_admission_never_exceeds_the_capacity(redis_server: RedisServer) -> None:
    """Three processes of four threads each hammer one bucket of 5 per 0.5 s for 3 s."""
    capacity, window = 5, 0.5
    env = dict(os.environ, PYTHONPATH=str(REPO_ROOT))
    argv = [sys.executable, "-m", "tests.pacing.redis_worker", "hammer", redis_server.url(),
            "3", "4", str(capacity), str(window)]  # fmt: skip
    workers = [
        subprocess.Popen(argv, cwd=REPO_ROOT, env=env, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True)
        for _ in range(3)
    ]  # fmt: skip
    stamps: list[int] = []
    for worker in workers:
        out, err = worker.communicate(timeout=60)
        assert worker.returncode == 0, err
        assert "warning" not in err, err
        stamps += [int(line) for line in out.split()]
    stamps.sort()
    # Redis's own clock: no W-long interval holds more than `capacity` admissions.
    for index, start in enumerate(stamps):
        inside = [t for t in stamps[index : index + capacity + 1] if t < start + window * 1000]
        assert len(inside) <= capacity, (index, inside)
    # And the bucket was used: near capacity per window over 3 s (never 0 from a stuck lock).
    assert len(stamps) >= capacity * 3


def test_the_password_is_in_no_setting_pickle_or_message(
    emulator: Emulator, control: Control, messages: list[progress.ProgressEvent]
) -> None:
    port = free_port()  # nothing listens: the warning names the address
    settings = emulator_settings(emulator, quotaLedger=f"redis://:{PASSWORD}@127.0.0.1:{port}/0")
    assert PASSWORD not in repr(settings)
    assert PASSWORD.encode() not in pickle.dumps(settings)
    get_client(settings).create_space({})
    assert len(_warnings(messages)) == 1
    assert f"127.0.0.1:{port}" in _warnings(messages)[0]
    assert all(PASSWORD not in event.message for event in messages)
    assert _statuses(control) == [200]


def test_a_wrong_password_is_said_once_and_pacing_goes_on_locally(
    redis_server: RedisServer,
    emulator: Emulator,
    control: Control,
    messages: list[progress.ProgressEvent],
) -> None:
    settings = emulator_settings(emulator, quotaLedger=redis_server.url(password="wrong-one"))
    client = get_client(settings)
    started = time.monotonic()
    for _ in range(3):
        client.create_space({})
    elapsed = time.monotonic() - started
    (warning,) = _warnings(messages)
    assert "refused the password" in warning and redis_server.host_port in warning
    assert "wrong-one" not in warning
    assert elapsed < 2.0, elapsed
    assert _statuses(control) == [200] * 3


class _Silent:
    """A TCP listener that accepts and never answers: a Redis hung or behind a dead route."""

    def __init__(self) -> None:
        self.socket = socket.create_server(("127.0.0.1", 0))
        self.port = self.socket.getsockname()[1]
        self.accepted: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                connection, _ = self.socket.accept()
            except OSError:
                return
            self.accepted.append(connection)

    def close(self) -> None:
        self.socket.close()
        for connection in self.accepted:
            connection.close()


@pytest.mark.parametrize("kind", ["refused", "silent"])
def test_an_unreachable_redis_costs_one_timeout_and_is_named(
    kind: str, emulator: Emulator, control: Control, messages: list[progress.ProgressEvent]
) -> None:
    silent = _Silent() if kind == "silent" else None
    port = silent.port if silent is not None else free_port()
    try:
        settings = emulator_settings(emulator, quotaLedger=f"redis://127.0.0.1:{port}/0")
        client = get_client(settings)
        started = time.monotonic()
        client.create_space({})
        first = time.monotonic() - started
        for _ in range(3):
            client.create_space({})
        total = time.monotonic() - started
    finally:
        if silent is not None:
            silent.close()
    (warning,) = _warnings(messages)
    assert f"Redis at 127.0.0.1:{port}" in warning and "this machine's quota ledger" in warning
    reason = "no answer within 1 s" if kind == "silent" else "cannot connect"
    assert reason in warning
    assert first < 2.5, first  # one socket timeout at most, then local pacing
    assert total - first < 1.0, total  # the later calls do not wait on it again
    assert _statuses(control) == [200] * 4


@pytest.mark.slow
def test_redis_stopped_mid_run_and_started_again(
    redis_server: RedisServer,
    emulator: Emulator,
    control: Control,
    messages: list[progress.ProgressEvent],
) -> None:
    client = get_client(emulator_settings(emulator, quotaLedger=redis_server.url()))
    client.create_space({})
    redis: Any = redis_server.client()
    assert redis.keys("pulumi-meet:*")
    redis_server.stop()
    started = time.monotonic()
    client.create_space({})  # finds Redis gone: one warning, local pacing
    client.create_space({})
    assert time.monotonic() - started < 2.5
    redis_server.start()  # empty again: no persistence
    deadline = time.monotonic() + 10
    while not any("answers again" in w for w in _warnings(messages)):
        assert time.monotonic() < deadline, messages
        time.sleep(0.1)
    client.create_space({})
    assert redis_server.client().keys("pulumi-meet:*")  # type: ignore[attr-defined]
    warnings = _warnings(messages)
    assert len(warnings) == 2, warnings
    assert "cannot be used" in warnings[0] and redis_server.host_port in warnings[0]
    assert all(PASSWORD not in w for w in warnings)
    assert _statuses(control) == [200] * 4


@pytest.mark.slow
def test_a_holder_killed_mid_call_blocks_for_one_lease_at_most(
    redis_server: RedisServer, emulator: Emulator, control: Control, tmp_path: Path
) -> None:
    window, per_window = 1.0, 2
    control.quotas(windowSeconds=window, perUser={"create": per_window})
    env = dict(os.environ, PYTHONPATH=str(REPO_ROOT))
    holder = subprocess.Popen(
        [sys.executable, "-m", "tests.pacing.redis_worker", "hold", redis_server.url(),
         emulator.host_port, OWNER, str(window), str(per_window)],
        cwd=REPO_ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "holding"
        holder.send_signal(signal.SIGKILL)
        holder.wait(timeout=10)
    finally:
        if holder.poll() is None:
            holder.kill()
        holder.communicate(timeout=10)
    killed = time.monotonic()
    per_minute = str(per_window * 60 / window)
    settings = emulator_settings(
        emulator, quotaLedger=redis_server.url(), quotaWindowSeconds=str(window),
        createsPerMinute=per_minute, projectCreatesPerMinute=per_minute,
    )  # fmt: skip
    seen: list[progress.ProgressEvent] = []
    with progress.installed(seen.append):
        get_client(settings, OWNER).create_space({})
    waited = time.monotonic() - killed
    # Its two calls in flight hold the owner's bucket until their lease ends: one window, the
    # margin and the slack after the last renewal, no longer (a pid means nothing elsewhere).
    lease = window + 0.1 + LEASE_SLACK_SECONDS
    assert lease - 2.5 < waited < lease + 1.5, waited
    assert any("shared with other pulumi-meet processes" in e.message for e in seen), seen
    assert _statuses(control) == [200]
