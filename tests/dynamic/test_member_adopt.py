"""``SpaceMember(adopt=...)``: taking over a member that already exists (what `pulumi-meet adopt`
generates for a room's co-hosts), through a real provider host against the emulator."""

from __future__ import annotations

from typing import Any

import pytest

import pulumi_meet as meet
from tests.dynamic.conftest import DEFAULT_USER, Control
from tests.engine import CheckFailed, Engine, ProviderError, Step


def _existing_member(control: Control, email: str, role: str | None) -> tuple[str, str]:
    """(space, member) created directly in the emulator as the default user."""
    space = control.as_user(DEFAULT_USER, "POST", "/v2/spaces", json={})["name"]
    body = {"email": email, **({"role": role} if role else {})}
    member = control.as_user(DEFAULT_USER, "POST", f"/v2/{space}/members", json=body)["name"]
    return space, member


def _program(space: str, email: str, adopt: str | None, role: str | None = None) -> Any:
    def program() -> None:
        room = meet.Space("room", adopt=space)
        meet.SpaceMember("member", room, email, role, adopt=adopt)

    return program


def _ops(steps: list[Step]) -> list[str]:
    return [step.op for step in steps]


def test_adopting_a_member_makes_one_get_and_keeps_it(control: Control, engine: Engine) -> None:
    space, member = _existing_member(control, "bob@example.com", "COHOST")
    control.clear()
    engine.up(_program(space, "Bob@Example.com", member))
    assert control.methods() == ["spaces.get", "spaces.members.get"]
    assert engine.resource("member").id == member
    control.clear()
    # Dropping adopt= afterwards (or keeping it) is no change: it is the same member.
    assert _ops(engine.up(_program(space, "bob@example.com", None))) == ["same", "same"]
    assert control.calls() == []


def test_a_different_declared_role_is_set_with_one_patch(control: Control, engine: Engine) -> None:
    space, member = _existing_member(control, "sam@example.com", None)
    control.clear()
    engine.up(_program(space, "sam@example.com", member, "COHOST"))
    calls = [(c["apiMethod"], c["query"].get("updateMask")) for c in control.calls()]
    assert calls == [
        ("spaces.get", None),
        ("spaces.members.get", None),
        ("spaces.members.patch", "role"),
    ]
    assert engine.resource("member").outputs["role"] == "COHOST"


def test_adopting_someone_else_is_refused(control: Control, engine: Engine) -> None:
    space, member = _existing_member(control, "bob@example.com", "COHOST")
    with pytest.raises(ProviderError) as failed:
        engine.up(_program(space, "carol@example.com", member))
    assert f"cannot adopt {member}: it is bob@example.com, not carol@example.com" in str(
        failed.value
    )


def test_adopt_must_name_a_member_of_the_space(control: Control, engine: Engine) -> None:
    space, _ = _existing_member(control, "bob@example.com", "COHOST")
    with pytest.raises(CheckFailed) as failed:
        engine.up(_program(space, "bob@example.com", "spaces/other/members/abc"))
    assert failed.value.failures == [
        ("adopt", f"spaces/other/members/abc is a member of spaces/other, not of {space}")
    ]
    with pytest.raises(CheckFailed) as malformed:
        engine.preview(_program(space, "bob@example.com", "bob@example.com"))
    assert malformed.value.failures[0][0] == "adopt"
