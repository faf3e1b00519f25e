"""The field engine: validation, diff, ``updateMask``, request bodies and outputs, from rows.

Every function takes the rows it works on (a table's ``settable`` or ``api_fields``), so the
same code serves the Space, the SpaceMember and any table a test builds. No API call, no Pulumi
import; values are plain JSON as described in :mod:`pulumi_meet.core.values`.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import Enum
from typing import Any, Final, Union

from pulumi_meet.core.table import Field, Mutability
from pulumi_meet.core.values import (
    describe_value,
    get_path,
    is_unknown,
    missing,
    set_path,
)

__all__ = [
    "PROVIDER_KEY",
    "Violation",
    "api_body",
    "changed_fields",
    "managed_values",
    "outputs_from_api",
    "unknown_key_violations",
    "update_mask",
    "validate_object",
    "validate_value",
]

PROVIDER_KEY: Final = "__provider"
"""The input the SDK adds to every dynamic resource: the serialized provider."""


@dataclass(frozen=True)
class Violation:
    """One invalid input: the dotted property path and a reason that says what is allowed."""

    property: str
    reason: str


# --------------------------------------------------------------------------------------------
# Validation (check)
# --------------------------------------------------------------------------------------------

_Tree = dict[str, Union["_Tree", Field]]


def _tree(fields: Iterable[Field], depth: int) -> _Tree:
    """The nested key structure of ``fields`` below their first ``depth`` path elements."""
    root: _Tree = {}
    for spec in fields:
        node = root
        for key in spec.path[depth:-1]:
            child = node.setdefault(key, {})
            assert isinstance(child, dict)
            node = child
        node[spec.path[-1]] = spec
    return root


def _unknown_key_reason(key: str, allowed: Sequence[str]) -> str:
    reason = f"unknown property {key!r}; allowed: {', '.join(allowed)}"
    snake = re.sub(r"(?<!^)(?=[A-Z])", "_", key).lower()
    guesses = [snake] if snake in allowed else difflib.get_close_matches(key, allowed, n=1)
    return reason + (f" (did you mean {guesses[0]!r}?)" if guesses else "")


def _validate_leaf(spec: Field, value: object, where: str) -> list[Violation]:
    allowed = spec.allowed_values
    if not isinstance(value, str):
        kind = type(value).__name__
        return [
            Violation(
                where, f"expected one of {', '.join(allowed)}; got {kind} {describe_value(value)}"
            )
        ]
    if allowed and value not in allowed:
        hint = (
            " (leave the field out to keep the server's value)"
            if value.endswith("_UNSPECIFIED")
            else ""
        )
        return [
            Violation(where, f"{describe_value(value)} is not one of {', '.join(allowed)}{hint}")
        ]
    return []


def validate_value(spec: Field, value: object, where: str | None = None) -> list[Violation]:
    """Validate one leaf value against ``spec`` (an enum name or a string); unknowns pass.

    ``where`` is the property path named in a violation (default: the field's own path).
    """
    if is_unknown(value) or value is None:
        return []
    return _validate_leaf(spec, value, where or spec.property_path)


def _validate_node(node: _Tree, value: object, where: str) -> list[Violation]:
    if is_unknown(value) or value is None:
        return []
    if not isinstance(value, Mapping):
        expected = ", ".join(node)
        kind = type(value).__name__
        return [
            Violation(
                where,
                f"expected an object with the keys {expected}; got {kind} {describe_value(value)}",
            )
        ]
    violations: list[Violation] = []
    for key, item in value.items():
        path = f"{where}.{key}"
        spec = node.get(key) if isinstance(key, str) else None
        if spec is None:
            violations.append(Violation(path, _unknown_key_reason(str(key), list(node))))
        elif is_unknown(item) or item is None:
            continue
        elif isinstance(spec, Field):
            violations.extend(_validate_leaf(spec, item, path))
        else:
            violations.extend(_validate_node(spec, item, path))
    return violations


def validate_object(name: str, value: object, fields: Iterable[Field]) -> list[Violation]:
    """Validate the input object ``name`` (e.g. ``config``) against the settable ``fields``.

    Unknown keys, wrong types and bad enum values each give a :class:`Violation` naming the full
    property path and the allowed keys or values. Unknowns and ``None`` pass (``None`` = unset).
    """
    subtree = _tree((f for f in fields if f.path[0] == name), depth=1)
    return _validate_node(subtree, value, name)


def unknown_key_violations(news: Mapping[str, Any], allowed: Sequence[str]) -> list[Violation]:
    """A violation for every input key that is neither allowed nor the SDK's ``__provider``."""
    listed = ", ".join(allowed)
    return [
        Violation(key, f"unknown property {describe_value(key)}; allowed: {listed}")
        for key in news
        if key not in allowed and key != PROVIDER_KEY
    ]


# --------------------------------------------------------------------------------------------
# Diff, updateMask, request body, outputs
# --------------------------------------------------------------------------------------------


def changed_fields(
    declared: Mapping[str, Any], current: Mapping[str, Any], fields: Iterable[Field]
) -> list[Field]:
    """The settable ``fields`` the user declared whose value differs from ``current``.

    ``declared`` holds the resource's inputs, ``current`` its old outputs (the effective values).
    Fields the user did not set are never a change; an unknown declared value always is.
    """
    changed = []
    for spec in fields:
        wanted = get_path(declared, spec.path)
        if missing(wanted):
            continue
        if is_unknown(wanted) or wanted != get_path(current, spec.path):
            changed.append(spec)
    return changed


def update_mask(fields: Iterable[Field]) -> list[str]:
    """The ``updateMask`` paths naming exactly ``fields`` (e.g. ``["config.accessType"]``)."""
    return [spec.mask_path for spec in fields]


def api_body(declared: Mapping[str, Any], fields: Iterable[Field]) -> dict[str, Any]:
    """The API's camelCase JSON carrying the declared values of ``fields`` (absent ones skipped)."""
    body: dict[str, Any] = {}
    for spec in fields:
        value = get_path(declared, spec.path)
        if not missing(value):
            set_path(body, spec.api_path, str(value.value) if isinstance(value, Enum) else value)
    return body


def managed_values(
    declared: Mapping[str, Any], live: Mapping[str, Any], fields: Iterable[Field], name: str
) -> dict[str, Any]:
    """The declared object ``name`` with every field the user set replaced by its ``live`` value.

    Used by ``read``: the engine stores it as the resource's inputs, so drift made outside Pulumi
    shows in the next preview. Fields absent from ``live`` keep their declared value.
    """
    result: dict[str, Any] = {}
    for spec in fields:
        if spec.path[0] != name or missing(get_path(declared, spec.path)):
            continue
        value = get_path(live, spec.path)
        set_path(
            result, spec.path[1:], value if not missing(value) else get_path(declared, spec.path)
        )
    return result


def _records(items: object, keys: tuple[tuple[str, str], ...]) -> list[dict[str, Any]]:
    if not isinstance(items, list):
        return []
    return [
        {snake: item[camel] for snake, camel in keys if item.get(camel) is not None}
        for item in items
        if isinstance(item, Mapping)
    ]


def outputs_from_api(resource: Mapping[str, Any], fields: Iterable[Field]) -> dict[str, Any]:
    """Convert an API response into snake_case outputs, following the API rows ``fields``.

    Total on any JSON: fields absent from the response are left out (lists become ``[]``,
    output-only strings ``None``), so a surprising response can never make an output conversion
    fail after the remote object was created.
    """
    outputs: dict[str, Any] = {}
    for spec in fields:
        value = get_path(resource, spec.api_path)
        if spec.record_keys:
            set_path(outputs, spec.path, _records(value, spec.record_keys))
        elif not missing(value) and isinstance(value, str):
            set_path(outputs, spec.path, value)
        elif spec.mutability is Mutability.OUTPUT_ONLY:
            set_path(outputs, spec.path, None)
    return outputs
