"""The SQLite ledger: the processes of one machine share each user's and project's quota.

Three provider hosts of a monorepo's pipeline and an operator's ``pulumi-meet`` all spend the
same user's and project's quota; each one's in-process pacing believes it has the whole of it.
This ledger is a SQLite file (`meet:quotaLedger`, default
``~/.pulumi-meet/quota-ledger.sqlite``) holding one row per admitted call: its quota key, the
process that sent it, and when its answer arrived (NULL while in flight). A process admits a call
only if, for every key of the call (the user's bucket and the project's bucket), fewer than the
capacity of rows are in flight or finished within the window — in one ``BEGIN IMMEDIATE``
transaction, so two processes never both take the last slot.

One transaction per call, not two: ``finish`` writes nothing on the caller's thread. It records
the rows and the answer's true time in memory (`pulumi_meet.pacing._sqlite_flush`), and the
stamps are written by this process's next admission, inside its transaction and before its
count, or, when no admission comes, by one background flusher per ledger at most
`FLUSH_BOUND_SECONDS` (0.5 s) after the answer; ``close`` and the interpreter's exit write what
is left. This is safe because a call whose stamp waits is in flight for everyone else (finished
IS NULL): it still counts, so the wait can only over-count, and only for half a second, far
below any quota window (60 s). The time written is the answer's, recorded at ``finish``, not the
flush's: once written, every process's accounting is exactly what an immediate stamp would have
made it. A process killed with stamps pending leaves its rows in flight under a dead pid, which
the recovery below stamps (as answered at that moment: conservative).

No count while this process is alone on the file: each admission reads ``PRAGMA data_version``
(which moves only when another connection committed) and, while it holds still, decides "room
now" from an in-memory model of each key's window (`pulumi_meet.pacing._sqlite_window`, O(1) per
call), so the transaction only writes. When another process wrote, the models are dropped and
the count runs in SQL as above; a model is loaded again only after the file held still for two
transactions in a row, so processes admitting alternately keep the SQL count's cost and pay no
load on top. A full model, or a refusal, always goes to the SQL path (its wait, its recovery of
dead holders).

Why SQLite: it ships with Python (no dependency), its locks are the operating system's file
locks, which die with their holder (a SIGKILLed process blocks nobody), and WAL mode lets
readers go on during a write. A row left in flight by a dead process is stamped finished by the
next admission that sees it (its pid no longer runs), so it leaves the window like any other.
Machines share no file (and SQLite over a network file system is not safe): across machines,
use the Redis ledger (`pulumi_meet.pacing.redis_ledger`).

The file (and its ``-wal`` / ``-shm``, which SQLite creates with the file's mode) is private to
its user: 0600, in a directory created 0700.

Times are wall-clock (`time.time`): the processes do not share a monotonic origin.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import threading
import time
import weakref
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

from pulumi_meet.pacing._sqlite_flush import FLUSH_BOUND_SECONDS, PendingStamps, Rows, flush_at_exit
from pulumi_meet.pacing._sqlite_window import Windows
from pulumi_meet.pacing.ledger import Ledger, LedgerKey, LedgerRefusal, NoLedger, Slot

__all__ = ["FLUSH_BOUND_SECONDS", "SqliteLedger", "open_sqlite_ledger"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS calls (
    id       INTEGER PRIMARY KEY,
    key      TEXT NOT NULL,
    pid      INTEGER NOT NULL,
    started  REAL NOT NULL,
    finished REAL
);
CREATE INDEX IF NOT EXISTS calls_by_key ON calls (key, finished);
"""
_BUSY_TIMEOUT_MS = 10_000
_KEEP_SECONDS = 3600.0  # rows older than any sensible window are deleted
_POLL_SECONDS = 0.05
_STALE_IN_FLIGHT_SECONDS = 600.0  # far beyond any request timeout: its holder is hung, not busy
# A stamp never overwrites one: a row the dead-pid recovery stamped keeps its (earlier) time.
_STAMP = "UPDATE calls SET finished = ? WHERE id = ? AND finished IS NULL"


def _alive(pid: int) -> bool:
    """Whether `pid` still runs. A zombie (killed, not yet reaped by its parent) does not."""
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process: alive
        return True
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as handle:
            state = handle.read().rpartition(")")[2].split()[:1]
    except OSError:  # no /proc (macOS): kill(0) is all there is
        return True
    return state != ["Z"]


def _orphaned(db: sqlite3.Connection, lock: threading.Lock, stamps: PendingStamps) -> None:
    """Close a ledger, writing its last stamps (best effort: `close`, or its garbage collection,
    which has nobody to report a failure to)."""
    stamps.close()
    with lock:
        rows = stamps.take()
        with contextlib.suppress(sqlite3.Error):
            if rows:
                db.execute("BEGIN IMMEDIATE")
                db.executemany(_STAMP, rows)
                db.execute("COMMIT")
        db.close()


