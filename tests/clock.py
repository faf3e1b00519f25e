"""The one fake clock of the tests, for code that takes its clock (and sleep) as arguments.

``FakeClock()`` is called as a clock (seconds, from :attr:`now`); it moves only when a test
moves :attr:`now` or when the code under test calls :meth:`sleep`, which advances it at once and
records the wait. No test waits for real.
"""

from __future__ import annotations

__all__ = ["FakeClock"]


class FakeClock:
    """A clock that moves only when told to."""

    def __init__(self, now: float = 0.0) -> None:
        self.now = now
        self.sleeps: list[float] = []
        """Every wait asked of :meth:`sleep`, in order."""

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        """Advance by ``seconds`` (positive: a wait of zero or less is a bug of the caller)."""
        assert seconds > 0, f"asked to sleep {seconds} s"
        self.sleeps.append(seconds)
        self.now += seconds
