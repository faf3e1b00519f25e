"""The pacer: every call admitted against its user's and its project's quota, fairly, visibly.

One call spends one slot of its user's bucket and one of its project's bucket (`QuotaCall`).
`Pacer.admit` blocks until both in-process limiters (`pulumi_meet.pacing.window`) have room and
until the ledger (`pulumi_meet.pacing.ledger`: none, a machine's SQLite file, or a Redis shared by
machines) says other processes left room too; then it counts the call everywhere at once, so no
slot is held while waiting for another.

Cheap when nothing waits: what a `QuotaCall` needs (its two limiters, its two ledger keys) is
worked out once per distinct call shape and kept (`_Plan`), so an admission is a dictionary
lookup, two limiter checks and the ledger's own step.

Fairness: when several owners wait for the same project bucket, its free slots go to the owners
served least recently (ties: the earliest waiter), so one owner's 200 rooms take turns with
another owner's 2 instead of queueing them behind. Only owners whose own bucket has room compete:
an owner waiting for its per-user quota does not hold the project's turn. With k free slots the
first k in that order go at once (a burst does not wait for one admission after another).

Visibility: a wait of a second or more is reported through `pulumi_meet.client.progress` (at most
once per bucket every few seconds) with who, which quota, how long and how many calls are queued.
"""

from __future__ import annotations

import itertools
import threading
import time
import weakref
from collections.abc import Callable
from dataclasses import dataclass, field

from pulumi_meet.client import cancellation, progress
from pulumi_meet.pacing.ledger import Ledger, LedgerKey, LedgerRefusal, NoLedger, Slot
from pulumi_meet.pacing.quota import QuotaBucket, capacity_per_window
from pulumi_meet.pacing.window import Admission, Limiters, SlidingWindowLimiter

__all__ = ["Pacer", "QuotaCall", "Ticket"]

_ANNOUNCE_MIN_WAIT = 1.0  # shorter waits are not worth a message
_MAX_SLEEP = 5.0  # re-check at least this often (another process's rows may expire)
_TURN_POLL = 0.02  # the owner whose turn it is admits and wakes everyone; this is a safety net
_NO_LEDGER = NoLedger()


@dataclass(frozen=True)
class QuotaCall:
    """What one API call spends: a slot of `bucket` for `identity` and for `project`."""

    endpoint: str
    identity: str
    project: str
    bucket: QuotaBucket
    user_per_minute: float
    project_per_minute: float
    window_seconds: float

    def ledger_keys(self) -> tuple[LedgerKey, LedgerKey]:
        """The user's and the project's rows in the ledger."""
        window = self.window_seconds
        return (
            LedgerKey(
                f"{self.endpoint} user {self.identity.lower()} {self.bucket.name}",
                capacity_per_window(self.user_per_minute, window),
                window,
                self.project,
            ),
            LedgerKey(
                f"{self.endpoint} project {self.project} {self.bucket.name}",
                capacity_per_window(self.project_per_minute, window),
                window,
                self.project,
            ),
        )

    def limiters(self, limiters: Limiters) -> tuple[SlidingWindowLimiter, SlidingWindowLimiter]:
        """The limiters (of `limiters`) of the user's and the project's bucket."""
        window = self.window_seconds
        name = self.bucket.name
        user = limiters.get(self.endpoint, self.identity, name, self.user_per_minute, window)
        project = limiters.get(
            self.endpoint, self.project, name, self.project_per_minute, window, scope="project"
        )
        return user, project

    def describe(self, scope: str) -> str:
        """``platform-lead@example.com's create quota (10 per minute)``."""
        per_minute = self.user_per_minute if scope == "user" else self.project_per_minute
        who = f"{self.identity}'s" if scope == "user" else f"project {self.project}'s"
        count = capacity_per_window(per_minute, self.window_seconds)
        per = "minute" if self.window_seconds == 60 else f"{self.window_seconds:g} s"
        return f"{who} {self.bucket.name} quota ({count} per {per})"


@dataclass(frozen=True)
class _Plan:
    """What admitting a `QuotaCall` needs, worked out once per distinct call."""

    user: SlidingWindowLimiter
    project: SlidingWindowLimiter
    keys: tuple[LedgerKey, LedgerKey]


