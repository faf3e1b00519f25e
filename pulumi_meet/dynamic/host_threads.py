"""More calls at once in the dynamic provider host, so that owners waiting for quota take turns.

The Python dynamic provider host (``pulumi/dynamic/__main__.py``) serves the engine's calls on a
gRPC thread pool of four workers; further calls queue in front of it, first come first served.
A ``create`` waiting for its owner's quota holds its worker for up to a minute, so four calls of
one owner would hold the whole host while another owner's rooms — and the project's spare quota
— wait behind them: the pacer's fairness never sees those calls. Widening the pool lets up to
`HOST_WORKERS` calls reach the pacer, which gives the project's slots to the owners in turn.

The host offers no setting for its pool, so this reaches it through the running worker thread
(a `ThreadPoolExecutor` worker holds a weak reference to its executor as its first argument) and
raises its ``_max_workers``; anything unexpected leaves the host as it is. The provider plugin
needs none of this: its server's pool grows with the calls in flight.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

from pulumi_meet.dynamic.engine_log import in_dynamic_host

__all__ = ["HOST_WORKERS", "widen_host_pool"]

HOST_WORKERS = 32
"""Calls the dynamic host serves at once (the engine's default parallelism is higher still)."""

_LOCK = threading.Lock()


def _current_executor() -> ThreadPoolExecutor | None:
    arguments = getattr(threading.current_thread(), "_args", None)
    reference = arguments[0] if isinstance(arguments, tuple) and arguments else None
    executor = reference() if callable(reference) else None
    return executor if isinstance(executor, ThreadPoolExecutor) else None


def widen_host_pool(workers: int = HOST_WORKERS) -> int | None:
    """In the dynamic host, on one of its gRPC workers: serve up to `workers` calls at once.

    Returns the pool's size afterwards, or None when not in a dynamic host's worker.
    """
    if not in_dynamic_host():
        return None
    executor = _current_executor()
    if executor is None:
        return None
    with _LOCK:
        try:
            if executor._max_workers < workers:
                executor._max_workers = workers
                # Calls already queued would otherwise wait for the next call to add a thread.
                for _ in range(min(executor._work_queue.qsize(), workers)):
                    executor._adjust_thread_count()
            return executor._max_workers
        except AttributeError:  # another Python's executor: leave it alone
            return None
