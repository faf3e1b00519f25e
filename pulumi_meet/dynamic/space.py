"""The ``Space`` resource: a Google Meet meeting space managed by Pulumi, and its argument types.

The argument classes (``SpaceConfigArgs``…) mirror the API's ``SpaceConfig`` in snake_case; they
are generated from the field table into :mod:`pulumi_meet.dynamic.config_args` and re-exported
here. The docstrings below say what the table's rows say (a test holds them to it).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import pulumi
import pulumi.dynamic

from pulumi_meet.core.space_fields import ECHO_NAMES, OUTPUT_NAMES
from pulumi_meet.dynamic.config_args import (
    ArtifactConfigArgs,
    ModerationRestrictionsArgs,
    RecordingConfigArgs,
    SmartNotesConfigArgs,
    SpaceConfigArgs,
    TranscriptionConfigArgs,
    to_input,
)
from pulumi_meet.dynamic.providers import SpaceProvider

if TYPE_CHECKING:
    from pulumi import Input

    from pulumi_meet.core.enums import DeletionPolicy

__all__ = [
    "ArtifactConfigArgs",
    "ModerationRestrictionsArgs",
    "RecordingConfigArgs",
    "SmartNotesConfigArgs",
    "Space",
    "SpaceConfigArgs",
    "TranscriptionConfigArgs",
]


class Space(pulumi.dynamic.Resource, module="meet", name="Space"):
    """A Google Meet meeting space (a standing meeting room) managed by Pulumi.

    The resource ID is the space's canonical ``spaces/<id>`` name. The Meet API cannot delete a
    space, so destroying the resource applies ``deletion_policy`` instead.
    """

    name: pulumi.Output[str]
    """The canonical ``spaces/<id>`` name (the resource ID)."""
    meeting_uri: pulumi.Output[str]
    """The URL participants join with (``https://meet.google.com/abc-mnop-xyz``)."""
    meeting_code: pulumi.Output[str]
    """The meeting code (``abc-mnop-xyz``). Google may reassign it after about a year unused; the
    ID never changes."""
    config: pulumi.Output[dict[str, Any]]
    """The room's settings. Only the fields you set are managed: the others keep the server's (or
    the owner's default) values, show in the ``config`` output and never cause a diff. Changes
    update the room in place."""
    active_conference: pulumi.Output[str | None]
    """The conference record (``conferenceRecords/<id>``) of the running meeting, if any."""
    phone_access: pulumi.Output[list[dict[str, Any]]]
    """Dial-in numbers, when the owner's Workspace edition offers them (may be empty)."""
    gateway_sip_access: pulumi.Output[list[dict[str, Any]]]
    """SIP gateway entry points, when enabled for the owner (may be empty)."""
    owner: pulumi.Output[str]
    """The user who owns the room: the identity that created or adopted it, whom every later call
    acts as."""
    deletion_policy: pulumi.Output[str]
    """What destroying the resource does (default ``RESTRICT``). Changing it alone makes no API
    call."""
    adopt: pulumi.Output[str | None]
    """Manage an existing room instead of creating one: ``spaces/<id>``, a meeting code (any
    case) or a meeting URL. Naming another room replaces the resource; another spelling of the
    same room, or removing it, is no change."""
    declared_config: pulumi.Output[dict[str, Any]]
    """The managed part of ``config``: the fields set in the program, as last applied or read."""
    declared_owner: pulumi.Output[str | None]
    """The ``owner`` input, echoed (absent when it is not set)."""

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
        :param config: The room's settings. Only the fields you set are managed: the others
            keep the server's (or the owner's default) values, show in the ``config`` output
            and never cause a diff. Changes update the room in place. A
            :class:`SpaceConfigArgs` or a dict with the same keys.
        :param deletion_policy: What destroying the resource does (default ``RESTRICT``).
            Changing it alone makes no API call.
        :param adopt: Manage an existing room instead of creating one: ``spaces/<id>``, a
            meeting code (any case) or a meeting URL. Naming another room replaces the
            resource; another spelling of the same room, or removing it, is no change. Its
            managed fields are then set to ``config``.
        :param owner: The Workspace user who owns (hosts) the room; every call acts as them
            (domain-wide delegation). Default: ``meet:impersonateUser``, else the
            credentials' user, else (on an emulator without credentials) ``meet:user``.
            Naming another user replaces the room; removing it is no change.
        """
        props: dict[str, Any] = dict.fromkeys((*OUTPUT_NAMES, *ECHO_NAMES))
        props.update(
            config=to_input(config),
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
