"""The field table of the Space resource, and everything derived from it.

Every field of a Meet ``Space`` that the provider reads or writes is declared exactly once in
:data:`SPACE_FIELDS` (in the style of Magic Modules): its snake_case path in the resource's inputs
and outputs, its camelCase path in the API's JSON, its enum class and its mutability. Validation
(``check``), change detection (``diff``), the ``updateMask``, the API request body and the
conversion of API responses into outputs are all computed from that table, so adding a field to
the API means adding one line here.

Values handled here are plain JSON (dicts, lists, strings) as the Pulumi engine passes them, except
that during previews any value may be an *unknown* (see :func:`is_unknown`).
"""

from __future__ import annotations

import difflib
import re
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import Enum
from typing import Any, Final, Union
from urllib.parse import urlsplit

from pulumi_meet.core.enums import (
    AccessType,
    AttendanceReportGenerationType,
    AutoGenerationType,
    DefaultJoinAsViewerType,
    EntryPointAccess,
    Moderation,
    RestrictionType,
)

__all__ = [
    "CONFIG_FIELDS",
    "ECHO_NAMES",
    "INPUT_NAMES",
    "OUTPUT_NAMES",
    "PRESENT_OUTPUT_NAMES",
    "PROVIDER_KEY",
    "RECORDED_NAMES",
    "SPACE_FIELDS",
    "UNKNOWN",
    "Field",
    "Mutability",
    "Violation",
    "api_body",
    "changed_fields",
    "config_conflicts",
    "describe_value",
    "email_violation",
    "get_path",
    "is_meeting_code",
    "is_space_name",
    "is_unknown",
    "managed_values",
    "missing",
    "outputs_from_api",
    "recorded_owner",
    "same_email",
    "set_path",
    "space_name_from_reference",
    "strip_nones",
    "unknown_key_violations",
    "update_mask",
    "validate_object",
    "validate_value",
]

# The wire form of an unknown value; Check and Diff normally see `pulumi.output.Unknown` instead.
_UNKNOWN_SENTINEL: Final = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"
UNKNOWN: Final = _UNKNOWN_SENTINEL
"""The engine's wire form of an unknown value (what a preview's computed outputs hold)."""


class Mutability(Enum):
    """How a field may be written."""

    OPTIONAL_COMPUTED = "optional+computed"
    """The user may set it; when unset the server's value is kept. Updated in place."""
    OUTPUT_ONLY = "output-only"
    """Set by the server only; never accepted as an input."""
    IMMUTABLE = "immutable"
    """Set by the user at creation only; a change replaces the resource."""
    DEFAULTED = "defaulted"
    """The user may set it; when unset the resource's documented default applies (not the
    server's value). Updated in place. (``SpaceMember.role``: COHOST.)"""


@dataclass(frozen=True)
class Field:
    """One field of the table.

    ``path`` is where the value lives in the resource's inputs and outputs (snake_case),
    ``api_path`` where it lives in the API's JSON (camelCase). They may differ in shape: the API's
    ``activeConference.conferenceRecord`` is the flat output ``active_conference``. A field with
    ``record_keys`` is a list of records whose keys are renamed pairwise (snake, camel).
    """

    path: tuple[str, ...]
    api_path: tuple[str, ...]
    mutability: Mutability
    enum: type[Enum] | None = None
    record_keys: tuple[tuple[str, str], ...] = ()
    always_present: bool = False
    """Output only: the API returns it in every answer (a schema's required output)."""

    @property
    def property_path(self) -> str:
        """The dotted snake_case path, as named in check failures (``config.access_type``)."""
        return ".".join(self.path)

    @property
    def mask_path(self) -> str:
        """The dotted camelCase path, as named in an ``updateMask`` (``config.accessType``)."""
        return ".".join(self.api_path)

    @property
    def allowed_values(self) -> tuple[str, ...]:
        """The accepted enum names (empty for a free string)."""
        return tuple(str(member.value) for member in self.enum) if self.enum else ()


