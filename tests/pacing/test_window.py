"""Pacing: the sliding-window log admits exactly the quota, adapts to 429s (fake clock)."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest

from pulumi_meet.pacing.window import Admission, Limiters, SlidingWindowLimiter
from tests.clock import FakeClock


@pytest.fixture
def fake() -> FakeClock:
    return FakeClock()


def make(fake: FakeClock, capacity: int = 10, window: float = 60.0) -> SlidingWindowLimiter:
    return SlidingWindowLimiter(capacity, window, margin_seconds=0.1, clock=fake)


def acquire(limiter: SlidingWindowLimiter, sleep: Callable[[float], None]) -> Admission:
    """What the pacer does with one limiter: wait while it has no room, then count the call."""
    while (wait := limiter.wait_seconds()) > 0:
        sleep(wait)
    return limiter.admit_now()


def admit(limiter: SlidingWindowLimiter, fake: FakeClock, duration: float = 0.0) -> float:
    """Acquire, 'send' for `duration` seconds, finish; returns the admission time."""
    admission = acquire(limiter, fake.sleep)
    admitted_at = fake.now
    fake.now += duration
    admission.done()
    return admitted_at


def test_capacity_is_admitted_at_once_then_one_window_later(fake: FakeClock) -> None:
    limiter = make(fake)
    times = [admit(limiter, fake) for _ in range(10)]
    assert times == [0.0] * 10
    assert fake.sleeps == []
    eleventh = admit(limiter, fake)
    assert eleventh == pytest.approx(60.1)


def test_fifty_creates_take_four_windows_and_never_exceed_the_quota(fake: FakeClock) -> None:
    limiter = make(fake)
    times = [admit(limiter, fake, duration=0.2) for _ in range(50)]
    # The server's rule: at most 10 admissions in any 60 s window.
    for index, start in enumerate(times):
        in_window = [t for t in times[index:] if t < start + 60.0]
        assert len(in_window) <= 10
    assert times[-1] < 4 * 60.1 + 10 * 0.2 + 1


def test_entries_are_stamped_when_the_response_arrives(fake: FakeClock) -> None:
    limiter = make(fake, capacity=1, window=10.0)
    admit(limiter, fake, duration=5.0)  # admitted at 0, answered at 5
    assert admit(limiter, fake) == pytest.approx(15.1)


def test_in_flight_requests_count_until_done(fake: FakeClock) -> None:
    limiter = make(fake, capacity=2, window=1.0)
    first = acquire(limiter, fake.sleep)
    second = acquire(limiter, fake.sleep)
    waited: list[float] = []

    def finish_first(seconds: float) -> None:
        waited.append(seconds)
        fake.now += seconds
        if len(waited) == 3:
            first.done()

    acquire(limiter, finish_first).done()
    second.done()
    assert len(waited) >= 3  # polled while both were in flight
    assert fake.now >= 1.0


def test_throttle_with_retry_after_blocks_exactly_that_long_at_full_capacity(
    fake: FakeClock,
) -> None:
    limiter = make(fake, capacity=8, window=10.0)
    limiter.report_throttled(retry_after=4.0)
    assert limiter.effective_capacity == 8
    assert admit(limiter, fake) == pytest.approx(4.0)
    assert [admit(limiter, fake) for _ in range(7)] == [4.0] * 7
    assert admit(limiter, fake) > 4.0  # the window's 8 are spent


def test_throttle_without_retry_after_halves_capacity(fake: FakeClock) -> None:
    limiter = make(fake, capacity=8, window=10.0)
    limiter.report_throttled(None)
    assert limiter.effective_capacity == 4
    assert [admit(limiter, fake) for _ in range(4)] == [0.0] * 4
    assert admit(limiter, fake) > 0.0  # only 4 per window now


def test_capacity_recovers_one_doubling_per_quiet_window(fake: FakeClock) -> None:
    limiter = make(fake, capacity=8, window=10.0)
    limiter.report_throttled(None)
    limiter.report_throttled(None)
    assert limiter.effective_capacity == 2
    fake.now += 10.0
    admit(limiter, fake)
    assert limiter.effective_capacity == 4
    fake.now += 10.0
    admit(limiter, fake)
    assert limiter.effective_capacity == 8


def test_capacity_never_drops_below_one(fake: FakeClock) -> None:
    limiter = make(fake, capacity=3, window=10.0)
    for _ in range(20):
        limiter.report_throttled(None)
    assert limiter.effective_capacity == 1


def test_bad_parameters_are_refused(fake: FakeClock) -> None:
    with pytest.raises(ValueError, match="capacity"):
        make(fake, capacity=0)
    with pytest.raises(ValueError, match="unknown quota bucket"):
        Limiters().get("http://x", "a@example.com", "delete", 10, 60)


def test_limiters_are_shared_per_endpoint_identity_and_bucket() -> None:
    get_limiter = Limiters().get
    first = get_limiter("http://x", "A@example.com", "create", 10, 60)
    assert get_limiter("http://x", "a@example.com", "create", 10, 60) is first
    assert get_limiter("http://x", "a@example.com", "write", 100, 60) is not first
    assert get_limiter("http://y", "a@example.com", "create", 10, 60) is not first
    assert get_limiter("http://x", "b@example.com", "create", 10, 60) is not first
    assert first.capacity == 10
    assert get_limiter("http://x", "a@example.com", "create", 100, 3).capacity == 5
    assert get_limiter("http://x", "a@example.com", "create", 10, 3).capacity == 1


def test_threads_share_one_limiter(fake: FakeClock) -> None:
    limiter = make(fake, capacity=5, window=60.0)
    lock = threading.Lock()
    admitted: list[int] = []

    def worker(index: int) -> None:
        acquire(limiter, fake.sleep)  # never finished: stays in flight
        with lock:
            admitted.append(index)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=5)
    assert sorted(admitted) == [0, 1, 2, 3, 4]
    assert limiter.free_slots() == 0  # all five still in flight


def test_answers_leave_the_window_behind_a_request_still_in_flight(fake: FakeClock) -> None:
    """The log is ordered by answer, not by admission: a slow first call holds only itself."""
    limiter = make(fake, capacity=3, window=60.0)
    slow = acquire(limiter, fake.sleep)
    for _ in range(2):
        acquire(limiter, fake.sleep).done()
    assert limiter.free_slots() == 0
    fake.now += 61.0
    assert limiter.free_slots() == 2
    slow.done()
    assert limiter.free_slots() == 2
    fake.now += 61.0
    assert limiter.free_slots() == 3


def test_the_wait_is_until_the_oldest_answer_leaves(fake: FakeClock) -> None:
    limiter = make(fake, capacity=2, window=60.0)
    first = acquire(limiter, fake.sleep)
    fake.now += 5.0
    second = acquire(limiter, fake.sleep)
    fake.now += 5.0
    second.done()  # answered first, at 10 s
    fake.now += 5.0
    first.done()  # at 15 s
    assert limiter.wait_seconds() == pytest.approx(60.0 + 0.1 - 5.0)  # second's, at 10 s


def test_a_refused_request_leaves_the_window(fake: FakeClock) -> None:
    limiter = SlidingWindowLimiter(4, 60.0, clock=fake)
    for _ in range(2):  # two 429s in a row: each consumed nothing on the server
        admission = acquire(limiter, fake.sleep)
        admission.done()
        admission.refused()
        limiter.report_throttled(None)
    assert limiter.effective_capacity == 1
    acquire(limiter, fake.sleep).done()  # admitted at once, not a minute later
    assert fake.sleeps == []
    # The capacity still holds: the next one waits for the window.
    acquire(limiter, fake.sleep).done()
    assert fake.sleeps and sum(fake.sleeps) >= 60.0
