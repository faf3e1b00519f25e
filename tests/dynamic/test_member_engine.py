"""The SpaceMember provider driven exactly as the Pulumi engine drives it, against the emulator.

Each test runs Space + SpaceMember programs through a real ``python -u -m pulumi.dynamic`` host;
the emulator's request log counts the API calls of every step.
"""

from __future__ import annotations

import re
from typing import Any

import pulumi
import pytest

import pulumi_meet as meet
from tests.dynamic.conftest import DEFAULT_USER, Control
from tests.engine import CheckFailed, Engine, ProviderError, Step

MEMBER_ID = re.compile(r"spaces/[A-Za-z0-9_-]{12}/members/[A-Za-z0-9]+")
BOB = "bob@example.com"
CAROL = "carol@example.com"
ALICE = "alice@example.com"


def _program(*members: dict[str, Any], rooms: tuple[str, ...] = ("room",)) -> Any:
    """Rooms, and members given as SpaceMember keyword arguments with ``room`` naming the room."""

    def program() -> None:
        spaces = {name: meet.Space(name) for name in rooms}
        for index, spec in enumerate(members):
            args = dict(spec)
            room = spaces[args.pop("room", rooms[0])]
            name = args.pop("name", f"member-{index}")
            member = meet.SpaceMember(name, room, **args)
            pulumi.export(name, member.name)

    return program


def _ops(steps: list[Step]) -> list[str]:
    return [step.op for step in steps]


def _calls(control: Control) -> list[tuple[str, str]]:
    return [(c["apiMethod"], c["path"]) for c in control.calls()]


def _methods(control: Control) -> list[str]:
    return [c["apiMethod"] for c in control.calls()]


def _up_one_member(control: Control, engine: Engine, **member: Any) -> dict[str, Any]:
    engine.up(_program({"email": BOB, **member}))
    control.clear()
    state = engine.resource("member-0")
    return {"id": state.id, **state.outputs}


# ------------------------------------------------------------------ create / no-op


def test_create_makes_one_members_create_with_email_and_role(
    control: Control, engine: Engine
) -> None:
    assert _ops(engine.up(_program({"email": BOB}))) == ["create", "create"]
    calls = control.calls()
    assert [c["apiMethod"] for c in calls] == ["spaces.create", "spaces.members.create"]
    room = engine.resource("room")
    assert calls[1]["path"] == f"/v2/{room.id}/members"
    assert calls[1]["body"] == {"email": BOB, "role": "COHOST"}
    member = engine.resource("member-0")
    assert MEMBER_ID.fullmatch(member.id) and member.id.startswith(room.id + "/members/")
    assert member.outputs["name"] == member.id
    assert {k: member.outputs[k] for k in ("space", "email", "role", "owner")} == {
        "space": room.id,
        "email": BOB,
        "role": "COHOST",
        "owner": DEFAULT_USER,
    }
    assert engine.exports == {"member-0": member.id}
    live = control.as_user(DEFAULT_USER, "GET", f"/v2/{member.id}")
    assert live == {"name": member.id, "email": BOB, "role": "COHOST"}


def test_a_member_without_a_role(control: Control, engine: Engine) -> None:
    member = _up_one_member(control, engine, role=meet.MemberRole.ROLE_UNSPECIFIED)
    assert member["role"] == "ROLE_UNSPECIFIED"
    assert _ops(engine.up(_program({"email": BOB, "role": "ROLE_UNSPECIFIED"}))) == [
        "same",
        "same",
    ]
    assert control.calls() == []


def test_up_without_changes_and_preview_make_no_call(control: Control, engine: Engine) -> None:
    program = _program({"email": BOB, "role": "COHOST"})
    _up_one_member(control, engine)  # role left out: COHOST by default, the same member
    assert _ops(engine.up(program)) == ["same", "same"]
    assert _ops(engine.preview(_program({"email": CAROL}))) == ["same", "replace"]
    assert control.calls() == []


def test_preview_of_a_new_room_and_member_passes_unknowns_and_makes_no_call(
    control: Control, engine: Engine
) -> None:
    assert _ops(engine.preview(_program({"email": BOB}))) == ["create", "create"]
    assert control.calls() == []


# ------------------------------------------------------------------ update / replace


