"""String enums for every enumerated field of the Space and SpaceMember resources.

Each class mirrors one enum of the Meet REST API v2 (``meet.v2.discovery.json``). Members are
``str`` subclasses whose value is the API's enum name, so ``AccessType.TRUSTED == "TRUSTED"`` and a
member can be used anywhere a plain string is accepted. The API's ``*_UNSPECIFIED`` values are
deliberately absent: the API never returns them, and as an input they would mean "leave the
server's value" — which is what leaving the field out already means. The one exception is
``MemberRole.ROLE_UNSPECIFIED``: for a member it is a real state (a member without a role, who
joins without knocking), and the API returns it.
"""

from __future__ import annotations

from enum import Enum
from typing import TypeVar

__all__ = [
    "AccessType",
    "AttendanceReportGenerationType",
    "AutoGenerationType",
    "DefaultJoinAsViewerType",
    "DeletionPolicy",
    "EntryPointAccess",
    "MemberRole",
    "Moderation",
    "RestrictionType",
]


_E = TypeVar("_E", bound="_StrEnum")


class _StrEnum(str, Enum):
    """A str-valued enum whose ``str()`` is its value (``enum.StrEnum`` needs Python 3.11).

    A member is declared ``NAME = "NAME", "what it means"``: its value is the API's name, and
    :attr:`description` (Markdown, possibly empty) is what the package schema and the docs say
    about the value.
    """

    _value_: str
    description: str

    def __new__(cls: type[_E], value: str, description: str = "") -> _E:
        member = str.__new__(cls, value)
        member._value_ = value
        member.description = description
        return member

    def __str__(self) -> str:
        return str(self.value)


class AccessType(_StrEnum):
    """Who can join a meeting space without knocking (``config.accessType``)."""

    OPEN = "OPEN", "Anyone with the join information."
    TRUSTED = (
        "TRUSTED",
        "Members of the host's organisation, invited external users and dial-in users.",
    )
    RESTRICTED = "RESTRICTED", "Only invitees."


class EntryPointAccess(_StrEnum):
    """Which entry points may join meetings of the space (``config.entryPointAccess``)."""

    ALL = "ALL", "Every entry point (the API's default)."
    CREATOR_APP_ONLY = (
        "CREATOR_APP_ONLY",
        "Only entry points owned by the Cloud project that created the space.",
    )


class Moderation(_StrEnum):
    """Whether the meeting is moderated (``config.moderation``)."""

    OFF = "OFF"
    ON = "ON"


class RestrictionType(_StrEnum):
    """Who may chat, react or present while moderation is on."""

    HOSTS_ONLY = "HOSTS_ONLY", "The owner and co-hosts only."
    NO_RESTRICTION = "NO_RESTRICTION", "Every participant."


class DefaultJoinAsViewerType(_StrEnum):
    """Whether participants join as viewers by default while moderation is on."""

    ON = "ON"
    OFF = "OFF"


class AttendanceReportGenerationType(_StrEnum):
    """Whether an attendance report is generated (``config.attendanceReportGenerationType``)."""

    GENERATE_REPORT = "GENERATE_REPORT"
    DO_NOT_GENERATE = "DO_NOT_GENERATE"


class AutoGenerationType(_StrEnum):
    """Whether an artifact (recording, transcript, smart notes) is generated automatically."""

    ON = "ON"
    OFF = "OFF"


class DeletionPolicy(_StrEnum):
    """What destroying a ``Space`` does. The Meet API cannot delete a space."""

    RESTRICT = (
        "RESTRICT",
        "End any active conference and set `access_type` RESTRICTED (the default).",
    )
    END_CONFERENCE = (
        "END_CONFERENCE",
        "End any active conference; leave the configuration as it is.",
    )
    ABANDON = "ABANDON", "Forget the space without any API call."


class MemberRole(_StrEnum):
    """The role of a space member (``Member.role``)."""

    COHOST = (
        "COHOST",
        "Co-host: joins without knocking and has the host controls (`SpaceMember`'s default).",
    )
    ROLE_UNSPECIFIED = (
        "ROLE_UNSPECIFIED",
        "No role: joins without knocking; contributor or viewer is decided by the meeting's "
        "settings when they join.",
    )
