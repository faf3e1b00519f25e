"""The SQLite ledger's deferred stamps: one transaction per call, every stamp still written.

``finish`` records the answer's time; the next admission's transaction, the flusher (within
`FLUSH_BOUND_SECONDS`), ``close`` or the interpreter's exit write it. Real files in ``tmp_path``,
real processes (`tests/pacing/ledger_worker.py`) where processes matter.
"""

from __future__ import annotations

import gc
import os
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from pulumi_meet.pacing._sqlite_flush import _flush_all
from pulumi_meet.pacing.ledger import LedgerKey, LedgerRefusal
from pulumi_meet.pacing.sqlite_ledger import FLUSH_BOUND_SECONDS, SqliteLedger
from tests.clock import FakeClock
from tests.conftest import REPO_ROOT

KEY = LedgerKey("k", 1000, 10.0)
NEVER = 60.0  # a flusher bound no test waits for: only what the test does writes the stamp


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "ledger.sqlite"


@pytest.fixture
def reader(path: Path) -> Iterator[sqlite3.Connection]:
    """Another connection to the file: what every other process sees."""
    SqliteLedger(path).close()  # the schema
    connection = sqlite3.connect(path, timeout=10, isolation_level=None)
    yield connection
    connection.close()


def _finished(reader: sqlite3.Connection, rows: list[int]) -> list[float | None]:
    marks = ",".join("?" * len(rows))
    stamps = dict(reader.execute(f"SELECT id, finished FROM calls WHERE id IN ({marks})", rows))
    return [stamps[row] for row in rows]


def _wait_for(condition: Callable[[], bool], timeout: float = 5.0) -> float:
    """Seconds until `condition` held (polled); fails after `timeout`."""
    started = time.monotonic()
    while not condition():
        assert time.monotonic() - started < timeout, "not within the timeout"
        time.sleep(0.01)
    return time.monotonic() - started


def _admit(ledger: SqliteLedger, *keys: LedgerKey) -> list[int]:
    rows = ledger.admit(list(keys or (KEY,)))
    assert isinstance(rows, list)
    return rows


def test_finish_runs_no_transaction_and_the_flusher_writes_the_answer_time(
    path: Path, reader: sqlite3.Connection
) -> None:
    clock = FakeClock(1000.0)
    ledger = SqliteLedger(path, clock=clock)
    rows = _admit(ledger)
    reader.execute("BEGIN IMMEDIATE")  # the write lock: a transaction would wait 10 s for it
    clock.now = 1002.0
    started = time.monotonic()
    ledger.finish(rows)
    assert time.monotonic() - started < 1.0
    assert _finished(reader, rows) == [None]  # in flight for everyone else until written
    clock.now = 1050.0  # the flush comes later: its time is not the answer's
    reader.execute("COMMIT")
    _wait_for(lambda: _finished(reader, rows) == [1002.0])
    ledger.close()


def test_the_next_admission_writes_the_stamps_before_counting(
    path: Path, reader: sqlite3.Connection
) -> None:
    clock = FakeClock(1000.0)
    ledger = SqliteLedger(path, clock=clock, flush_after_seconds=NEVER)
    one = LedgerKey("k", 1, 10.0)
    first = _admit(ledger, one)
    clock.now = 1002.0
    ledger.finish(first)
    assert _finished(reader, first) == [None]
    clock.now = 1003.0
    refusal = ledger.admit([one])
    assert _finished(reader, first) == [1002.0]
    # Counted as answered at 1002, not in flight: free one window (and margin) after it.
    assert isinstance(refusal, LedgerRefusal)
    assert refusal.wait_seconds == pytest.approx(1002.0 + 10.1 - 1003.0)
    ledger.close()


def test_close_writes_the_pending_stamps(path: Path, reader: sqlite3.Connection) -> None:
    clock = FakeClock(1000.0)
    ledger = SqliteLedger(path, clock=clock, flush_after_seconds=NEVER)
    rows = _admit(ledger, KEY, LedgerKey("p", 10, 10.0))
    clock.now = 1001.5
    ledger.finish(rows)
    clock.now = 1020.0
    ledger.close()
    assert _finished(reader, rows) == [1001.5, 1001.5]
    ledger.close()  # idempotent; a finish after close writes nothing and raises nothing
    ledger.finish(rows)
    ledger.finish([12345])


