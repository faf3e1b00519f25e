"""The field table of the Space resource: :data:`SPACE`, one row per property.

Every property of a ``Space`` is declared here once (in the style of Magic Modules): the API's
fields (their snake_case and camelCase paths, enum, mutability) and the provider's own inputs and
recorded outputs, each with its description and whether changing it replaces the room. Adding a
leaf of ``SpaceConfig`` is one ``_config(...)`` row: validation, diff, ``updateMask``, request
body, outputs, the package schema, the ``*Args`` classes and the docs' tables follow from it.

The engine's names (:mod:`pulumi_meet.core.engine`, :mod:`pulumi_meet.core.values`) and the
room references (:mod:`pulumi_meet.core.references`) are re-exported here for the modules that
work on a Space through this one import.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import Enum
from typing import Final

from pulumi_meet.core.engine import (
    PROVIDER_KEY,
    Violation,
    api_body,
    changed_fields,
    managed_values,
    outputs_from_api,
    unknown_key_violations,
    update_mask,
    validate_object,
    validate_value,
)
from pulumi_meet.core.enums import (
    AccessType,
    AttendanceReportGenerationType,
    AutoGenerationType,
    DefaultJoinAsViewerType,
    DeletionPolicy,
    EntryPointAccess,
    Moderation,
    RestrictionType,
)
from pulumi_meet.core.references import (
    email_violation,
    is_meeting_code,
    is_space_name,
    recorded_owner,
    same_email,
    space_name_from_reference,
)
from pulumi_meet.core.table import Field, Mutability, Table
from pulumi_meet.core.values import (
    UNKNOWN,
    describe_value,
    get_path,
    is_unknown,
    missing,
    set_path,
    strip_nones,
)

__all__ = [
    "CONFIG_FIELDS",
    "ECHO_NAMES",
    "INPUT_NAMES",
    "LOOKUP",
    "OUTPUT_NAMES",
    "PRESENT_OUTPUT_NAMES",
    "PROVIDER_KEY",
    "RECORDED_NAMES",
    "SPACE",
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


def _config(snake: str, camel: str, enum: type[Enum], description: str) -> Field:
    """A settable leaf of ``SpaceConfig``; nested paths are dotted."""
    return Field(
        path=("config", *snake.split(".")),
        api_path=("config", *camel.split(".")),
        mutability=Mutability.OPTIONAL_COMPUTED,
        enum=enum,
        description=description,
    )


def _output(
    snake: str,
    camel: str,
    description: str,
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
        description=description,
    )


_WHILE_MODERATED = "while `moderation` is `ON`"

SPACE: Final = Table(
    name="Space",
    description="A Google Meet meeting space (a standing room with a permanent link). The Meet "
    "API cannot delete a space: `deletion_policy` says what destroying it does instead.",
    rows=(
        _output(
            "name",
            "name",
            "The canonical `spaces/<id>` name (the resource ID).",
            always_present=True,
        ),
        _output(
            "meeting_uri",
            "meetingUri",
            "The URL participants join with (`https://meet.google.com/abc-mnop-xyz`).",
            always_present=True,
        ),
        _output(
            "meeting_code",
            "meetingCode",
            "The meeting code (`abc-mnop-xyz`). Google may reassign it after about a year "
            "unused; the ID never changes.",
            always_present=True,
        ),
        _config("access_type", "accessType", AccessType, "Who can join without knocking."),
        _config(
            "entry_point_access",
            "entryPointAccess",
            EntryPointAccess,
            "Which entry points (apps) may join the room's meetings.",
        ),
        _config("moderation", "moderation", Moderation, "Whether the meeting is moderated."),
        _config(
            "moderation_restrictions.chat_restriction",
            "moderationRestrictions.chatRestriction",
            RestrictionType,
            f"Who may send chat messages {_WHILE_MODERATED}.",
        ),
        _config(
            "moderation_restrictions.reaction_restriction",
            "moderationRestrictions.reactionRestriction",
            RestrictionType,
            f"Who may send reactions {_WHILE_MODERATED}.",
        ),
        _config(
            "moderation_restrictions.present_restriction",
            "moderationRestrictions.presentRestriction",
            RestrictionType,
            f"Who may share their screen {_WHILE_MODERATED}.",
        ),
        _config(
            "moderation_restrictions.default_join_as_viewer_type",
            "moderationRestrictions.defaultJoinAsViewerType",
            DefaultJoinAsViewerType,
            f"Whether participants join as viewers by default {_WHILE_MODERATED}.",
        ),
        _config(
            "attendance_report_generation_type",
            "attendanceReportGenerationType",
            AttendanceReportGenerationType,
            "Whether an attendance report is generated.",
        ),
        _config(
            "artifact_config.recording_config.auto_recording_generation",
            "artifactConfig.recordingConfig.autoRecordingGeneration",
            AutoGenerationType,
            "Record automatically when someone allowed to record joins.",
        ),
        _config(
            "artifact_config.transcription_config.auto_transcription_generation",
            "artifactConfig.transcriptionConfig.autoTranscriptionGeneration",
            AutoGenerationType,
            "Transcribe automatically when someone allowed to transcribe joins.",
        ),
        _config(
            "artifact_config.smart_notes_config.auto_smart_notes_generation",
            "artifactConfig.smartNotesConfig.autoSmartNotesGeneration",
            AutoGenerationType,
            'Take notes automatically (a summary and a recap, "Take notes for me").',
        ),
        _output(
            "active_conference",
            "activeConference.conferenceRecord",
            "The conference record (`conferenceRecords/<id>`) of the running meeting, if any.",
        ),
        _output(
            "phone_access",
            "phoneAccess",
            "Dial-in numbers, when the owner's Workspace edition offers them (may be empty).",
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
            "SIP gateway entry points, when enabled for the owner (may be empty).",
            (("uri", "uri"), ("sip_access_code", "sipAccessCode")),
        ),
        Field(
            ("owner",),
            (),
            Mutability.ECHO,
            always_present=True,
            description="The user who owns the room: the identity that created or adopted it, "
            "whom every later call acts as.",
        ),
        Field(
            ("deletion_policy",),
            (),
            Mutability.INPUT,
            DeletionPolicy,
            always_present=True,
            echoed=True,
            description="What destroying the resource does (default `RESTRICT`). Changing it "
            "alone makes no API call.",
        ),
        Field(
            ("adopt",),
            (),
            Mutability.INPUT,
            replaces=True,
            echoed=True,
            description="Manage an existing room instead of creating one: `spaces/<id>`, a "
            "meeting code (any case) or a meeting URL. Naming another room replaces the "
            "resource; another spelling of the same room, or removing it, is no change.",
        ),
        Field(
            ("owner",),
            (),
            Mutability.INPUT,
            replaces=True,
            python_type="str (e-mail)",
            description="The Workspace user who owns (hosts) the room; every call acts as them "
            "(domain-wide delegation). Default: `meet:impersonateUser`, else the credentials' "
            "user, else (on an emulator without credentials) `meet:user`. Naming another user "
            "replaces the room; removing it is no change.",
        ),
        Field(
            ("declared_config",),
            (),
            Mutability.ECHO,
            internal=True,
            description="The managed part of `config`: the fields set in the program, as last "
            "applied or read.",
        ),
        Field(
            ("declared_owner",),
            (),
            Mutability.ECHO,
            internal=True,
            description="The `owner` input, echoed (absent when it is not set).",
        ),
    ),
    objects={
        "config": "The room's settings. Only the fields you set are managed: the others keep "
        "the server's (or the owner's default) values, show in the `config` output and never "
        "cause a diff. Changes update the room in place.",
        "config.moderation_restrictions": "Who may chat, react and present, and whether "
        "participants join as viewers; they apply only while `moderation` is `ON`.",
        "config.artifact_config": "Automatic recordings, transcripts and smart notes.",
        "config.artifact_config.recording_config": "Automatic recording.",
        "config.artifact_config.transcription_config": "Automatic transcription.",
        "config.artifact_config.smart_notes_config": "Automatic smart notes.",
        "phone_access": "A dial-in number of a meeting space.",
        "phone_access.phone_number": "The number, in E.164 format.",
        "phone_access.pin": "The PIN to enter after dialling.",
        "phone_access.region_code": "The CLDR region of the number.",
        "phone_access.language_code": "The BCP 47 language of the number's prompts.",
        "gateway_sip_access": "A SIP entry point of a meeting space.",
        "gateway_sip_access.uri": "The SIP URI.",
        "gateway_sip_access.sip_access_code": "The access code to enter after connecting.",
    },
)
"""Every property of a ``Space``: the API's fields in the API's order, then the provider's."""

