"""The ``fields`` system parameter: partial responses.

Syntax (https://cloud.google.com/apis/docs/system-parameters): a comma-separated list of
selections; ``a/b`` selects ``b`` inside ``a``; ``a(b,c)`` selects ``b`` and ``c`` inside ``a``
(inside each element when ``a`` is a list); ``*`` selects everything at its level. Names that the
response does not have select nothing. Selections nest at most ``MAX_DEPTH`` levels (``/`` and
``(`` each add one); deeper is a malformed selector.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pulumi_meet.emulator.exceptions import InvalidArgument

__all__ = ["MAX_DEPTH", "FieldSelector", "parse_fields"]

MAX_DEPTH = 100
_TOKEN = re.compile(r"\s*([A-Za-z_$][\w$]*|\*|[,/()])")


@dataclass(frozen=True)
class FieldSelector:
    """A parsed ``fields`` value: each selected name maps to a sub-selector (None = whole)."""

    children: Mapping[str, FieldSelector | None]

    def select(self, value: Any) -> Any:
        if isinstance(value, list):
            return [self.select(item) for item in value]
        if not isinstance(value, dict) or "*" in self.children:
            return value
        selected: dict[str, Any] = {}
        for name, child in self.children.items():
            if name in value:
                selected[name] = value[name] if child is None else child.select(value[name])
        return selected


def parse_fields(text: str) -> FieldSelector:
    """Parse a ``fields`` value; 400 INVALID_ARGUMENT when it is malformed."""
    tokens = _tokenize(text)
    selector, position = _parse_list(tokens, 0, text, 0)
    if position != len(tokens):
        raise _invalid(text)
    return selector


def _tokenize(text: str) -> list[str]:
    tokens: list[str] = []
    position = 0
    while position < len(text):
        if text[position:].strip() == "":
            break
        found = _TOKEN.match(text, position)
        if found is None:
            raise _invalid(text)
        tokens.append(found.group(1))
        position = found.end()
    return tokens


def _parse_list(
    tokens: list[str], position: int, text: str, depth: int
) -> tuple[FieldSelector, int]:
    children: dict[str, FieldSelector | None] = {}
    while True:
        position = _parse_item(tokens, position, text, children, depth)
        if position < len(tokens) and tokens[position] == ",":
            position += 1
            continue
        return FieldSelector(children), position


def _parse_item(
    tokens: list[str],
    position: int,
    text: str,
    into: dict[str, FieldSelector | None],
    depth: int,
) -> int:
    path: list[str] = []
    while True:
        if position >= len(tokens) or tokens[position] in ",/()" or depth + len(path) >= MAX_DEPTH:
            raise _invalid(text)
        path.append(tokens[position])
        position += 1
        if position < len(tokens) and tokens[position] == "/":
            position += 1
            continue
        break
    leaf: FieldSelector | None = None
    if position < len(tokens) and tokens[position] == "(":
        leaf, position = _parse_list(tokens, position + 1, text, depth + len(path))
        if position >= len(tokens) or tokens[position] != ")":
            raise _invalid(text)
        position += 1
    _merge(into, path, leaf)
    return position


def _merge(
    into: dict[str, FieldSelector | None], path: list[str], leaf: FieldSelector | None
) -> None:
    head, rest = path[0], path[1:]
    if head in into and into[head] is None:
        return  # the whole field is already selected
    existing = into.get(head)
    if not rest:
        if existing is None or leaf is None:
            into[head] = leaf
        else:
            into[head] = FieldSelector({**existing.children, **leaf.children})
        return
    children = dict(existing.children) if existing is not None else {}
    _merge(children, rest, leaf)
    into[head] = FieldSelector(children)


def _invalid(text: str) -> InvalidArgument:
    # Google's wording for a malformed selector. [seen in other Google APIs]
    return InvalidArgument.for_field("fields", f"Invalid field selection {text}")
