"""JSON from callers, parsed within bounds: every failure is a ``ValueError``, never a crash.

``json.loads`` raises ``RecursionError`` on deeply nested input (100,000 ``[``) and
``ValueError`` on an integer of more than 4,300 digits; it also accepts ``NaN`` and
``Infinity``, which are not JSON. Google's JSON parsers refuse all of these, and protobuf's
refuses nesting deeper than 100 levels, so ``loads`` does too.
"""

from __future__ import annotations

import json
from typing import Any

__all__ = ["MAX_DEPTH", "JsonTooDeep", "loads"]

MAX_DEPTH = 100


class JsonTooDeep(ValueError):
    """The document nests objects and arrays more than ``MAX_DEPTH`` levels deep."""


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def loads(raw: str | bytes) -> Any:
    """Parse ``raw``; raise ``ValueError`` (``JsonTooDeep`` for nesting) when it is not JSON."""
    try:
        value = json.loads(raw, parse_constant=_refuse_constant)
    except RecursionError:
        raise JsonTooDeep(f"nested more than {MAX_DEPTH} levels deep") from None
    if _depth(value) > MAX_DEPTH:
        raise JsonTooDeep(f"nested more than {MAX_DEPTH} levels deep")
    return value


def _depth(value: Any) -> int:
    deepest = 0
    pending = [(value, 1)]
    while pending:
        current, level = pending.pop()
        if isinstance(current, dict):
            children: Any = current.values()
        elif isinstance(current, list):
            children = current
        else:
            continue
        deepest = max(deepest, level)
        if deepest > MAX_DEPTH:
            return deepest
        pending.extend((child, level + 1) for child in children)
    return deepest
