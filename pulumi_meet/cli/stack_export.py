"""The rooms of a stack, read from ``pulumi stack export`` output (a file, or ``-`` for stdin).

Both front-ends' rooms are recognised:

- the provider plugin's ``meet:index:Space`` (camelCase outputs: ``name``, ``meetingCode``,
  ``owner``);
- the dynamic provider's ``pulumi_meet.Space`` (snake_case outputs), whose type is
  ``pulumi-python:dynamic/meet:Space``, or the shared ``pulumi-python:dynamic:Resource`` of
  older programs: then its ``__provider`` output decides. That is the provider object pickled
  by reference to ``pulumi_meet._provider.SpaceProvider``; it is read **without unpickling**
  (unpickling runs code chosen by whoever wrote the state) by walking the pickle's opcodes.

Secret outputs (``owner`` may be one) are used when the export shows them
(``--show-secrets``); an encrypted one counts as unknown. Resources being deleted and rooms only
read (``Space.get``, ``external``) are not the stack's rooms.
"""

from __future__ import annotations

import base64
import binascii
import json
import pickletools
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Final, TextIO

from pulumi_meet.core.references import is_space_name
from pulumi_meet.exceptions import ConfigurationError

__all__ = ["StackRoom", "provider_global", "read_stack_rooms", "stack_rooms"]

PLUGIN_SPACE_TYPE: Final = "meet:index:Space"
DYNAMIC_SPACE_TYPE: Final = "pulumi-python:dynamic/meet:Space"
DYNAMIC_PREFIX: Final = "pulumi-python:dynamic"
SPACE_PROVIDER: Final = ("pulumi_meet._provider", "SpaceProvider")
_SECRET_SIG: Final = "4dabf18193072939515e22adb298388d"
_MAX_PROVIDER_CHARS: Final = 64 * 1024  # ours is ~80; a hostile huge value costs nothing
_STRINGS: Final = frozenset({"SHORT_BINUNICODE", "BINUNICODE", "BINUNICODE8", "UNICODE"})
_GETS: Final = frozenset({"BINGET", "LONG_BINGET", "GET"})


@dataclass(frozen=True)
class StackRoom:
    """One room of a stack: its ``spaces/<id>`` name, code and owner as last recorded."""

    space: str
    meeting_code: str | None
    owner: str | None
    urn: str
    front_end: str
    """``plugin`` or ``dynamic``."""


def provider_global(encoded: str) -> tuple[str, str] | None:
    """(module, name) of the class a base64 pickle's top-level object is made from, or None.

    Only the opcodes are read (``pickletools.genops``): strings pushed and memoised, and the
    first ``GLOBAL`` / ``STACK_GLOBAL`` they form. Nothing is imported or run.
    """
    if not isinstance(encoded, str) or len(encoded) > _MAX_PROVIDER_CHARS:
        return None
    try:
        data = base64.b64decode(encoded, validate=True)
        stack: list[Any] = []
        memo: list[Any] = []
        for opcode, argument, _ in pickletools.genops(data):
            name = opcode.name
            if name in _STRINGS:
                stack.append(argument)
            elif name == "MEMOIZE":
                memo.append(stack[-1] if stack else None)
            elif name in _GETS and isinstance(argument, int) and argument < len(memo):
                stack.append(memo[argument])
            elif name == "GLOBAL" and isinstance(argument, str):
                module, _, attribute = argument.partition(" ")
                return module, attribute
            elif name == "STACK_GLOBAL" and len(stack) >= 2:
                module, attribute = stack[-2], stack[-1]
                if isinstance(module, str) and isinstance(attribute, str):
                    return module, attribute
                return None
    except (binascii.Error, ValueError):
        return None
    return None


def _plain(value: Any) -> Any:
    """An output value, a shown secret unwrapped; an encrypted secret is None."""
    if isinstance(value, Mapping) and _SECRET_SIG in value:
        text = value.get("plaintext")
        if not isinstance(text, str):
            return None
        try:
            return json.loads(text)
        except ValueError:
            return text
    return value


def _front_end(resource: Mapping[str, Any]) -> str | None:
    kind = str(resource.get("type") or "")
    outputs = resource.get("outputs") or {}
    if kind == PLUGIN_SPACE_TYPE:
        return "plugin"
    if not kind.startswith(DYNAMIC_PREFIX):
        return None
    provider = outputs.get("__provider") if isinstance(outputs, Mapping) else None
    if provider is not None:
        return "dynamic" if provider_global(provider) == SPACE_PROVIDER else None
    return "dynamic" if kind == DYNAMIC_SPACE_TYPE else None


def stack_rooms(export: Mapping[str, Any]) -> Iterator[StackRoom]:
    """The rooms of a parsed stack export (``{"version": 3, "deployment": {...}}``, or the
    deployment itself), in the export's order."""
    deployment = export.get("deployment", export)
    resources = deployment.get("resources") if isinstance(deployment, Mapping) else None
    for resource in resources or []:
        if not isinstance(resource, Mapping) or resource.get("delete") or resource.get("external"):
            continue
        front_end = _front_end(resource)
        if front_end is None:
            continue
        outputs = resource.get("outputs") or {}
        space = _plain(outputs.get("name")) or resource.get("id")
        if not isinstance(space, str) or not is_space_name(space):
            continue  # a room whose create never finished has no name yet
        code_key = "meetingCode" if front_end == "plugin" else "meeting_code"
        code, owner = _plain(outputs.get(code_key)), _plain(outputs.get("owner"))
        yield StackRoom(
            space=space,
            meeting_code=code if isinstance(code, str) and code else None,
            owner=owner.lower() if isinstance(owner, str) and owner else None,
            urn=str(resource.get("urn") or ""),
            front_end=front_end,
        )


def read_stack_rooms(handle: TextIO, source: str) -> list[StackRoom]:
    """The distinct rooms of the stack export read from ``handle`` (``source`` names it in
    errors); ConfigurationError when it is not a stack export."""
    try:
        export = json.load(handle)
    except ValueError as error:
        raise ConfigurationError(
            f"{source}: not JSON ({error}); give the output of `pulumi stack export` "
            "(`pulumi stack export --file stack.json`, or pipe it in with `-`)"
        ) from None
    deployment = export.get("deployment", export) if isinstance(export, Mapping) else None
    if not isinstance(deployment, Mapping) or not isinstance(deployment.get("resources", []), list):
        raise ConfigurationError(f"{source}: not a `pulumi stack export` document")
    rooms: dict[str, StackRoom] = {}
    for room in stack_rooms(export):
        rooms.setdefault(room.space, room)
    return list(rooms.values())
