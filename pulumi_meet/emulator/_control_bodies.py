"""Validation of the identity control calls' JSON bodies (``/emulator/v1/...``).

Each reader takes the body and a field name and returns a clean value or raises
``InvalidArgument`` naming the field, worded like Google's JSON parser where it applies.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping, Sequence
from typing import Any

from pulumi_meet.emulator.exceptions import InvalidArgument

__all__ = [
    "app",
    "boolean",
    "email",
    "integer",
    "project",
    "reject_unknown_fields",
    "scopes",
]

_SCOPE_PREFIX = "https://www.googleapis.com/auth/"
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_PROJECT = re.compile(r"^[a-z][a-z0-9-]{4,28}[a-z0-9]$")  # Google's project-id rule
_APP = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,99}$")
_SCOPE = re.compile(r"^[!-~]+$")  # printable, no spaces: a scope is one token of a list


def reject_unknown_fields(body: Mapping[str, Any], allowed: Collection[str]) -> None:
    """``InvalidArgument`` for the first field outside ``allowed``, as Google's parser words it."""
    for name in body:
        if name not in allowed:
            raise InvalidArgument.for_field(
                name, f'Invalid JSON payload received. Unknown name "{name}": Cannot find field.'
            )


def email(body: Mapping[str, Any], field: str) -> str:
    """A required e-mail address, lower-cased (Google compares addresses case-insensitively)."""
    value = body.get(field)
    if not isinstance(value, str) or not _EMAIL.match(value):
        raise InvalidArgument.for_field(field, f"'{field}' must be an e-mail address.")
    return value.lower()


def project(body: Mapping[str, Any], field: str) -> str | None:
    """An optional Cloud project id (6-30 characters of a-z, 0-9 and '-')."""
    value = body.get(field)
    if value is None:
        return None
    if not isinstance(value, str) or not _PROJECT.match(value):
        raise InvalidArgument.for_field(
            field, f"'{field}' must be a project id: 6 to 30 characters of a-z, 0-9 and '-'."
        )
    return value


def app(body: Mapping[str, Any], field: str, default: str) -> str:
    """The app (Cloud project) a credential belongs to [rule: any short id without spaces]."""
    value = body.get(field, default)
    if not isinstance(value, str) or not _APP.match(value):
        raise InvalidArgument.for_field(field, f"'{field}' must be a project id.")
    return value


def scopes(body: Mapping[str, Any], field: str, default: Sequence[str]) -> list[str]:
    """A list of OAuth scopes; short names (``meetings.space.created``) get Google's prefix."""
    value = body.get(field, default)
    if not isinstance(value, list) or not all(
        isinstance(s, str) and _SCOPE.match(s) for s in value
    ):
        raise InvalidArgument.for_field(field, f"'{field}' must be a list of OAuth scope URLs.")
    return sorted({s if "://" in s else _SCOPE_PREFIX + s for s in value})


def boolean(body: Mapping[str, Any], field: str, *, default: bool) -> bool:
    """An optional JSON boolean."""
    value = body.get(field, default)
    if not isinstance(value, bool):
        raise InvalidArgument.for_field(field, f"'{field}' must be true or false.")
    return value


def integer(body: Mapping[str, Any], field: str, *, default: int, limit: int) -> int:
    """An optional integer within ±``limit`` (a JSON number or a decimal string, as in proto3)."""
    value = body.get(field, default)
    if isinstance(value, str) and re.fullmatch(r"-?\d{1,18}", value):
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or abs(value) > limit:
        raise InvalidArgument.for_field(field, f"'{field}' must be an integer within ±{limit}.")
    return value
