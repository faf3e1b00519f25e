"""The process-wide progress sink: what a person watching should know while calls wait.

The client layer reports here when a call waits for quota or retries after a fault; each
front-end installs the sink that puts those messages where its user is looking:

- the dynamic provider host: the engine's log (`pulumi_meet.engine_log`), so they appear
  in ``pulumi up``'s output;
- the provider plugin: the same `EngineLogSink`, built from the engine address its server was
  started with (``ProviderServicer._engine_address`` / the first argument of the plugin);
- the ``pulumi-meet`` command line: stderr (`pulumi_meet.cli.progress`), a progress bar's status
  on a terminal, plain lines otherwise.

Without an installed sink the messages go to the ``pulumi_meet`` logger at INFO. A sink must be
quick and thread-safe (any thread may report); if it fails, the message is logged instead and
the API call goes on.
"""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Literal

__all__ = ["ProgressEvent", "Sink", "install", "installed", "report"]

_LOGGER = logging.getLogger("pulumi_meet")

Kind = Literal["wait", "retry", "warning"]


@dataclass(frozen=True)
class ProgressEvent:
    """One message for people: ``wait`` (pacing), ``retry`` (after a fault) or ``warning``."""

    kind: Kind
    message: str


Sink = Callable[[ProgressEvent], None]


def _log_sink(event: ProgressEvent) -> None:
    level = logging.WARNING if event.kind == "warning" else logging.INFO
    _LOGGER.log(level, "%s", event.message)


_SINK: Sink = _log_sink
_LOCK = threading.Lock()


def install(sink: Sink | None) -> Sink:
    """Send every later message to `sink` (None: back to the log); returns the previous sink."""
    global _SINK
    with _LOCK:
        previous, _SINK = _SINK, sink or _log_sink
    return previous


@contextlib.contextmanager
def installed(sink: Sink) -> Iterator[None]:
    """`sink` for the duration of a ``with`` block (a CLI command, a test)."""
    previous = install(sink)
    try:
        yield
    finally:
        install(previous)


def report(kind: Kind, message: str) -> None:
    """Hand one message to the installed sink; never raises."""
    event = ProgressEvent(kind, message)
    sink = _SINK
    try:
        sink(event)
    except Exception:  # a broken display must not fail the API call it reports on
        _LOGGER.debug("progress sink failed", exc_info=True)
        _log_sink(event)
