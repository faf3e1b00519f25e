"""Windowed quotas per user and per project, with Google's Meet limits by default.

Each (bucket, project) and (bucket, project, user) keeps the times of the requests it admitted
within the window — a sliding window, not fixed minutes. A request is admitted only if both its
user and its project bucket have room; a refused request consumes nothing. The 429 carries
``Retry-After``: whole seconds until the oldest admission of the full bucket leaves the window
(Google documents no such header; clients must also cope without it).
"""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from collections.abc import Callable, Mapping
from typing import Any

from pulumi_meet.emulator.exceptions import InvalidArgument, ResourceExhausted

__all__ = ["BUCKETS", "GOOGLE_LIMITS", "Quotas"]

BUCKETS = ("read", "write", "create")
GOOGLE_LIMITS: dict[str, dict[str, int]] = {
    "perUser": {"read": 600, "write": 100, "create": 10},
    "perProject": {"read": 6000, "write": 1000, "create": 100},
}
GOOGLE_WINDOW_SECONDS = 60.0

# Quota metric and limit names in the 429's ErrorInfo [rule: Google's names for Meet are not
# published; these follow the shape of other Google APIs].
_METRICS = {
    "read": ("meet.googleapis.com/read_requests", "ReadRequests"),
    "write": ("meet.googleapis.com/write_requests", "WriteRequests"),
    "create": ("meet.googleapis.com/reduced_write_requests", "ReducedWriteRequests"),
}


class Quotas:
    """Admission control for Meet API requests; thread-safe, in memory."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._window = GOOGLE_WINDOW_SECONDS
        self._limits = {scope: dict(limits) for scope, limits in GOOGLE_LIMITS.items()}
        self._admitted: dict[tuple[str, ...], deque[float]] = {}

    def configure(self, body: Any) -> dict[str, Any]:
        """``PUT /emulator/v1/quotas``: omitted values take Google's; usage starts afresh."""
        window, limits = _parse_settings(body)
        with self._lock:
            self._window = window
            self._limits = limits
            self._admitted.clear()
        return self.describe()

    def describe(self) -> dict[str, Any]:
        """The settings, in the shape ``configure`` takes."""
        with self._lock:
            return {
                "windowSeconds": self._window,
                "perUser": dict(self._limits["perUser"]),
                "perProject": dict(self._limits["perProject"]),
            }

    def reset(self) -> None:
        """Google's limits again, nothing admitted."""
        self.configure({})

    def admit(self, *, bucket: str, app: str, user: str) -> None:
        """Count one request, or raise ``ResourceExhausted`` without counting it."""
        with self._lock:
            now = self._clock()
            keys = (("perUser", (bucket, app, user)), ("perProject", (bucket, app)))
            for scope, key in keys:
                admitted = self._admitted.setdefault(key, deque())
                while admitted and admitted[0] <= now - self._window:
                    admitted.popleft()
                limit = self._limits[scope][bucket]
                if len(admitted) >= limit:
                    raise self._exhausted(scope, bucket, app, admitted=admitted, now=now)
            for _, key in keys:
                self._admitted[key].append(now)

    def _exhausted(
        self, scope: str, bucket: str, app: str, *, admitted: deque[float], now: float
    ) -> ResourceExhausted:
        limit = self._limits[scope][bucket]
        metric, limit_name = _METRICS[bucket]
        suffix = "PerMinutePerUserPerProject" if scope == "perUser" else "PerMinutePerProject"
        # With a limit of 0 nothing is ever admitted: a full window is the honest wait.
        frees_at = admitted[0] + self._window if admitted else now + self._window
        return ResourceExhausted(
            quota_metric=metric,
            quota_limit=limit_name + suffix,
            limit_value=limit,
            consumer=f"projects/{app}",
            retry_after_seconds=math.ceil(frees_at - now),
        )


def _parse_settings(body: Any) -> tuple[float, dict[str, dict[str, int]]]:
    if not isinstance(body, Mapping):
        raise InvalidArgument("The quotas body must be a JSON object.")
    unknown = set(body) - {"windowSeconds", "perUser", "perProject"}
    if unknown:
        raise InvalidArgument(f"Unknown quota setting(s): {', '.join(sorted(unknown))}.")
    window = body.get("windowSeconds", GOOGLE_WINDOW_SECONDS)
    if isinstance(window, bool) or not isinstance(window, (int, float)) or window <= 0:
        raise InvalidArgument.for_field("windowSeconds", "windowSeconds must be a positive number.")
    limits: dict[str, dict[str, int]] = {}
    for scope, defaults in GOOGLE_LIMITS.items():
        given = body.get(scope) or {}
        if not isinstance(given, Mapping) or set(given) - set(BUCKETS):
            raise InvalidArgument.for_field(
                scope, f"{scope} takes the buckets {', '.join(BUCKETS)} with integer limits."
            )
        limits[scope] = dict(defaults)
        for bucket, value in given.items():
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise InvalidArgument.for_field(
                    f"{scope}.{bucket}", "A limit must be a non-negative integer."
                )
            limits[scope][bucket] = value
    return float(window), limits
