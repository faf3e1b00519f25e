"""The operations registry: one entry per resource type, and the one rule that resolves a
request's resource type (its ``type`` field, else the last ``$`` segment of the URN's type)."""

from __future__ import annotations

import pytest

from pulumi_meet.core import tokens
from pulumi_meet.exceptions import InvalidArgument
from pulumi_meet.operations.registry import (
    OPERATIONS,
    UnknownToken,
    operations_for,
    resource_type,
)

TOP = "urn:pulumi:dev::rooms::meet:index:Space::standup"
NESTED = "urn:pulumi:dev::rooms::my:index:Office$my:index:TeamRooms$meet:index:Space::standup"


def test_every_resource_token_has_operations_and_no_other() -> None:
    assert set(OPERATIONS) == {tokens.SPACE, tokens.SPACE_MEMBER}
    assert all(token == ops.token for token, ops in OPERATIONS.items())


@pytest.mark.parametrize(
    ("urn", "type_", "expected"),
    [
        (TOP, "", tokens.SPACE),
        (NESTED, "", tokens.SPACE),
        (NESTED, tokens.SPACE, tokens.SPACE),
        (
            "urn:pulumi:dev::rooms::my:index:TeamRooms$meet:index:SpaceMember::a::b",
            "",
            tokens.SPACE_MEMBER,
        ),
        (
            "urn:pulumi:dev::rooms::my:index:TeamRooms$meet:index:Space::name$with::colons",
            "",
            tokens.SPACE,
        ),
        ("not a urn", "", ""),
    ],
)
def test_resource_type(urn: str, type_: str, expected: str) -> None:
    assert resource_type(urn, type_) == expected


def test_a_type_the_package_lacks_names_the_ones_it_has() -> None:
    with pytest.raises(UnknownToken) as raised:
        operations_for("urn:pulumi:dev::rooms::meet:index:Space$meet:index:Recording::r")
    message = str(raised.value)
    assert "'meet:index:Recording'" in message
    assert all(token in message for token in (tokens.SPACE, tokens.SPACE_MEMBER, tokens.GET_SPACE))


@pytest.mark.parametrize(
    ("token", "typed"),
    [(tokens.SPACE, "/spaces/x"), (tokens.SPACE, "spaces/.."), (tokens.SPACE_MEMBER, "spaces/x")],
)
def test_read_refuses_an_id_of_the_wrong_shape_before_any_call(token: str, typed: str) -> None:
    def no_client(_owner: str | None) -> object:
        raise AssertionError("no client may be built for an ID of the wrong shape")

    with pytest.raises(InvalidArgument) as raised:
        OPERATIONS[token].read(no_client, typed, {}, importing=True)  # type: ignore[arg-type]
    assert OPERATIONS[token].id_forms in str(raised.value)
