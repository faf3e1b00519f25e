"""The ``Space`` resource: a Google Meet meeting space managed by Pulumi, and its argument types.

The argument classes mirror the API's ``SpaceConfig`` in snake_case. Each may be given as an
instance or as a plain dict with the same keys; values may be plain strings (the API's enum
names), members of the enums in :mod:`pulumi_meet.core.enums`, or Pulumi inputs of either.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pulumi
import pulumi.dynamic

from pulumi_meet.core.space_fields import ECHO_NAMES, OUTPUT_NAMES
from pulumi_meet.dynamic.providers import SpaceProvider

if TYPE_CHECKING:
    from pulumi import Input

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

__all__ = [
    "ArtifactConfigArgs",
    "ModerationRestrictionsArgs",
    "RecordingConfigArgs",
    "SmartNotesConfigArgs",
    "Space",
    "SpaceConfigArgs",
    "TranscriptionConfigArgs",
]


def _to_input(value: Any) -> Any:
    """Args instances (at any depth) as plain dicts without ``None`` entries; others unchanged."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {
            f.name: _to_input(getattr(value, f.name))
            for f in dataclasses.fields(value)
            if getattr(value, f.name) is not None
        }
    if isinstance(value, Mapping):
        return {k: _to_input(v) for k, v in value.items() if v is not None}
    return value


@dataclass(frozen=True, kw_only=True)
class ModerationRestrictionsArgs:
    """What is restricted while ``moderation`` is ON (``SpaceConfig.moderationRestrictions``)."""

    chat_restriction: Input[RestrictionType | str] | None = None
    """Who may send chat messages."""
    reaction_restriction: Input[RestrictionType | str] | None = None
    """Who may send reactions."""
    present_restriction: Input[RestrictionType | str] | None = None
    """Who may share their screen."""
    default_join_as_viewer_type: Input[DefaultJoinAsViewerType | str] | None = None
    """Whether participants join as viewers by default."""


@dataclass(frozen=True, kw_only=True)
class RecordingConfigArgs:
    """Recording (``ArtifactConfig.recordingConfig``)."""

    auto_recording_generation: Input[AutoGenerationType | str] | None = None
    """Record automatically when someone allowed to record joins."""


@dataclass(frozen=True, kw_only=True)
class TranscriptionConfigArgs:
    """Transcription (``ArtifactConfig.transcriptionConfig``)."""

    auto_transcription_generation: Input[AutoGenerationType | str] | None = None
    """Transcribe automatically when someone allowed to transcribe joins."""


@dataclass(frozen=True, kw_only=True)
class SmartNotesConfigArgs:
    """Smart notes, "Take notes for me" (``ArtifactConfig.smartNotesConfig``)."""

    auto_smart_notes_generation: Input[AutoGenerationType | str] | None = None
    """Generate a summary and recap automatically."""


@dataclass(frozen=True, kw_only=True)
class ArtifactConfigArgs:
    """Automatically generated artifacts (``SpaceConfig.artifactConfig``)."""

    recording_config: RecordingConfigArgs | Mapping[str, Any] | None = None
    transcription_config: TranscriptionConfigArgs | Mapping[str, Any] | None = None
    smart_notes_config: SmartNotesConfigArgs | Mapping[str, Any] | None = None


@dataclass(frozen=True, kw_only=True)
class SpaceConfigArgs:
    """The configuration of a meeting space (the API's ``SpaceConfig``, in snake_case).

    Fields left as ``None`` are not managed: the server's value is kept, shown in the ``config``
    output, and never causes a diff.
    """

    access_type: Input[AccessType | str] | None = None
    """Who can join without knocking: OPEN, TRUSTED or RESTRICTED."""
    entry_point_access: Input[EntryPointAccess | str] | None = None
    """Which entry points can join: ALL or CREATOR_APP_ONLY."""
    moderation: Input[Moderation | str] | None = None
    """Whether the meeting is moderated: ON or OFF."""
    moderation_restrictions: ModerationRestrictionsArgs | Mapping[str, Any] | None = None
    """What is restricted to hosts while moderation is ON."""
    attendance_report_generation_type: Input[AttendanceReportGenerationType | str] | None = None
    """Whether an attendance report is generated: GENERATE_REPORT or DO_NOT_GENERATE."""
    artifact_config: ArtifactConfigArgs | Mapping[str, Any] | None = None
    """Automatic recording, transcription and smart notes."""

    def to_dict(self) -> dict[str, Any]:
        """The configuration as the plain nested dict the provider receives (``None`` dropped)."""
        result: dict[str, Any] = _to_input(self)
        return result


