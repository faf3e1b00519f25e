"""The quota ledger: processes on one machine share each user's and project's quota.

Three provider hosts of a monorepo's pipeline and an operator's ``pulumi-meet`` all spend the
same user's and project's quota; each one's in-process pacing believes it has the whole of it.
The ledger is a SQLite file (`meet:quotaLedger`, default ``~/.pulumi-meet/quota-ledger.sqlite``)
holding one row per admitted call: its quota key, the process that sent it, and when its answer
arrived (NULL while in flight). A process admits a call only if, for every key of the call (the
user's bucket and the project's bucket), fewer than the capacity of rows are in flight or
finished within the window — in one ``BEGIN IMMEDIATE`` transaction, so two processes never
both take the last slot.

Why SQLite: it ships with Python (no dependency), its locks are the operating system's file
locks, which die with their holder (a SIGKILLed process blocks nobody), and WAL mode lets
readers go on during a write. A row left in flight by a dead process is stamped finished by the
next admission that sees it (its pid no longer runs), so it leaves the window like any other.

Times are wall-clock (`time.time`): the processes do not share a monotonic origin.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

__all__ = ["DEFAULT_PATH", "Ledger", "LedgerKey", "LedgerRefusal", "open_ledger", "reset_ledgers"]

DEFAULT_PATH = "~/.pulumi-meet/quota-ledger.sqlite"
"""The ledger when `meet:quotaLedger` is not set: per user account, so every stack's provider
host and every ``pulumi-meet`` of that account meet in it (``~`` expanded when opened)."""
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


@dataclass(frozen=True)
class LedgerKey:
    """One quota key of a call and what the process may spend of it per window."""

    key: str
    capacity: int
    window_seconds: float


@dataclass(frozen=True)
class LedgerRefusal:
    """No room yet: which key is full and how long until it may have room."""

    key: LedgerKey
    wait_seconds: float


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


class Ledger:
    """One process's connection to the ledger file; thread-safe (one transaction at a time)."""

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        margin_seconds: float = 0.1,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.path = Path(path)
        self._margin = margin_seconds
        self._clock = clock
        self._lock = threading.Lock()
        self.path.parent.mkdir(parents=True, exist_ok=True)
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

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[None]:
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield
            except BaseException:
                with contextlib.suppress(sqlite3.Error):
                    self._db.execute("ROLLBACK")
                raise
            if self._db.in_transaction:
                self._db.execute("COMMIT")

    def admit(self, keys: Sequence[LedgerKey]) -> list[int] | LedgerRefusal:
        """Record one call under every key (row ids), or say which key is full and for how long."""
        with self._transaction():
            now = self._clock()
            for key in keys:
                wait = self._wait_seconds(key, now)
                if wait > 0:
                    return LedgerRefusal(key, wait)
            pid = os.getpid()
            ids = []
            for key in keys:
                cursor = self._db.execute(
                    "INSERT INTO calls (key, pid, started) VALUES (?, ?, ?)", (key.key, pid, now)
                )
                ids.append(int(cursor.lastrowid or 0))
            return ids

    def finish(self, ids: Sequence[int]) -> None:
        """The calls' answers arrived: they leave the window one window from now."""
        with self._transaction():
            now = self._clock()
            self._db.executemany(
                "UPDATE calls SET finished = ? WHERE id = ? AND finished IS NULL",
                [(now, row) for row in ids],
            )

    def forget(self, ids: Sequence[int]) -> None:
        """The server refused the calls (429): they consumed no quota."""
        with self._transaction():
            self._db.executemany("DELETE FROM calls WHERE id = ?", [(row,) for row in ids])

    def _wait_seconds(self, key: LedgerKey, now: float) -> float:
        """0 when `key` has room now, else the seconds until it may have (inside a transaction)."""
        horizon = now - key.window_seconds - self._margin
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
        """Rows of `key` started at or after `since` (tests and the bench)."""
        with self._lock:
            row = self._db.execute(
                "SELECT COUNT(*) FROM calls WHERE key = ? AND started >= ?", (key, since)
            ).fetchone()
        return int(row[0])

    def close(self) -> None:
        """Close the connection (idempotent)."""
        with self._lock:
            self._db.close()


_LEDGERS: dict[str, Ledger | None] = {}
_LEDGERS_LOCK = threading.Lock()


def open_ledger(path: str | None, on_failure: Callable[[str], None]) -> Ledger | None:
    """The process's ledger at `path` (None: `DEFAULT_PATH`; ``~`` expanded), or None when it
    cannot be used.

    A ledger that cannot be opened (read-only disk, no home directory, a corrupt file) is
    reported once through `on_failure` and pacing stays in-process.
    """
    resolved = str(Path(path or DEFAULT_PATH).expanduser())
    with _LEDGERS_LOCK:
        if resolved in _LEDGERS:
            return _LEDGERS[resolved]
        try:
            ledger: Ledger | None = Ledger(resolved)
        except (OSError, sqlite3.Error) as error:
            ledger = None
            on_failure(
                f"the quota ledger {resolved} cannot be used ({type(error).__name__}: {error}); "
                "pacing covers this process only, so other pulumi-meet processes acting for the "
                "same users may meet 429s. Point meet:quotaLedger (MEET_QUOTA_LEDGER) at a "
                "writable file, or set it to `off` to silence this."
            )
        _LEDGERS[resolved] = ledger
        return ledger


def reset_ledgers() -> None:
    """Close and forget every open ledger (tests)."""
    with _LEDGERS_LOCK:
        for ledger in _LEDGERS.values():
            if ledger is not None:
                ledger.close()
        _LEDGERS.clear()
