"""The Space resource's operations, independent of the engine and its wire format.

Inputs and outputs are plain dicts keyed by the field table's snake_case names (see
:mod:`pulumi_meet.core.space_fields`). The engine passes the OLD OUTPUTS (not the old inputs) to
diff, update, read and delete, so the inputs those need are echoed into the outputs
(:data:`~pulumi_meet.core.space_fields.ECHO_NAMES`).

API calls per operation: check and diff none; create one ``spaces.create`` (adopt: one
``spaces.get`` and at most one ``spaces.patch``); update at most one ``spaces.patch``; read and
lookup one ``spaces.get``; delete per ``deletion_policy`` (RESTRICT: endActiveConference + patch,
END_CONFERENCE: endActiveConference, ABANDON: none).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final

from pulumi_meet.client import progress
from pulumi_meet.core import space_fields as schema
from pulumi_meet.core import space_rules as rules
from pulumi_meet.core.enums import AccessType, DeletionPolicy
from pulumi_meet.exceptions import (
    ApiError,
    FailedPrecondition,
    MeetingCodeNotFound,
    NotFound,
    PermissionDenied,
)
from pulumi_meet.operations.errors import reworded, reworded_refusal

if TYPE_CHECKING:
    from pulumi_meet.client.meet import MeetClient
    from pulumi_meet.operations import ClientFor

__all__ = [
    "SpaceDiff",
    "check_space",
    "create_space",
    "delete_space",
    "diff_space",
    "lookup_space",
    "read_space",
    "unreachable",
    "update_space",
]

_REPLACE_RULES: Final[dict[str, Callable[[Mapping[str, Any], Mapping[str, Any]], bool]]] = {
    "adopt": rules.adopt_changed,
    "owner": rules.owner_changed,
}
"""When each replacing input of the table (``replaces=True``) really replaces the room:
``adopt`` naming another space, an explicit ``owner`` naming another user."""
if set(_REPLACE_RULES) != set(schema.SPACE.replacing_inputs):  # a new replacing row needs a rule
    raise AssertionError(f"replacement rules {sorted(_REPLACE_RULES)} do not match the table")

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


# -------------------------------------------------------------------- check / diff (no API call)


def check_space(news: Mapping[str, Any]) -> tuple[dict[str, Any], list[schema.Violation]]:
    """The checked inputs (``None`` entries dropped) and every violation; unknowns pass."""
    violations = rules.check_space_inputs(news)
    inputs = {key: schema.strip_nones(value) for key, value in news.items() if value is not None}
    return inputs, violations


@dataclass(frozen=True)
class SpaceDiff:
    """What changed between a Space's old outputs and its new inputs."""

    replaces: list[str]
    """The inputs whose change replaces the room (``adopt``, ``owner``), in that order."""
    changed: list[schema.Field]
    """The config leaves updated in place."""
    policy_changed: bool
    """Whether ``deletion_policy`` changed (an update with no API call)."""

    @property
    def changes(self) -> bool:
        """Whether anything changed at all."""
        return bool(self.replaces) or bool(self.changed) or self.policy_changed


def diff_space(olds: Mapping[str, Any], news: Mapping[str, Any]) -> SpaceDiff:
    """Compare the fields the user set with the old outputs. Makes no API call."""
    replaces = [name for name in schema.SPACE.replacing_inputs if _REPLACE_RULES[name](olds, news)]
    return SpaceDiff(
        replaces=replaces,
        changed=schema.changed_fields(news, olds, schema.CONFIG_FIELDS),
        policy_changed=rules.policy_changed(olds, news),
    )


# -------------------------------------------------------------------- operations


def create_space(
    client_for: ClientFor, props: Mapping[str, Any], *, preview: bool = False
) -> tuple[str, dict[str, Any]]:
    """One ``spaces.create`` with the whole config (adopt: one get, at most one patch).

    ``preview``: no call; no ID, and every output the API decides is unknown.
    """
    inputs = _Inputs.from_props(props)
    if preview:
        unknown = dict.fromkeys(schema.OUTPUT_NAMES, schema.UNKNOWN)
        return "", _assemble(unknown, inputs, inputs.owner or schema.UNKNOWN)
    client = client_for(inputs.owner)
    # Resolve the identity before the create: nothing may fail after the space exists.
    owner = inputs.owner or client.identity
    if inputs.adopt:
        space = _adopt(client, inputs)
    else:
        space = client.create_space(schema.api_body(inputs.declared, schema.CONFIG_FIELDS))
    return str(space["name"]), _assemble(
        schema.outputs_from_api(space, schema.SPACE_FIELDS), inputs, owner
    )