def _config(snake: str, camel: str, enum: type[Enum]) -> Field:
    """A settable leaf of ``SpaceConfig``; nested paths are dotted."""
    return Field(
        path=("config", *snake.split(".")),
        api_path=("config", *camel.split(".")),
        mutability=Mutability.OPTIONAL_COMPUTED,
        enum=enum,
    )


def _output(
    snake: str,
    camel: str,
    record_keys: tuple[tuple[str, str], ...] = (),
    *,
    always_present: bool = False,
) -> Field:
    return Field(
        path=tuple(snake.split(".")),
        api_path=tuple(camel.split(".")),
        mutability=Mutability.OUTPUT_ONLY,
        record_keys=record_keys,
        always_present=always_present,
    )


SPACE_FIELDS: Final[tuple[Field, ...]] = (
    _output("name", "name", always_present=True),
    _output("meeting_uri", "meetingUri", always_present=True),
    _output("meeting_code", "meetingCode", always_present=True),
    _config("access_type", "accessType", AccessType),
    _config("entry_point_access", "entryPointAccess", EntryPointAccess),
    _config("moderation", "moderation", Moderation),
    _config(
        "moderation_restrictions.chat_restriction",
        "moderationRestrictions.chatRestriction",
        RestrictionType,
    ),
    _config(
        "moderation_restrictions.reaction_restriction",
        "moderationRestrictions.reactionRestriction",
        RestrictionType,
    ),
    _config(
        "moderation_restrictions.present_restriction",
        "moderationRestrictions.presentRestriction",
        RestrictionType,
    ),
    _config(
        "moderation_restrictions.default_join_as_viewer_type",
        "moderationRestrictions.defaultJoinAsViewerType",
        DefaultJoinAsViewerType,
    ),
    _config(
        "attendance_report_generation_type",
        "attendanceReportGenerationType",
        AttendanceReportGenerationType,
    ),
    _config(
        "artifact_config.recording_config.auto_recording_generation",
        "artifactConfig.recordingConfig.autoRecordingGeneration",
        AutoGenerationType,
    ),
    _config(
        "artifact_config.transcription_config.auto_transcription_generation",
        "artifactConfig.transcriptionConfig.autoTranscriptionGeneration",
        AutoGenerationType,
    ),
    _config(
        "artifact_config.smart_notes_config.auto_smart_notes_generation",
        "artifactConfig.smartNotesConfig.autoSmartNotesGeneration",
        AutoGenerationType,
    ),
    _output("active_conference", "activeConference.conferenceRecord"),
    _output(
        "phone_access",
        "phoneAccess",
        (
            ("phone_number", "phoneNumber"),
            ("pin", "pin"),
            ("region_code", "regionCode"),
            ("language_code", "languageCode"),
        ),
    ),
    _output(
        "gateway_sip_access",
        "gatewaySipAccess",
        (("uri", "uri"), ("sip_access_code", "sipAccessCode")),
    ),
)
"""Every field of a Meet ``Space`` the provider knows, in the API's order."""

CONFIG_FIELDS: Final[tuple[Field, ...]] = tuple(
    f for f in SPACE_FIELDS if f.mutability is not Mutability.OUTPUT_ONLY
)
"""The settable fields: the leaves of ``SpaceConfig``."""

OUTPUT_NAMES: Final[tuple[str, ...]] = tuple(dict.fromkeys(f.path[0] for f in SPACE_FIELDS))
"""The top-level output names derived from the table (``name``, ``meeting_uri``, ``config``…)."""

INPUT_NAMES: Final[tuple[str, ...]] = ("config", "deletion_policy", "adopt", "owner")
"""The inputs of ``Space``."""

PRESENT_OUTPUT_NAMES: Final[tuple[str, ...]] = tuple(
    f.path[0] for f in SPACE_FIELDS if f.always_present
)
"""The outputs every answer of the API carries (``name``, ``meeting_uri``, ``meeting_code``)."""

ECHO_NAMES: Final[tuple[str, ...]] = (
    "owner",
    "deletion_policy",
    "adopt",
    "declared_config",
    "declared_owner",
)
"""Outputs beside the table's: the recorded ``owner`` and the inputs echoed for diff/read/delete.

The engine passes the OLD OUTPUTS (not the old inputs) to diff, update, read and delete, so every
input those need is echoed into the outputs, under names that do not collide with the effective
``config`` and the recorded ``owner``.
"""

