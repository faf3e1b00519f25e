"""The dynamic providers behind :class:`pulumi_meet.Space` and :class:`pulumi_meet.SpaceMember`.

NEVER rename :class:`SpaceProvider` or :class:`MemberProvider`: every resource's state holds its
provider pickled *by reference* to ``pulumi_meet._provider.<ClassName>`` (the classes declare that
``__module__``). An instance carries plain data only (the
:class:`~pulumi_meet.client.settings.Settings` built in ``configure``), never credentials, clients
or sessions, and ``__init__`` is not re-run when an old pickle is loaded, so every attribute has a
class-level default.

The engine calls one shared instance from up to four threads at once; the instance is never
mutated after ``configure()``, and the client layer owns the thread-safe shared state.

API calls per operation: check and diff none; create one ``spaces.create`` (adopt: one
``spaces.get`` and at most one ``spaces.patch``); update at most one ``spaces.patch``; read one
``spaces.get``; delete per ``deletion_policy`` (RESTRICT: endActiveConference + patch,
END_CONFERENCE: endActiveConference, ABANDON: none). Members: check and diff none; create one
``members.create`` (plus one members.list only to name the existing member after a 409; adopt:
one ``members.get`` and at most one ``members.patch``); update
at most one ``members.patch``; read one ``members.get``; delete one ``members.delete``.
"""

from __future__ import annotations

import contextlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pulumi.dynamic import (
    CheckFailure,
    CheckResult,
    ConfigureRequest,
    CreateResult,
    DiffResult,
    ReadResult,
    ResourceProvider,
    UpdateResult,
)

from pulumi_meet.client.settings import Settings
from pulumi_meet.core import member_fields as members
from pulumi_meet.core import space_fields as schema
from pulumi_meet.core import space_rules as rules
from pulumi_meet.core.enums import AccessType, DeletionPolicy, MemberRole
from pulumi_meet.exceptions import (
    AlreadyExists,
    ApiError,
    FailedPrecondition,
    MeetError,
    NotFound,
    PermissionDenied,
    ScopeInsufficient,
    ServiceDisabled,
)

if TYPE_CHECKING:
    from pulumi_meet.client.meet import MeetClient

__all__ = ["MemberProvider", "SpaceProvider"]


# The field the RESTRICT deletion policy writes, taken from the one field table.
_ACCESS_TYPE_FIELD = next(f for f in schema.CONFIG_FIELDS if f.path == ("config", "access_type"))


@dataclass(frozen=True)
class _Inputs:
    """The checked inputs of a Space, normalised (plain strings, ``None`` entries dropped)."""

    config: dict[str, Any]
    deletion_policy: str
    adopt: str | None
    owner: str | None

    @classmethod
    def from_props(cls, props: Mapping[str, Any]) -> _Inputs:
        config = schema.strip_nones(props.get("config") or {})
        policy = schema.strip_nones(props.get("deletion_policy")) or rules.DEFAULT_POLICY
        adopt = props.get("adopt")
        owner = props.get("owner")
        return cls(
            config=config if isinstance(config, dict) else {},
            deletion_policy=str(policy),
            adopt=str(adopt) if adopt else None,
            owner=str(owner) if owner else None,
        )

    @property
    def declared(self) -> dict[str, Any]:
        """The inputs in the shape of the field table's paths (``{"config": {...}}``)."""
        return {"config": self.config}


def _assemble(live: Mapping[str, Any], inputs: _Inputs, owner: str | None) -> dict[str, Any]:
    """Outputs: the live fields of the table plus the recorded owner and the echoed inputs."""
    outputs = {name: live.get(name) for name in schema.OUTPUT_NAMES}
    outputs.update(
        owner=owner,
        deletion_policy=inputs.deletion_policy,
        adopt=inputs.adopt,
        declared_config=inputs.config,
        declared_owner=inputs.owner,
    )
    return outputs


class _MeetProvider(ResourceProvider):
    """What every pulumi-meet provider shares: plain settings, clients built on demand."""

    serialize_as_secret_always = False
    # Class-level default: old pickles do not re-run __init__, configure() always sets it.
    _settings: Settings | None = None

    def configure(self, req: ConfigureRequest) -> None:
        """Read the `meet:` stack config into plain data. No credential is resolved here."""
        self._settings = Settings.from_config(req.config.get)

    def _client(self, acting_as: str | None) -> MeetClient:
        from pulumi_meet.client.meet import get_client

        settings = getattr(self, "_settings", None) or Settings.from_config(lambda _key: None)
        return get_client(settings, acting_as)