class Space(pulumi.dynamic.Resource, module="meet", name="Space"):
    """A Google Meet meeting space (a standing meeting room) managed by Pulumi.

    The resource ID is the space's canonical ``spaces/<id>`` name. The Meet API cannot delete a
    space, so destroying the resource applies ``deletion_policy`` instead.
    """

    name: pulumi.Output[str]
    """The canonical resource name ``spaces/<id>``, equal to the resource ID."""
    meeting_uri: pulumi.Output[str]
    """The URL people join with, ``https://meet.google.com/<meeting_code>``."""
    meeting_code: pulumi.Output[str]
    """The typeable code (``abc-mnop-xyz``); it may be reassigned after a year unused."""
    config: pulumi.Output[dict[str, Any]]
    """The effective configuration, every field concrete, snake_case (managed or not)."""
    active_conference: pulumi.Output[str | None]
    """The conference record (``conferenceRecords/<id>``) of the ongoing call, if any."""
    phone_access: pulumi.Output[list[dict[str, Any]]]
    """Dial-in numbers and PINs (``phone_number``, ``pin``, ``region_code``, ``language_code``)."""
    gateway_sip_access: pulumi.Output[list[dict[str, Any]]]
    """SIP gateway access (``uri``, ``sip_access_code``)."""
    owner: pulumi.Output[str]
    """The user who owns the space: the identity that created or adopted it."""
    deletion_policy: pulumi.Output[str]
    """The effective deletion policy (RESTRICT unless set)."""
    adopt: pulumi.Output[str | None]
    """The ``adopt`` input, echoed."""
    declared_config: pulumi.Output[dict[str, Any]]
    """The managed part of ``config``: the fields set in the program, as last applied or read."""
    declared_owner: pulumi.Output[str | None]
    """The ``owner`` input, echoed (absent when the owner was not set explicitly)."""

    def __init__(  # noqa: PLR0917 - the documented, Pulumi-style positional signature
        self,
        resource_name: str,
        config: SpaceConfigArgs | Input[Mapping[str, Any]] | None = None,
        deletion_policy: Input[DeletionPolicy | str] | None = None,
        adopt: Input[str] | None = None,
        owner: Input[str] | None = None,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        """Declare a meeting space.

        :param resource_name: The Pulumi name of the resource (not visible in Meet).
        :param config: The settings to manage (:class:`SpaceConfigArgs` or a dict); fields left
            out are not managed.
        :param deletion_policy: RESTRICT (default), END_CONFERENCE or ABANDON.
        :param adopt: Take over an existing space instead of creating one: ``spaces/<id>``, a
            meeting code or a meeting URL. Its managed fields are then set to ``config``.
        :param owner: The Workspace user who owns the room; the provider acts as this user
            (domain-wide delegation). Default: ``meet:impersonateUser``, else the credentials'
            user (on an emulator without credentials: ``meet:user``). Changing it replaces the
            room.
        """
        props: dict[str, Any] = dict.fromkeys((*OUTPUT_NAMES, *ECHO_NAMES))
        props.update(
            config=_to_input(config),
            deletion_policy=deletion_policy,
            adopt=adopt,
            owner=owner,
        )
        super().__init__(SpaceProvider(), resource_name, props, opts)

    @staticmethod
    def get(
        resource_name: str, id: Input[str], opts: pulumi.ResourceOptions | None = None
    ) -> Space:
        """Read an existing space by its ``spaces/<id>`` name, without managing it.

        The outputs show ``config`` only when the provider's identity owns the space.
        """
        return Space(
            resource_name, opts=pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(id=id))
        )
