"""The window limiter: one process's count of one quota bucket over a sliding window.

Google counts requests per minute in three buckets (`pulumi_meet.pacing.quota`), per user and
per project (``meet-api-behaviour.md`` "Quotas"). One `SlidingWindowLimiter` per endpoint x
subject (a user, or a project) x bucket (`Limiters`, held by the client state and shared by every
thread that uses it), has room only
while fewer than `capacity` requests were seen in the last `window` seconds. The pacer
(`pulumi_meet.pacing.pacer`) asks both limiters of a call, then counts it in both; it never
blocks here.

Why a sliding-window *log* rather than a token bucket: the server enforces a sliding window, and a
log mirrors it exactly, so the client reaches the full rate (ten creates at once, the eleventh one
window after the first) without a 429. Each admission is stamped with the time its *response*
arrived, which is never earlier than the moment the server counted it; an entry therefore leaves
the client's window no earlier than it leaves the server's. A small margin absorbs timer
granularity.

When a 429 arrives anyway (another process or machine spends the same user's quota), the limiter
blocks the bucket for the server's Retry-After when there is one; without one it halves its
capacity, and each full window without another 429 doubles it back.
"""

from __future__ import annotations

import bisect
import math
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

from pulumi_meet.pacing.quota import bucket_named, capacity_per_window

__all__ = ["Admission", "Limiters", "SlidingWindowLimiter"]

_MIN_CAPACITY_FACTOR = 1 / 16
_POLL_SECONDS = 0.05  # re-check interval while every admitted request is still in flight


@dataclass(eq=False)  # entries are told apart by identity (two may finish at the same time)
class _Entry:
    finished_at: float | None = None  # None while the request is in flight


class Admission:
    """One admitted request; call `done()` once its response (or failure) arrived."""

    def __init__(self, limiter: SlidingWindowLimiter, entry: _Entry) -> None:
        self._limiter = limiter
        self._entry = entry

    def done(self) -> None:
        """Stamp the entry with the current time (idempotent)."""
        self._limiter._finish(self._entry)

    def refused(self) -> None:
        """The server refused the request (429): it consumed no quota, so it leaves the window.

        Kept in the window, a burst of 429s would count against the already halved capacity
        and stall the bucket for a whole window (a minute for creates) on requests that never
        counted on the server.
        """
        self._limiter._forget(self._entry)


