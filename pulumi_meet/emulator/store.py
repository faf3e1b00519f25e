"""SQLite persistence for the emulator.

One connection, serialised by a re-entrant lock, and one transaction per request: a request that
fails half-way (an exception inside ``transaction()``) rolls back and leaves the previous state.
SQLite is fast enough for an emulator and, with a file path, keeps spaces, members, keys and users
across a restart; ``:memory:`` keeps nothing.

Each module that owns state declares its tables as SQL and registers them with ``register``;
tables are created with ``CREATE TABLE IF NOT EXISTS`` so reopening an existing database is safe.
"""

from __future__ import annotations

import contextlib
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

__all__ = ["Store"]


class Store:
    """The emulator's database: ``with store.transaction() as db: db.execute(...)``."""

    def __init__(self, path: str | Path = ":memory:") -> None:
        self.path = str(path) if str(path) == ":memory:" else str(Path(path).expanduser())
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        # check_same_thread=False: the server's worker threads share this connection, and the
        # lock below is what keeps them from interleaving statements.
        self._db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        self._db.row_factory = sqlite3.Row
        self._lock = threading.RLock()
        self._depth = 0
        if self.path != ":memory:":
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.execute("PRAGMA foreign_keys=ON")

    def register(self, schema_sql: str) -> None:
        """Create a module's tables (idempotent: use ``CREATE TABLE IF NOT EXISTS``)."""
        with self._lock:
            self._db.executescript(schema_sql)

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """Run a block atomically; nested blocks join the outermost transaction."""
        with self._lock:
            if self._depth:
                self._depth += 1
                try:
                    yield self._db
                finally:
                    self._depth -= 1
                return
            self._depth = 1
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            else:
                self._db.execute("COMMIT")
            finally:
                self._depth = 0

    def close(self) -> None:
        """Close the connection (idempotent)."""
        with self._lock, contextlib.suppress(sqlite3.ProgrammingError):  # already closed
            self._db.close()
