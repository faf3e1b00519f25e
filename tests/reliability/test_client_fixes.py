"""Regression tests of the client-layer fixes the fault matrix led to."""

from __future__ import annotations

from pulumi_meet.client.meet import get_client
from pulumi_meet.emulator import Emulator
from pulumi_meet.pacing.window import SlidingWindowLimiter
from tests.client.conftest import emulator_settings
from tests.pacing.test_window import acquire
from tests.reliability.conftest import Control


def test_a_refused_request_leaves_the_window() -> None:
    now = [0.0]
    waits: list[float] = []

    def sleep(seconds: float) -> None:
        waits.append(seconds)
        now[0] += seconds

    limiter = SlidingWindowLimiter(4, 60.0, clock=lambda: now[0])
    for _ in range(2):  # two 429s in a row: each consumed nothing on the server
        admission = acquire(limiter, sleep)
        admission.done()
        admission.refused()
        limiter.report_throttled(None)
    assert limiter.effective_capacity == 1
    acquire(limiter, sleep).done()  # admitted at once, not a minute later
    assert waits == []
    acquire(limiter, sleep).done()  # the capacity still holds: the next one waits for the window
    assert waits and sum(waits) >= 60.0


def test_a_burst_of_429s_on_a_create_does_not_stall_it(
    emulator: Emulator, control: Control, fast_retries: None
) -> None:
    client = get_client(emulator_settings(emulator, maxRetryDurationSeconds="10"))
    control.faults({"method": "spaces.create", "status": 429, "times": 3})
    client.create_space({})
    assert [r["status"] for r in control.calls()] == [429, 429, 429, 200]