RECORDED_NAMES: Final[tuple[str, ...]] = ("owner", "deletion_policy")
"""The echoes every state holds: the owner acted as, and the deletion policy (defaulted)."""

_MISSING: Final = object()


# --------------------------------------------------------------------------------------------
# Plain-data helpers
# --------------------------------------------------------------------------------------------


def is_unknown(value: object) -> bool:
    """Whether ``value`` is a preview-time unknown (``pulumi.output.Unknown`` or its wire form)."""
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


# --------------------------------------------------------------------------------------------
# Validation (check)
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Violation:
    """One invalid input: the dotted property path and a reason that says what is allowed."""

    property: str
    reason: str


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


def describe_value(value: object) -> str:
    """A value for an error message: its repr, cut short so a huge input cannot flood the output."""
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


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


def validate_object(
    name: str, value: object, fields: Iterable[Field] = CONFIG_FIELDS
) -> list[Violation]:
    """Validate the input object ``name`` (e.g. ``config``) against the settable ``fields``.

    Unknown keys, wrong types and bad enum values each give a :class:`Violation` naming the full
    property path and the allowed keys or values. Unknowns and ``None`` pass (``None`` = unset).
    """
    subtree = _tree((f for f in fields if f.path[0] == name), depth=1)
    return _validate_node(subtree, value, name)


def config_conflicts(config: object) -> list[Violation]:
    """Rules across fields of a declared ``config`` that the table alone cannot express.

    Moderation restrictions apply only while moderation is ON, and the API resets them to their
    defaults whenever moderation is OFF. Declaring restrictions without ``moderation: ON`` would
    therefore never converge (a patch on every ``up``), so it is refused. Unknowns pass.
    """
    if not isinstance(config, Mapping):
        return []
    restrictions = config.get("moderation_restrictions")
    moderation = config.get("moderation")
    if is_unknown(moderation) or moderation == Moderation.ON.value:
        return []
    if not isinstance(restrictions, Mapping) or all(v is None for v in restrictions.values()):
        return []
    state = "OFF" if moderation == Moderation.OFF.value else "not set (the server's value applies)"
    return [
        Violation(
            "config.moderation_restrictions",
            f"moderation restrictions apply only while moderation is ON, and the Meet API resets "
            f"them whenever it is OFF; config.moderation is {state}. Set config.moderation to ON "
            "or remove config.moderation_restrictions",
        )
    ]


# --------------------------------------------------------------------------------------------
# Diff, updateMask, request body, outputs
# --------------------------------------------------------------------------------------------


def changed_fields(
    declared: Mapping[str, Any], current: Mapping[str, Any], fields: Iterable[Field] = CONFIG_FIELDS
) -> list[Field]:
    """The settable fields the user declared whose value differs from ``current``.

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


def api_body(
    declared: Mapping[str, Any], fields: Iterable[Field] = CONFIG_FIELDS
) -> dict[str, Any]:
    """The API's camelCase JSON carrying the declared values of ``fields`` (absent ones skipped)."""
    body: dict[str, Any] = {}
    for spec in fields:
        value = get_path(declared, spec.path)
        if not missing(value):
            set_path(body, spec.api_path, str(value.value) if isinstance(value, Enum) else value)
    return body


def managed_values(
    declared: Mapping[str, Any], live: Mapping[str, Any], name: str = "config"
) -> dict[str, Any]:
    """The declared object ``name`` with every field the user set replaced by its ``live`` value.

    Used by ``read``: the engine stores it as the resource's inputs, so drift made outside Pulumi
    shows in the next preview. Fields absent from ``live`` keep their declared value.
    """
    result: dict[str, Any] = {}
    for spec in CONFIG_FIELDS:
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


