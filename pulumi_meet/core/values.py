"""Plain-JSON helpers of the field engine: nested paths, unknowns, ``None`` as "not set".

Values handled by the core are plain JSON (dicts, lists, strings) as the Pulumi engine passes
them, except that during previews any value may be an *unknown* (see :func:`is_unknown`).
"""

from __future__ import annotations

import sys
from collections.abc import Mapping, Sequence
from enum import Enum
from typing import Any, Final

__all__ = [
    "UNKNOWN",
    "describe_value",
    "get_path",
    "is_unknown",
    "missing",
    "set_path",
    "strip_nones",
]

# The wire form of an unknown value; Check and Diff normally see `pulumi.output.Unknown` instead.
_UNKNOWN_SENTINEL: Final = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"
UNKNOWN: Final = _UNKNOWN_SENTINEL
"""The engine's wire form of an unknown value (what a preview's computed outputs hold)."""

_MISSING: Final = object()


_PLAIN_KINDS: Final = frozenset({dict, list, tuple, int, float, bool, type(None)})


def is_unknown(value: object) -> bool:
    """Whether ``value`` is a preview-time unknown (``pulumi.output.Unknown`` or its wire form)."""
    kind = type(value)
    if kind is str:
        return value == _UNKNOWN_SENTINEL
    if kind in _PLAIN_KINDS:  # JSON's own types, most of what is asked: no Unknown
        return False
    if isinstance(value, str):
        return value == _UNKNOWN_SENTINEL
    # No Unknown can exist unless pulumi.output was imported: avoid importing pulumi for this.
    output_module = sys.modules.get("pulumi.output")
    return output_module is not None and isinstance(value, output_module.Unknown)


def get_path(data: object, path: Sequence[str]) -> Any:
    """The value at ``path`` in nested mappings; an unknown met on the way is returned as is.

    ``None`` counts as absent; test the result with :func:`missing`.
    """
    current: object = data
    for key in path:
        if type(current) is dict:  # the common case, without the ABC check below
            current = current.get(key)
            if current is None:
                return _MISSING
            continue
        if is_unknown(current):
            return current
        if not isinstance(current, Mapping) or current.get(key) is None:
            return _MISSING
        current = current[key]
    return current


def missing(value: object) -> bool:
    """Whether a :func:`get_path` result means "absent"."""
    return value is _MISSING


def set_path(data: dict[str, Any], path: Sequence[str], value: Any) -> None:
    """Set ``value`` at ``path`` in nested dicts, creating the dicts on the way."""
    current = data
    for key in path[:-1]:
        current = current.setdefault(key, {})
    current[path[-1]] = value


def strip_nones(value: Any) -> Any:
    """A copy of ``value`` without ``None`` entries in mappings (``None`` means "not set")."""
    if isinstance(value, Mapping) and not is_unknown(value):
        return {str(k): strip_nones(v) for k, v in value.items() if v is not None}
    if isinstance(value, list | tuple):
        return [strip_nones(v) for v in value]
    if isinstance(value, Enum):
        return value.value
    return value


def describe_value(value: object) -> str:
    """A value for an error message: its repr, cut short so a huge input cannot flood the output."""
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."
