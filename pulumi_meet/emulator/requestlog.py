"""The log of Meet API requests the emulator served (``GET /emulator/v1/requests``).

Each entry: ``{"method": HTTP verb, "apiMethod": "spaces.create", "path", "query": {name:
value}, "body": JSON body or null, "principal": e-mail or null, "userAgent": the client's
``User-Agent`` header or null, "status": HTTP status or null
when the connection was dropped before answering, "time": seconds since the epoch}``.
Kept in memory, the newest ``MAX_ENTRIES`` only.
"""

from __future__ import annotations

import threading
from collections import deque
from typing import Any

__all__ = ["MAX_ENTRIES", "RequestLog"]

MAX_ENTRIES = 10_000


class RequestLog:
    """A bounded, thread-safe list of request entries."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._entries: deque[dict[str, Any]] = deque(maxlen=MAX_ENTRIES)

    def record(self, entry: dict[str, Any]) -> None:
        with self._lock:
            self._entries.append(entry)

    def entries(self) -> list[dict[str, Any]]:
        with self._lock:
            return [dict(entry) for entry in self._entries]

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
