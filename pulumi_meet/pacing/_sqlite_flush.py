"""The SQLite ledger's answer stamps that no transaction has written yet, and their flusher.

`pulumi_meet.pacing.sqlite_ledger` does not stamp a call answered in a transaction of its own:
``finish`` records the row ids and the answer's true time here (`PendingStamps.add`, a list
append under a lock), and they are written by the next transaction the ledger runs anyway (the
next ``admit``), or, when none comes soon, by the ledger's one flusher thread at most
`FLUSH_BOUND_SECONDS` after the answer; ``close`` and the interpreter's exit (`flush_at_exit`)
write what is left.

Lock order: the ledger's connection lock, then this module's lock, never the reverse (the flusher
waits here without the ledger's lock, and takes the stamps inside the ledger's transaction).
"""

from __future__ import annotations

import atexit
import threading
import time
import weakref
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

__all__ = ["FLUSH_BOUND_SECONDS", "PendingStamps", "Rows", "Stamped", "flush_at_exit"]

FLUSH_BOUND_SECONDS = 0.5
"""How long after its answer a call's stamp may wait for a transaction to carry it.

Safe because a call whose stamp waits counts as in flight (``finished IS NULL``) for other
processes: it stays in their count, which can only over-count, and only for this long, two
orders of magnitude below any quota window (Meet's are 60 s): at worst another process waits up
to this long for a slot that was already free; it never gets one that was not. The stamp written
is the answer's time, not the flush's, so nothing is counted later than it would have been."""


class Stamped(Protocol):
    """What the flusher thread writes the stamps through (the ledger)."""

    def flush(self) -> None:
        """Write every pending stamp now (never raises)."""


@dataclass(frozen=True)
class _Pending:
    slot: Sequence[int]
    answered: float  # the ledger's clock at the answer: the stamp written
    due: float  # time.monotonic() by which a transaction must have written it


class PendingStamps:
    """The stamps `finish` recorded, oldest first, and the flusher thread that bounds their wait.

    Thread-safe. The flusher starts with the first stamp, holds its ledger weakly (a ledger
    dropped without ``close`` is not kept alive by it) and sleeps on a condition while nothing
    is pending: no polling.
    """

    def __init__(self, owner: Stamped, bound_seconds: float = FLUSH_BOUND_SECONDS) -> None:
        self._owner = weakref.ref(owner)
        self._bound = bound_seconds
        self._ready = threading.Condition(threading.Lock())
        self._pending: list[_Pending] = []
        self._idle = False  # the flusher waits for a first stamp (a finish must wake it)
        self._closed = False
        self._thread: threading.Thread | None = None

    def add(self, slot: Sequence[int], answered: float) -> None:
        """Record `slot`'s answer at `answered`; nothing when it was finished or forgotten."""
        with self._ready:
            if self._closed or not _settle(slot):
                return
            self._pending.append(_Pending(slot, answered, time.monotonic() + self._bound))
            if self._thread is None:
                self._thread = threading.Thread(
                    target=_flusher, args=(self._owner, self), daemon=True,
                    name="pulumi-meet ledger flusher",
                )  # fmt: skip
                self._thread.start()
            elif self._idle:  # a timed wait already covers the older stamps: no wake-up
                self._ready.notify()

    def drop(self, slot: Sequence[int]) -> None:
        """`slot` is forgotten: its pending stamp (if any) is never written, nor a later one.

        Called inside the transaction that deletes its rows, so no stamp of it is written after
        them: their ids may be reused by a later call, which such a stamp would finish."""
        with self._ready:
            _settle(slot)
            self._pending = [entry for entry in self._pending if entry.slot is not slot]

    def take(self) -> list[tuple[float, int]]:
        """Every pending stamp as (answered, row id), removed (inside the writing transaction)."""
        with self._ready:
            taken, self._pending = self._pending, []
        return [(entry.answered, row) for entry in taken for row in entry.slot]

    def __bool__(self) -> bool:
        """Whether a stamp waits (a hint, read without the lock: a list's length is atomic)."""
        return bool(self._pending)

    def close(self) -> None:
        """Stop the flusher and refuse further stamps (the caller takes what is left)."""
        with self._ready:
            self._closed = True
            self._ready.notify_all()

    def wait_due(self) -> bool:
        """The flusher's wait: True when the oldest stamp is due, False once closed."""
        with self._ready:
            while not self._closed:
                if not self._pending:
                    self._idle = True
                    self._ready.wait()
                    self._idle = False
                    continue
                delay = self._pending[0].due - time.monotonic()
                if delay <= 0:
                    return True
                self._ready.wait(delay)
            return False


class Rows(list[int]):
    """An admitted call's row ids, as the ledger hands them out: it remembers being settled
    (finished or forgotten), so a second ``finish``, or a ``finish`` after ``forget``, writes
    nothing."""

    __slots__ = ("settled",)

    def __init__(self, ids: Sequence[int]) -> None:
        super().__init__(ids)
        self.settled = False


def _settle(slot: Sequence[int]) -> bool:
    """Mark `slot` settled; False when it already was. A plain list is not tracked."""
    if not isinstance(slot, Rows):
        return True
    first, slot.settled = not slot.settled, True
    return first


def _flusher(owner: weakref.ref[Stamped], stamps: PendingStamps) -> None:
    """The flusher thread: write the stamps when the oldest is due, until closed or dropped."""
    while stamps.wait_due():
        ledger = owner()
        if ledger is None:
            return
        ledger.flush()  # errors go through the ledger's failure path: flush never raises
        del ledger  # hold it only while flushing


_OPEN: weakref.WeakSet[Stamped] = weakref.WeakSet()


def flush_at_exit(ledger: Stamped) -> None:
    """Write `ledger`'s pending stamps when the interpreter exits, if it is still alive then."""
    _OPEN.add(ledger)


@atexit.register
def _flush_all() -> None:
    # Flush, not close: an atexit handler that runs after this one may still pace a call.
    for ledger in list(_OPEN):
        ledger.flush()
