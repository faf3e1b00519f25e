"""The field table of the SpaceMember resource, and the rules derived from it.

A Meet ``Member`` has three fields (``meet.v2.discovery.json``): ``name`` (output only),
``email`` (set at creation; a change replaces the member) and ``role`` (updated in place with
``updateMask=role``). They are rows of :data:`MEMBER`, beside the member's parent ``space`` (an
input, not a field) and the provider's ``owner`` and ``adopt``; the request body, the
``updateMask`` and the outputs are derived from the rows with the generic helpers of
:mod:`pulumi_meet.core.engine`.

Everything here is plain data in and out: no API call, no Pulumi import. The provider class
that uses it is :mod:`pulumi_meet.operations.member` (for both front-ends).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

from pulumi_meet.core import engine
from pulumi_meet.core.engine import Violation
from pulumi_meet.core.enums import MemberRole
from pulumi_meet.core.references import (
    email_violation,
    is_space_name,
    recorded_owner,
    same_email,
    space_name_from_reference,
)
from pulumi_meet.core.table import Field, Mutability, Table
from pulumi_meet.core.values import describe_value, is_unknown

__all__ = [
    "DEFAULT_ROLE",
    "EMAIL",
    "IMMUTABLE_FIELDS",
    "MEMBER",
    "MEMBER_FIELDS",
    "MEMBER_INPUT_NAMES",
    "MEMBER_OUTPUT_NAMES",
    "ROLE",
    "SPACE",
    "MemberInputs",
    "adopt_replaces",
    "changed_member_fields",
    "check_member",
    "is_member_name",
    "member_outputs",
    "member_replaces",
    "owner_changed",
    "read_member",
    "space_of",
]

DEFAULT_ROLE: Final[str] = MemberRole.COHOST.value
"""The role of a member whose ``role`` is not set: co-hosts are what the resource is for."""

EMAIL: Final = Field(
    ("email",),
    ("email",),
    Mutability.IMMUTABLE,
    always_present=True,
    replaces=True,
    required=True,
    python_type="str (e-mail)",
    description="The member's e-mail address, as Meet stores it. Another person (not another "
    "letter case) replaces the member.",
)
ROLE: Final = Field(
    ("role",),
    ("role",),
    Mutability.DEFAULTED,
    MemberRole,
    always_present=True,
    description=f"The member's role (default `{DEFAULT_ROLE}`); a change is one `members.patch` "
    "(`updateMask=role`), in place.",
)
SPACE: Final = Field(
    ("space",),
    (),
    Mutability.INPUT,
    always_present=True,
    replaces=True,
    required=True,
    echoed=True,
    python_type="`Space` or str (`spaces/<id>`)",
    description="The room's canonical `spaces/<id>` name (pass the Space's `name` output; "
    "meeting codes and URLs are refused). Another room replaces the member.",
)
"""The member's space: its parent (``spaces/<id>``) in the API, not a field of ``Member``. Set
at creation only; another space means another member."""

MEMBER: Final = Table(
    name="SpaceMember",
    description="A member of a meeting space: a co-host (the default role) or a member without "
    "a role. Only the room's owner manages members.",
    rows=(
        Field(
            ("name",),
            ("name",),
            Mutability.OUTPUT_ONLY,
            always_present=True,
            description="The member's `spaces/<id>/members/<member>` name (the resource ID).",
        ),
        SPACE,
        EMAIL,
        ROLE,
        Field(
            ("owner",),
            (),
            Mutability.ECHO,
            always_present=True,
            description="The identity the calls for this member act as (the room's owner).",
        ),
        Field(
            ("owner",),
            (),
            Mutability.INPUT,
            python_type="str (e-mail)",
            description="The room's owner, whom the calls act as (only the owner manages "
            "members). Default: the owner recorded at creation, else the configured identity. "
            "A change updates in place, with no API call.",
        ),
        Field(
            ("adopt",),
            (),
            Mutability.INPUT,
            replaces=True,
            description="Take over an existing member (`spaces/<id>/members/<member>`) instead "
            "of adding one: one `members.get`, and a `members.patch` only if the role differs. "
            "It must be the declared person, in `space`. Naming another member replaces the "
            "resource; adding or dropping it later is no change.",
        ),
        Field(
            ("declared_owner",),
            (),
            Mutability.ECHO,
            internal=True,
            description="The `owner` input, echoed (absent when it is not set).",
        ),
    ),
)
"""Every property of a ``SpaceMember``: the API's fields, its parent and the provider's own."""

MEMBER_FIELDS: Final[tuple[Field, ...]] = MEMBER.api_fields
"""Every field of a Meet ``Member``, in the API's order."""

