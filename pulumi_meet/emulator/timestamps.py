"""RFC 3339 timestamps as Google's JSON writes them, and their parsing.

The emulator keeps instants as integer microseconds since the epoch (exact, unlike floats).
``format_time`` writes them as proto3 JSON does for ``google.protobuf.Timestamp``: UTC with a
``Z``, and 0, 3 or 6 fractional digits, the fewest that are exact
(``2024-01-01T10:00:00Z``, ``2024-01-01T10:00:00.250Z``).
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

__all__ = ["MICROS", "format_time", "micros", "parse_time"]

MICROS = 1_000_000

_RFC3339 = re.compile(
    r"(?P<date>\d{4}-\d{2}-\d{2})[Tt](?P<time>\d{2}:\d{2}:\d{2})(?:\.(?P<fraction>\d{1,9}))?"
    r"(?P<zone>[Zz]|[+-]\d{2}:\d{2})"
)
_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


def micros(seconds: float) -> int:
    """Seconds since the epoch (a clock reading) as integer microseconds."""
    return round(seconds * MICROS)


def format_time(value: int) -> str:
    """Microseconds since the epoch as proto3 JSON's RFC 3339 UTC string."""
    whole, fraction = divmod(value, MICROS)
    text = (_EPOCH + timedelta(seconds=whole)).strftime("%Y-%m-%dT%H:%M:%S")
    if fraction == 0:
        return text + "Z"
    if fraction % 1000 == 0:
        return f"{text}.{fraction // 1000:03d}Z"
    return f"{text}.{fraction:06d}Z"


def parse_time(text: str) -> int | None:
    """An RFC 3339 timestamp (any offset, up to nanoseconds) as microseconds; None if malformed.

    Digits beyond the microsecond are dropped (the emulator keeps microseconds).
    """
    found = _RFC3339.fullmatch(text.strip()) if isinstance(text, str) else None
    if found is None:
        return None
    zone = found["zone"].upper()
    try:
        moment = datetime.fromisoformat(
            f"{found['date']}T{found['time']}{'+00:00' if zone == 'Z' else zone}"
        )
    except ValueError:
        return None
    fraction = int((found["fraction"] or "0").ljust(9, "0")[:6])
    delta = moment - _EPOCH
    return (delta.days * 86400 + delta.seconds) * MICROS + fraction
