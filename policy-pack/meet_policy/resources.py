"""Which resources are pulumi-meet's, and reading their properties in either naming.

pulumi-meet rooms reach a policy pack in two shapes:

* the dynamic provider's resources (``pulumi_meet.Space`` / ``SpaceMember``), with snake_case
  properties (``config.access_type``, ``deletion_policy``). Their type token is
  ``pulumi-python:dynamic/meet:Space`` (``…/meet:SpaceMember``): the SDK builds it from the
  ``module=``/``name=`` class arguments; a dynamic resource declared without them has the shared
  token ``pulumi-python:dynamic:Resource``;
* the provider plugin's resources ``meet:index:Space`` / ``meet:index:SpaceMember``, with camelCase
  properties (``config.accessType``, ``deletionPolicy``).

Every dynamic resource also carries ``__provider``: the provider object, pickled with dill and
base64-encoded. When it is present it is the authoritative evidence, and it is read **without
unpickling** (unpickling runs code chosen by whoever wrote the program): :func:`provider_class`
walks the pickle's opcodes with :func:`pickletools.genops`, simulating only the stack, to find the
class of the pickle's top-level object. Ours is ``pulumi_meet._provider.SpaceProvider`` or
``MemberProvider``, an import path pulumi-meet guarantees never to change.

Current Pulumi engines drop top-level keys that start with ``__`` when they send properties to
analyzers, so a policy pack normally sees no ``__provider`` at all; then the type token decides,
and a dynamic resource with the shared token and no ``__provider`` is not claimed (nothing tells it
apart from anyone else's dynamic resource).
"""

from __future__ import annotations

import base64
import binascii
import pickletools
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final, Literal

__all__ = [
    "ACCESS_OPEN",
    "DYNAMIC_MEMBER_TYPE",
    "DYNAMIC_SPACE_TYPE",
    "FIELDS",
    "PLUGIN_MEMBER_TYPE",
    "PLUGIN_SPACE_TYPE",
    "PROVIDER_KEY",
    "PROVIDER_MODULE",
    "SETTING_ON",
    "UNKNOWN",
    "UNKNOWN_SENTINELS",
    "Field",
    "Kind",
    "MeetResource",
    "identify",
    "plain",
    "provider_class",
]

Kind = Literal["space", "member"]

DYNAMIC_PREFIX: Final = "pulumi-python:dynamic"
DYNAMIC_SPACE_TYPE: Final = "pulumi-python:dynamic/meet:Space"
DYNAMIC_MEMBER_TYPE: Final = "pulumi-python:dynamic/meet:SpaceMember"
PLUGIN_SPACE_TYPE: Final = "meet:index:Space"
PLUGIN_MEMBER_TYPE: Final = "meet:index:SpaceMember"
PROVIDER_KEY: Final = "__provider"
ACCESS_OPEN: Final = "OPEN"
"""``AccessType.OPEN``: anyone with the link joins without knocking."""
SETTING_ON: Final = "ON"
"""``Moderation.ON`` and ``AutoGenerationType.ON``."""
PROVIDER_MODULE: Final = "pulumi_meet._provider"
PROVIDER_CLASSES: Final[Mapping[str, Kind]] = {
    "SpaceProvider": "space",
    "MemberProvider": "member",
}
_TYPE_KINDS: Final[Mapping[str, Kind]] = {
    DYNAMIC_SPACE_TYPE: "space",
    DYNAMIC_MEMBER_TYPE: "member",
    PLUGIN_SPACE_TYPE: "space",
    PLUGIN_MEMBER_TYPE: "member",
}
# Ours is ~80 characters; a bound keeps a hostile multi-megabyte value from costing anything.
_MAX_PROVIDER_CHARS: Final = 64 * 1024


class _Unknown:
    """A value the engine does not know yet (a preview of something computed)."""

    def __repr__(self) -> str:
        return "UNKNOWN"


UNKNOWN: Final = _Unknown()
"""What :func:`plain` puts where the engine sent an unknown value."""

# The engine's wire form of unknown values, by type (boolean, number, string, array, asset,
# archive, object): the same constants as the policy SDK's proxy module, copied so that this
# module runs without the SDK (tests/policy/test_identify.py checks that they agree).
UNKNOWN_SENTINELS: Final = frozenset(
    {
        "1c4a061d-8072-4f0a-a4cb-0ff528b18fe7",
        "3eeb2bf0-c639-47a8-9e75-3b44932eb421",
        "04da6b54-80e4-46f7-96ec-b56ff0331ba9",
        "6a19a0b0-7e62-4c92-b797-7f8e31da9cc2",
        "030794c1-ac77-496b-92df-f27374a8bd58",
        "e48ece36-62e2-4504-bad9-02848725956a",
        "dd056dcd-154b-4c76-9bd3-c8f88648b5ff",
    }
)


