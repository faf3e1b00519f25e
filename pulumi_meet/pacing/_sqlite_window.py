"""The SQLite ledger's in-memory window: admission without a count while no other process wrote.

`pulumi_meet.pacing.sqlite_ledger` admits a call when fewer than the capacity of a key's rows are
in flight or answered within the window. Counting them in SQL costs O(rows in the window) per
call (0.46 ms with 2,000 rows). A process alone on the file needs no count: every row of the
file is one it wrote itself, so it can keep each key's window in memory, as
`pulumi_meet.pacing.window` does for its own limiter (in-flight row ids in a set, answered ones
in answer order in a deque, those that left the window popped from the front), and the
admission's transaction only writes.

When that is exact: SQLite's ``PRAGMA data_version`` changes only when ANOTHER connection
committed since this connection last read it (never for this connection's own commits). The
ledger reads it in every transaction it runs, right after ``BEGIN IMMEDIATE`` (it then holds the
write lock: nobody commits before its own commit), and `Windows.observe` drops every model when
it changed. In between, every write of the ledger's connection (its inserts, stamps, forgets and
the dead-holder recovery; the flusher writes through the same connection, under the same lock)
updates or drops the model of its key. A model therefore equals its key's rows of the file.

When it pays: a model is loaded (one ``SELECT`` of the key's window) only after the version held
still at `LOAD_AFTER_QUIET` transactions in a row. Two processes admitting alternately change it
every time: neither loads, both count in SQL as before (today's cost, no more).

What it decides: only "room now". A full model, a clock gone back past what was pruned, or a
window size that differs from the model's, send the admission to the exact SQL path (which may
stamp dead holders' rows and admit, and computes the wait of a refusal). A model can only ever
count what the file holds, never less.
"""

from __future__ import annotations

import bisect
import math
import sqlite3
from collections import deque
from collections.abc import Iterable, Sequence

__all__ = ["LOAD_AFTER_QUIET", "Windows"]

LOAD_AFTER_QUIET = 2
"""Transactions in a row that saw no other connection's commit before a model is loaded."""


class _KeyWindow:
    """One key's rows in the window: exactly the file's while the data version holds still."""

    __slots__ = ("finished", "horizon", "in_flight", "window")

    def __init__(self, window: float, horizon: float) -> None:
        self.window = window
        # Rows answered at or before this were left out (or popped): an earlier horizon (a clock
        # gone back) would count them again, and the model no longer has them.
        self.horizon = horizon
        self.in_flight: set[int] = set()
        self.finished: deque[tuple[float, int]] = deque()  # (answered, row id), oldest first


class Windows:
    """The ledger connection's models, one per key; used under the ledger's connection lock.

    `enabled` False never loads one (the SQL path only: tests compare both, the bench measures
    both).
    """

    def __init__(self, *, enabled: bool = True) -> None:
        self._load_after = LOAD_AFTER_QUIET if enabled else math.inf
        self._version: int | None = None
        self._quiet = 0  # transactions in a row at which the version held still
        self._keys: dict[str, _KeyWindow] = {}
        self._rows: dict[int, str] = {}  # every row id a model holds -> its key
        self.loads = 0  # models loaded (tests: alternating processes do not reload every call)

    def observe(self, db: sqlite3.Connection) -> None:
        """Inside a transaction, after ``BEGIN IMMEDIATE``: drop every model if another
        connection committed since this one last looked."""
        (version,) = db.execute("PRAGMA data_version").fetchone()
        if version != self._version:
            self.clear()
            self._version = version
        else:
            self._quiet += 1

    def clear(self) -> None:
        """Drop every model (another process wrote, or a transaction of this one rolled back)."""
        self._keys.clear()
        self._rows.clear()
        self._quiet = 0

    def drop(self, key: str) -> None:
        """Drop `key`'s model: this connection wrote its rows other than through this class."""
        model = self._keys.pop(key, None)
        if model is not None:
            for row in model.in_flight:
                del self._rows[row]
            for _, row in model.finished:
                del self._rows[row]

    def has_room(
        self, db: sqlite3.Connection, key: str, capacity: int, window: float, horizon: float
    ) -> bool:
        """True when `key`'s model has room now (loading it when that pays); False: ask SQL.

        `horizon` is the SQL path's: rows answered after it are in the window."""
        model = self._keys.get(key)
        if model is not None and (model.window != window or horizon < model.horizon):
            self.drop(key)
            model = None
        if model is None:
            if self._quiet < self._load_after:
                return False
            model = self._load(db, key, window, horizon)
        finished = model.finished
        while finished and finished[0][0] <= horizon:
            del self._rows[finished.popleft()[1]]
        model.horizon = horizon
        return len(model.in_flight) + len(finished) < capacity

    def _load(self, db: sqlite3.Connection, key: str, window: float, horizon: float) -> _KeyWindow:
        model = self._keys[key] = _KeyWindow(window, horizon)
        # Two index ranges (an OR would scan every row of the key); the second in answer order.
        for (row,) in db.execute("SELECT id FROM calls WHERE key = ? AND finished IS NULL", (key,)):
            model.in_flight.add(row)
            self._rows[row] = key
        for row, answered in db.execute(
            "SELECT id, finished FROM calls WHERE key = ? AND finished > ? ORDER BY finished",
            (key, horizon),
        ):
            model.finished.append((answered, row))
            self._rows[row] = key
        self.loads += 1
        return model

    def admitted(self, key: str, row: int) -> None:
        """This connection inserted `row` (in flight) under `key`."""
        model = self._keys.get(key)
        if model is None:
            return
        if row in self._rows:  # an id a model still holds: not the file's state; start over
            self.clear()
            return
        model.in_flight.add(row)
        self._rows[row] = key

    def stamped(self, stamps: Iterable[tuple[float, int]]) -> None:
        """This connection wrote (answered, row id) stamps, each only where the row was in
        flight (a row stamped already keeps its time: so does its model)."""
        for answered, row in stamps:
            key = self._rows.get(row)
            if key is None:
                continue
            model = self._keys[key]
            if row not in model.in_flight:
                continue
            model.in_flight.discard(row)
            finished = model.finished
            if answered <= model.horizon:  # out of the window already, as far as SQL counts
                del self._rows[row]
            elif not finished or answered >= finished[-1][0]:
                finished.append((answered, row))
            else:  # answers recorded by two threads out of order: rare, O(n)
                finished.insert(bisect.bisect_right(finished, (answered, row)), (answered, row))

    def forgotten(self, rows: Sequence[int]) -> None:
        """This connection deleted `rows`."""
        for row in rows:
            key = self._rows.get(row)
            if key is None:
                continue
            model = self._keys[key]
            if row in model.in_flight:
                model.in_flight.discard(row)
                del self._rows[row]
            else:  # answered, then refused (rare): not worth a search of the deque
                self.drop(key)
