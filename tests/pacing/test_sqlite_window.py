"""The SQLite ledger's in-memory window: no count while no other connection wrote, exact always.

Real files in ``tmp_path``; real processes (`tests/pacing/ledger_worker.py`) where another
process's writes matter. Which statements the ledger runs is read from its own connection's
trace callback.
"""

from __future__ import annotations

import os
import random
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from pulumi_meet.pacing.ledger import LedgerKey, LedgerRefusal
from pulumi_meet.pacing.sqlite_ledger import SqliteLedger
from tests.clock import FakeClock
from tests.conftest import REPO_ROOT

NEVER = 60.0  # a flusher bound no test waits for


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "ledger.sqlite"


class Statements:
    """The statements one ledger's connection runs."""

    def __init__(self, ledger: SqliteLedger) -> None:
        self.seen: list[str] = []
        ledger._db.set_trace_callback(self.seen.append)

    def counts(self) -> int:
        """How many ran a ``COUNT`` (the SQL path), forgetting what was seen."""
        counted = sum("COUNT(" in statement for statement in self.seen)
        self.seen.clear()
        return counted


def _admit(ledger: SqliteLedger, *keys: LedgerKey) -> list[int]:
    slot = ledger.admit(list(keys))
    assert isinstance(slot, list), slot
    return slot


def test_data_version_moves_only_for_other_connections_commits(path: Path) -> None:
    SqliteLedger(path).close()  # the schema, in WAL mode
    mine = sqlite3.connect(path, isolation_level=None)
    other = sqlite3.connect(path, isolation_level=None)
    try:
        assert mine.execute("PRAGMA journal_mode").fetchone() == ("wal",)

        def version() -> int:
            mine.execute("BEGIN IMMEDIATE")
            (value,) = mine.execute("PRAGMA data_version").fetchone()
            mine.execute("COMMIT")
            return int(value)

        first = version()
        mine.execute("INSERT INTO calls (key, pid, started) VALUES ('k', 1, 0)")
        assert version() == first  # its own commit: unchanged
        other.execute("INSERT INTO calls (key, pid, started) VALUES ('k', 1, 0)")
        second = version()
        assert second != first
        other.execute("BEGIN IMMEDIATE")
        other.execute("ROLLBACK")  # no commit: unchanged
        assert version() == second
    finally:
        mine.close()
        other.close()


def test_a_lone_process_admits_without_counting(path: Path) -> None:
    ledger = SqliteLedger(path, flush_after_seconds=0.02)
    statements = Statements(ledger)
    user, project = LedgerKey("u", 1000, 60.0), LedgerKey("p", 1000, 60.0)
    for _ in range(2):  # the version must hold still twice before a model pays
        ledger.finish(_admit(ledger, user, project))
    statements.counts()
    for _ in range(50):
        ledger.finish(_admit(ledger, user, project))
    time.sleep(0.2)  # the flusher writes the last stamps through the same connection
    ledger.finish(_admit(ledger, user, project))
    ledger.forget(_admit(ledger, user, project))
    _admit(ledger, user, project)
    assert statements.counts() == 0
    assert ledger._windows.loads == 2  # one per key, never again: nothing invalidated them
    assert ledger.count("u", 0) == ledger.count("p", 0) == 54
    ledger.close()


def _same(model: object, sql: object) -> None:
    if isinstance(sql, LedgerRefusal):
        assert isinstance(model, LedgerRefusal)
        assert (model.key, model.wait_seconds) == (sql.key, sql.wait_seconds)
    else:
        assert model == sql


