"""The SpaceMember resource's operations, independent of the engine and its wire format.

Every call acts as the space's owner, since only the owner manages members: the explicit
``owner`` input, else the owner recorded when the member was created, else the configured
identity. Inputs and outputs are plain dicts keyed by the member table's snake_case names
(:mod:`pulumi_meet.core.member_fields`).

API calls: check and diff none; create one ``members.create`` (plus one members.list only to
name the existing member after a 409; adopt: one ``members.get`` and at most one
``members.patch``); update at most one ``members.patch``; read one
``members.get``; delete one ``members.delete``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pulumi_meet.core import member_fields as members
from pulumi_meet.core import space_fields as schema
from pulumi_meet.core.enums import MemberRole
from pulumi_meet.exceptions import (
    AlreadyExists,
    ApiError,
    InvalidArgument,
    NotFound,
    PermissionDenied,
)
from pulumi_meet.operations.errors import reworded, reworded_refusal
from pulumi_meet.operations.space import unreachable

if TYPE_CHECKING:
    from pulumi_meet.client.meet import MeetClient
    from pulumi_meet.operations import ClientFor

__all__ = [
    "MemberDiff",
    "check_member",
    "create_member",
    "delete_member",
    "diff_member",
    "read_member",
    "update_member",
]


def check_member(news: Mapping[str, Any]) -> tuple[dict[str, Any], list[schema.Violation]]:
    """The checked inputs (``None`` entries dropped) and every violation; unknowns pass."""
    inputs = {key: schema.strip_nones(v) for key, v in news.items() if v is not None}
    return inputs, members.check_member(news)


@dataclass(frozen=True)
class MemberDiff:
    """What changed between a member's old outputs and its new inputs."""

    replaces: list[str]
    """Another space or another person: the member is replaced."""
    changed: list[schema.Field]
    """The fields updated in place (``role``)."""
    owner_changed: bool
    """Whether the calls now act as another owner (an update with no API call)."""

    @property
    def changes(self) -> bool:
        """Whether anything changed at all."""
        return bool(self.replaces) or bool(self.changed) or self.owner_changed


def diff_member(olds: Mapping[str, Any], news: Mapping[str, Any]) -> MemberDiff:
    """Another space or another person replaces; a role or owner change updates. No call."""
    return MemberDiff(
        replaces=members.member_replaces(olds, news),
        changed=members.changed_member_fields(news, olds),
        owner_changed=members.owner_changed(olds, news),
    )


def create_member(
    client_for: ClientFor, props: Mapping[str, Any], *, preview: bool = False
) -> tuple[str, dict[str, Any]]:
    """One ``members.create`` carrying the e-mail and the role (adopt: a get, maybe a patch).

    ``preview``: no call; no ID, and the member's name (and an implicit owner) unknown.
    """
    inputs = members.MemberInputs.from_props(props)
    if preview:
        body = {"name": schema.UNKNOWN, **inputs.declared}
        owner = inputs.owner or schema.UNKNOWN
        return "", members.member_outputs(body, inputs.space, owner, inputs.owner)
    client = client_for(inputs.owner)
    # Resolve the identity before the create: nothing may fail after the member exists.
    owner = inputs.owner or client.identity
    body = schema.api_body(inputs.declared, (members.EMAIL, members.ROLE))
    try:
        with reworded_refusal(
            lambda error: _space_unreachable(error, inputs.space, owner), NotFound
        ):
            if inputs.adopt:
                member = _adopt_member(client, inputs)
            else:
                member = client.create_member(inputs.space, body)
    except AlreadyExists as error:
        raise _duplicate_member(client, inputs, error) from error
    outputs = members.member_outputs(member, inputs.space, owner, inputs.owner)
    return str(member["name"]), outputs


def update_member(
    client_for: ClientFor,
    id_: str,
    olds: Mapping[str, Any],
    news: Mapping[str, Any],
    *,
    preview: bool = False,
) -> dict[str, Any]:
    """One ``members.patch`` with ``updateMask=role`` when the role changed, else no call.

    ``preview``: no call; the outputs carry the declared role.
    """
    inputs = members.MemberInputs.from_props(news)
    owner = inputs.owner or schema.recorded_owner(olds)
    changed = members.changed_member_fields(news, olds)
    if changed and preview:
        member = {spec.api_path[0]: olds.get(spec.path[0]) for spec in members.MEMBER_FIELDS}
        member.update(schema.api_body(inputs.declared, changed))
    elif changed:
        member = client_for(owner).patch_member(
            id_, schema.api_body(inputs.declared, changed), schema.update_mask(changed)
        )
    else:
        member = {spec.api_path[0]: olds.get(spec.path[0]) for spec in members.MEMBER_FIELDS}
    space = str(olds.get("space") or members.space_of(id_))
    return members.member_outputs(member, space, owner, inputs.owner)


