"""camelCase (the package schema, every Pulumi SDK) <-> snake_case (the field tables, operations).

The pairs come from the field tables: a field whose API path has the shape of its resource path
pairs each snake key with the API's camel key at the same depth (``moderation_restrictions`` <->
``moderationRestrictions``), and record fields pair their record keys. Names that are not API
fields (``deletion_policy``, ``declared_config``, ``space``...) and fields whose API path has
another shape (``active_conference`` is ``activeConference.conferenceRecord`` in the API) take the
mechanical camelCase of their snake name, which is what a schema spells.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from typing import Any, Final

from pulumi_meet.core import member_fields as members
from pulumi_meet.core import space_fields as schema
from pulumi_meet.core.table import Table

__all__ = [
    "TO_CAMEL",
    "TO_SNAKE",
    "camel",
    "camel_path",
    "camel_text",
    "names_of",
    "rename",
    "snake_spellings",
    "to_camel",
    "to_snake",
]


def camel(snake: str) -> str:
    """The mechanical camelCase of a snake_case name (``deletion_policy`` -> ``deletionPolicy``)."""
    head, *rest = snake.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def _pairs(tables: Iterable[Table]) -> Iterable[tuple[str, str]]:
    for table in tables:
        for spec in table.rows:
            if len(spec.path) == len(spec.api_path):
                yield from zip(spec.path, spec.api_path, strict=True)
            else:
                yield from ((key, camel(key)) for key in spec.path)
            yield from spec.record_keys


def names_of(tables: Iterable[Table]) -> dict[str, str]:
    """Every snake_case property name of ``tables`` -> its camelCase name (checked one-to-one)."""
    table: dict[str, str] = {}
    for snake, camel_name in _pairs(tables):
        if table.setdefault(snake, camel_name) != camel_name:
            raise AssertionError(f"{snake} has two camelCase names: {table[snake]}, {camel_name}")
    if len(set(table.values())) != len(table):
        raise AssertionError("two snake_case names share one camelCase name")
    return table


TO_CAMEL: Final[Mapping[str, str]] = names_of((schema.SPACE, schema.LOOKUP, members.MEMBER))
"""Every snake_case property name of the resources -> its camelCase name."""
TO_SNAKE: Final[Mapping[str, str]] = {value: key for key, value in TO_CAMEL.items()}
"""The inverse of :data:`TO_CAMEL`."""


_LEAVES: Final = frozenset({str, bool, int, float, type(None)})


def _convert(value: Any, names: Mapping[str, str]) -> Any:
    # Leaves first, by exact type: an isinstance() against the Mapping ABC costs more than
    # the renaming itself, and it ran for every leaf of every property map of every call.
    if type(value) in _LEAVES:
        return value
    if isinstance(value, Mapping):
        return {names.get(key, key): _convert(item, names) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_convert(item, names) for item in value]
    return value


def rename(value: Any, names: Mapping[str, str]) -> Any:
    """``value`` with every key that ``names`` knows renamed, at every depth."""
    return _convert(value, names)


def to_snake(value: Any) -> Any:
    """``value`` with every known camelCase key renamed; unknown keys stay as the user wrote them
    (so that check names them as written)."""
    return _convert(value, TO_SNAKE)


def to_camel(value: Any) -> Any:
    """``value`` with every known snake_case key renamed to camelCase."""
    return _convert(value, TO_CAMEL)


def snake_spellings(value: Any, prefix: str = "") -> Iterator[tuple[str, str]]:
    """(camelCase path as written, the schema's name) for every key spelled in snake_case.

    The plugin's inputs are the schema's camelCase; a snake_case key would otherwise pass (the
    operations speak snake_case) and silently collide with its camelCase twin.
    """
    if not isinstance(value, Mapping):
        return
    for key, item in value.items():
        written = f"{prefix}{key}"
        schema_name = TO_CAMEL.get(key)
        if schema_name is not None and schema_name != key:
            yield written, f"{prefix}{schema_name}"
        else:
            yield from snake_spellings(item, f"{written}.")


def camel_path(path: str) -> str:
    """A dotted property path in camelCase (``config.access_type`` -> ``config.accessType``)."""
    return ".".join(TO_CAMEL.get(part, part) for part in path.split("."))


_SNAKE_WORD = re.compile(r"(?<![\w/])[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b")


def camel_text(text: str, names: Mapping[str, str] = TO_CAMEL) -> str:
    """A message with every property name the tables know rewritten in camelCase.

    The operations speak snake_case (``set deletion_policy='ABANDON'``); a plugin user reads the
    names of the schema (``deletionPolicy``). Enum values (upper case) and other words are kept.
    """
    return _SNAKE_WORD.sub(lambda match: names.get(match.group(0), match.group(0)), text)