@pytest.mark.parametrize("seed", range(6))
def test_the_model_decides_as_the_sql_path_does(tmp_path: Path, seed: int) -> None:
    chance = random.Random(seed)
    clock = FakeClock(1_000_000.0)
    model = SqliteLedger(tmp_path / "model.sqlite", clock=clock, flush_after_seconds=NEVER)
    sql = SqliteLedger(
        tmp_path / "sql.sqlite", clock=clock, flush_after_seconds=NEVER, in_memory_window=False
    )
    statements = Statements(model)
    keys = [LedgerKey("a", 3, 2.0), LedgerKey("b", 5, 1.0), LedgerKey("c", 8, 3.0)]
    slots: list[tuple[list[int], list[int]]] = []
    for _ in range(600):
        move = chance.random()
        if move < 0.45:
            chosen = chance.sample(keys, chance.choice((1, 2)))
            decided = model.admit(chosen), sql.admit(chosen)
            _same(*decided)
            if isinstance(decided[0], list):
                slots.append((decided[0], decided[1]))  # type: ignore[arg-type]
        elif move < 0.7 and slots:
            mine, theirs = slots.pop(chance.randrange(len(slots)))
            model.finish(mine)
            sql.finish(theirs)
        elif move < 0.76 and slots:  # a 429, sometimes after the answer
            mine, theirs = slots.pop(chance.randrange(len(slots)))
            if chance.random() < 0.5:
                model.finish(mine)
                sql.finish(theirs)
                model.flush()
                sql.flush()
            model.forget(mine)
            sql.forget(theirs)
        elif move < 0.8:
            model.flush()
            sql.flush()
        elif move < 0.83:
            clock.now -= chance.uniform(0, 1.5)  # a wall clock stepped back
        elif move < 0.84:
            clock.now += 700  # calls in flight this long are stale: recovered when full
        else:
            clock.now += chance.uniform(0, 0.6)
    assert statements.counts() < 500  # the model answered most admissions
    assert model._windows.loads >= 1
    for key in keys:
        assert model.count(key.key, 0) == sql.count(key.key, 0)
    model.close()
    sql.close()


def _worker(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "tests.pacing.ledger_worker", *args],
        cwd=REPO_ROOT, env=dict(os.environ, PYTHONPATH=str(REPO_ROOT)), text=True,
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )  # fmt: skip


@pytest.mark.parametrize("theirs", [2, 3])
def test_another_process_writing_sends_the_next_admission_to_sql(
    path: Path, workers: list[subprocess.Popen[str]], theirs: int
) -> None:
    key = LedgerKey("k", 5, 60.0)
    ledger = SqliteLedger(path)
    statements = Statements(ledger)
    for _ in range(2):  # the first counts in SQL, the second loads the model
        _admit(ledger, key)
    statements.counts()
    _admit(ledger, key)  # from the model: 3 of 5 in flight
    assert statements.counts() == 0 and ledger._windows.loads == 1
    worker = _worker("admit", str(path), "k", "10", str(theirs))
    workers.append(worker)
    assert worker.stdout is not None and worker.stdout.readline().strip() == "admitted"
    decided = ledger.admit([key])
    assert statements.counts() == 1  # counted in SQL at once
    if theirs == 2:  # 3 + 2 = capacity: refused, every row in flight (a live holder)
        assert isinstance(decided, LedgerRefusal) and decided.wait_seconds == 0.05
    else:
        assert isinstance(decided, LedgerRefusal)  # 3 + 3: over the capacity already
    worker.stdin.close()  # type: ignore[union-attr]
    assert worker.wait(timeout=30) == 0
    ledger.close()


def test_capacity_minus_one_rows_admit_through_sql_after_another_process(
    path: Path, workers: list[subprocess.Popen[str]]
) -> None:
    key = LedgerKey("k", 5, 60.0)
    ledger = SqliteLedger(path)
    for _ in range(3):
        _admit(ledger, key)
    worker = _worker("admit", str(path), "k", "10", "1")
    workers.append(worker)
    assert worker.stdout is not None and worker.stdout.readline().strip() == "admitted"
    _admit(ledger, key)  # 4 rows (capacity - 1): the fifth fits
    assert isinstance(ledger.admit([key]), LedgerRefusal)
    worker.stdin.close()  # type: ignore[union-attr]
    assert worker.wait(timeout=30) == 0
    ledger.close()


def test_processes_admitting_alternately_do_not_load_the_window(
    path: Path, workers: list[subprocess.Popen[str]]
) -> None:
    key = LedgerKey("k", 1000, 60.0)
    ledger = SqliteLedger(path)
    statements = Statements(ledger)
    worker = _worker("alternate", str(path), "k", "1000")
    workers.append(worker)
    assert worker.stdin is not None and worker.stdout is not None
    for _ in range(20):
        ledger.finish(_admit(ledger, key))
        worker.stdin.write("\n")
        worker.stdin.flush()
        assert worker.stdout.readline().strip() == "ok"
    assert statements.counts() == 20  # every admission counted in SQL, as before
    assert ledger._windows.loads == 0  # and none paid for a load as well
    assert ledger.count("k", 0) == 40
    worker.stdin.close()
    assert worker.wait(timeout=30) == 0
    ledger.close()