def test_count_writes_the_pending_stamps_first(path: Path) -> None:
    clock = FakeClock(1000.0)
    ledger = SqliteLedger(path, clock=clock, flush_after_seconds=NEVER)
    ledger.finish(_admit(ledger))
    assert ledger.count("k", 0) == 1
    (finished,) = ledger._db.execute("SELECT finished FROM calls").fetchone()
    assert finished == 1000.0
    ledger.close()


def test_a_forgotten_slot_is_never_stamped(path: Path, reader: sqlite3.Connection) -> None:
    clock = FakeClock(1000.0)
    ledger = SqliteLedger(path, clock=clock, flush_after_seconds=NEVER)
    other = SqliteLedger(path, clock=clock, flush_after_seconds=NEVER)  # another process's
    # Forget after finish: the rows go, and so does the pending stamp.
    first = _admit(ledger)
    ledger.finish(first)
    ledger.forget(first)
    second = _admit(other)
    assert second == first  # SQLite reuses the highest id: a stale stamp would finish `second`
    ledger.flush()
    assert _finished(reader, second) == [None]
    # Finish after forget records nothing.
    other.forget(second)
    ledger.finish(first)
    third = _admit(other)
    assert third == first
    ledger.close()
    assert _finished(reader, third) == [None]
    assert other.count("k", 0) == 1
    other.close()


def test_an_unclosed_ledger_writes_its_stamps_at_exit_or_when_collected(
    path: Path, reader: sqlite3.Connection
) -> None:
    clock = FakeClock(1000.0)
    kept = SqliteLedger(path, clock=clock, flush_after_seconds=NEVER)
    dropped = SqliteLedger(path, clock=clock, flush_after_seconds=NEVER)
    closed = SqliteLedger(path, clock=clock, flush_after_seconds=NEVER)
    rows = [_admit(kept), _admit(dropped), _admit(closed)]
    clock.now = 1001.0
    for ledger, slot in zip((kept, dropped, closed), rows, strict=True):
        ledger.finish(slot)
    closed.close()
    del dropped, ledger
    gc.collect()  # a ledger nobody closed: its finalizer writes the stamps and closes the file
    assert [_finished(reader, slot) for slot in rows[1:]] == [[1001.0], [1001.0]]
    assert _finished(reader, rows[0]) == [None]
    _flush_all()  # what the interpreter runs at exit: every ledger still open is flushed
    assert _finished(reader, rows[0]) == [1001.0]
    kept.close()


def test_a_second_finish_keeps_the_first_answer_time(
    path: Path, reader: sqlite3.Connection
) -> None:
    clock = FakeClock(1000.0)
    ledger = SqliteLedger(path, clock=clock, flush_after_seconds=NEVER)
    rows = _admit(ledger)
    clock.now = 1001.0
    ledger.finish(rows)
    clock.now = 1005.0
    ledger.finish(rows)
    ledger.close()
    assert _finished(reader, rows) == [1001.0]


@pytest.mark.filterwarnings("error::pytest.PytestUnhandledThreadExceptionWarning")
def test_a_failing_flush_is_reported_once_and_the_ledger_admits(
    path: Path, reader: sqlite3.Connection
) -> None:
    failures: list[str] = []
    ledger = SqliteLedger(path, on_failure=failures.append)
    ledger._db.execute("PRAGMA busy_timeout = 50")  # a lock held too long fails at once
    rows = _admit(ledger)
    reader.execute("BEGIN IMMEDIATE")
    ledger.finish(rows)  # the flusher cannot write it
    _wait_for(lambda: bool(failures))
    assert ledger.admit([KEY]) is None  # broken: admits everything, writes nothing
    ledger.finish(rows)  # nothing raises
    ledger.forget(rows)
    ledger._stamps.add([rows[0]], 0.0)  # a finish that raced with the failure: dropped, once due
    _wait_for(lambda: not ledger._stamps)
    time.sleep(FLUSH_BOUND_SECONDS)  # a second report, if there were one, would come now
    reader.execute("COMMIT")
    assert len(failures) == 1
    assert str(path) in failures[0] and "OperationalError" in failures[0]
    ledger.close()