IMMUTABLE_FIELDS: Final[tuple[Field, ...]] = (
    SPACE,
    *(spec for spec in MEMBER_FIELDS if spec.mutability is Mutability.IMMUTABLE),
)
"""The inputs whose change replaces the member (the parent first, then the table's)."""

MEMBER_INPUT_NAMES: Final[tuple[str, ...]] = MEMBER.input_names
MEMBER_OUTPUT_NAMES: Final[tuple[str, ...]] = MEMBER.output_names
"""``name``/``email``/``role`` from the API; ``space`` (the parent) and ``owner`` (the identity
the calls act as) recorded; ``declared_owner`` echoes the ``owner`` input, because the engine
passes the old OUTPUTS, not the old inputs, to diff, update, read and delete."""


# -------------------------------------------------------------------- inputs


@dataclass(frozen=True)
class MemberInputs:
    """The checked inputs of a SpaceMember, normalised (the default role filled in)."""

    space: str
    email: str
    role: str
    owner: str | None
    adopt: str | None = None
    """``spaces/<id>/members/<member>``: take over this existing member instead of adding one."""

    @classmethod
    def from_props(cls, props: Mapping[str, Any]) -> MemberInputs:
        role = props.get("role")
        owner = props.get("owner")
        adopt = props.get("adopt")
        return cls(
            space=str(props.get("space") or ""),
            email=str(props.get("email") or ""),
            role=str(role) if role else DEFAULT_ROLE,
            owner=str(owner) if owner else None,
            adopt=str(adopt) if adopt else None,
        )

    @property
    def declared(self) -> dict[str, Any]:
        """The inputs in the shape of the field table's paths."""
        return {"email": self.email, "role": self.role}


def space_of(member_name: str) -> str:
    """The parent ``spaces/<id>`` of ``spaces/<id>/members/<member>``."""
    return member_name.split("/members/", 1)[0]


_MEMBER_NAME: Final = re.compile(r"spaces/[A-Za-z0-9_-]{1,128}/members/[A-Za-z0-9_-]{1,128}")


def is_member_name(text: str) -> bool:
    """Whether ``text`` has the shape of ``spaces/<id>/members/<member>``."""
    return _MEMBER_NAME.fullmatch(text) is not None


# -------------------------------------------------------------------- check


def _space_violation(value: object) -> list[Violation]:
    if is_unknown(value):
        return []
    if value is None or value == "":
        return [Violation("space", "required: the space's name (spaces/<id>)")]
    if isinstance(value, str) and is_space_name(value):
        return []
    hint = ""
    if isinstance(value, str) and space_name_from_reference(value):
        hint = (
            "; the members methods accept only the canonical name, not a meeting code or URL: "
            "pass the Space resource (or its `name` output), or find the name with "
            f"`pulumi-meet spaces get {value}`"
        )
    return [Violation("space", f"{describe_value(value)} is not a space name (spaces/<id>){hint}")]


def check_member(news: Mapping[str, Any]) -> list[Violation]:
    """Validate every input of a SpaceMember; unknowns pass. No API call."""
    violations = engine.unknown_key_violations(news, MEMBER_INPUT_NAMES)
    violations += _space_violation(news.get("space"))
    email = news.get("email")
    if email is None or email == "":
        violations.append(Violation("email", "required: the member's e-mail address"))
    else:
        violations += email_violation("email", email)
    violations += engine.validate_value(ROLE, news.get("role"))
    violations += email_violation("owner", news.get("owner"))
    violations += _adopt_violation(news.get("adopt"), news.get("space"))
    return violations