def update_space(
    client_for: ClientFor,
    id_: str,
    olds: Mapping[str, Any],
    news: Mapping[str, Any],
    *,
    preview: bool = False,
) -> dict[str, Any]:
    """Exactly one ``spaces.patch`` naming the changed fields, or no call at all.

    ``preview``: no call; the outputs are the old ones with the declared values laid over them.
    """
    inputs = _Inputs.from_props(news)
    owner = schema.recorded_owner(olds) or inputs.owner
    changed = schema.changed_fields(inputs.declared, olds, schema.CONFIG_FIELDS)
    if changed and preview:
        live = schema.strip_nones(dict(olds))
        for spec in changed:
            schema.set_path(live, spec.path, schema.get_path(inputs.declared, spec.path))
    elif changed:
        space = client_for(owner).patch_space(
            id_, schema.api_body(inputs.declared, changed), schema.update_mask(changed)
        )
        live = schema.outputs_from_api(space, schema.SPACE_FIELDS)
    else:
        live = dict(olds)
    return _assemble(live, inputs, owner)


def read_space(
    client_for: ClientFor, id_: str, props: Mapping[str, Any], *, importing: bool = False
) -> tuple[str, dict[str, Any], dict[str, Any]]:
    """One ``spaces.get``: (ID, live outputs, inputs whose managed fields hold live values).

    ``id_`` may be a meeting code or URL; the ID returned is the canonical ``spaces/<id>``.
    ``importing`` (a Read with only an ID, as ``pulumi import`` sends it) declares the whole live
    config, so that the program generated from the inputs changes nothing on its next ``up``.
    """
    owner = schema.recorded_owner(props)
    client = client_for(owner)
    name = schema.space_name_from_reference(id_) or id_
    with reworded_refusal(lambda error: unreachable(error, name, owner, "read"), NotFound):
        space = client.get_space(name)
    live = schema.outputs_from_api(space, schema.SPACE_FIELDS)
    _announce_new_code(str(space.get("name") or id_), props, live)
    if owner is None and "config" in space:
        owner = client.identity  # only the owner sees the config (Space.get)
    if importing:
        if not isinstance(live.get("config"), Mapping):
            # Importing a room nobody here can manage would store an empty state whose every
            # later change and destroy fails: refuse it as adopt does.
            raise _not_owned(space, id_, client, "import")
        props = {
            **props,
            "declared_config": _importable(live["config"]),
            # An imported room is handed back untouched on destroy unless the program says
            # otherwise (as `pulumi-meet adopt` writes): RESTRICT would lock an OPEN room.
            "deletion_policy": props.get("deletion_policy") or DeletionPolicy.ABANDON.value,
        }
    return _read_result(str(space.get("name") or id_), live, props, owner)


def lookup_space(client_for: ClientFor, reference: str, owner: str | None) -> dict[str, Any]:
    """One ``spaces.get`` of ``spaces/<id>``, a meeting code or a URL: the table's outputs.

    ``config`` is present only when the identity owns the room (Meet shows it to no one else).
    """
    client = client_for(owner)
    name = schema.space_name_from_reference(reference) or reference
    with reworded_refusal(lambda error: _not_visible(error, reference, client), NotFound):
        space = client.get_space(name)
    return schema.outputs_from_api(space, schema.SPACE_FIELDS)


def delete_space(client_for: ClientFor, id_: str, props: Mapping[str, Any]) -> None:
    """Apply the deletion policy; the Meet API cannot delete a space."""
    policy = str(props.get("deletion_policy") or rules.DEFAULT_POLICY)
    if policy == DeletionPolicy.ABANDON.value:
        return
    owner = schema.recorded_owner(props)
    client = client_for(owner)
    with reworded_refusal(lambda error: unreachable(error, id_, owner, "delete"), NotFound):
        # FAILED_PRECONDITION: there is no active conference, so there is nothing to end.
        with contextlib.suppress(FailedPrecondition):
            client.end_active_conference(id_)
        if policy == DeletionPolicy.RESTRICT.value:
            access = (_ACCESS_TYPE_FIELD,)
            restricted = {"config": {"access_type": AccessType.RESTRICTED.value}}
            client.patch_space(id_, schema.api_body(restricted, access), schema.update_mask(access))


# -------------------------------------------------------------------- helpers


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