def test_many_threads_lose_no_stamp(path: Path, reader: sqlite3.Connection) -> None:
    ledger = SqliteLedger(path)
    flushers = {t for t in threading.enumerate() if t.name == "pulumi-meet ledger flusher"}
    forgotten: list[int] = []
    lock = threading.Lock()

    def calls(index: int) -> None:
        for call in range(40):
            rows = _admit(ledger, KEY, LedgerKey("p", 1000, 10.0))
            if call % 10 == index % 10:  # some 429s among the answers
                ledger.forget(rows)
                with lock:
                    forgotten.extend(rows)
            else:
                ledger.finish(rows)

    threads = [threading.Thread(target=calls, args=(n,)) for n in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # The last stamps are written by the flusher (no admission follows them), without close.
    count = "SELECT COUNT(*) FROM calls WHERE finished IS NULL"
    _wait_for(lambda: reader.execute(count).fetchone() == (0,))
    (total,) = reader.execute("SELECT COUNT(*) FROM calls").fetchone()
    assert total == 16 * 40 * 2 - len(forgotten) and len(forgotten) == 16 * 4 * 2
    new = {t for t in threading.enumerate() if t.name == "pulumi-meet ledger flusher"} - flushers
    assert len(new) == 1  # one flusher per ledger, not one per call
    ledger.close()
    (flusher,) = new
    _wait_for(lambda: not flusher.is_alive())  # close stops it


# ------------------------------------------------------------------ real processes


def _stamp(path: Path, then: str) -> tuple[subprocess.Popen[str], int, float]:
    """A process that admits and finishes one call (`ledger_worker`), and what it printed."""
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.pacing.ledger_worker", "stamp", str(path), then],
        cwd=REPO_ROOT, env=dict(os.environ, PYTHONPATH=str(REPO_ROOT)), text=True,
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )  # fmt: skip
    assert process.stdout is not None
    line = process.stdout.readline()
    assert line, process.communicate(timeout=10)[1]
    pid, answered = line.split()
    return process, int(pid), float(answered)


def _rows_of(reader: sqlite3.Connection, pid: int) -> list[tuple[int, float | None]]:
    return reader.execute("SELECT id, finished FROM calls WHERE pid = ?", (pid,)).fetchall()


def test_another_process_sees_the_stamp_within_the_bound(
    path: Path, reader: sqlite3.Connection
) -> None:
    process, pid, answered = _stamp(path, "wait")
    try:
        waited = _wait_for(lambda: [s for _, s in _rows_of(reader, pid)] == [answered])
        assert waited <= FLUSH_BOUND_SECONDS + 1.0  # the bound, and a loaded machine's slack
    finally:
        process.communicate("", timeout=10)
    assert process.returncode == 0


def test_a_process_that_exits_has_written_its_stamps(
    path: Path, reader: sqlite3.Connection
) -> None:
    process, pid, answered = _stamp(path, "exit")
    _, err = process.communicate(timeout=10)
    assert process.returncode == 0, err
    assert [s for _, s in _rows_of(reader, pid)] == [answered]


def test_a_killed_process_calls_are_recovered(path: Path, reader: sqlite3.Connection) -> None:
    process, pid, _ = _stamp(path, "kill")
    process.communicate(timeout=10)
    assert process.returncode == -9
    assert [s for _, s in _rows_of(reader, pid)] == [None]  # its stamp died with it
    ledger = SqliteLedger(path)
    refusal = ledger.admit([LedgerKey("k", 1, 0.5)])
    # Stamped answered now (it may have counted on the server): one window, not forever.
    assert isinstance(refusal, LedgerRefusal) and 0.5 <= refusal.wait_seconds <= 0.7
    assert [s is not None for _, s in _rows_of(reader, pid)] == [True]
    time.sleep(refusal.wait_seconds)
    assert isinstance(ledger.admit([LedgerKey("k", 1, 0.5)]), list)
    ledger.close()
