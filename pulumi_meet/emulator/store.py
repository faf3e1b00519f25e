"""SQLite persistence for the emulator.

One connection, serialised by a re-entrant lock, and one transaction per request: a request that
fails half-way (an exception inside ``transaction()``) rolls back and leaves the previous state.
SQLite is fast enough for an emulator and, with a file path, keeps spaces, members, keys and users
across a restart; ``:memory:`` keeps nothing.

Each module that owns state declares its tables as SQL and registers them with ``register``;
tables are created with ``CREATE TABLE IF NOT EXISTS`` so reopening an existing database is safe.

The database holds the token-signing secret and service-account private keys: a file the store
creates is readable by its owner only (0600; SQLite gives its ``-wal`` and ``-shm`` files the
same mode), and so are the directories it creates (0700).
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import stat
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

__all__ = ["MEMORY", "Store", "database_path"]

MEMORY = ":memory:"
_SQLITE_HEADER = b"SQLite format 3\x00"


def _expanded(text: str) -> Path:
    try:
        return Path(text).expanduser()
    except RuntimeError:  # ~user of a user that does not exist
        user = text[1:].split("/", 1)[0].split(os.sep, 1)[0]
        raise ValueError(f"{text}: there is no user {user!r} whose home ~{user} names") from None


def database_path(text: str) -> str:
    """A database path given by a user, expanded, or ``ValueError`` saying why it cannot be one.

    An existing path must be an SQLite database (or an empty file); a new one needs an existing
    directory, as the ``sqlite3`` shell requires.
    """
    if text == MEMORY:
        return text
    if not text.strip():
        raise ValueError("an empty path: give a file, or :memory: to keep nothing")
    path = _expanded(text)
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        if not path.parent.is_dir():
            raise ValueError(f"{text}: the directory {path.parent} does not exist") from None
        return str(path)
    except OSError as error:
        raise ValueError(f"{text}: {error.strerror}") from None
    if stat.S_ISDIR(mode):
        raise ValueError(f"{text} is a directory: name a database file inside it")
    if not stat.S_ISREG(mode):
        raise ValueError(f"{text} is not a regular file")
    try:
        with path.open("rb") as handle:
            header = handle.read(len(_SQLITE_HEADER))
    except OSError as error:
        raise ValueError(f"{text}: cannot read it ({error.strerror})") from None
    if header and header != _SQLITE_HEADER:
        raise ValueError(f"{text} is not an SQLite database: name another file")
    return str(path)


def _create_private(path: Path) -> None:
    """Create the missing directories (0700) and the empty database file (0600)."""
    missing = [parent for parent in path.parents if not parent.exists()]
    for directory in reversed(missing):
        with contextlib.suppress(FileExistsError):
            directory.mkdir(mode=0o700)
    with contextlib.suppress(FileExistsError):
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))


class Store:
    """The emulator's database: ``with store.transaction() as db: db.execute(...)``."""

    def __init__(self, path: str | Path = MEMORY) -> None:
        self.path = str(path) if str(path) == MEMORY else str(_expanded(str(path)))
        if self.path != MEMORY:
            _create_private(Path(self.path))
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
