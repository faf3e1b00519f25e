"""The JSON bodies of the conference control calls, checked and turned into plain values.

``POST /emulator/v1/spaces/{id}:startConference``::

    {"startTime": T?, "endTime": T?,
     "participants": ["bob@example.com",
                      {"user": "ada@example.com", "displayName": "Ada"?, "joinTime": T?,
                       "leaveTime": T?,
                       "says": ["Hello", {"text": "Hallo", "languageCode": "de-DE"}]?},
                      {"anonymous": "Guest"}, {"phone": "+14155550123"}]}

``POST …:leaveConference``: ``{"participants": [who…], "leaveTime": T?}`` (who: an e-mail, or
``{"user"}``, ``{"anonymous"}``, ``{"phone"}``). ``POST …:endConference``: ``{"endTime": T?}``.
T is an RFC 3339 time; every error is a 400 naming the field.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from pulumi_meet.emulator._control_bodies import email, reject_unknown_fields
from pulumi_meet.emulator.conferences.people import display_name_of
from pulumi_meet.emulator.exceptions import InvalidArgument
from pulumi_meet.emulator.timestamps import parse_time

__all__ = ["Joiner", "Line", "Person", "Start", "parse_end", "parse_leave", "parse_start"]

_PHONE = re.compile(r"\+[1-9]\d{6,14}")
_LANGUAGE = re.compile(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*")
_KINDS = {"user": "signedin", "anonymous": "anonymous", "phone": "phone"}
_MAX_NAME = 100


@dataclass(frozen=True)
class Person:
    """Who: ``kind`` signedin/anonymous/phone and the key that identifies them in a conference."""

    kind: str
    identity: str
    display_name: str


@dataclass(frozen=True)
class Line:
    """One thing said, for the transcript."""

    text: str
    language_code: str


@dataclass(frozen=True)
class Joiner:
    """One join: a session from ``join`` (None = now) to ``leave`` (None = still there)."""

    person: Person
    join: int | None
    leave: int | None
    says: tuple[Line, ...]


@dataclass(frozen=True)
class Start:
    start: int | None
    end: int | None
    joiners: tuple[Joiner, ...]


def parse_start(body: Mapping[str, Any]) -> Start:
    reject_unknown_fields(body, ("participants", "startTime", "endTime"))
    items = _list(body, "participants")
    joiners = tuple(_joiner(item, f"participants[{index}]") for index, item in enumerate(items))
    return Start(_time(body, "startTime"), _time(body, "endTime"), joiners)


def parse_leave(body: Mapping[str, Any]) -> tuple[tuple[Person, ...], int | None]:
    reject_unknown_fields(body, ("participants", "leaveTime"))
    items = _list(body, "participants")
    if not items:
        raise InvalidArgument.for_field("participants", "Name at least one participant to leave.")
    people = []
    for index, item in enumerate(items):
        location = f"participants[{index}]"
        if isinstance(item, Mapping):
            reject_unknown_fields(item, tuple(_KINDS))
        people.append(_person(item, location))
    return tuple(people), _time(body, "leaveTime")


def parse_end(body: Mapping[str, Any]) -> int | None:
    reject_unknown_fields(body, ("endTime",))
    return _time(body, "endTime")


def _list(body: Mapping[str, Any], field: str) -> Sequence[Any]:
    value = body.get(field, [])
    if not isinstance(value, list):
        raise InvalidArgument.for_field(
            field, f'"{field}" must be a list of e-mail addresses or participant objects.'
        )
    return value


def _joiner(item: Any, location: str) -> Joiner:
    if isinstance(item, str):
        return Joiner(_person(item, location), None, None, ())
    if not isinstance(item, Mapping):
        raise _bad_participant(location)
    reject_unknown_fields(item, (*_KINDS, "displayName", "joinTime", "leaveTime", "says"))
    person = _person(item, location)
    name = item.get("displayName")
    if name is not None:
        if person.kind != "signedin":
            raise InvalidArgument.for_field(
                f"{location}.displayName", "displayName is for signed-in users only."
            )
        person = Person(person.kind, person.identity, _text(name, f"{location}.displayName"))
    join, leave = _time(item, "joinTime", location), _time(item, "leaveTime", location)
    if join is not None and leave is not None and leave < join:
        raise InvalidArgument.for_field(f"{location}.leaveTime", "leaveTime is before joinTime.")
    return Joiner(person, join, leave, _lines(item.get("says", []), f"{location}.says"))


def _person(item: Any, location: str) -> Person:
    if isinstance(item, str):
        address = email({location: item}, location)
        return Person("signedin", address, display_name_of(address))
    kinds = [key for key in _KINDS if isinstance(item, Mapping) and key in item]
    if len(kinds) != 1:
        raise _bad_participant(location)
    key = kinds[0]
    field = f"{location}.{key}"
    if key == "user":
        address = email({field: item[key]}, field)
        return Person("signedin", address, display_name_of(address))
    if key == "anonymous":
        name = _text(item[key], field)
        return Person("anonymous", name, name)
    number = item[key]
    if not isinstance(number, str) or not _PHONE.fullmatch(number):
        raise InvalidArgument.for_field(
            field, f"'{field}' must be an E.164 number like +14155550123."
        )
    return Person("phone", number, number)


def _lines(value: Any, location: str) -> tuple[Line, ...]:
    if not isinstance(value, list):
        raise InvalidArgument.for_field(location, f"'{location}' must be a list of lines.")
    lines = []
    for index, given in enumerate(value):
        where = f"{location}[{index}]"
        item = {"text": given} if isinstance(given, str) else given
        if not isinstance(item, Mapping):
            raise InvalidArgument.for_field(where, "A line is a string or {text, languageCode}.")
        reject_unknown_fields(item, ("text", "languageCode"))
        language = item.get("languageCode", "en-US")
        if not isinstance(language, str) or not _LANGUAGE.fullmatch(language):
            raise InvalidArgument.for_field(f"{where}.languageCode", "Expected a BCP 47 code.")
        lines.append(Line(_text(item.get("text"), f"{where}.text", limit=None), language))
    return tuple(lines)


def _text(value: Any, field: str, limit: int | None = _MAX_NAME) -> str:
    if not isinstance(value, str) or not value.strip() or (limit and len(value) > limit):
        longest = f" of at most {limit} characters" if limit else ""
        raise InvalidArgument.for_field(field, f"'{field}' must be a non-empty string{longest}.")
    return value.strip()


def _time(body: Mapping[str, Any], key: str, location: str = "") -> int | None:
    value = body.get(key)
    if value is None:
        return None
    parsed = parse_time(value) if isinstance(value, str) else None
    if parsed is None:
        field = f"{location}.{key}" if location else key
        raise InvalidArgument.for_field(
            field, f"'{field}' must be an RFC 3339 time such as 2030-01-01T09:00:00Z."
        )
    return parsed


def _bad_participant(location: str) -> InvalidArgument:
    return InvalidArgument.for_field(
        location,
        f"'{location}' must be an e-mail address or one of {{\"user\": e-mail}}, "
        '{"anonymous": display name}, {"phone": "+<digits>"}.',
    )