def _adopt(client: MeetClient, inputs: _Inputs) -> dict[str, Any]:
    """Resolve the adopted space with one get, then patch the managed fields that differ."""
    reference = str(inputs.adopt)
    alias = schema.space_name_from_reference(reference) or reference
    try:
        with reworded_refusal(lambda error: _not_adoptable(error, reference, client), NotFound):
            space = client.get_space(alias)
    except MeetingCodeNotFound as error:  # expired or reused: say so, and which room failed
        raise MeetingCodeNotFound(
            f"cannot adopt {reference!r}: {error}",
            code=error.code,
            method=error.method,
            resource=error.resource,
            reason=error.reason,
            metadata=error.metadata,
            server_message=error.server_message,
        ) from error
    if "config" not in space:
        raise _not_owned(space, reference, client, "adopt")
    changed = schema.changed_fields(
        inputs.declared, schema.outputs_from_api(space, schema.SPACE_FIELDS), schema.CONFIG_FIELDS
    )
    if not changed:
        return space
    return client.patch_space(
        str(space["name"]), schema.api_body(inputs.declared, changed), schema.update_mask(changed)
    )


def _announce_new_code(name: str, olds: Mapping[str, Any], live: Mapping[str, Any]) -> None:
    """Tell the engine's log that a room's meeting code changed (it expired after a year unused,
    and Meet gave the room a new one): the outputs follow, the ID stays, nothing is replaced,
    but the links people were sent no longer work. Said by the read that sees the change, so
    once per room (the refreshed state then holds the new code)."""
    old, new = olds.get("meeting_code"), live.get("meeting_code")
    if not (isinstance(old, str) and old and isinstance(new, str) and new):
        return  # an import, or a state from before the code was known
    if old.lower() == new.lower():
        return
    old_uri = olds.get("meeting_uri") or f"https://meet.google.com/{old}"
    progress.report(
        "warning",
        f"{name}: its meeting code changed from {old} to {new} (Meet reassigns a code unused for "
        f"a year): links shared before ({old_uri}) no longer work; share the new one "
        f"({live.get('meeting_uri') or new}). The room itself is the same (same ID and settings); "
        "nothing is replaced.",
    )


def _importable(config: Mapping[str, Any]) -> dict[str, Any]:
    """The live config as inputs that pass check: what a cross-field rule refuses is left out.

    (Moderation restrictions of a room whose moderation is OFF are the API's reset values.)
    """
    declared = dict(config)
    for violation in schema.config_conflicts(declared):
        declared.pop(violation.property.split(".")[1], None)
    return declared


def _read_result(
    space_id: str, live: dict[str, Any], props: Mapping[str, Any], owner: str | None
) -> tuple[str, dict[str, Any], dict[str, Any]]:
    """Outputs and inputs after a read; managed fields take their live values (drift shows)."""
    declared = props.get("declared_config")
    managed = (
        schema.managed_values({"config": declared}, live, schema.CONFIG_FIELDS, "config")
        if isinstance(declared, Mapping)
        else None
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
    return space_id, outputs, {k: v for k, v in inputs.items() if v is not None}


# -------------------------------------------------------------------- errors


def _not_adoptable(error: ApiError, reference: str, client: MeetClient) -> PermissionDenied:
    message = (
        f"cannot adopt {reference!r}: no such space, or {client.identity} may not see it. "
        "Check the reference (spaces/<id>, meeting code or URL) and set `owner` to the user "
        "who owns the room."
    )
    return reworded(PermissionDenied, message, error, reference)


def _not_owned(
    space: Mapping[str, Any], reference: str, client: MeetClient, operation: str
) -> PermissionDenied:
    """The room is visible but not owned by the acting identity, so it cannot be managed."""
    name = str(space.get("name") or reference)
    shown = name if name == reference else f"{name} ({reference})"
    message = (
        f"cannot {operation} {shown}: {client.identity} does not own it, and only the owner can "
        "manage a space. Set `owner` (or meet:impersonateUser) to the user who created the "
        "room; the provider then acts as that user (domain-wide delegation with Google, the "
        "emulator's tokens on an emulator)."
    )
    return PermissionDenied(message, method="spaces.get", resource=name, http_status=403)


def _not_visible(error: ApiError, reference: str, client: MeetClient) -> PermissionDenied:
    message = (
        f"{error.method}: cannot find {reference!r} as {client.identity}: no such space, or this "
        "identity may not see it (Meet answers both with 403). Check the reference (spaces/<id>, "
        "meeting code or URL)."
    )
    return reworded(PermissionDenied, message, error, reference)


def unreachable(error: ApiError, name: str, owner: str | None, operation: str) -> PermissionDenied:
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
    return reworded(PermissionDenied, message, error, name)
