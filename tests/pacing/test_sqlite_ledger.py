"""The quota ledger: processes acting for the same user share one budget through SQLite.

Several real processes (`tests/pacing/ledger_worker.py`) create rooms for one owner against the
emulator under a compressed 1 s window; the emulator's request log counts the 429s.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from pulumi_meet.client import progress
from pulumi_meet.client.meet import get_client
from pulumi_meet.emulator import Emulator
from pulumi_meet.pacing.ledger import LedgerKey, LedgerRefusal
from pulumi_meet.pacing.sqlite_ledger import SqliteLedger as Ledger
from tests.client.conftest import emulator_settings
from tests.clock import FakeClock
from tests.conftest import REPO_ROOT
from tests.control import Control

WINDOW = 1.0
PER_WINDOW = 3
OWNER = "shared-owner@example.com"


def _key(name: str = "k", capacity: int = 2) -> LedgerKey:
    return LedgerKey(name, capacity, 10.0)


def test_two_connections_share_the_capacity(tmp_path: Path) -> None:
    path = tmp_path / "ledger.sqlite"
    first, second = Ledger(path), Ledger(path)
    try:
        rows = first.admit([_key(), _key("p", 5)])
        assert isinstance(rows, list) and len(rows) == 2
        assert isinstance(second.admit([_key(), _key("p", 5)]), list)
        refused = second.admit([_key("p", 5), _key()])
        assert isinstance(refused, LedgerRefusal)
        assert refused.key == _key()  # the full one is named, the other one was not touched
        assert first.count("p", 0) == 2
        first.forget(rows)  # a 429: the call counted nowhere
        assert isinstance(second.admit([_key()]), list)
    finally:
        first.close()
        second.close()


def test_finished_calls_leave_the_window(tmp_path: Path) -> None:
    clock = FakeClock(1000.0)
    ledger = Ledger(tmp_path / "ledger.sqlite", clock=clock)
    rows = ledger.admit([_key(capacity=1)])
    assert isinstance(rows, list)
    waiting = ledger.admit([_key(capacity=1)])
    assert isinstance(waiting, LedgerRefusal) and waiting.wait_seconds < 1  # in flight: poll
    clock.now += 2
    ledger.finish(rows)
    waiting = ledger.admit([_key(capacity=1)])
    assert isinstance(waiting, LedgerRefusal)
    assert waiting.wait_seconds == pytest.approx(10.1)  # one window (and margin) after the answer
    clock.now += 10.2
    assert isinstance(ledger.admit([_key(capacity=1)]), list)
    ledger.close()


def test_a_dead_process_calls_in_flight_expire_like_answered_ones(tmp_path: Path) -> None:
    ledger = Ledger(tmp_path / "ledger.sqlite")
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)  # fmt: skip
    other = sqlite3.connect(ledger.path, isolation_level=None)  # the dead process's row
    other.execute(
        "INSERT INTO calls (key, pid, started) VALUES ('k', ?, ?)",
        (int(dead.stdout), time.time()),
    )
    other.close()
    refusal = ledger.admit([LedgerKey("k", 1, 0.5)])
    # Stamped answered now (it may have counted on the server): one window, not forever.
    assert isinstance(refusal, LedgerRefusal) and 0.5 <= refusal.wait_seconds <= 0.7
    time.sleep(refusal.wait_seconds)
    assert isinstance(ledger.admit([LedgerKey("k", 1, 0.5)]), list)
    ledger.close()


# ------------------------------------------------------------------ real processes


def _worker(emulator: Emulator, *args: str, ledger: str) -> subprocess.Popen[str]:
    env = dict(os.environ, MEET_QUOTA_LEDGER=ledger, PYTHONPATH=str(REPO_ROOT))
    return subprocess.Popen(
        [sys.executable, "-m", "tests.pacing.ledger_worker", args[0], emulator.host_port,
         OWNER, *args[1:]],
        cwd=REPO_ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip


def _three_creators(
    emulator: Emulator, workers: list[subprocess.Popen[str]], ledger: str, rooms: int
) -> float:
    started = time.monotonic()
    for _ in range(3):
        workers.append(
            _worker(emulator, "create", str(rooms), str(WINDOW), str(PER_WINDOW), ledger=ledger)
        )
    for process in workers:
        out, err = process.communicate(timeout=60)
        assert process.returncode == 0, err
        assert len(out.splitlines()) == rooms
    return time.monotonic() - started


def _statuses(control: Control) -> list[int]:
    return [e["status"] for e in control.calls() if e["apiMethod"] == "spaces.create"]


@pytest.mark.slow
def test_three_processes_share_one_user_quota_without_a_429(
    emulator: Emulator, control: Control, workers: list[subprocess.Popen[str]], tmp_path: Path
) -> None:
    control.quotas(windowSeconds=WINDOW, perUser={"create": PER_WINDOW})
    elapsed = _three_creators(emulator, workers, str(tmp_path / "ledger.sqlite"), rooms=4)
    assert _statuses(control) == [200] * 12
    # 12 creates at 3 per window: the first three at once, then three windows.
    assert elapsed >= 3 * WINDOW


@pytest.mark.slow
def test_without_the_ledger_the_processes_collide(
    emulator: Emulator, control: Control, workers: list[subprocess.Popen[str]]
) -> None:
    control.quotas(windowSeconds=WINDOW, perUser={"create": PER_WINDOW})
    _three_creators(emulator, workers, "off", rooms=4)
    statuses = _statuses(control)
    assert statuses.count(200) == 12  # Retry-After absorbs them, but they happen
    assert statuses.count(429) >= 3


@pytest.mark.slow
def test_a_killed_process_blocks_nobody(
    emulator: Emulator, control: Control, workers: list[subprocess.Popen[str]], tmp_path: Path
) -> None:
    control.quotas(windowSeconds=WINDOW, perUser={"create": PER_WINDOW})
    ledger = str(tmp_path / "ledger.sqlite")
    holder = _worker(emulator, "hold", str(WINDOW), str(PER_WINDOW), ledger=ledger)
    assert holder.stdout is not None and holder.stdout.readline().strip() == "holding"
    started = time.monotonic()
    creators = [
        _worker(emulator, "create", "2", str(WINDOW), str(PER_WINDOW), ledger=ledger)
        for _ in range(2)
    ]
    workers.extend([holder, *creators])
    time.sleep(0.5)  # the creators now wait for the holder's lock
    holder.send_signal(signal.SIGKILL)
    for process in creators:
        out, err = process.communicate(timeout=30)
        assert process.returncode == 0, err
        assert len(out.splitlines()) == 2
    elapsed = time.monotonic() - started
    assert _statuses(control) == [200] * 4
    # The dead holder's three calls in flight counted for one window after its death, no longer.
    assert 0.5 + WINDOW <= elapsed < 0.5 + 4 * WINDOW + 3


def test_a_read_only_ledger_falls_back_to_in_process_pacing(
    emulator: Emulator, control: Control, tmp_path: Path
) -> None:
    locked = tmp_path / "read-only"
    locked.mkdir()
    locked.chmod(stat.S_IRUSR | stat.S_IXUSR)
    path = locked / "ledger.sqlite"
    if os.access(locked, os.W_OK):  # root writes anywhere, except on a read-only file system
        if not Path("/proc/self").is_dir():
            pytest.skip("running as root without /proc: no read-only place to try")
        path = Path("/proc/pulumi-meet-quota-ledger.sqlite")
    messages: list[progress.ProgressEvent] = []
    settings = emulator_settings(emulator, quotaLedger=str(path))
    with progress.installed(messages.append):
        client = get_client(settings)
        client.create_space({})
        client.create_space({})
    warnings = [m.message for m in messages if m.kind == "warning"]
    assert len(warnings) == 1, messages
    assert "cannot be used" in warnings[0] and "meet:quotaLedger" in warnings[0]
    assert _statuses(control) == [200, 200]
