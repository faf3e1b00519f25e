"""Retry policy: full-jitter backoff, Retry-After, bounds on attempts and total time."""

from __future__ import annotations

import random
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime

import pytest
from pytest_mock import MockerFixture

from pulumi_meet.client.retry import RetryBudget, RetryPolicy, parse_retry_after
from tests.clock import FakeClock


def test_backoff_ceiling_grows_exponentially_and_is_truncated() -> None:
    policy = RetryPolicy(initial_backoff_seconds=1, max_backoff_seconds=10, multiplier=2)
    assert [policy.backoff_ceiling(n) for n in range(1, 7)] == [1, 2, 4, 8, 10, 10]


def test_full_jitter_draws_between_zero_and_the_ceiling(mocker: MockerFixture) -> None:
    rng = random.Random()
    uniform = mocker.patch.object(rng, "uniform", side_effect=lambda low, high: high * 0.5)
    budget = RetryBudget(RetryPolicy(), clock=FakeClock(1000.0), rng=rng)
    delays = [budget.next_delay() for _ in range(3)]
    assert delays == [0.5, 1.0, 2.0]
    assert [c.args for c in uniform.call_args_list] == [(0.0, 1.0), (0.0, 2.0), (0.0, 4.0)]


def test_retry_after_is_honoured_exactly(mocker: MockerFixture) -> None:
    rng = random.Random()
    uniform = mocker.patch.object(rng, "uniform")
    budget = RetryBudget(RetryPolicy(), clock=FakeClock(1000.0), rng=rng)
    assert budget.next_delay(retry_after=7.0) == 7.0
    uniform.assert_not_called()


def test_attempts_are_bounded() -> None:
    budget = RetryBudget(RetryPolicy(max_attempts=3), clock=FakeClock(1000.0), rng=random.Random(1))
    assert budget.next_delay() is not None
    assert budget.next_delay() is not None
    assert budget.attempts == 3
    assert budget.next_delay() is None


def test_total_time_is_bounded_and_a_wait_past_the_deadline_gives_up() -> None:
    clock = FakeClock(1000.0)
    budget = RetryBudget(RetryPolicy(max_duration_seconds=30), clock=clock, rng=random.Random(1))
    assert budget.next_delay(retry_after=20) == 20
    clock.now += 20
    assert budget.next_delay(retry_after=11) is None  # would end at 31 s > 30 s
    assert budget.next_delay(retry_after=9) == 9
    clock.now += 31
    assert budget.next_delay(retry_after=0) is None


@pytest.mark.parametrize(
    ("header", "expected"),
    [(None, None), ("", None), ("3", 3.0), (" 12 ", 12.0), ("soon", None), ("-1", None)],
)
def test_parse_retry_after_seconds(header: str | None, expected: float | None) -> None:
    assert parse_retry_after(header) == expected


def test_parse_retry_after_http_date() -> None:
    now = datetime(2026, 1, 1, 12, 0, 0, tzinfo=timezone.utc)
    header = format_datetime(now + timedelta(seconds=42), usegmt=True)
    assert parse_retry_after(header, now=now) == 42.0
    past = format_datetime(now - timedelta(seconds=5), usegmt=True)
    assert parse_retry_after(past, now=now) == 0.0