LOOKUP: Final = Table(
    name="getSpace",
    description="Look a room up by `spaces/<id>`, meeting code or meeting URL: its canonical "
    "name, meeting URL and code, and (for its owner) its settings. One `spaces.get`.",
    rows=(
        Field(
            ("space",),
            (),
            Mutability.INPUT,
            required=True,
            description="The room: `spaces/<id>`, a meeting code or a meeting URL.",
        ),
        Field(
            ("owner",),
            (),
            Mutability.INPUT,
            description="Whom to ask as (only the owner sees `config`). Default: the configured "
            "identity.",
        ),
    ),
)
"""The inputs of the ``getSpace`` lookup; its outputs are the API fields of :data:`SPACE`."""

SPACE_FIELDS: Final[tuple[Field, ...]] = SPACE.api_fields
"""Every field of a Meet ``Space`` the provider knows, in the API's order."""

CONFIG_FIELDS: Final[tuple[Field, ...]] = SPACE.settable
"""The settable fields: the leaves of ``SpaceConfig``."""

OUTPUT_NAMES: Final[tuple[str, ...]] = SPACE.api_output_names
"""The top-level outputs that come from the API (``name``, ``meeting_uri``, ``config``…)."""

INPUT_NAMES: Final[tuple[str, ...]] = SPACE.input_names
"""The inputs of ``Space``: ``config``, ``deletion_policy``, ``adopt``, ``owner``."""

PRESENT_OUTPUT_NAMES: Final[tuple[str, ...]] = SPACE.present_names
"""The outputs every answer of the API carries (``name``, ``meeting_uri``, ``meeting_code``)."""

ECHO_NAMES: Final[tuple[str, ...]] = SPACE.echo_names
"""Outputs beside the table's: the recorded ``owner`` and the inputs echoed for diff/read/delete.

The engine passes the OLD OUTPUTS (not the old inputs) to diff, update, read and delete, so every
input those need is echoed into the outputs, under names that do not collide with the effective
``config`` and the recorded ``owner``.
"""

RECORDED_NAMES: Final[tuple[str, ...]] = SPACE.recorded_names
"""The echoes every state holds: the owner acted as, and the deletion policy (defaulted)."""


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
