"""MemberProvider.check and .diff, the member field table, and the SpaceMember registration.

The provider is built without ``configure()`` and without any client: a call reaching the client
layer would fail (no emulator, no credentials), so these tests also prove check and diff stay
off the wire.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pulumi.output import UNKNOWN

import pulumi_meet as meet
from pulumi_meet.core import member_fields as members
from pulumi_meet.core.space_fields import Mutability
from pulumi_meet.dynamic.providers import MemberProvider
from tests.engine import capture_program

PROVIDER = "serialized-provider"
MEMBER_TYPE = "pulumi-python:dynamic/meet:SpaceMember"
SPACE = "spaces/abcDEF123456"
OLD_OUTPUTS: dict[str, Any] = {
    "name": f"{SPACE}/members/m1",
    "space": SPACE,
    "email": "Bob@Example.com",
    "role": "COHOST",
    "owner": "lead@example.com",
    "__provider": PROVIDER,
}


def _check(**news: Any) -> dict[str, str]:
    result = MemberProvider().check({}, {"__provider": PROVIDER, **news})
    return {f.property: f.reason for f in result.failures}


def _diff(**news: Any) -> tuple[bool | None, list[str]]:
    inputs = {"__provider": PROVIDER, "space": SPACE, "email": "bob@example.com", **news}
    result = MemberProvider().diff(OLD_OUTPUTS["name"], OLD_OUTPUTS, inputs)
    assert result.delete_before_replace is False
    return result.changes, list(result.replaces or [])


# ------------------------------------------------------------------ the table


def test_the_table_declares_the_api_member_fields_once() -> None:
    assert [f.property_path for f in members.MEMBER_FIELDS] == ["name", "email", "role"]
    assert members.EMAIL.mutability is Mutability.IMMUTABLE
    assert members.ROLE.mutability is Mutability.DEFAULTED
    assert members.ROLE.allowed_values == ("COHOST", "ROLE_UNSPECIFIED")
    assert members.DEFAULT_ROLE == meet.MemberRole.COHOST


# ------------------------------------------------------------------ check


def test_valid_inputs_pass_unchanged() -> None:
    news = {"__provider": PROVIDER, "space": SPACE, "email": "Bob@Example.com", "role": None}
    result = MemberProvider().check({}, news)
    assert result.failures == []
    assert result.inputs == {"__provider": PROVIDER, "space": SPACE, "email": "Bob@Example.com"}


@pytest.mark.parametrize(
    "email",
    ["bob.smith+meet@example.co.uk", "o'neil@example.com", "x@a-b.example"],
)
def test_plausible_emails_pass(email: str) -> None:
    assert _check(space=SPACE, email=email) == {}


@pytest.mark.parametrize(
    "email",
    [
        "bob",
        "bob@",
        "@example.com",
        "bob@example",
        "bob@@example.com",
        "bob smith@example.com",
        " bob@example.com",
        "bob@exa_mple.com",
        ".bob@example.com",
        "bob..smith@example.com",
        "bob@-example.com",
        "a" * 250 + "@example.com",
        42,
    ],
)
def test_invalid_emails_fail_on_email(email: object) -> None:
    failures = _check(space=SPACE, email=email)
    assert list(failures) == ["email"]
    assert "is not an e-mail address" in failures["email"]


def test_every_kind_of_bad_input_is_a_named_failure() -> None:
    failures = _check(space="abc-mnop-xyz", role="HOST", owner="lead", colour="red")
    assert set(failures) == {"space", "email", "role", "owner", "colour"}
    assert "pulumi-meet spaces get abc-mnop-xyz" in failures["space"]
    assert failures["email"].startswith("required")
    assert "COHOST, ROLE_UNSPECIFIED" in failures["role"]
    assert "allowed: space, email, role, owner" in failures["colour"]


def test_a_missing_space_is_required() -> None:
    assert _check(email="bob@example.com")["space"].startswith("required")


def test_unknowns_pass_check() -> None:
    assert _check(space=UNKNOWN, email=UNKNOWN, role=UNKNOWN, owner=UNKNOWN) == {}


# ------------------------------------------------------------------ diff


def test_same_member_in_another_case_is_no_change() -> None:
    assert _diff() == (False, [])
    assert _diff(email="BOB@EXAMPLE.COM", role="COHOST") == (False, [])


def test_a_role_change_is_an_update() -> None:
    assert _diff(role="ROLE_UNSPECIFIED") == (True, [])


def test_another_person_or_space_replaces() -> None:
    assert _diff(email="carol@example.com") == (True, ["email"])
    assert _diff(space="spaces/other1234567") == (True, ["space"])


def test_unknowns_are_changes() -> None:
    assert _diff(space=UNKNOWN) == (True, ["space"])
    assert _diff(email=UNKNOWN) == (True, ["email"])
    assert _diff(role=UNKNOWN) == (True, [])
    assert _diff(owner=UNKNOWN) == (True, [])


def test_an_owner_change_is_an_update_never_a_replacement() -> None:
    assert _diff(owner="Lead@Example.com") == (False, [])
    assert _diff(owner="other@example.com") == (True, [])


@settings(max_examples=200, deadline=None)
@given(
    st.dictionaries(
        st.sampled_from(["space", "email", "role", "owner", "other"]),
        st.one_of(st.none(), st.text(max_size=30), st.integers(), st.just(UNKNOWN)),
    )
)
def test_check_and_diff_never_raise(news: dict[str, Any]) -> None:
    provider = MemberProvider()
    provider.check({}, {"__provider": PROVIDER, **news})
    provider.diff(OLD_OUTPUTS["name"], OLD_OUTPUTS, {"__provider": PROVIDER, **news})


# ------------------------------------------------------------------ registration


def test_registration_carries_the_inputs_and_a_small_provider_reference() -> None:
    def program() -> None:
        room = meet.Space("room", owner="lead@example.com")
        meet.SpaceMember("by-space", room, "bob@example.com")
        meet.SpaceMember("by-name", SPACE, "carol@example.com", meet.MemberRole.ROLE_UNSPECIFIED)

    captured = {resource.name: resource for resource in capture_program(program)}
    by_space, by_name = captured["by-space"], captured["by-name"]
    assert (by_space.type, by_name.type) == (MEMBER_TYPE, MEMBER_TYPE)
    assert by_space.inputs["owner"] == "lead@example.com"
    assert by_name.inputs["space"] == SPACE and by_name.inputs["role"] == "ROLE_UNSPECIFIED"
    assert "owner" not in by_name.inputs and "role" not in by_space.inputs
    assert len(by_name.inputs["__provider"]) < 200  # pickled by reference, not by value
