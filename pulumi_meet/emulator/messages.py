"""The Meet v2 messages the emulator speaks, and a proto-JSON codec for them.

Google's front end parses request bodies as proto JSON, so the emulator does the same, with the
same error wording (``meet-api-behaviour.md``):

- field names may be the JSON name (``accessType``) or the proto name (``access_type``);
- enums may be names (``"ON"``) or numbers (``1``); numbers are the declaration order of the
  discovery document, which is also the ``.proto`` numbering;
- ``null`` means "not set";
- unknown fields, bad enum values and wrong JSON types are 400 INVALID_ARGUMENT with a
  ``google.rpc.BadRequest`` field violation.

Parsed messages are plain dicts keyed by JSON names with enum *names*; ``render`` turns them back
into JSON, with enum numbers when the request asked for ``enum-encoding=int``, leaving out
default values (proto3 JSON never prints an unset enum, an empty string or an empty list).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from pulumi_meet.emulator.exceptions import InvalidArgument

__all__ = [
    "MESSAGES",
    "EnumType",
    "Field",
    "MessageType",
    "location_of",
    "parse_message",
    "render",
]

_PACKAGE = "google.apps.meet.v2"

Kind = Literal["string", "int32", "enum", "message", "field_mask"]


@dataclass(frozen=True)
class EnumType:
    """A proto enum: ``values[n]`` is the name of number ``n``."""

    full_name: str
    values: tuple[str, ...]

    @property
    def unspecified(self) -> str:
        return self.values[0]

    def number(self, name: str) -> int:
        return self.values.index(name)


@dataclass(frozen=True)
class Field:
    """One field of a message, as the discovery document and the ``.proto`` declare it."""

    json_name: str
    proto_name: str
    kind: Kind
    enum: EnumType | None = None
    message: str | None = None
    repeated: bool = False
    output_only: bool = False
    # Immutable fields may be sent (they identify the resource) but never updated.
    immutable: bool = False


@dataclass(frozen=True)
class MessageType:
    """A proto message: its fully qualified name and fields in declaration order."""

    full_name: str
    fields: tuple[Field, ...]
    _by_name: dict[str, Field] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        for item in self.fields:
            self._by_name[item.json_name] = item
            self._by_name[item.proto_name] = item

    def field(self, name: str) -> Field | None:
        """The field called ``name`` (JSON or proto spelling), if any."""
        return self._by_name.get(name)

    @property
    def type_url(self) -> str:
        return f"type.googleapis.com/{self.full_name}"


def _enum(name: str, *values: str) -> EnumType:
    return EnumType(f"{_PACKAGE}.{name}", values)


ACCESS_TYPE = _enum(
    "SpaceConfig.AccessType", "ACCESS_TYPE_UNSPECIFIED", "OPEN", "TRUSTED", "RESTRICTED"
)
ENTRY_POINT_ACCESS = _enum(
    "SpaceConfig.EntryPointAccess", "ENTRY_POINT_ACCESS_UNSPECIFIED", "ALL", "CREATOR_APP_ONLY"
)
MODERATION = _enum("SpaceConfig.Moderation", "MODERATION_UNSPECIFIED", "OFF", "ON")
ATTENDANCE = _enum(
    "SpaceConfig.AttendanceReportGenerationType",
    "ATTENDANCE_REPORT_GENERATION_TYPE_UNSPECIFIED",
    "GENERATE_REPORT",
    "DO_NOT_GENERATE",
)
RESTRICTION = _enum(
    "SpaceConfig.ModerationRestrictions.RestrictionType",
    "RESTRICTION_TYPE_UNSPECIFIED",
    "HOSTS_ONLY",
    "NO_RESTRICTION",
)
JOIN_AS_VIEWER = _enum(
    "SpaceConfig.ModerationRestrictions.DefaultJoinAsViewerType",
    "DEFAULT_JOIN_AS_VIEWER_TYPE_UNSPECIFIED",
    "ON",
    "OFF",
)
AUTO_GENERATION = _enum(
    "SpaceConfig.ArtifactConfig.AutoGenerationType", "AUTO_GENERATION_TYPE_UNSPECIFIED", "ON", "OFF"
)
ROLE = _enum("Member.Role", "ROLE_UNSPECIFIED", "COHOST")


def _message(name: str, *fields: Field) -> MessageType:
    return MessageType(f"{_PACKAGE}.{name}", fields)


def _string(
    json_name: str, proto_name: str, *, output_only: bool = False, immutable: bool = False
) -> Field:
    return Field(json_name, proto_name, "string", output_only=output_only, immutable=immutable)


def _enum_field(json_name: str, proto_name: str, enum: EnumType) -> Field:
    return Field(json_name, proto_name, "enum", enum=enum)


def _sub(
    json_name: str,
    proto_name: str,
    message: str,
    *,
    repeated: bool = False,
    output_only: bool = False,
) -> Field:
    return Field(
        json_name,
        proto_name,
        "message",
        message=message,
        repeated=repeated,
        output_only=output_only,
    )


MESSAGES: dict[str, MessageType] = {
    "Space": _message(
        "Space",
        _string("name", "name", immutable=True),
        _string("meetingUri", "meeting_uri", output_only=True),
        _string("meetingCode", "meeting_code", output_only=True),
        _sub("config", "config", "SpaceConfig"),
        _sub("activeConference", "active_conference", "ActiveConference", output_only=True),
        _sub("phoneAccess", "phone_access", "PhoneAccess", repeated=True, output_only=True),
        _sub(
            "gatewaySipAccess",
            "gateway_sip_access",
            "GatewaySipAccess",
            repeated=True,
            output_only=True,
        ),
    ),
    "PhoneAccess": _message(
        "Space.PhoneAccess",
        _string("phoneNumber", "phone_number"),
        _string("pin", "pin"),
        _string("regionCode", "region_code"),
        _string("languageCode", "language_code"),
    ),
    "GatewaySipAccess": _message(
        "Space.GatewaySipAccess",
        _string("uri", "uri"),
        _string("sipAccessCode", "sip_access_code"),
    ),
    "ActiveConference": _message(
        "ActiveConference", _string("conferenceRecord", "conference_record", output_only=True)
    ),
    "SpaceConfig": _message(
        "SpaceConfig",
        _enum_field("accessType", "access_type", ACCESS_TYPE),
        _enum_field("entryPointAccess", "entry_point_access", ENTRY_POINT_ACCESS),
        _enum_field("moderation", "moderation", MODERATION),
        _sub("moderationRestrictions", "moderation_restrictions", "ModerationRestrictions"),
        _enum_field(
            "attendanceReportGenerationType", "attendance_report_generation_type", ATTENDANCE
        ),
        _sub("artifactConfig", "artifact_config", "ArtifactConfig"),
    ),
    "ModerationRestrictions": _message(
        "SpaceConfig.ModerationRestrictions",
        _enum_field("chatRestriction", "chat_restriction", RESTRICTION),
        _enum_field("reactionRestriction", "reaction_restriction", RESTRICTION),
        _enum_field("presentRestriction", "present_restriction", RESTRICTION),
        _enum_field("defaultJoinAsViewerType", "default_join_as_viewer_type", JOIN_AS_VIEWER),
    ),
    "ArtifactConfig": _message(
        "SpaceConfig.ArtifactConfig",
        _sub("recordingConfig", "recording_config", "RecordingConfig"),
        _sub("transcriptionConfig", "transcription_config", "TranscriptionConfig"),
        _sub("smartNotesConfig", "smart_notes_config", "SmartNotesConfig"),
    ),
    "RecordingConfig": _message(
        "SpaceConfig.ArtifactConfig.RecordingConfig",
        _enum_field("autoRecordingGeneration", "auto_recording_generation", AUTO_GENERATION),
    ),
    "TranscriptionConfig": _message(
        "SpaceConfig.ArtifactConfig.TranscriptionConfig",
        _enum_field(
            "autoTranscriptionGeneration", "auto_transcription_generation", AUTO_GENERATION
        ),
    ),
    "SmartNotesConfig": _message(
        "SpaceConfig.ArtifactConfig.SmartNotesConfig",
        _enum_field("autoSmartNotesGeneration", "auto_smart_notes_generation", AUTO_GENERATION),
    ),
    "Member": _message(
        "Member",
        _string("name", "name", immutable=True),
        _string("email", "email", immutable=True),
        _enum_field("role", "role", ROLE),
    ),
    # Request messages whose body is "*" (the whole request): their path-bound fields may be
    # repeated in the body, as Google's transcoding allows.
    "EndActiveConferenceRequest": _message("EndActiveConferenceRequest", _string("name", "name")),
    "UpdateMemberRequest": _message(
        "UpdateMemberRequest",
        _sub("member", "member", "Member"),
        Field("updateMask", "update_mask", "field_mask"),
    ),
    "BatchUpdateMembersRequest": _message(
        "BatchUpdateMembersRequest",
        _string("parent", "parent"),
        _sub("requests", "requests", "UpdateMemberRequest", repeated=True),
        Field("updateMask", "update_mask", "field_mask"),
    ),
    "ListMembersResponse": _message(
        "ListMembersResponse",
        _sub("members", "members", "Member", repeated=True),
        _string("nextPageToken", "next_page_token"),
    ),
    "BatchUpdateMembersResponse": _message(
        "BatchUpdateMembersResponse", _sub("members", "members", "Member", repeated=True)
    ),
    "Empty": _message("google.protobuf.Empty"),
}


def location_of(parent: str, name: str) -> str:
    """The proto path Google names in errors: ``space.config.moderation``."""
    return f"{parent}.{name}" if parent else name


def _invalid_value(location: str, type_name: str, value: Any) -> InvalidArgument:
    text = json.dumps(value, ensure_ascii=False)
    return InvalidArgument.for_field(
        location, f"Invalid value at '{location}' ({type_name}), {text}"
    )


def _unknown_name(name: str, location: str, reason: str = "Cannot find field.") -> InvalidArgument:
    where = f" at '{location}'" if location else ""
    description = f'Invalid JSON payload received. Unknown name "{name}"{where}: {reason}'
    return InvalidArgument.for_field(location, description)


def parse_message(value: Any, message: MessageType, location: str = "") -> dict[str, Any]:
    """Parse proto JSON into a dict of JSON names and enum names; raise InvalidArgument."""
    if not isinstance(value, Mapping):
        raise _invalid_value(location, message.type_url, value)
    parsed: dict[str, Any] = {}
    for key, item in value.items():
        spec = message.field(key)
        if spec is None:
            raise _unknown_name(key, location)
        if spec.json_name in parsed:
            # Both spellings of one field: proto JSON parsers refuse the second one. [rule]
            raise _unknown_name(key, location, "Field was set more than once.")
        if item is None:
            continue
        field_location = location_of(location, spec.proto_name)
        if spec.repeated:
            parsed[spec.json_name] = _parse_repeated(item, spec, field_location)
        else:
            if isinstance(item, list):
                raise _unknown_name(
                    key, location, "Proto field is not repeating, cannot start list."
                )
            parsed[spec.json_name] = _parse_value(item, spec, field_location)
    return parsed


def _parse_repeated(items: Any, spec: Field, location: str) -> list[Any]:
    if not isinstance(items, list):
        type_name = MESSAGES[spec.message].type_url if spec.message else f"TYPE_{spec.kind.upper()}"
        raise _invalid_value(location, type_name, items)
    return [_parse_value(item, spec, f"{location}[{index}]") for index, item in enumerate(items)]


def _parse_value(value: Any, spec: Field, location: str) -> Any:
    if spec.kind == "message":
        assert spec.message is not None
        return parse_message(value, MESSAGES[spec.message], location)
    if spec.kind == "enum":
        assert spec.enum is not None
        return _parse_enum(value, spec.enum, location)
    if spec.kind == "int32":
        if isinstance(value, bool) or not isinstance(value, int):
            raise _invalid_value(location, "TYPE_INT32", value)
        return value
    if not isinstance(value, str):
        raise _invalid_value(location, "TYPE_STRING", value)
    return value


def _parse_enum(value: Any, enum: EnumType, location: str) -> str:
    type_url = f"type.googleapis.com/{enum.full_name}"
    if isinstance(value, str) and value in enum.values:
        return value
    # JSON numbers are accepted as enum numbers; numeric strings are not. [rule]
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < len(enum.values):
        return enum.values[value]
    raise _invalid_value(location, type_url, value)


def render(value: Mapping[str, Any], message: MessageType, *, int_enums: bool) -> dict[str, Any]:
    """A parsed message back to proto JSON, leaving out default values."""
    rendered: dict[str, Any] = {}
    for spec in message.fields:
        item = value.get(spec.json_name)
        if item is None:
            continue
        if spec.repeated:
            items = [_render_value(one, spec, int_enums) for one in item]
            if items:
                rendered[spec.json_name] = items
            continue
        output = _render_value(item, spec, int_enums)
        # proto3 JSON prints a set sub-message even when empty, but never a default scalar.
        if spec.kind == "message" or output not in ("", 0):
            rendered[spec.json_name] = output
    return rendered


def _render_value(value: Any, spec: Field, int_enums: bool) -> Any:
    if spec.kind == "message":
        assert spec.message is not None
        return render(value, MESSAGES[spec.message], int_enums=int_enums)
    if spec.kind == "enum":
        assert spec.enum is not None
        if value == spec.enum.unspecified:
            return 0
        return spec.enum.number(value) if int_enums else value
    return value