def outputs_from_api(
    resource: Mapping[str, Any], fields: Iterable[Field] = SPACE_FIELDS
) -> dict[str, Any]:
    """Convert an API response into snake_case outputs, following the table.

    Total on any JSON: fields absent from the response are left out (lists become ``[]``,
    ``active_conference`` becomes ``None``), so a surprising response can never make an output
    conversion fail after the remote object was created.
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


# --------------------------------------------------------------------------------------------
# Space references (adopt, Space.get, the CLI)
# --------------------------------------------------------------------------------------------

_SPACE_NAME = re.compile(r"spaces/[A-Za-z0-9_-]{1,128}")
_MEETING_CODE = re.compile(r"[a-z]+-[a-z]+-[a-z]+", re.IGNORECASE)
_MEET_HOSTS: Final = frozenset({"meet.google.com"})


def is_space_name(text: str) -> bool:
    """Whether ``text`` has the shape of a canonical ``spaces/<id>`` name."""
    return _SPACE_NAME.fullmatch(text) is not None


def is_meeting_code(text: str) -> bool:
    """Whether ``text`` has the shape of a meeting code (``abc-mnop-xyz``, any case)."""
    return len(text) <= 128 and _MEETING_CODE.fullmatch(text) is not None


def space_name_from_reference(reference: str) -> str | None:
    """Turn ``spaces/<id>``, a meeting code (any case) or a meeting URL into a name for ``get``.

    A meeting code ``abc-mnop-xyz`` becomes the alias ``spaces/abc-mnop-xyz`` (``get`` accepts it
    and answers with the canonical name). A URL may lack its scheme, as pasted from a browser's
    address bar (``meet.google.com/abc-mnop-xyz``). Returns ``None`` when ``reference`` is none
    of these.
    """
    text = reference.strip()
    if is_space_name(text):
        return text
    if is_meeting_code(text):
        return f"spaces/{text.lower()}"
    if "://" not in text:
        text = f"https://{text}"
    try:
        parts = urlsplit(text)
    except ValueError:  # e.g. an unbalanced "[" reads as a broken IPv6 host
        return None
    if parts.scheme in {"http", "https"} and (parts.hostname or "") in _MEET_HOSTS:
        code = parts.path.strip("/")
        if is_meeting_code(code):
            return f"spaces/{code.lower()}"
    return None


# -------------------------------------------------------------------- identities and inputs

PROVIDER_KEY: Final = "__provider"
"""The input the SDK adds to every dynamic resource: the serialized provider."""

_EMAIL_LOCAL: Final = re.compile(r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+")
_DOMAIN_LABEL: Final = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?")


def email_violation(name: str, value: object) -> list[Violation]:
    """A violation unless ``value`` is a plausible e-mail address (``local@domain.tld``).

    Deliberately permissive (RFC 5322's dot-atom, no quoted local parts): the point is to catch
    typos such as a missing ``@``, spaces or a bare name before any call; Google has the last word.
    Unknowns and ``None`` pass (whether the value is required is the caller's rule).
    """
    if value is None or is_unknown(value):
        return []
    reason = f"{describe_value(value)} is not an e-mail address (e.g. lead@example.com)"
    if not isinstance(value, str) or len(value) > 254 or value.count("@") != 1:
        return [Violation(name, reason)]
    local, domain = value.split("@")
    labels = domain.split(".")
    if (
        not _EMAIL_LOCAL.fullmatch(local)
        or local.startswith(".")
        or local.endswith(".")
        or ".." in local
        or len(labels) < 2
        or not all(_DOMAIN_LABEL.fullmatch(label) for label in labels)
    ):
        return [Violation(name, reason)]
    return []


def same_email(left: str, right: str) -> bool:
    """Whether two addresses name the same user (Meet compares them case-insensitively)."""
    return left.strip().lower() == right.strip().lower()


def recorded_owner(outputs: Mapping[str, Any]) -> str | None:
    """Who the calls on an existing resource act as: the owner recorded at create or adopt."""
    owner = outputs.get("owner") or outputs.get("declared_owner")
    return str(owner) if owner else None


def unknown_key_violations(news: Mapping[str, Any], allowed: Sequence[str]) -> list[Violation]:
    """A violation for every input key that is neither allowed nor the SDK's ``__provider``."""
    listed = ", ".join(allowed)
    return [
        Violation(key, f"unknown property {describe_value(key)}; allowed: {listed}")
        for key in news
        if key not in allowed and key != PROVIDER_KEY
    ]