def test_a_full_model_lets_sql_recover_a_dead_holder(path: Path) -> None:
    SqliteLedger(path).close()
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)  # fmt: skip
    with sqlite3.connect(path, isolation_level=None) as other:
        other.execute(
            "INSERT INTO calls (key, pid, started) VALUES ('k', ?, ?)", (int(dead.stdout), 1000.0)
        )
    other.close()
    clock = FakeClock(1000.0)
    ledger = SqliteLedger(path, clock=clock, flush_after_seconds=NEVER)
    statements = Statements(ledger)
    key, spare = LedgerKey("k", 2, 10.0), LedgerKey("spare", 9, 10.0)
    for _ in range(2):
        _admit(ledger, spare)
    statements.counts()
    _admit(ledger, key)  # from the model: the dead call + this one in flight, full
    assert statements.counts() == 0 and ledger._windows.loads == 2
    clock.now += 5.0
    refusal = ledger.admit([key])  # full: SQL stamps the dead call answered now
    assert statements.counts() == 1
    assert isinstance(refusal, LedgerRefusal) and refusal.wait_seconds == pytest.approx(10.1)
    clock.now += 10.2  # the dead call left the window; in flight forever, it never would have
    _admit(ledger, key)
    ledger.close()


@pytest.mark.parametrize("in_memory", [True, False])
def test_capacity_edge_on_both_paths(path: Path, in_memory: bool) -> None:
    clock = FakeClock(1000.0)
    ledger = SqliteLedger(path, clock=clock, in_memory_window=in_memory)
    statements = Statements(ledger)
    key = LedgerKey("k", 5, 10.0)
    answered = [_admit(ledger, key) for _ in range(3)]
    for slot in answered[:2]:
        ledger.finish(slot)
    clock.now += 5.0
    _admit(ledger, key)  # 4 rows (2 answered within the window): capacity - 1
    _admit(ledger, key)
    refusal = ledger.admit([key])
    assert isinstance(refusal, LedgerRefusal) and refusal.wait_seconds == pytest.approx(5.1)
    counted = statements.counts()
    # The first admission counts (no model yet), the second loads one; then only the full one.
    assert counted == (2 if in_memory else 6)
    clock.now += 5.2
    _admit(ledger, key)  # the two answered calls left; 3 + 1
    ledger.close()


def test_threads_never_admit_more_than_the_capacity(path: Path) -> None:
    key = LedgerKey("k", 100, 60.0)
    ledgers = [SqliteLedger(path, flush_after_seconds=0.01) for _ in range(2)]
    admitted: list[list[int]] = []

    def work(ledger: SqliteLedger) -> None:
        for _ in range(12):
            slot = ledger.admit([key, LedgerKey("p", 1000, 60.0)])
            if isinstance(slot, list):
                admitted.append(slot)
                ledger.finish(slot)

    for ledger in ledgers:  # warm: both models loaded before the threads start
        for _ in range(3):
            ledger.forget(_admit(ledger, key))
    threads = [threading.Thread(target=work, args=(ledgers[n % 2],)) for n in range(32)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(admitted) == 100
    assert len({row for slot in admitted for row in slot}) == 200  # no row handed out twice
    assert ledgers[0].count("k", 0) == 100
    for ledger in ledgers:
        ledger.close()


def test_a_lone_ledger_with_threads_stays_exact(path: Path) -> None:
    key = LedgerKey("k", 150, 60.0)
    ledger = SqliteLedger(path, flush_after_seconds=0.01)
    for _ in range(3):
        ledger.forget(_admit(ledger, key))
    kept: list[list[int]] = []
    forgotten: list[list[int]] = []

    def work(n: int) -> None:
        for attempt in range(10):
            slot = ledger.admit([key])
            if not isinstance(slot, list):
                continue
            if (n + attempt) % 3:
                kept.append(slot)
                ledger.finish(slot)
            else:  # a 429: the slot is free again
                forgotten.append(slot)
                ledger.forget(slot)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(32)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(kept) == 150  # every slot taken, none twice; the forgotten ones were reused
    assert forgotten
    ledger.flush()
    model = ledger._windows._keys["k"]  # still loaded: nothing else wrote
    assert len(model.in_flight) + len(model.finished) == ledger.count("k", 0) == 150
    ledger.close()
