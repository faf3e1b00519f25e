"""Retry policy: which failures to retry, and how long to wait before the next attempt.

Truncated exponential backoff with full jitter (a random wait in ``[0, min(cap, base·2ⁿ)]``), or
exactly the server's ``Retry-After`` when it sends one, bounded both in attempts and in total time.

Creates are special: ``spaces.create`` and ``members.create`` are retried only when the server
cannot have acted (429 and 503 refuse the request before doing anything; a connection that was
never established carried nothing). Anything else after the request may have reached the server
must not be retried: a second create would leave an orphan space the API can neither list nor
delete.
"""

from __future__ import annotations

import email.utils
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone

from pulumi_meet.client.config_keys import number_default

__all__ = [
    "CREATE_SAFE_STATUSES",
    "RETRYABLE_STATUSES",
    "RetryBudget",
    "RetryPolicy",
    "parse_retry_after",
]

RETRYABLE_STATUSES = frozenset({429, 500, 502, 503, 504})
"""Statuses worth another attempt (transient or quota)."""

CREATE_SAFE_STATUSES = frozenset({429, 503})
"""Statuses after which the server cannot have created anything: a create may be resent."""


@dataclass(frozen=True)
class RetryPolicy:
    """Backoff parameters; `max_attempts` counts every attempt including the first."""

    initial_backoff_seconds: float = 1.0
    max_backoff_seconds: float = 32.0
    multiplier: float = 2.0
    max_attempts: int = 8
    max_duration_seconds: float = number_default("maxRetryDurationSeconds")

    def backoff_ceiling(self, retry_number: int) -> float:
        """The upper bound of the jittered wait before retry number `retry_number` (1-based)."""
        exponent = max(0, retry_number - 1)
        return min(
            self.max_backoff_seconds, self.initial_backoff_seconds * self.multiplier**exponent
        )


class RetryBudget:
    """The retry state of one call: attempts made and the deadline, read through `clock`."""

    def __init__(
        self,
        policy: RetryPolicy,
        *,
        clock: Callable[[], float] = time.monotonic,
        rng: random.Random | None = None,
    ) -> None:
        self._policy = policy
        self._clock = clock
        self._rng = rng or random.Random()
        self._started = clock()
        self.attempts = 1

    @property
    def elapsed_seconds(self) -> float:
        """Seconds since the first attempt started."""
        return self._clock() - self._started

    def next_delay(self, retry_after: float | None = None) -> float | None:
        """Seconds to wait before the next attempt, or None when the budget is spent.

        A `retry_after` from the server is honoured as is; otherwise full jitter. A wait that
        would end past the deadline gives up now rather than sleeping only to fail.
        """
        if self.attempts >= self._policy.max_attempts:
            return None
        if retry_after is not None:
            delay = max(0.0, retry_after)
        else:
            delay = self._rng.uniform(0.0, self._policy.backoff_ceiling(self.attempts))
        if self.elapsed_seconds + delay > self._policy.max_duration_seconds:
            return None
        self.attempts += 1
        return delay


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """A ``Retry-After`` header (delta-seconds or HTTP-date) as seconds from now, or None."""
    if value is None or not value.strip():
        return None
    text = value.strip()
    if text.isdigit():
        return float(text)
    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    current = now or datetime.now(timezone.utc)
    return max(0.0, (when - current).total_seconds())