def read_member(
    client_for: ClientFor, id_: str, props: Mapping[str, Any]
) -> tuple[str, dict[str, Any], dict[str, Any]] | None:
    """One ``members.get``: (ID, outputs, inputs), or ``None`` when the member is gone (404)."""
    owner = schema.recorded_owner(props)
    client = client_for(owner)
    space = members.space_of(id_)
    try:
        with reworded_refusal(lambda error: unreachable(error, space, owner, "read members of")):
            member = client.get_member(id_)
    except NotFound:
        return None
    name, outputs, inputs = members.read_member(member, props, owner or client.identity)
    return name or id_, outputs, inputs


def delete_member(client_for: ClientFor, id_: str, props: Mapping[str, Any]) -> None:
    """One ``members.delete``; a member that is already gone (404) counts as removed."""
    owner = schema.recorded_owner(props)
    space = members.space_of(id_)
    try:
        with reworded_refusal(lambda error: unreachable(error, space, owner, "remove members of")):
            client_for(owner).delete_member(id_)
    except NotFound:
        return


def _adopt_member(client: MeetClient, inputs: members.MemberInputs) -> dict[str, Any]:
    """Take over an existing member: one members.get, and a members.patch only if the declared
    role differs. The member must be the declared person (e-mails compared case-insensitively)."""
    name = str(inputs.adopt)
    try:
        member = client.get_member(name)
    except NotFound as error:
        message = (
            f"cannot adopt {name}: {inputs.space} has no such member (any longer). Remove "
            f"`adopt` to add {inputs.email} as a new member."
        )
        raise reworded(NotFound, message, error, name) from None
    live_email = str(member.get("email") or "")
    if not schema.same_email(live_email, inputs.email):
        raise InvalidArgument(
            f"cannot adopt {name}: it is {live_email}, not {inputs.email}. Fix `email` or "
            "`adopt` (`pulumi-meet members list SPACE` shows every member's name and e-mail).",
            method="members.get",
            resource=name,
            http_status=400,
        )
    live = {"role": member.get("role") or MemberRole.ROLE_UNSPECIFIED.value}
    changed = members.changed_member_fields({"role": inputs.role}, live)
    if not changed:
        return member
    return client.patch_member(
        name, schema.api_body(inputs.declared, changed), schema.update_mask(changed)
    )


# -------------------------------------------------------------------- errors


def _duplicate_member(
    client: MeetClient, inputs: members.MemberInputs, error: AlreadyExists
) -> AlreadyExists:
    """The 409 of members.create, re-worded to name the existing member and the ways out.

    The one members.list walk of the operations happens here, on this error path only.
    """
    existing = next(
        (
            found
            for found in client.iter_members(inputs.space)
            if schema.same_email(str(found.get("email") or ""), inputs.email)
        ),
        None,
    )
    if existing is None:  # removed again since the 409: say so rather than guess
        which = "a member with this e-mail (it was removed again since; run `pulumi up` again)"
        ref = "spaces/<id>/members/<member>"
    else:
        ref = str(existing.get("name"))
        role = existing.get("role") or "ROLE_UNSPECIFIED"
        which = f"the member {ref} ({existing.get('email')}, role {role})"
    message = (
        f"members.create {inputs.space}: {inputs.space} already has {which}; Meet allows one "
        f"member per e-mail per space, compared case-insensitively, so {inputs.email} cannot be "
        "added twice. If another SpaceMember (in this or another stack) declares the same person, "
        "keep only one of them. If the member was added outside Pulumi, remove it (members.delete "
        f"of {ref}, as the space's owner) and run `pulumi up` again: it is recreated under "
        "management with the declared role, and a member holds nothing else. To only read it, "
        f'use SpaceMember.get("<name>", "{ref}").'
    )
    return reworded(AlreadyExists, message, error, inputs.space)


def _space_unreachable(error: ApiError, space: str, owner: str) -> PermissionDenied:
    """The 403 of members.create: no such space, or this identity does not own it."""
    code = space.removeprefix("spaces/")
    alias = (
        f" {space} looks like a meeting code: the members methods need the canonical name "
        f"(`pulumi-meet spaces get {code}` shows it)."
        if schema.space_name_from_reference(code) is not None
        else ""
    )
    message = (
        f"{error.method}: cannot add members to {space} as {owner}: the space does not exist or "
        f"{owner} does not own it, and only the owner manages members (Meet answers both with "
        "403). Act as the room's owner: in Python pass the Space itself as `space` (or "
        "`owner=room.owner`); in YAML and other languages set `owner` to the room's owner "
        f"(`owner: ${{room.owner}}`), or to the user who owns the room.{alias}"
    )
    return reworded(PermissionDenied, message, error, space)