def test_role_change_is_one_patch_with_mask_role(control: Control, engine: Engine) -> None:
    member = _up_one_member(control, engine)
    steps = engine.up(_program({"email": BOB, "role": "ROLE_UNSPECIFIED"}))
    assert _ops(steps) == ["same", "update"]
    (patch,) = control.calls()
    assert (patch["apiMethod"], patch["path"]) == ("spaces.members.patch", f"/v2/{member['id']}")
    assert patch["query"]["updateMask"] == "role"
    assert patch["body"] == {"role": "ROLE_UNSPECIFIED"}
    assert engine.resource("member-0").outputs["role"] == "ROLE_UNSPECIFIED"
    assert engine.resource("member-0").id == member["id"]


def test_email_case_change_is_no_diff(control: Control, engine: Engine) -> None:
    _up_one_member(control, engine, email="Bob@Example.com")
    assert _ops(engine.up(_program({"email": "bob@example.com"}))) == ["same", "same"]
    assert _ops(engine.up(_program({"email": "BOB@EXAMPLE.COM"}))) == ["same", "same"]
    assert control.calls() == []


def test_email_change_replaces_create_first_then_delete(control: Control, engine: Engine) -> None:
    old = _up_one_member(control, engine)
    assert _ops(engine.up(_program({"email": CAROL}))) == ["same", "replace"]
    new = engine.resource("member-0")
    assert _calls(control) == [
        ("spaces.members.create", f"/v2/{old['space']}/members"),
        ("spaces.members.delete", f"/v2/{old['id']}"),
    ]
    assert new.id != old["id"] and new.outputs["email"] == CAROL
    members = control.as_user(DEFAULT_USER, "GET", f"/v2/{old['space']}/members")["members"]
    assert [m["email"] for m in members] == [CAROL]


def test_space_change_replaces_the_member(control: Control, engine: Engine) -> None:
    rooms = ("first", "second")
    engine.up(_program({"email": BOB, "room": "first"}, rooms=rooms))
    old = engine.resource("member-0")
    control.clear()
    steps = engine.up(_program({"email": BOB, "room": "second"}, rooms=rooms))
    assert sorted(_ops(steps)) == ["replace", "same", "same"]
    second = engine.resource("second").id
    assert _calls(control) == [
        ("spaces.members.create", f"/v2/{second}/members"),
        ("spaces.members.delete", f"/v2/{old.id}"),
    ]
    assert engine.resource("member-0").outputs["space"] == second


def test_owner_named_explicitly_is_no_change_and_no_call(control: Control, engine: Engine) -> None:
    _up_one_member(control, engine)
    steps = engine.up(_program({"email": BOB, "owner": DEFAULT_USER.upper()}))
    assert _ops(steps) == ["same", "same"]
    assert control.calls() == []


# ------------------------------------------------------------------ refresh


def test_refresh_is_one_get_and_role_drift_is_reverted_by_one_patch(
    control: Control, engine: Engine
) -> None:
    member = _up_one_member(control, engine)
    control.as_user(
        DEFAULT_USER,
        "PATCH",
        f"/v2/{member['id']}",
        params={"updateMask": "role"},
        json={"role": "ROLE_UNSPECIFIED"},
    )
    control.clear()
    assert _ops(engine.refresh()) == ["refresh", "refresh"]
    assert sorted(_methods(control)) == ["spaces.get", "spaces.members.get"]
    state = engine.resource("member-0")
    assert state.outputs["role"] == "ROLE_UNSPECIFIED" == state.inputs["role"]
    control.clear()
    assert _ops(engine.up(_program({"email": BOB}))) == ["same", "update"]
    assert [(c["apiMethod"], c["query"]["updateMask"]) for c in control.calls()] == [
        ("spaces.members.patch", "role")
    ]


def test_refresh_drops_a_member_deleted_out_of_band(control: Control, engine: Engine) -> None:
    member = _up_one_member(control, engine)
    control.as_user(DEFAULT_USER, "DELETE", f"/v2/{member['id']}")
    control.clear()
    steps = engine.refresh()
    assert sorted(_ops(steps)) == ["drop", "refresh"]
    assert [s.urn.rsplit("::", 1)[1] for s in steps if s.op == "drop"] == ["member-0"]
    assert sorted(_methods(control)) == ["spaces.get", "spaces.members.get"]
    control.clear()
    assert _ops(engine.up(_program({"email": BOB}))) == ["same", "create"]  # put back
    assert _methods(control) == ["spaces.members.create"]


# ------------------------------------------------------------------ destroy


