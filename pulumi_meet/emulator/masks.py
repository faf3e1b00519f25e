"""Field masks: parsing ``updateMask`` like Google does and applying an update with it.

The rules (``meet-api-behaviour.md`` and the discovery document's ``updateMask`` text):

- paths are comma-separated; each segment may be camelCase or snake_case;
- absent, empty, or only ``""`` → update every field *present* in the body (leaf by leaf);
- ``*`` → replace every updatable field, clearing the ones the body leaves out;
- a path naming a sub-message (``config.artifactConfig``) replaces that whole sub-message [rule];
- an unknown path, or one naming an output-only or immutable field → 400 INVALID_ARGUMENT [rule].
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pulumi_meet.emulator.exceptions import InvalidArgument
from pulumi_meet.emulator.messages import MESSAGES, MessageType

__all__ = ["FieldMask", "Path", "apply_update", "parse_field_mask", "present_paths"]

Path = tuple[str, ...]


@dataclass(frozen=True)
class FieldMask:
    """A parsed mask: ``paths`` in JSON spelling, ``everything`` for ``*``, ``None`` if absent."""

    paths: frozenset[Path] | None
    everything: bool = False

    @property
    def absent(self) -> bool:
        return self.paths is None and not self.everything


ABSENT = FieldMask(None)


def parse_field_mask(text: str | None, message: MessageType, location: str) -> FieldMask:
    """Parse ``updateMask`` against ``message``; ``location`` names it in errors."""
    if text is None:
        return ABSENT
    raw_paths = [part.strip() for part in text.split(",")]
    paths = [part for part in raw_paths if part]
    if not paths:
        return ABSENT
    if "*" in paths:
        if len(paths) > 1:
            raise _bad_path(location, "*", "'*' must be the only path of the mask")
        return FieldMask(None, everything=True)
    return FieldMask(frozenset(_parse_path(path, message, location) for path in paths))


def _parse_path(path: str, message: MessageType, location: str) -> Path:
    current: MessageType | None = message
    normalised: list[str] = []
    for segment in path.split("."):
        spec = current.field(segment) if current is not None else None
        if spec is None:
            raise _bad_path(location, path, "unknown field")
        if spec.output_only:
            raise _bad_path(location, path, "the field is output only")
        if spec.immutable:
            raise _bad_path(location, path, "the field is immutable")
        normalised.append(spec.json_name)
        current = MESSAGES[spec.message] if spec.kind == "message" and spec.message else None
    return tuple(normalised)


def _bad_path(location: str, path: str, reason: str) -> InvalidArgument:
    # Google's exact wording for a bad mask path on Meet is not documented. [rule]
    return InvalidArgument.for_field(location, f'Invalid field mask path "{path}": {reason}.')


def present_paths(body: Mapping[str, Any], message: MessageType, prefix: Path = ()) -> set[Path]:
    """Leaf paths set in ``body``, skipping output-only and immutable fields (they are ignored)."""
    paths: set[Path] = set()
    for spec in message.fields:
        if spec.json_name not in body or spec.output_only or spec.immutable:
            continue
        path = (*prefix, spec.json_name)
        value = body[spec.json_name]
        if spec.kind == "message" and not spec.repeated and spec.message:
            paths |= present_paths(value, MESSAGES[spec.message], path)
        else:
            paths.add(path)
    return paths


def updatable_paths(message: MessageType) -> set[Path]:
    """What ``*`` covers: every top-level field that is neither output only nor immutable."""
    return {
        (spec.json_name,) for spec in message.fields if not (spec.output_only or spec.immutable)
    }


def effective_paths(mask: FieldMask, body: Mapping[str, Any], message: MessageType) -> set[Path]:
    """The paths an update touches."""
    if mask.everything:
        return updatable_paths(message)
    if mask.paths is None:
        return present_paths(body, message)
    return set(mask.paths)


def apply_update(
    current: Mapping[str, Any], body: Mapping[str, Any], paths: set[Path]
) -> dict[str, Any]:
    """A copy of ``current`` where each path takes the body's value, or is cleared if absent."""
    updated = copy.deepcopy(dict(current))
    for path in sorted(paths):
        source = _lookup(body, path)
        if source is None:
            _delete(updated, path)
        else:
            _assign(updated, path, copy.deepcopy(source))
    return updated


def _lookup(value: Mapping[str, Any], path: Path) -> Any:
    node: Any = value
    for segment in path:
        if not isinstance(node, Mapping) or segment not in node:
            return None
        node = node[segment]
    return node


def _assign(value: dict[str, Any], path: Path, item: Any) -> None:
    node = value
    for segment in path[:-1]:
        node = node.setdefault(segment, {})
    node[path[-1]] = item


def _delete(value: dict[str, Any], path: Path) -> None:
    node: Any = value
    for segment in path[:-1]:
        node = node.get(segment)
        if not isinstance(node, dict):
            return
    node.pop(path[-1], None)


def covers(paths: set[Path], target: Path) -> bool:
    """True when ``paths`` includes ``target`` or one of its ancestors."""
    return any(target[: len(path)] == path for path in paths)