@dataclass(frozen=True)
class Field:
    """A property the policies read: its path in each naming."""

    snake: tuple[str, ...]
    camel: tuple[str, ...]


# The pack's own small copy of the fields it reads (it must not import pulumi_meet's private
# modules, and it must work without pulumi-meet installed). tests/policy/test_mapping.py checks
# it against pulumi-meet's public API so that a rename fails a test.
FIELDS: Final[Mapping[str, Field]] = {
    "access_type": Field(("config", "access_type"), ("config", "accessType")),
    "moderation": Field(("config", "moderation"), ("config", "moderation")),
    "recording": Field(
        ("config", "artifact_config", "recording_config", "auto_recording_generation"),
        ("config", "artifactConfig", "recordingConfig", "autoRecordingGeneration"),
    ),
    "transcription": Field(
        ("config", "artifact_config", "transcription_config", "auto_transcription_generation"),
        ("config", "artifactConfig", "transcriptionConfig", "autoTranscriptionGeneration"),
    ),
    "smartNotes": Field(
        ("config", "artifact_config", "smart_notes_config", "auto_smart_notes_generation"),
        ("config", "artifactConfig", "smartNotesConfig", "autoSmartNotesGeneration"),
    ),
    "owner": Field(("owner",), ("owner",)),
    "adopt": Field(("adopt",), ("adopt",)),
    "deletion_policy": Field(("deletion_policy",), ("deletionPolicy",)),
    "name": Field(("name",), ("name",)),
    "space": Field(("space",), ("space",)),
    "email": Field(("email",), ("email",)),
    "role": Field(("role",), ("role",)),
}


def plain(value: Any) -> Any:
    """``value`` as plain dicts, lists and scalars, with :data:`UNKNOWN` for unknown values.

    The policy SDK hands out properties wrapped in proxies that raise on an unknown value; the
    policies want to decide what an unknown means themselves (an unknown owner is still an
    explicit owner), so they read this copy.
    """
    value = _unproxied(value)
    if isinstance(value, str):
        return UNKNOWN if value in UNKNOWN_SENTINELS else value
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    return value


def _unproxied(value: Any) -> Any:
    # The SDK's proxies return their raw content for the key "__target" (policy/proxy.py).
    if isinstance(value, str | bytes | int | float | bool) or value is None:
        return value
    try:
        return value["__target"]
    except (KeyError, IndexError, TypeError):
        return value


@dataclass(frozen=True)
class MeetResource:
    """A pulumi-meet resource as a policy sees it."""

    kind: Kind
    plugin: bool
    """True for ``meet:index:*`` (camelCase properties), False for the dynamic provider's."""
    evidence: str
    """How it was recognised, for messages and docs: the type token or the ``__provider`` class."""
    props: Mapping[str, Any]
    """Plain properties (see :func:`plain`)."""

    def path(self, field: str) -> str:
        """The dotted property path of ``field`` in this resource's naming."""
        spec = FIELDS[field]
        return ".".join(spec.camel if self.plugin else spec.snake)

    def get(self, field: str) -> Any:
        """The value of ``field``: None when absent, :data:`UNKNOWN` when not known yet."""
        spec = FIELDS[field]
        current: Any = self.props
        for key in spec.camel if self.plugin else spec.snake:
            if current is UNKNOWN:
                return UNKNOWN
            if not isinstance(current, Mapping):
                return None
            current = current.get(key)
        return current


def identify(resource_type: str, props: Mapping[str, Any]) -> MeetResource | None:
    """The pulumi-meet resource these are, or None when they are someone else's.

    ``props`` are the properties as the analyzer received them (proxied or plain).
    """
    values = plain(props)
    if resource_type in (PLUGIN_SPACE_TYPE, PLUGIN_MEMBER_TYPE):
        return MeetResource(_TYPE_KINDS[resource_type], True, resource_type, values)
    if not resource_type.startswith(DYNAMIC_PREFIX):
        return None
    encoded = values.get(PROVIDER_KEY)
    if isinstance(encoded, str):
        # The pickle names the provider class: authoritative, whatever the type token says.
        found = provider_class(encoded)
        if found is None or found[0] != PROVIDER_MODULE or found[1] not in PROVIDER_CLASSES:
            return None
        return MeetResource(PROVIDER_CLASSES[found[1]], False, ".".join(found), values)
    kind = _TYPE_KINDS.get(resource_type)
    return MeetResource(kind, False, resource_type, values) if kind else None


# ------------------------------------------------------------------ the pickle, read not run


@dataclass(frozen=True)
class _Global:
    """A class or function named by GLOBAL / STACK_GLOBAL."""

    module: str
    name: str


@dataclass(frozen=True)
class _Instance:
    """An object built by calling ``cls`` (NEWOBJ, NEWOBJ_EX, REDUCE)."""

    cls: object