class SpaceProvider(_MeetProvider):
    """Creates, adopts, updates, reads and retires Google Meet spaces for :class:`Space`."""

    # Pickles name the class by this stable path (see pulumi_meet._provider), not by this module.
    __module__ = "pulumi_meet._provider"

    # ---------------------------------------------------------------- check / diff (no API call)

    def check(self, _olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        """Validate every input; unknowns pass. Makes no API call and needs no credentials."""
        violations = rules.check_space_inputs(news)
        inputs = {
            key: schema.strip_nones(value) for key, value in news.items() if value is not None
        }
        failures = [CheckFailure(v.property, v.reason) for v in violations]
        return CheckResult(inputs, failures)

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        """Compare the fields the user set with the old outputs. Makes no API call."""
        replaces = [
            name
            for name, changed in (
                ("adopt", rules.adopt_changed(olds, news)),
                ("owner", rules.owner_changed(olds, news)),
            )
            if changed
        ]
        changes = (
            bool(replaces)
            or bool(schema.changed_fields(news, olds))
            or rules.policy_changed(olds, news)
        )
        return DiffResult(changes=changes, replaces=replaces, delete_before_replace=False)

    # ---------------------------------------------------------------- operations

    def create(self, props: dict[str, Any]) -> CreateResult:
        """One ``spaces.create`` with the whole config (adopt: one get, at most one patch)."""
        inputs = _Inputs.from_props(props)
        client = self._client(inputs.owner)
        # Resolve the identity before the create: nothing may fail after the space exists.
        owner = inputs.owner or client.identity
        if inputs.adopt:
            space = _adopt(client, inputs)
        else:
            space = client.create_space(schema.api_body(inputs.declared))
        return CreateResult(
            str(space["name"]), _assemble(schema.outputs_from_api(space), inputs, owner)
        )

    def update(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        """Exactly one ``spaces.patch`` naming the changed fields, or no call at all."""
        inputs = _Inputs.from_props(news)
        owner = schema.recorded_owner(olds) or inputs.owner
        changed = schema.changed_fields(inputs.declared, olds)
        if changed:
            space = self._client(owner).patch_space(
                id_, schema.api_body(inputs.declared, changed), schema.update_mask(changed)
            )
            live = schema.outputs_from_api(space)
        else:
            live = dict(olds)
        return UpdateResult(_assemble(live, inputs, owner))

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        """One ``spaces.get``: live outputs, and inputs whose managed fields hold live values."""
        owner = schema.recorded_owner(props)
        client = self._client(owner)
        name = schema.space_name_from_reference(id_) or id_
        try:
            space = client.get_space(name)
        except (PermissionDenied, NotFound) as error:
            if isinstance(error, ServiceDisabled | ScopeInsufficient):
                raise
            raise _unreachable(error, name, owner, "read") from error
        live = schema.outputs_from_api(space)
        if owner is None and "config" in space:
            owner = client.identity  # only the owner sees the config (Space.get)
        return _read_result(str(space.get("name") or id_), live, props, owner)

    def delete(self, id_: str, props: dict[str, Any]) -> None:
        """Apply the deletion policy; the Meet API cannot delete a space."""
        policy = str(props.get("deletion_policy") or rules.DEFAULT_POLICY)
        if policy == DeletionPolicy.ABANDON.value:
            return
        owner = schema.recorded_owner(props)
        client = self._client(owner)
        try:
            # FAILED_PRECONDITION: there is no active conference, so there is nothing to end.
            with contextlib.suppress(FailedPrecondition):
                client.end_active_conference(id_)
            if policy == DeletionPolicy.RESTRICT.value:
                access = (_ACCESS_TYPE_FIELD,)
                restricted = {"config": {"access_type": AccessType.RESTRICTED.value}}
                client.patch_space(
                    id_, schema.api_body(restricted, access), schema.update_mask(access)
                )
        except (PermissionDenied, NotFound) as error:
            if isinstance(error, ServiceDisabled | ScopeInsufficient):
                raise
            raise _unreachable(error, id_, owner, "delete") from error


class MemberProvider(_MeetProvider):
    """Adds, updates, reads and removes the members (co-hosts) of a space for ``SpaceMember``.

    Every call acts as the space's owner, since only the owner manages members: the explicit
    ``owner`` input, else the owner recorded when the member was created, else the configured
    identity (``pulumi_meet.client.identity``: ``meet:impersonateUser``, the credentials' user,
    or ``meet:user`` on an emulator without credentials).
    """

    # Pickles name the class by this stable path (see pulumi_meet._provider), not by this module.
    __module__ = "pulumi_meet._provider"

    def check(self, _olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        """Validate every input; unknowns pass. Makes no API call and needs no credentials."""
        failures = [CheckFailure(v.property, v.reason) for v in members.check_member(news)]
        inputs = {key: schema.strip_nones(v) for key, v in news.items() if v is not None}
        return CheckResult(inputs, failures)

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        """Another space or another person replaces; a role or owner change updates. No call."""
        replaces = members.member_replaces(olds, news)
        changes = (
            bool(replaces)
            or bool(members.changed_member_fields(news, olds))
            or members.owner_changed(olds, news)
        )
        return DiffResult(changes=changes, replaces=replaces, delete_before_replace=False)

    def create(self, props: dict[str, Any]) -> CreateResult:
        """One ``members.create`` carrying the e-mail and the role (adopt: a get, maybe a patch)."""
        inputs = members.MemberInputs.from_props(props)
        client = self._client(inputs.owner)
        # Resolve the identity before the create: nothing may fail after the member exists.
        owner = inputs.owner or client.identity
        body = schema.api_body(inputs.declared, (members.EMAIL, members.ROLE))
        try:
            if inputs.adopt:
                member = _adopt_member(client, inputs)
            else:
                member = client.create_member(inputs.space, body)
        except AlreadyExists as error:
            raise _duplicate_member(client, inputs, error) from error
        except (PermissionDenied, NotFound) as error:
            if isinstance(error, ServiceDisabled | ScopeInsufficient):
                raise
            raise _space_unreachable(error, inputs.space, owner) from error
        outputs = members.member_outputs(member, inputs.space, owner, inputs.owner)
        return CreateResult(str(member["name"]), outputs)

    def update(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        """One ``members.patch`` with ``updateMask=role`` when the role changed, else no call."""
        inputs = members.MemberInputs.from_props(news)
        owner = inputs.owner or schema.recorded_owner(olds)
        changed = members.changed_member_fields(news, olds)
        if changed:
            member = self._client(owner).patch_member(
                id_, schema.api_body(inputs.declared, changed), schema.update_mask(changed)
            )
        else:
            member = {spec.api_path[0]: olds.get(spec.path[0]) for spec in members.MEMBER_FIELDS}
        space = str(olds.get("space") or members.space_of(id_))
        return UpdateResult(members.member_outputs(member, space, owner, inputs.owner))

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        """One ``members.get``; a member removed outside Pulumi (404) leaves the state."""
        owner = schema.recorded_owner(props)
        client = self._client(owner)
        try:
            member = client.get_member(id_)
        except NotFound:
            return ReadResult("", {})
        except PermissionDenied as error:
            if isinstance(error, ServiceDisabled | ScopeInsufficient):
                raise
            raise _unreachable(error, members.space_of(id_), owner, "read members of") from error
        name, outputs, inputs = members.read_member(member, props, owner or client.identity)
        return ReadResult(name or id_, outputs, inputs)

    def delete(self, id_: str, props: dict[str, Any]) -> None:
        """One ``members.delete``; a member that is already gone (404) counts as removed."""
        owner = schema.recorded_owner(props)
        try:
            self._client(owner).delete_member(id_)
        except NotFound:
            return
        except PermissionDenied as error:
            if isinstance(error, ServiceDisabled | ScopeInsufficient):
                raise
            raise _unreachable(error, members.space_of(id_), owner, "remove members of") from error


# -------------------------------------------------------------------- operations' helpers


def _adopt(client: MeetClient, inputs: _Inputs) -> dict[str, Any]:
    """Resolve the adopted space with one get, then patch the managed fields that differ."""
    reference = str(inputs.adopt)
    alias = schema.space_name_from_reference(reference) or reference
    try:
        space = client.get_space(alias)
    except (PermissionDenied, NotFound) as error:
        if isinstance(error, ServiceDisabled | ScopeInsufficient):
            raise
        raise MeetError(
            f"cannot adopt {reference!r}: no such space, or {client.identity} may not see it. "
            "Check the reference (spaces/<id>, meeting code or URL) and set `owner` to the user "
            "who owns the room."
        ) from error
    if "config" not in space:
        raise MeetError(
            f"cannot adopt {space.get('name', alias)} ({reference}): {client.identity} does not "
            "own it, and only the owner can manage a space. Set `owner` (or "
            "meet:impersonateUser) to the user who created the room; the provider then acts as "
            "that user (domain-wide delegation with Google, the emulator's tokens on an emulator)."
        )
    changed = schema.changed_fields(inputs.declared, schema.outputs_from_api(space))
    if not changed:
        return space
    return client.patch_space(
        str(space["name"]), schema.api_body(inputs.declared, changed), schema.update_mask(changed)
    )


def _read_result(
    space_id: str, live: dict[str, Any], props: Mapping[str, Any], owner: str | None
) -> ReadResult:
    """Outputs and inputs after a read; managed fields take their live values (drift shows)."""
    declared = props.get("declared_config")
    managed = (
        schema.managed_values({"config": declared}, live) if isinstance(declared, Mapping) else None
    )
    outputs = {name: live.get(name) for name in schema.OUTPUT_NAMES}
    outputs["owner"] = owner
    echoes = {
        "deletion_policy": props.get("deletion_policy"),
        "adopt": props.get("adopt"),
        "declared_config": managed,
        "declared_owner": props.get("declared_owner"),
    }
    outputs.update(echoes)
    inputs = {
        "config": managed,
        "deletion_policy": echoes["deletion_policy"],
        "adopt": echoes["adopt"],
        "owner": echoes["declared_owner"],
    }
    return ReadResult(space_id, outputs, {k: v for k, v in inputs.items() if v is not None})


def _unreachable(error: ApiError, name: str, owner: str | None, operation: str) -> PermissionDenied:
    """The 403 of a read or delete, re-worded: gone or no access, and how to drop it from state."""
    who = owner or "the configured identity"
    remedy = (
        "If the space is gone, remove it from the stack's state with `pulumi state delete <urn>` "
        "(list URNs with `pulumi stack --show-urns`)"
    )
    if operation == "delete":
        remedy += ", or set deletion_policy='ABANDON', run `pulumi up`, then destroy again"
    message = (
        f"{error.method}: cannot {operation} {name} as {who}: the space no longer exists or this "
        f"identity lost access to it (Meet answers both with 403). {remedy}. If access changed, "
        "restore it (the space's owner, meet:impersonateUser or the credentials) and retry."
    )
    return PermissionDenied(
        message,
        method=error.method,
        resource=name,
        reason=error.reason,
        metadata=error.metadata,
        server_message=error.server_message,
    )


def _adopt_member(client: MeetClient, inputs: members.MemberInputs) -> dict[str, Any]:
    """Take over an existing member: one members.get, and a members.patch only if the declared
    role differs. The member must be the declared person (e-mails compared case-insensitively)."""
    name = str(inputs.adopt)
    try:
        member = client.get_member(name)
    except NotFound:
        raise MeetError(
            f"cannot adopt {name}: {inputs.space} has no such member (any longer). Remove "
            f"`adopt` to add {inputs.email} as a new member."
        ) from None
    live_email = str(member.get("email") or "")
    if not schema.same_email(live_email, inputs.email):
        raise MeetError(
            f"cannot adopt {name}: it is {live_email}, not {inputs.email}. Fix `email` or "
            "`adopt` (`pulumi-meet members list SPACE` shows every member's name and e-mail)."
        )
    live = {"role": member.get("role") or MemberRole.ROLE_UNSPECIFIED.value}
    changed = members.changed_member_fields({"role": inputs.role}, live)
    if not changed:
        return member
    return client.patch_member(
        name, schema.api_body(inputs.declared, changed), schema.update_mask(changed)
    )


# -------------------------------------------------------------------- members' errors


def _duplicate_member(
    client: MeetClient, inputs: members.MemberInputs, error: AlreadyExists
) -> AlreadyExists:
    """The 409 of members.create, re-worded to name the existing member and the ways out.

    The one members.list walk of the provider happens here, on this error path only.
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
    return AlreadyExists(
        message,
        method=error.method,
        resource=inputs.space,
        reason=error.reason,
        metadata=error.metadata,
        server_message=error.server_message,
    )


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
        "403). Pass the Space resource itself as `space` (its owner is then used), or set "
        f"`owner` to the user who owns the room.{alias}"
    )
    return PermissionDenied(
        message,
        method=error.method,
        resource=space,
        reason=error.reason,
        metadata=error.metadata,
        server_message=error.server_message,
    )
