"""pulumi-meet: Google Meet meeting spaces as code.

The public API: the :class:`Space` resource and its argument classes, the :class:`SpaceMember`
resource (co-hosts), the :func:`get_conference_records` function (a room's conferences), the
enums of their fields, and the :class:`MeetError` hierarchy. The
resource classes are loaded on first use, so that the ``pulumi-meet`` command line and the
emulator start without importing the Pulumi SDK.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from pulumi_meet._version import __version__ as __version__
from pulumi_meet.core.enums import (
    AccessType,
    AttendanceReportGenerationType,
    AutoGenerationType,
    DefaultJoinAsViewerType,
    DeletionPolicy,
    EntryPointAccess,
    MemberRole,
    Moderation,
    RestrictionType,
)
from pulumi_meet.exceptions import (
    AlreadyExists,
    ApiError,
    ConfigurationError,
    CreateOutcomeUnknown,
    CredentialsError,
    FailedPrecondition,
    Internal,
    InvalidArgument,
    MeetError,
    MeetingCodeNotFound,
    NotFound,
    PermissionDenied,
    ResourceExhausted,
    ScopeInsufficient,
    ServiceDisabled,
    TransportError,
    Unauthenticated,
    Unavailable,
)

if TYPE_CHECKING:
    from pulumi_meet.dynamic.member import SpaceMember
    from pulumi_meet.dynamic.records import (
        ConferenceRecordSummary,
        GetConferenceRecordsResult,
        get_conference_records,
        get_conference_records_output,
    )
    from pulumi_meet.dynamic.space import (
        ArtifactConfigArgs,
        ModerationRestrictionsArgs,
        RecordingConfigArgs,
        SmartNotesConfigArgs,
        Space,
        SpaceConfigArgs,
        TranscriptionConfigArgs,
    )

__all__ = [
    "AccessType",
    "AlreadyExists",
    "ApiError",
    "ArtifactConfigArgs",
    "AttendanceReportGenerationType",
    "AutoGenerationType",
    "ConferenceRecordSummary",
    "ConfigurationError",
    "CreateOutcomeUnknown",
    "CredentialsError",
    "DefaultJoinAsViewerType",
    "DeletionPolicy",
    "EntryPointAccess",
    "FailedPrecondition",
    "GetConferenceRecordsResult",
    "Internal",
    "InvalidArgument",
    "MeetError",
    "MeetingCodeNotFound",
    "MemberRole",
    "Moderation",
    "ModerationRestrictionsArgs",
    "NotFound",
    "PermissionDenied",
    "RecordingConfigArgs",
    "ResourceExhausted",
    "RestrictionType",
    "ScopeInsufficient",
    "ServiceDisabled",
    "SmartNotesConfigArgs",
    "Space",
    "SpaceConfigArgs",
    "SpaceMember",
    "TranscriptionConfigArgs",
    "TransportError",
    "Unauthenticated",
    "Unavailable",
    "get_conference_records",
    "get_conference_records_output",
]

# Public names that live in a module importing the Pulumi SDK, loaded on first access (PEP 562).
_LAZY: dict[str, str] = {
    "ArtifactConfigArgs": "pulumi_meet.dynamic.space",
    "ConferenceRecordSummary": "pulumi_meet.dynamic.records",
    "GetConferenceRecordsResult": "pulumi_meet.dynamic.records",
    "get_conference_records": "pulumi_meet.dynamic.records",
    "get_conference_records_output": "pulumi_meet.dynamic.records",
    "ModerationRestrictionsArgs": "pulumi_meet.dynamic.space",
    "RecordingConfigArgs": "pulumi_meet.dynamic.space",
    "SmartNotesConfigArgs": "pulumi_meet.dynamic.space",
    "Space": "pulumi_meet.dynamic.space",
    "SpaceConfigArgs": "pulumi_meet.dynamic.space",
    "SpaceMember": "pulumi_meet.dynamic.member",
    "TranscriptionConfigArgs": "pulumi_meet.dynamic.space",
}


def __getattr__(name: str) -> Any:
    module_name = _LAZY.get(name)
    if module_name is None:
        raise AttributeError(f"module 'pulumi_meet' has no attribute {name!r}")
    value = getattr(importlib.import_module(module_name), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
