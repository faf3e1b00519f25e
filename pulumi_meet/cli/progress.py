"""What the command line shows while it works: waits, retries, and the progress of bulk commands.

Every command installs a `LineSink` (waits for quota and retries after faults become
``pulumi-meet: waiting …`` lines on stderr). Long operations (``adopt --from``) use a
`ProgressBar` instead: on a terminal one line redrawn in place (a bar, the count, the latest
wait), elsewhere (a CI log, a pipe) plain lines — the waits, and the count every tenth of the way.
"""

from __future__ import annotations

import os
import shutil
import threading
import time
from collections.abc import Callable
from typing import TextIO

from pulumi_meet.client import progress

__all__ = ["LineSink", "ProgressBar", "is_terminal"]

_PREFIX = "pulumi-meet: "
_BAR_WIDTH = 24
_REDRAW_SECONDS = 0.1  # a terminal redrawn more often flickers and costs the workers time
_COUNT_LINES_FROM = 10  # fewer items are quick: the command's own summary says enough
_DEFAULT_COLUMNS = 100


def is_terminal(stream: TextIO) -> bool:
    """Whether `stream` is a terminal (False for anything without a file descriptor)."""
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


class LineSink:
    """A progress sink writing each message as one line (``pulumi-meet: …``) to `stream`."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream
        self._lock = threading.Lock()

    def __call__(self, event: progress.ProgressEvent) -> None:
        label = "warning: " if event.kind == "warning" else ""
        with self._lock:
            self._stream.write(f"{_PREFIX}{label}{event.message}\n")
            self._stream.flush()


class ProgressBar:
    """Progress of `total` items (``advance()`` per item) and the client's messages, on `stream`.

    On a terminal: ``[######----------] 120/300 rooms resolved · waiting 4 s for …`` redrawn
    in place (cut to the terminal's width), warnings on their own lines above it. Elsewhere:
    every message as a line, and ``120/300 rooms resolved`` at each tenth of the way (from ten
    items on).
    """

    def __init__(
        self,
        stream: TextIO,
        total: int,
        what: str,
        *,
        terminal: bool | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._stream = stream
        self.total = total
        self.what = what
        self.terminal = is_terminal(stream) if terminal is None else terminal
        self._clock = clock
        self._lock = threading.Lock()
        self.done = 0
        self._status = ""
        self._drawn_at = -1.0
        self._next_report = self._step()

    def _step(self) -> int:
        return max(1, -(-self.total // 10))

    def __call__(self, event: progress.ProgressEvent) -> None:
        """The progress sink: the latest wait or retry joins the bar; warnings get a line."""
        with self._lock:
            if self.terminal and event.kind != "warning":
                self._status = event.message
                self._draw(force=True)
            else:
                self._line(("warning: " if event.kind == "warning" else "") + event.message)

    def advance(self, count: int = 1) -> None:
        """`count` more items are done."""
        with self._lock:
            self.done += count
            if self.terminal:
                self._status = "" if self.done >= self.total else self._status
                self._draw(force=self.done >= self.total)
            elif self.total >= _COUNT_LINES_FROM and (
                self.done >= self._next_report or self.done == self.total  # the last one too
            ):
                self._line(f"{self.done}/{self.total} {self.what}")
                while self._next_report <= self.done:
                    self._next_report += self._step()

    def finish(self) -> None:
        """Leave the terminal's line as it is and move below it."""
        with self._lock:
            if self.terminal:
                self._draw(force=True)
                self._stream.write("\n")
                self._stream.flush()

    def _columns(self) -> int:
        """The width of the terminal the bar is drawn on (a longer line would wrap)."""
        try:
            columns = os.get_terminal_size(self._stream.fileno()).columns
        except (AttributeError, OSError, ValueError):
            columns = 0
        return columns or shutil.get_terminal_size((_DEFAULT_COLUMNS, 24)).columns

    def _line(self, text: str) -> None:
        if self.terminal:
            self._stream.write("\r\x1b[K")
        self._stream.write(f"{_PREFIX}{text}\n")
        if self.terminal:
            self._draw(force=True)
        self._stream.flush()

    def _draw(self, *, force: bool) -> None:
        now = self._clock()
        if not force and now - self._drawn_at < _REDRAW_SECONDS:
            return
        self._drawn_at = now
        filled = _BAR_WIDTH * self.done // max(1, self.total)
        bar = "#" * filled + "-" * (_BAR_WIDTH - filled)
        text = f"[{bar}] {self.done}/{self.total} {self.what}"
        if self._status:
            text += f" · {self._status}"
        self._stream.write("\r\x1b[K" + text[: self._columns() - 1])
        self._stream.flush()
