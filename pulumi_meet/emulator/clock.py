"""The emulator's clock: the machine's time unless a test sets it (``/emulator/v1/clock``).

Set to an instant, it either runs on from there at the machine's pace (the default: an offset
from real time) or stands still (``frozen``). It is kept in the store, so an emulator with a
database file keeps its time across restarts.

What follows it, and what does not (``docs/emulator.md``, "The clock"): the times of spaces,
meeting codes, conferences, participants, sessions and artifacts, and every rule computed from
them (a record's 30-day retention, a meeting code's 365-day expiry, an artifact's file becoming
ready) follow it. Access tokens and signed assertions (google-auth checks their expiry against the
machine's clock), quota windows and the request log's times do not: moving the clock a year on
must not expire every token a test holds nor refill or drain quotas.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping
from typing import Any

from pulumi_meet.emulator.exceptions import InvalidArgument
from pulumi_meet.emulator.store import Store
from pulumi_meet.emulator.timestamps import MICROS, format_time, micros, parse_time

__all__ = ["EmulatorClock"]

SCHEMA = """
CREATE TABLE IF NOT EXISTS meet_clock (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    offset_seconds REAL NOT NULL,
    frozen_at REAL
);
"""

# The instants a clock may be set to: RFC 3339 years 1970-9999 (Timestamp's range from the epoch).
_LATEST = 253402300799.0


class EmulatorClock:
    """Seconds since the epoch, like ``time.time``; thread-safe."""

    def __init__(self, store: Store, real: Callable[[], float] = time.time) -> None:
        self._store = store
        self._real = real
        self._lock = threading.Lock()
        store.register(SCHEMA)
        with store.transaction() as db:
            row = db.execute("SELECT offset_seconds, frozen_at FROM meet_clock").fetchone()
        self._offset = float(row["offset_seconds"]) if row else 0.0
        self._frozen: float | None = row["frozen_at"] if row else None

    def __call__(self) -> float:
        return self.now()

    def now(self) -> float:
        """The emulated time."""
        with self._lock:
            return self._frozen if self._frozen is not None else self._real() + self._offset

    def now_micros(self) -> int:
        """The emulated time in microseconds."""
        return micros(self.now())

    # --- control API -----------------------------------------------------------------------

    def describe(self) -> dict[str, Any]:
        """``GET /emulator/v1/clock``."""
        with self._lock:
            now = self._frozen if self._frozen is not None else self._real() + self._offset
            real = self._frozen is None and self._offset == 0.0
            offset = now - self._real()
        return {
            "now": format_time(micros(now)),
            "frozen": not real and self._frozen is not None,
            "offsetSeconds": round(offset, 3) + 0.0,  # never -0.0
            "real": real,
        }

    def set(self, body: Mapping[str, Any]) -> dict[str, Any]:
        """``PUT /emulator/v1/clock``: ``{"now": RFC 3339, "frozen": false}``."""
        unknown = set(body) - {"now", "frozen"}
        if unknown or "now" not in body:
            raise InvalidArgument.for_field(
                sorted(unknown)[0] if unknown else "now",
                'The body must be {"now": "<RFC 3339 time>"} with optional "frozen": true|false.',
            )
        value = parse_time(body["now"]) if isinstance(body["now"], str) else None
        if value is None or not 0 <= value / MICROS <= _LATEST:
            raise InvalidArgument.for_field(
                "now",
                f"'now' must be an RFC 3339 time such as 2030-01-01T00:00:00Z: {body['now']!r}",
            )
        frozen = body.get("frozen", False)
        if not isinstance(frozen, bool):
            raise InvalidArgument.for_field("frozen", "'frozen' must be true or false.")
        self._save(value / MICROS, frozen)
        return self.describe()

    def advance(self, body: Mapping[str, Any]) -> dict[str, Any]:
        """``POST /emulator/v1/clock:advance``: ``{"seconds": N}`` (N may be negative)."""
        seconds = body.get("seconds")
        if (
            set(body) != {"seconds"}
            or isinstance(seconds, bool)
            or not isinstance(seconds, int | float)
        ):
            raise InvalidArgument.for_field("seconds", 'The body must be {"seconds": <number>}.')
        target = self.now() + seconds
        if not 0 <= target <= _LATEST:
            raise InvalidArgument.for_field("seconds", "The clock would leave the years 1970-9999.")
        with self._lock:
            frozen = self._frozen is not None
        self._save(target, frozen)
        return self.describe()

    def reset(self) -> dict[str, Any]:
        """``DELETE /emulator/v1/clock`` (and the emulator's reset): back to the machine's time."""
        # The store's lock first, then the clock's: requests read the clock inside transactions.
        with self._store.transaction() as db, self._lock:
            db.execute("DELETE FROM meet_clock")
            self._offset, self._frozen = 0.0, None
        return self.describe()

    def _save(self, instant: float, frozen: bool) -> None:
        with self._store.transaction() as db, self._lock:
            self._offset = 0.0 if frozen else instant - self._real()
            self._frozen = instant if frozen else None
            db.execute(
                "INSERT INTO meet_clock VALUES (1, ?, ?) ON CONFLICT(id) DO UPDATE SET "
                "offset_seconds = excluded.offset_seconds, frozen_at = excluded.frozen_at",
                (self._offset, self._frozen),
            )