def _adopt_violation(adopt: object, space: object) -> list[Violation]:
    if adopt is None or is_unknown(adopt):
        return []
    if not isinstance(adopt, str) or not is_member_name(adopt):
        return [
            Violation(
                "adopt",
                f"{describe_value(adopt)} is not a member name (spaces/<id>/members/<member>); "
                "`pulumi-meet members list SPACE` shows the names",
            )
        ]
    if isinstance(space, str) and is_space_name(space) and space_of(adopt) != space:
        return [Violation("adopt", f"{adopt} is a member of {space_of(adopt)}, not of {space}")]
    return []


# -------------------------------------------------------------------- diff


def member_replaces(olds: Mapping[str, Any], news: Mapping[str, Any]) -> list[str]:
    """The inputs whose change replaces the member: ``adopt`` naming another member, then the
    :data:`IMMUTABLE_FIELDS`, in order.

    An e-mail that differs only in case names the same person, so it is no change.
    """
    replaces = ["adopt"] if adopt_replaces(olds, news) else []
    return replaces + [
        spec.property_path
        for spec in IMMUTABLE_FIELDS
        if is_unknown(news.get(spec.path[0]))
        or not _same(spec, news.get(spec.path[0]), olds.get(spec.path[0]))
    ]


def _same(spec: Field, new: object, old: object) -> bool:
    if spec is EMAIL:
        return isinstance(new, str) and isinstance(old, str) and same_email(new, old)
    return new == old


def adopt_replaces(olds: Mapping[str, Any], news: Mapping[str, Any]) -> bool:
    """Whether ``adopt`` names another member than the one managed (its name is the ID).

    Adding, keeping or dropping ``adopt`` for the member already managed is no change.
    """
    adopt = news.get("adopt")
    if adopt is None:
        return False
    return is_unknown(adopt) or adopt != olds.get("name")


def changed_member_fields(news: Mapping[str, Any], olds: Mapping[str, Any]) -> list[Field]:
    """The fields updated in place whose wanted value differs from the old outputs (``role``)."""
    role = news.get("role")
    wanted = {"role": DEFAULT_ROLE if role is None else role}
    return engine.changed_fields(wanted, olds, (ROLE,))


def owner_changed(olds: Mapping[str, Any], news: Mapping[str, Any]) -> bool:
    """Whether an explicit ``owner`` names someone other than the recorded owner.

    Not a replacement: the member is the same; only the identity the calls act as changes.
    """
    new = news.get("owner")
    if new is None:
        return False
    if is_unknown(new) or not isinstance(new, str):
        return True
    recorded = recorded_owner(olds)
    return recorded is None or not same_email(new, recorded)


# -------------------------------------------------------------------- outputs and read


def member_outputs(
    member: Mapping[str, Any], space: str, owner: str | None, declared_owner: str | None
) -> dict[str, Any]:
    """Outputs of a member from the API's JSON: plain strings only.

    The API leaves a default enum out of its JSON, so a member without ``role`` has the role
    ``ROLE_UNSPECIFIED``.
    """
    live = engine.outputs_from_api(member, MEMBER_FIELDS)
    return {
        "name": live.get("name"),
        "space": space,
        "email": live.get("email"),
        "role": live.get("role") or MemberRole.ROLE_UNSPECIFIED.value,
        "owner": owner,
        "declared_owner": declared_owner,
    }


def read_member(
    member: Mapping[str, Any], props: Mapping[str, Any], owner: str | None
) -> tuple[str, dict[str, Any], dict[str, Any]]:
    """(ID, outputs, inputs) after a members.get: the live ``role`` becomes the input, so a role
    changed outside Pulumi shows in the next preview and the next ``up`` reverts it."""
    name = str(member.get("name") or "")
    declared_owner = props.get("declared_owner")
    outputs = member_outputs(member, space_of(name), owner, declared_owner)
    old_email = props.get("email")
    live_email = str(outputs["email"] or "")
    # Keep the case the program declared: a case-only difference is the same person.
    email = old_email if isinstance(old_email, str) and same_email(old_email, live_email) else None
    inputs = {
        "space": outputs["space"],
        "email": email or live_email,
        "role": outputs["role"],
        "owner": declared_owner,
    }
    return name, outputs, {k: v for k, v in inputs.items() if v is not None}