_OTHER: Final = object()  # any value the scan does not need to know
_MARK: Final = object()
_STRING_OPS: Final = frozenset(
    {
        "STRING",
        "BINSTRING",
        "SHORT_BINSTRING",
        "UNICODE",
        "BINUNICODE",
        "SHORT_BINUNICODE",
        "BINUNICODE8",
    }
)
_GET_OPS: Final = frozenset({"GET", "BINGET", "LONG_BINGET"})
_PUT_OPS: Final = frozenset({"PUT", "BINPUT", "LONG_BINPUT"})
_TUPLE_SIZES: Final[Mapping[str, int | None]] = {
    "TUPLE": None,
    "EMPTY_TUPLE": 0,
    "TUPLE1": 1,
    "TUPLE2": 2,
    "TUPLE3": 3,
}
_RECONSTRUCTORS: Final = frozenset(
    {_Global("copy_reg", "_reconstructor"), _Global("copyreg", "_reconstructor")}
)


def provider_class(encoded: str) -> tuple[str, str] | None:
    """``(module, class name)`` of the object a base64 pickle builds, without unpickling it.

    Returns None for anything else: not base64, not a pickle, a top-level object that is not an
    instance of a class named by import path (a class pickled by value, a plain value), too long.
    """
    if len(encoded) > _MAX_PROVIDER_CHARS:
        return None
    try:
        data = base64.b64decode(encoded, validate=True)
        result = _top_level_object(data)
    except (binascii.Error, ValueError, IndexError):
        return None
    if isinstance(result, _Instance) and isinstance(result.cls, _Global):
        return result.cls.module, result.cls.name
    return None


def _top_level_object(data: bytes) -> object:
    """Run the pickle's stack machine on symbols only: what would STOP return?"""
    stack: list[object] = []
    memo: dict[int, object] = {}
    for opcode, arg, _position in pickletools.genops(data):
        if opcode.name == "STOP":
            return stack.pop()
        if not _apply_symbolic(opcode.name, arg, stack, memo):
            _apply_generic(opcode, stack)
    raise ValueError("pickle without STOP")


def _apply_symbolic(name: str, arg: Any, stack: list[object], memo: dict[int, object]) -> bool:
    """Apply an opcode whose values the scan tracks; False for any other opcode."""
    if name in _STRING_OPS:
        stack.append(arg.decode("latin-1") if isinstance(arg, bytes) else arg)
    elif name == "GLOBAL":
        module, _, qualname = str(arg).partition(" ")
        stack.append(_Global(module, qualname))
    elif name == "STACK_GLOBAL":
        top, below = stack.pop(), stack.pop()
        ok = isinstance(below, str) and isinstance(top, str)
        stack.append(_Global(str(below), str(top)) if ok else _OTHER)
    elif name in _TUPLE_SIZES:
        _build_tuple(_TUPLE_SIZES[name], stack)
    elif name in ("NEWOBJ", "REDUCE", "NEWOBJ_EX"):
        if name == "NEWOBJ_EX":
            stack.pop()  # keyword arguments
        arguments = stack.pop()
        function = stack.pop()
        # Protocols 0 and 1 build instances as copyreg._reconstructor(cls, base, state).
        if function in _RECONSTRUCTORS and isinstance(arguments, tuple) and arguments:
            function = arguments[0]
        stack.append(_Instance(function))
    elif name == "BUILD":
        stack.pop()  # the state; the object stays what it was
    else:
        return _apply_memo(name, arg, stack, memo)
    return True


def _apply_memo(name: str, arg: Any, stack: list[object], memo: dict[int, object]) -> bool:
    """The memo and the mark: how a pickle refers back to a value it already pushed."""
    if name == "MEMOIZE":
        memo[len(memo)] = stack[-1]
    elif name in _PUT_OPS:
        memo[int(arg)] = stack[-1]
    elif name in _GET_OPS:
        stack.append(memo.get(int(arg), _OTHER))
    elif name == "MARK":
        stack.append(_MARK)
    else:
        return False
    return True


def _build_tuple(size: int | None, stack: list[object]) -> None:
    """TUPLE (up to its mark), EMPTY_TUPLE, TUPLE1..3: kept, as reconstructors need the items."""
    items: list[object] = []
    if size is None:
        while (item := stack.pop()) is not _MARK:
            items.append(item)
        items.reverse()
    else:
        items = stack[len(stack) - size :] if size else []
        del stack[len(stack) - size :]
    stack.append(tuple(items))


def _apply_generic(opcode: pickletools.OpcodeInfo, stack: list[object]) -> None:
    """Any other opcode: pop what it consumes (up to its mark), push placeholders."""
    before = list(opcode.stack_before)
    if pickletools.markobject in before:
        while stack.pop() is not _MARK:
            pass
        del before[before.index(pickletools.markobject) :]
    for _ in before:
        stack.pop()
    stack.extend(_OTHER for _ in opcode.stack_after)