class SlidingWindowLimiter:
    """Admits at most `capacity` requests per sliding `window_seconds`; thread-safe."""

    def __init__(
        self,
        capacity: int,
        window_seconds: float,
        *,
        margin_seconds: float = 0.1,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if capacity < 1 or window_seconds <= 0:
            raise ValueError("capacity must be >= 1 and window_seconds > 0")
        self.capacity = capacity
        self.window_seconds = window_seconds
        self._margin = margin_seconds
        self._clock = clock
        self._lock = threading.Lock()
        # The window's log, kept so that each call costs O(1): the requests in flight, and the
        # answered ones in the order of their answers (so those that left the window are always
        # at the front). A scan of one list per call cost 0.1 ms with a thousand entries.
        self._in_flight: set[_Entry] = set()
        self._finished: deque[_Entry] = deque()
        self._blocked_until = -math.inf
        self._factor = 1.0
        self._last_adjusted = -math.inf

    @property
    def effective_capacity(self) -> int:
        """The capacity after adaptation to 429s (at least 1)."""
        return max(1, math.floor(self.capacity * self._factor))

    def wait_seconds(self) -> float:
        """0 when a request may be sent now, else the seconds until one may (or a poll)."""
        with self._lock:
            return self._room(self._clock())

    def free_slots(self) -> int:
        """How many requests may be sent right now (0 while blocked by a Retry-After)."""
        with self._lock:
            now = self._clock()
            self._recover(now)
            self._prune(now)
            if now < self._blocked_until:
                return 0
            return max(0, self.effective_capacity - self._count_in_window())

    def admit_now(self) -> Admission:
        """Count a request without waiting; the caller (the `Pacer`) checked `wait_seconds`."""
        with self._lock:
            return self._count()

    def _room(self, now: float) -> float:
        self._recover(now)
        self._prune(now)
        if now >= self._blocked_until and self._count_in_window() < self.effective_capacity:
            return 0.0
        return self._wait_seconds(now)

    def _count(self) -> Admission:
        entry = _Entry()
        self._in_flight.add(entry)
        return Admission(self, entry)

    def _count_in_window(self) -> int:
        return len(self._in_flight) + len(self._finished)

    def report_throttled(self, retry_after: float | None) -> None:
        """A 429 arrived despite pacing: pause the bucket and lower the rate for a while."""
        with self._lock:
            now = self._clock()
            if retry_after is not None:
                # The server said when the window frees up: wait exactly that long. Cutting the
                # rate as well would idle quota the server has to spare.
                self._blocked_until = max(self._blocked_until, now + retry_after)
                return
            # No hint (Google documents none): slow down until a quiet window has passed.
            self._factor = max(_MIN_CAPACITY_FACTOR, self._factor / 2)
            self._last_adjusted = now

    def _finish(self, entry: _Entry) -> None:
        with self._lock:
            if entry.finished_at is not None or entry not in self._in_flight:
                return  # answered already, or refused (a 429 left the window)
            self._in_flight.discard(entry)
            entry.finished_at = self._clock()
            if self._finished and entry.finished_at < self._last_finished_at():
                # A clock that went back (a test's): keep the answers in order all the same.
                stamps = [e.finished_at or 0.0 for e in self._finished]
                self._finished.insert(bisect.bisect_right(stamps, entry.finished_at), entry)
            else:
                self._finished.append(entry)

    def _last_finished_at(self) -> float:
        last = self._finished[-1].finished_at
        return last if last is not None else -math.inf

    def _forget(self, entry: _Entry) -> None:
        with self._lock:
            if entry in self._in_flight:
                self._in_flight.discard(entry)
            elif entry.finished_at is not None:
                # Rare (a 429 answered after `done`): the one O(n) path.
                self._finished = deque(e for e in self._finished if e is not entry)

    def _recover(self, now: float) -> None:
        if self._factor < 1.0 and now - self._last_adjusted >= self.window_seconds:
            self._factor = min(1.0, self._factor * 2)
            self._last_adjusted = now

    def _prune(self, now: float) -> None:
        horizon = now - self.window_seconds - self._margin
        finished = self._finished
        while finished and (finished[0].finished_at or 0.0) <= horizon:
            finished.popleft()

    def _wait_seconds(self, now: float) -> float:
        if now < self._blocked_until:
            return self._blocked_until - now
        finished = self._finished
        if len(self._in_flight) >= self.effective_capacity or not finished:
            return _POLL_SECONDS
        # Enough entries must leave the window to get under the capacity: the k-th oldest.
        excess = self._count_in_window() - self.effective_capacity
        index = min(excess, len(finished) - 1)
        frees_at = finished[index].finished_at or 0.0
        return max(_POLL_SECONDS / 5, frees_at + self.window_seconds + self._margin - now)


class Limiters:
    """A client state's limiters, one per endpoint x subject x bucket, shared by its threads.

    Held by the client state (`pulumi_meet.client.state.ClientState`): every client built with
    the same state paces against the same limiters; a fresh state has fresh quotas.
    """

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._limiters: dict[tuple[str, str, str, str, int, float], SlidingWindowLimiter] = {}
        self._lock = threading.Lock()

    def get(
        self,
        endpoint: str,
        subject: str,
        bucket: str,
        per_minute: float,
        window_seconds: float,
        *,
        scope: str = "user",
    ) -> SlidingWindowLimiter:
        """The limiter of one endpoint x subject x bucket.

        `subject` is a user's e-mail (`scope` ``user``) or a project's label (`scope`
        ``project``). `per_minute` is the quota rate; the capacity is what that rate allows in
        one window of `window_seconds` (Google's window is 60 s; emulator tests compress it),
        at least one.
        """
        bucket_named(bucket)  # ValueError for a bucket Meet does not have
        capacity = capacity_per_window(per_minute, window_seconds)
        key = (endpoint, scope, subject.lower(), bucket, capacity, window_seconds)
        with self._lock:
            limiter = self._limiters.get(key)
            if limiter is None:
                limiter = self._limiters[key] = SlidingWindowLimiter(
                    capacity, window_seconds, clock=self._clock
                )
            return limiter