class Ticket:
    """One admitted call: `done()` when answered, `refused()` on a 429 (it counted nowhere)."""

    def __init__(
        self,
        pacer: Pacer,
        admissions: tuple[Admission, Admission],
        limiters: tuple[SlidingWindowLimiter, SlidingWindowLimiter],
        ledger: Ledger,
        slot: Slot,
    ) -> None:
        self._pacer = pacer
        self._admissions = admissions
        self._limiters = limiters
        self._ledger = ledger
        self._slot = slot
        self._settled = False

    def done(self) -> None:
        """Stamp the call answered everywhere (idempotent)."""
        for admission in self._admissions:
            admission.done()
        if not self._settled:
            self._settled = True
            self._ledger.finish(self._slot)
        self._pacer.wake()

    def refused(self) -> None:
        """The server refused the call (429): it leaves every window."""
        for admission in self._admissions:
            admission.refused()
        if not self._settled:
            self._settled = True  # finish() after forget() must not resurrect anything
            self._ledger.forget(self._slot)
        self._pacer.wake()

    def throttled(self, retry_after: float | None, scope: str) -> None:
        """A 429 on the `scope` (``user`` or ``project``) bucket: slow that limiter down."""
        user, project = self._limiters
        (project if scope == "project" else user).report_throttled(retry_after)


@dataclass(eq=False)
class _Waiter:
    owner: str
    user: SlidingWindowLimiter
    project: SlidingWindowLimiter
    keys: tuple[LedgerKey, LedgerKey]
    seq: int
    ready: bool = False
    """Its own bucket has room: it competes for the project's turn."""
    shared_blocked_until: float = field(default=-1.0)
    since: float = 0.0
    """When it started waiting (the pacer's clock)."""


@dataclass(frozen=True)
class _Wait:
    seconds: float
    scope: str  # "user", "project" or "turn"
    shared: bool = False


