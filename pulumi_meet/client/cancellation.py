"""Cancellation of the calls in flight, process-wide: the plugin's ``Cancel`` (the engine stops).

Set once and for good, because the engine's Cancel means "stop everything, I am shutting down":
every retry loop (:mod:`pulumi_meet.client.transport`) and every wait for quota
(:mod:`pulumi_meet.pacing.pacer`) stops at its next wait instead of running for up to
``meet:maxRetryDurationSeconds``. A request already sent still gets its answer.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Final

__all__ = ["WaitCancelled", "cancel", "cancelled", "on_cancel", "sleep"]

_CANCELLED: Final = threading.Event()
_WAKE: list[Callable[[], None]] = []


class WaitCancelled(Exception):
    """A wait stopped because the calls were cancelled; its caller reports it with its context."""


def cancel() -> None:
    """Cancel every call of this process that waits (to retry, or for quota)."""
    _CANCELLED.set()
    for wake in list(_WAKE):
        wake()


def cancelled() -> bool:
    """Whether the calls of this process were cancelled."""
    return _CANCELLED.is_set()


def on_cancel(wake: Callable[[], None]) -> None:
    """Call ``wake`` on cancellation (a waiter blocked on its own condition re-checks then)."""
    _WAKE.append(wake)


def sleep(seconds: float) -> None:
    """``time.sleep``, cut short by cancellation."""
    _CANCELLED.wait(seconds)