def test_destroy_is_one_delete(control: Control, engine: Engine) -> None:
    member = _up_one_member(control, engine)
    assert _ops(engine.destroy()) == ["delete", "delete"]
    calls = _calls(control)
    assert calls[0] == ("spaces.members.delete", f"/v2/{member['id']}")
    assert [method for method, _ in calls].count("spaces.members.delete") == 1


def test_removing_an_already_deleted_member_succeeds(control: Control, engine: Engine) -> None:
    member = _up_one_member(control, engine)
    control.as_user(DEFAULT_USER, "DELETE", f"/v2/{member['id']}")
    control.clear()
    assert _ops(engine.up(_program())) == ["same", "delete"]
    (delete,) = control.calls()
    assert (delete["apiMethod"], delete["status"]) == ("spaces.members.delete", 404)
    assert [s.name for s in engine.state.values()] == ["room"]


# ------------------------------------------------------------------ errors


def test_a_duplicate_email_names_the_existing_member(control: Control, engine: Engine) -> None:
    engine.up(_program())
    room = engine.resource("room").id
    existing = control.as_user(
        DEFAULT_USER, "POST", f"/v2/{room}/members", json={"email": "Bob@Example.com"}
    )
    control.clear()
    with pytest.raises(ProviderError) as failed:
        engine.up(_program({"email": BOB}))
    details = failed.value.details
    assert failed.value.method == "Create"
    assert f"already has the member {existing['name']} (Bob@Example.com, role" in details
    assert "members.delete" in details and "SpaceMember.get(" in details
    assert _methods(control) == ["spaces.members.create", "spaces.members.list"]
    assert "member-0" not in {s.name for s in engine.state.values()}


def test_two_resources_for_one_person_fail_clearly(control: Control, engine: Engine) -> None:
    program = _program({"email": BOB}, {"email": "BOB@example.com"})
    with pytest.raises(ProviderError) as failed:
        engine.up(program)
    assert "already has the member" in failed.value.details
    assert _methods(control).count("spaces.members.create") == 2


@pytest.mark.parametrize(
    ("inputs", "prop"),
    [
        ({"email": "bob"}, "email"),
        ({"email": "bob@example"}, "email"),
        ({"email": "bob smith@example.com"}, "email"),
        ({"email": BOB, "role": "HOST"}, "role"),
        ({"email": BOB, "owner": "nobody"}, "owner"),
    ],
)
def test_invalid_inputs_fail_in_check_before_any_call(
    control: Control, engine: Engine, inputs: dict[str, Any], prop: str
) -> None:
    with pytest.raises(CheckFailed) as failed:
        engine.up(_program(inputs))
    assert [p for p, _ in failed.value.failures] == [prop]
    assert _methods(control) == []  # the room's create never ran: the preview pass failed


def test_a_member_of_a_space_the_identity_does_not_own_is_a_clear_error(
    control: Control, engine: Engine
) -> None:
    # A plain "spaces/<id>" string carries no owner (room.name would: it knows its Space).
    room = control.as_user(ALICE, "POST", "/v2/spaces", json={})["name"]

    def program() -> None:
        meet.SpaceMember("by-name", room, BOB)

    with pytest.raises(ProviderError) as failed:
        engine.up(program)
    assert f"as {DEFAULT_USER}: the space does not exist or" in failed.value.details
    assert "set `owner`" in failed.value.details


def test_passing_the_space_acts_as_its_owner(control: Control, engine: Engine) -> None:
    def program() -> None:
        room = meet.Space("room", owner=ALICE)
        meet.SpaceMember("cohost", room, BOB)

    engine.up(program)
    assert [(c["apiMethod"], c["principal"]) for c in control.calls()] == [
        ("spaces.create", ALICE),
        ("spaces.members.create", ALICE),
    ]
    member = engine.resource("cohost")
    assert (member.outputs["owner"], member.outputs["declared_owner"]) == (ALICE, ALICE)
    control.clear()
    engine.refresh()
    engine.destroy()
    assert {c["principal"] for c in control.calls()} == {ALICE}


def test_space_member_get_reads_without_managing(control: Control, engine: Engine) -> None:
    member = _up_one_member(control, engine)

    def program() -> None:
        read = meet.SpaceMember.get("seen", member["id"])
        pulumi.export("role", read.role)

    reader = Engine(engine.host)
    assert _ops(reader.up(program)) == ["read"]
    assert reader.exports == {"role": "COHOST"}
    assert reader.resource("seen").outputs["space"] == member["space"]
    assert _ops(reader.destroy()) == []
    assert set(_methods(control)) == {"spaces.members.get"}