class Pacer:
    """Admits calls against `limiters` and a ledger; one per client state, shared by its threads.

    A cancellation (`pulumi_meet.client.cancellation`) wakes every wait for quota at once.
    """

    def __init__(
        self, limiters: Limiters | None = None, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.limiters = limiters if limiters is not None else Limiters(clock)
        self._clock = clock
        self._cond = threading.Condition()
        self._waiting: dict[SlidingWindowLimiter, list[_Waiter]] = {}
        self._served: dict[tuple[SlidingWindowLimiter, str], int] = {}
        self._sequence = itertools.count()
        self._announced: dict[tuple[str, str], float] = {}
        self._plans: dict[QuotaCall, _Plan] = {}
        # A cancelled wait for quota ends now, not at its next poll. Held weakly: a pacer of a
        # state nobody uses any more is not kept alive by the process's cancellation.
        alive = weakref.ref(self)

        def wake() -> None:
            pacer = alive()
            if pacer is not None:
                pacer.wake()

        cancellation.on_cancel(wake)

    def _plan(self, call: QuotaCall) -> _Plan:
        plan = self._plans.get(call)
        if plan is None:
            # Racing threads build equal plans: `Limiters.get` hands both the same limiters.
            plan = self._plans[call] = _Plan(*call.limiters(self.limiters), call.ledger_keys())
        return plan

    def wake(self) -> None:
        with self._cond:
            self._cond.notify_all()

    def admit(self, call: QuotaCall, ledger: Ledger | None = None) -> Ticket:
        """Block until `call` may be sent within every quota it spends (in this pacer's limiters
        and in `ledger`, None: this process alone), then count it."""
        ledger = ledger or _NO_LEDGER
        plan = self._plan(call)
        project = plan.project
        waiter = _Waiter(call.identity.lower(), plan.user, project, plan.keys, next(self._sequence))
        waiter.since = self._clock()
        with self._cond:
            self._waiting.setdefault(project, []).append(waiter)
        try:
            while True:
                with self._cond:
                    if cancellation.cancelled():
                        raise cancellation.WaitCancelled
                    outcome = self._decide(waiter, call, ledger)
                    if isinstance(outcome, Ticket):
                        self._cond.notify_all()
                        return outcome
                    message = self._announcement(waiter, call, outcome)
                    if message is None:
                        self._cond.wait(timeout=min(outcome.seconds, _MAX_SLEEP))
                        continue
                progress.report("wait", message)
        finally:
            with self._cond:
                self._waiting[project].remove(waiter)
                if not self._waiting[project]:
                    del self._waiting[project]

    def _decide(self, waiter: _Waiter, call: QuotaCall, ledger: Ledger) -> Ticket | _Wait:
        """Admit the waiter now, or say what it waits for (under the condition's lock)."""
        now = self._clock()
        user_wait = waiter.user.wait_seconds()
        if user_wait > 0:
            waiter.ready = False
            return _Wait(user_wait, "user")
        if now < waiter.shared_blocked_until:
            waiter.ready = False
            return _Wait(waiter.shared_blocked_until - now, "user", shared=True)
        waiter.ready = True
        free = waiter.project.free_slots()
        if free == 0:
            return _Wait(waiter.project.wait_seconds(), "project")
        if self._rank(waiter) >= free:
            return _Wait(_TURN_POLL, "turn")
        answer = ledger.admit(waiter.keys)
        if isinstance(answer, LedgerRefusal):
            return self._shared_wait(waiter, answer, now)
        admissions = (waiter.user.admit_now(), waiter.project.admit_now())
        self._served[(waiter.project, waiter.owner)] = next(self._sequence)
        return Ticket(self, admissions, (waiter.user, waiter.project), ledger, answer)

    @staticmethod
    def _shared_wait(waiter: _Waiter, answer: LedgerRefusal, now: float) -> _Wait:
        """What other processes make the call wait for."""
        if answer.key == waiter.keys[0]:
            # Another process spent this user's quota: let other owners take the project's turn.
            waiter.ready = False
            waiter.shared_blocked_until = now + answer.wait_seconds
            return _Wait(answer.wait_seconds, "user", shared=True)
        return _Wait(answer.wait_seconds, "project", shared=True)

    def _rank(self, waiter: _Waiter) -> int:
        """How many competing waiters go before `waiter`: the owner served least recently
        first, then the earliest waiter. With `free` slots, ranks below `free` may all go now."""
        project = waiter.project

        def order(other: _Waiter) -> tuple[int, int]:
            return self._served.get((project, other.owner), -1), other.seq

        mine = order(waiter)
        return sum(1 for w in self._waiting.get(project, []) if w.ready and order(w) < mine)

    def _announcement(self, waiter: _Waiter, call: QuotaCall, wait: _Wait) -> str | None:
        """The message for this wait, when it is long and its bucket was not announced lately.

        Calls of other processes in flight fill a bucket for an unknown time (the ledger says
        "poll"): that wait is said once it has lasted a second.
        """
        now = self._clock()
        polling = wait.shared and wait.seconds < _ANNOUNCE_MIN_WAIT
        if (
            wait.scope == "turn"
            or (now - waiter.since if polling else wait.seconds) < _ANNOUNCE_MIN_WAIT
        ):
            return None
        subject = waiter.owner if wait.scope == "user" else call.project
        key = (f"{call.endpoint} {wait.scope} {subject}", call.bucket.name)
        interval = max(1.0, min(10.0, call.window_seconds / 4))
        if now - self._announced.get(key, float("-inf")) < interval:
            return None
        self._announced[key] = now
        waiting = self._waiting.get(waiter.project, [])
        if wait.scope == "user":
            queued = sum(1 for w in waiting if w.owner == waiter.owner)
        else:
            queued = len(waiting)
        if polling:
            return (
                f"waiting for {call.describe(wait.scope)}, shared with other pulumi-meet "
                f"processes whose calls in flight fill it ({round(now - waiter.since)} s so far); "
                f"{queued} {call.bucket.noun} queued"
            )
        shared = ", shared with other pulumi-meet processes" if wait.shared else ""
        return (
            f"waiting {max(1, round(wait.seconds))} s for {call.describe(wait.scope)}{shared}; "
            f"{queued} {call.bucket.noun} queued"
        )