def _create_private(path: Path) -> None:
    """Create the file 0600 (its directory 0700) before SQLite opens it; tighten an old one.

    SQLite gives the ``-wal`` and ``-shm`` files the database file's mode, so they follow.
    """
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_RDWR | os.O_CREAT | getattr(os, "O_CLOEXEC", 0), 0o600)
    try:
        if os.fstat(descriptor).st_uid == os.getuid():
            os.fchmod(descriptor, 0o600)  # a ledger created 0644 by an older version
    finally:
        os.close(descriptor)


class SqliteLedger(Ledger):
    """One process's connection to the ledger file; thread-safe (one transaction at a time).

    `clock` gives the times written (wall-clock; tests inject their own); `flush_after_seconds`
    bounds how long a stamp waits for a transaction (see `FLUSH_BOUND_SECONDS`);
    `in_memory_window` False always counts in SQL (tests and the bench compare). A file that fails
    mid-run (a vanished or read-only disk) is reported once through `on_failure`; from then on
    it admits every call, and pacing covers this process only.
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        margin_seconds: float = 0.1,
        clock: Callable[[], float] = time.time,
        on_failure: Callable[[str], None] | None = None,
        flush_after_seconds: float = FLUSH_BOUND_SECONDS,
        in_memory_window: bool = True,
    ) -> None:
        self.path = Path(path)
        self.description = f"the quota ledger {self.path}"
        self._margin = margin_seconds
        self._clock = clock
        self._on_failure = on_failure
        self._broken = False
        self._lock = threading.Lock()
        self._windows = Windows(enabled=in_memory_window)  # under self._lock
        _create_private(self.path)
        # isolation_level=None: transactions are the explicit BEGIN IMMEDIATE below.
        self._db = sqlite3.connect(
            self.path, timeout=_BUSY_TIMEOUT_MS / 1000, isolation_level=None,
            check_same_thread=False,
        )  # fmt: skip
        self._db.execute(f"PRAGMA busy_timeout = {_BUSY_TIMEOUT_MS}")
        self._db.execute("PRAGMA journal_mode = WAL")
        self._db.execute("PRAGMA synchronous = NORMAL")
        with self._lock:
            self._db.executescript(_SCHEMA)  # idempotent; runs in its own transaction
        with self._transaction():
            self._db.execute(
                "DELETE FROM calls WHERE finished IS NOT NULL AND finished < ?",
                (self._clock() - _KEEP_SECONDS,),
            )
        self._stamps = PendingStamps(self, flush_after_seconds)
        # The connection, not the ledger: a ledger dropped without close() still writes its
        # stamps when it is collected.
        self._finalizer = weakref.finalize(self, _orphaned, self._db, self._lock, self._stamps)
        self._finalizer.atexit = False  # at exit, flush_at_exit flushes without closing
        flush_at_exit(self)

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[None]:
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                # With the write lock held: nobody else commits before this transaction does.
                self._windows.observe(self._db)
                yield
                if self._db.in_transaction:
                    self._db.execute("COMMIT")
            except BaseException:
                self._windows.clear()  # they hold this transaction's writes, rolled back
                with contextlib.suppress(sqlite3.Error):
                    self._db.execute("ROLLBACK")
                raise

    def _failed(self, error: sqlite3.Error) -> None:
        with self._lock:
            first, self._broken = not self._broken, True
        self._stamps.take()  # nothing will write them: a broken file admits everything
        if first and self._on_failure is not None:
            self._on_failure(
                f"{self.description} failed ({type(error).__name__}: {error}); from now on "
                "pacing covers this process only, so other pulumi-meet processes acting for the "
                "same users may meet 429s"
            )

    def admit(self, keys: Sequence[LedgerKey]) -> Slot | LedgerRefusal:
        """Record one call under every key (its row ids), or say which key is full and for how
        long; a broken file admits (None)."""
        if self._broken:
            return None
        try:
            return self.admit_rows(keys)
        except sqlite3.Error as error:
            self._failed(error)
            return None

    def finish(self, slot: Slot) -> None:
        """The call's answer arrived now: record the stamp, which the next admission's
        transaction (or the flusher, within `FLUSH_BOUND_SECONDS`) writes. No I/O, no wait."""
        if isinstance(slot, list) and not self._broken:
            self._stamps.add(slot, self._clock())

    def flush(self) -> None:
        """Write the pending stamps now, in one transaction (none when nothing is pending)."""
        if self._broken:
            self._stamps.take()  # a finish that raced with the failure: nothing writes it
            return
        if not self._stamps:
            return
        try:
            with self._transaction():
                self._write_stamps()
        except sqlite3.Error as error:
            self._failed(error)

    def forget(self, slot: Slot) -> None:
        """Delete the call's rows."""
        if isinstance(slot, list) and not self._broken:
            try:
                self.forget_rows(slot)
            except sqlite3.Error as error:
                self._failed(error)

    def admit_rows(self, keys: Sequence[LedgerKey]) -> list[int] | LedgerRefusal:
        """`admit`, raising sqlite3.Error."""
        with self._transaction():
            self._write_stamps()  # before the count: this process's answers leave the in-flight
            now = self._clock()
            for key in keys:
                horizon = now - key.window_seconds - self._margin
                if self._windows.has_room(self._db, key.key, key.capacity, key.window_seconds,
                                          horizon):  # fmt: skip
                    continue  # no count: the model is the file's rows of the key
                wait = self._wait_seconds(key, now)
                if wait > 0:
                    return LedgerRefusal(key, wait)
                self._windows.drop(key.key)  # the model said full, SQL found room: reload it
            pid = os.getpid()
            ids = Rows(())
            for key in keys:
                cursor = self._db.execute(
                    "INSERT INTO calls (key, pid, started) VALUES (?, ?, ?)", (key.key, pid, now)
                )
                ids.append(int(cursor.lastrowid or 0))
                self._windows.admitted(key.key, ids[-1])
            return ids

    def forget_rows(self, ids: Sequence[int]) -> None:
        """The server refused the calls (429): they consumed no quota."""
        with self._transaction():
            self._stamps.drop(ids)  # in the transaction: no stamp of them is written after this
            self._db.executemany("DELETE FROM calls WHERE id = ?", [(row,) for row in ids])
            self._windows.forgotten(ids)

    def _write_stamps(self) -> None:
        """Write the pending stamps (inside a transaction)."""
        rows = self._stamps.take()
        if rows:
            self._db.executemany(_STAMP, rows)
            self._windows.stamped(rows)

    def _wait_seconds(self, key: LedgerKey, now: float) -> float:
        """0 when `key` has room now, else the seconds until it may have (inside a transaction)."""
        horizon = now - key.window_seconds - self._margin
        # The common case, a bucket with room, is two index range counts (an OR would scan every
        # row of the key); the rows are read only when it is full.
        (counted,) = self._db.execute(
            "SELECT (SELECT COUNT(*) FROM calls WHERE key = ?1 AND finished IS NULL)"
            " + (SELECT COUNT(*) FROM calls WHERE key = ?1 AND finished > ?2)",
            (key.key, horizon),
        ).fetchone()
        if counted < key.capacity:
            return 0.0
        rows = self._db.execute(
            "SELECT id, pid, started, finished FROM calls WHERE key = ? "
            "AND (finished IS NULL OR finished > ?)",
            (key.key, horizon),
        ).fetchall()
        if len(rows) < key.capacity:
            return 0.0
        stale = now - _STALE_IN_FLIGHT_SECONDS
        dead = [
            row_id
            for row_id, pid, started, finished in rows
            if finished is None and (started < stale or not _alive(pid))
        ]
        if dead:
            # The holder died (or hangs) mid-call: the call may have counted on the server, so
            # it stays in the window, as if answered now.
            self._db.executemany(
                "UPDATE calls SET finished = ? WHERE id = ?", [(now, row) for row in dead]
            )
            self._windows.drop(key.key)
        stamps = [now if row_id in dead else finished for row_id, _, _, finished in rows]
        in_flight = stamps.count(None)
        finished = sorted(stamp for stamp in stamps if stamp is not None)
        excess = len(rows) - key.capacity
        if in_flight >= key.capacity or not finished:
            return _POLL_SECONDS
        index = min(excess, len(finished) - 1)
        frees_at = float(finished[index]) + key.window_seconds + self._margin
        return max(_POLL_SECONDS / 5, frees_at - now)

    def count(self, key: str, since: float) -> int:
        """Rows of `key` started at or after `since` (tests and the bench), pending stamps
        written first."""
        self.flush()
        with self._lock:
            row = self._db.execute(
                "SELECT COUNT(*) FROM calls WHERE key = ? AND started >= ?", (key, since)
            ).fetchone()
        return int(row[0])

    def close(self) -> None:
        """Write the pending stamps, stop the flusher and close the connection (idempotent)."""
        self.flush()  # here, a failure is reported
        self._finalizer()


def open_sqlite_ledger(path: str, on_failure: Callable[[str], None]) -> Ledger:
    """The ledger file at `path` (``~`` already expanded), or a `NoLedger` when it cannot be
    used (read-only disk, no home directory, a corrupt file): said once through `on_failure`."""
    if path.startswith("~"):
        on_failure(
            f"the quota ledger {path} cannot be used: this process has no home directory; "
            "pacing covers this process only. Point meet:quotaLedger (MEET_QUOTA_LEDGER) at a "
            "writable file, or set it to `off` to silence this."
        )
        return NoLedger()
    try:
        return SqliteLedger(path, on_failure=on_failure)
    except (OSError, sqlite3.Error) as error:
        on_failure(
            f"the quota ledger {path} cannot be used ({type(error).__name__}: {error}); "
            "pacing covers this process only, so other pulumi-meet processes acting for the "
            "same users may meet 429s. Point meet:quotaLedger (MEET_QUOTA_LEDGER) at a "
            "writable file, or set it to `off` to silence this."
        )
        return NoLedger()
