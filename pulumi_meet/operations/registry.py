"""The operations registry: ``{token: operations}`` for every resource type of the package.

Both front-ends dispatch through :data:`OPERATIONS`: the provider plugin looks a request's
resource type up here (:func:`operations_for`, the one place where that type is resolved), and
the dynamic providers each name their token. A new resource type is one
:class:`ResourceOperations` entry; nothing else branches on the type.

The type of a request is its ``type`` field when the engine sets it, else the resource's own
type read from its URN. A resource declared inside a component has the whole parent chain in the
URN's type (``urn:pulumi:dev::rooms::my:index:TeamRooms$meet:index:Space::standup``): its type is
the last ``$`` segment, exactly as the engine's ``URN.Type()`` reads it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Final, Protocol

from pulumi_meet.core import member_fields as members
from pulumi_meet.core import space_fields as fields
from pulumi_meet.core.space_fields import Violation
from pulumi_meet.core.tokens import GET_CONFERENCE_RECORDS, GET_SPACE, SPACE, SPACE_MEMBER
from pulumi_meet.exceptions import InvalidArgument, MeetError
from pulumi_meet.operations import ClientFor
from pulumi_meet.operations import member as member_ops
from pulumi_meet.operations import space as space_ops

__all__ = [
    "OPERATIONS",
    "Diff",
    "DiffEntry",
    "ResourceOperations",
    "UnknownToken",
    "operations_for",
    "resource_type",
    "unknown_token",
]

_URN_PREFIX: Final = "urn:pulumi:"


class UnknownToken(MeetError):
    """The engine asked for a resource type or function this package does not have."""


# -------------------------------------------------------------------- what an operation returns


@dataclass(frozen=True)
class DiffEntry:
    """One changed property: its snake_case path, its old value, and whether it replaces."""

    path: str
    old: object
    replaces: bool


@dataclass(frozen=True)
class Diff:
    """What changed between a resource's old outputs and its new inputs. Makes no API call."""

    changes: bool
    replaces: tuple[str, ...]
    """The inputs whose change replaces the resource."""
    entries: tuple[DiffEntry, ...]
    """One entry per changed leaf (a detailed diff), replacing ones included."""


class _Check(Protocol):
    def __call__(self, news: Mapping[str, Any]) -> tuple[dict[str, Any], list[Violation]]: ...


class _Create(Protocol):
    def __call__(
        self, client_for: ClientFor, props: Mapping[str, Any], *, preview: bool = False
    ) -> tuple[str, dict[str, Any]]: ...


class _Update(Protocol):
    def __call__(
        self,
        client_for: ClientFor,
        id_: str,
        olds: Mapping[str, Any],
        news: Mapping[str, Any],
        *,
        preview: bool = False,
    ) -> dict[str, Any]: ...


class _Read(Protocol):
    def __call__(
        self, client_for: ClientFor, id_: str, props: Mapping[str, Any], *, importing: bool
    ) -> tuple[str, dict[str, Any], dict[str, Any]] | None: ...


@dataclass(frozen=True)
class ResourceOperations:
    """Everything a front-end does with one resource type, over plain snake_case dicts.

    ``read`` answers ``None`` when the resource is gone; ``importing`` is a Read with only an ID
    (``pulumi import``). An ID that is none of ``id_forms`` is refused before any call.
    """

    token: str
    check: _Check
    diff: Callable[[Mapping[str, Any], Mapping[str, Any]], Diff]
    create: _Create
    update: _Update
    read_found: _Read
    delete: Callable[[ClientFor, str, Mapping[str, Any]], None]
    accepts_id: Callable[[str], bool]
    id_forms: str

    def read(
        self, client_for: ClientFor, id_: str, props: Mapping[str, Any], *, importing: bool
    ) -> tuple[str, dict[str, Any], dict[str, Any]] | None:
        """One get of ``id_``; an ID of another shape is INVALID_ARGUMENT, naming the forms."""
        if not self.accepts_id(id_.strip()):
            # Before any call: `pulumi import` passes the ID exactly as the user typed it.
            raise InvalidArgument(
                f"{fields.describe_value(id_)} is not an ID of a {self.token}; use {self.id_forms}",
                method="read",
                resource=id_,
            )
        return self.read_found(client_for, id_, props, importing=importing)


