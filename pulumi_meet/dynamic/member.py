"""The ``SpaceMember`` resource: a member (by default a co-host) of a Google Meet space."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

import pulumi
import pulumi.dynamic

from pulumi_meet.core.member_fields import MEMBER_OUTPUT_NAMES
from pulumi_meet.dynamic.providers import MemberProvider
from pulumi_meet.dynamic.space import Space

if TYPE_CHECKING:
    from pulumi import Input

    from pulumi_meet.core.enums import MemberRole

__all__ = ["SpaceMember"]


async def _owner_of_space_output(space: pulumi.Output[Any]) -> pulumi.Output[str] | None:
    """The ``owner`` output of the one :class:`Space` that ``space`` derives from, else None.

    ``room.name`` (or anything computed from it alone) depends on exactly one Space. A string
    literal, or a value built from several rooms, names no owner this resource could know: the
    configured identity is used then, as documented.
    """
    rooms = [r for r in await space.resources() if isinstance(r, Space)]
    return rooms[0].owner if len(rooms) == 1 else None


class SpaceMember(pulumi.dynamic.Resource, module="meet", name="SpaceMember"):
    """A person with a role in a meeting space: they join without knocking, and a co-host has
    the host controls.

    The resource ID is the member's name ``spaces/<id>/members/<member>``. A change of ``role``
    is applied in place; a change of ``space`` or of ``email`` (other than its case) replaces
    the member.
    """

    name: pulumi.Output[str]
    """The member's ``spaces/<id>/members/<member>`` name (the resource ID)."""
    space: pulumi.Output[str]
    """The room's canonical ``spaces/<id>`` name (pass the Space's ``name`` output; meeting codes
    and URLs are refused). Another room replaces the member."""
    email: pulumi.Output[str]
    """The member's e-mail address, as Meet stores it. Another person (not another letter case)
    replaces the member."""
    role: pulumi.Output[str]
    """The member's role (default ``COHOST``); a change is one ``members.patch``
    (``updateMask=role``), in place."""
    owner: pulumi.Output[str]
    """The identity the calls for this member act as (the room's owner)."""
    declared_owner: pulumi.Output[str | None]
    """The ``owner`` input, echoed (absent when it is not set)."""

    def __init__(
        self,
        resource_name: str,
        space: Space | Input[str],
        email: Input[str],
        role: Input[MemberRole | str] | None = None,
        opts: pulumi.ResourceOptions | None = None,
        *,
        owner: Input[str] | None = None,
        adopt: Input[str] | None = None,
    ) -> None:
        """Declare a member of a space.

        :param resource_name: The Pulumi name of the resource (not visible in Meet).
        :param space: The room's canonical ``spaces/<id>`` name (pass the Space's ``name``
            output; meeting codes and URLs are refused). Another room replaces the member. In
            Python pass the :class:`Space` itself, or its ``name`` output: the member then acts
            as that room's owner; a plain ``"spaces/<id>"`` string carries no owner.
        :param email: The member's e-mail address, as Meet stores it. Another person (not
            another letter case) replaces the member.
        :param role: The member's role (default ``COHOST``); a change is one
            ``members.patch`` (``updateMask=role``), in place. ``ROLE_UNSPECIFIED`` is a member
            without a role, who still joins without knocking.
        :param owner: The room's owner, whom the calls act as (only the owner manages
            members). Default: the owner recorded at creation, else the configured identity.
            A change updates in place, with no API call. In Python the owner of ``space``
            comes first when it is a :class:`Space` or an output of exactly one
            :class:`Space` (``room.name``).
        :param adopt: Take over an existing member (``spaces/<id>/members/<member>``)
            instead of adding one: one ``members.get``, and a ``members.patch`` only if the
            role differs. It must be the declared person, in ``space``. Naming another
            member replaces the resource; adding or dropping it later is no change.
        """
        if isinstance(space, Space):
            owner = owner if owner is not None else space.owner
            space = space.name
        elif owner is None and isinstance(space, pulumi.Output):
            # `space=room.name`: the output still knows the Space it came from, so the member
            # acts as that room's recorded owner, exactly as if the Space had been passed.
            # from_input awaits the coroutine, then unwraps the Output it returns (keeping
            # its dependencies, unknown-ness and secrecy); its annotation does not say so.
            owner = pulumi.Output.from_input(cast("Input[str]", _owner_of_space_output(space)))
        props: dict[str, Any] = dict.fromkeys(MEMBER_OUTPUT_NAMES)
        props.update(space=space, email=email, role=role, owner=owner, adopt=adopt)
        super().__init__(MemberProvider(), resource_name, props, opts)

    @staticmethod
    def get(
        resource_name: str, id: Input[str], opts: pulumi.ResourceOptions | None = None
    ) -> SpaceMember:
        """Read an existing member by ``spaces/<id>/members/<member>``, without managing it."""
        member = SpaceMember.__new__(SpaceMember)
        pulumi.dynamic.Resource.__init__(
            member,
            MemberProvider(),
            resource_name,
            dict.fromkeys(MEMBER_OUTPUT_NAMES),
            pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(id=id)),
        )
        return member