# -------------------------------------------------------------------- Space


def _space_diff(olds: Mapping[str, Any], news: Mapping[str, Any]) -> Diff:
    diff = space_ops.diff_space(olds, news)
    if fields.is_unknown(news.get("config")):
        # A whole config not known until apply: one entry, not every leaf the table has.
        entries = [DiffEntry("config", olds.get("config"), False)]
    else:
        entries = [
            DiffEntry(spec.property_path, fields.get_path(olds, spec.path), False)
            for spec in diff.changed
        ]
    if diff.policy_changed:
        entries.append(DiffEntry("deletion_policy", olds.get("deletion_policy"), False))
    entries += [
        DiffEntry(name, fields.recorded_owner(olds) if name == "owner" else olds.get(name), True)
        for name in diff.replaces
    ]
    return Diff(diff.changes, tuple(diff.replaces), tuple(entries))


def _read_space(
    client_for: ClientFor, id_: str, props: Mapping[str, Any], *, importing: bool
) -> tuple[str, dict[str, Any], dict[str, Any]]:
    return space_ops.read_space(client_for, id_, props, importing=importing)


def _space_id(text: str) -> bool:
    return fields.space_name_from_reference(text) is not None


# -------------------------------------------------------------------- SpaceMember


def _member_diff(olds: Mapping[str, Any], news: Mapping[str, Any]) -> Diff:
    diff = member_ops.diff_member(olds, news)
    entries = [DiffEntry(name, olds.get(name), True) for name in diff.replaces]
    entries += [
        DiffEntry(spec.property_path, olds.get(spec.path[0]), False) for spec in diff.changed
    ]
    if diff.owner_changed:
        entries.append(DiffEntry("owner", olds.get("owner"), False))
    return Diff(diff.changes, tuple(diff.replaces), tuple(entries))


def _read_member(
    client_for: ClientFor, id_: str, props: Mapping[str, Any], *, importing: bool
) -> tuple[str, dict[str, Any], dict[str, Any]] | None:
    del importing  # a member's inputs are its live values either way
    return member_ops.read_member(client_for, id_, props)


# -------------------------------------------------------------------- the registry

OPERATIONS: Final[Mapping[str, ResourceOperations]] = {
    SPACE: ResourceOperations(
        token=SPACE,
        check=space_ops.check_space,
        diff=_space_diff,
        create=space_ops.create_space,
        update=space_ops.update_space,
        read_found=_read_space,
        delete=space_ops.delete_space,
        accepts_id=_space_id,
        id_forms="spaces/<id>, a meeting code such as abc-mnop-xyz, or a meeting URL",
    ),
    SPACE_MEMBER: ResourceOperations(
        token=SPACE_MEMBER,
        check=member_ops.check_member,
        diff=_member_diff,
        create=member_ops.create_member,
        update=member_ops.update_member,
        read_found=_read_member,
        delete=member_ops.delete_member,
        accepts_id=members.is_member_name,
        id_forms="spaces/<space>/members/<member>",
    ),
}
"""Every resource type of the package, by its token."""


def resource_type(urn: str, type_: str = "") -> str:
    """The resource's own type: ``type_`` when set, else the last ``$`` segment of the URN's type.

    ``urn:pulumi:<stack>::<project>::<parent types $ ...>$<type>::<name>``; the name may itself
    contain ``::``, so only the first three separators count.
    """
    if type_:
        return type_
    stack_project_type_name = urn.removeprefix(_URN_PREFIX).split("::", 3)
    if len(stack_project_type_name) < len(("stack", "project", "type", "name")):
        return ""
    return stack_project_type_name[2].rsplit("$", 1)[-1]


def operations_for(urn: str, type_: str = "") -> ResourceOperations:
    """The operations of the request's resource type (see :func:`resource_type`)."""
    token = resource_type(urn, type_)
    operations = OPERATIONS.get(token)
    if operations is None:
        raise unknown_token(token or urn)
    return operations


def unknown_token(token: str) -> UnknownToken:
    """The error for a type or function this package lacks, naming those it has."""
    known = ", ".join((*OPERATIONS, GET_SPACE, GET_CONFERENCE_RECORDS))
    return UnknownToken(f"the meet provider has no {token!r}; it has {known}")
