"""A rehearsal on the emulator acts as the user production acts as.

A stack names its production owner with ``meet:impersonateUser`` (or ``MEET_IMPERSONATE_USER``)
and rehearses against the emulator with no credentials: every call must act as that owner, not
as the emulator's default user. Driven through the real provider host; the emulator's request log
counts the calls and names who made them.
"""

from __future__ import annotations

import json
from typing import Any

import pulumi
import pytest

import pulumi_meet as meet
from tests.dynamic.conftest import Control, HostFactory
from tests.engine import Engine, ProviderError, Step

OWNER = "owner@example.com"
BOB = "bob@example.com"
CREATED = "https://www.googleapis.com/auth/meetings.space.created"
EMULATOR_APP = "emulator-project"  # the app of tokens and keys the emulator issues by default


def _program(cohost: str | None = BOB, **space: Any) -> Any:
    def program() -> None:
        room = meet.Space("room", **space)
        if cohost is not None:
            meet.SpaceMember("cohost", room, email=cohost)
        pulumi.export("uri", room.meeting_uri)

    return program


def _ops(steps: list[Step]) -> list[str]:
    return [step.op for step in steps]


def _who(control: Control) -> list[tuple[str, str]]:
    return [(call["apiMethod"], call["principal"]) for call in control.calls()]


def _owners(control: Control) -> list[tuple[str, str, str]]:
    return [(space["name"], space["owner"], space["creatorApp"]) for space in control.spaces()]


@pytest.fixture(params=["stack config", "environment"])
def rehearsal(request: pytest.FixtureRequest, control: Control, start_host: HostFactory) -> Engine:
    """The production owner named in the stack (or the environment); the emulator, no key."""
    env = {"MEET_EMULATOR_HOST": control.host_port}
    if request.param == "environment":
        return Engine(start_host({**env, "MEET_IMPERSONATE_USER": OWNER}))
    return Engine(start_host(env), config={"meet:impersonateUser": OWNER})


def test_rooms_and_cohosts_are_created_by_the_impersonated_user(
    control: Control, rehearsal: Engine
) -> None:
    assert _ops(rehearsal.up(_program(config={"access_type": "OPEN"}))) == ["create", "create"]
    assert _who(control) == [("spaces.create", OWNER), ("spaces.members.create", OWNER)]
    room = rehearsal.resource("room")
    assert _owners(control) == [(room.id, OWNER, EMULATOR_APP)]
    assert room.outputs["owner"] == OWNER
    assert "declared_owner" not in room.outputs  # named by configuration, not by owner=
    assert rehearsal.resource("cohost").outputs["owner"] == OWNER


def test_the_users_existing_room_is_adopted_and_its_cohosts_managed(
    control: Control, rehearsal: Engine
) -> None:
    existing = control.as_user(OWNER, "POST", "/v2/spaces", json={"config": {"accessType": "OPEN"}})
    control.clear()
    adopted = {"adopt": existing["meetingCode"], "config": {"access_type": "RESTRICTED"}}
    assert _ops(rehearsal.up(_program(**adopted))) == ["create", "create"]
    assert _who(control) == [
        ("spaces.get", OWNER),  # one get resolves the meeting code
        ("spaces.patch", OWNER),  # one patch sets the one managed field that differs
        ("spaces.members.create", OWNER),
    ]
    assert rehearsal.resource("room").id == existing["name"]
    assert control.space(existing["name"], OWNER)["config"]["accessType"] == "RESTRICTED"
    members = control.as_user(OWNER, "GET", f"/v2/{existing['name']}/members")["members"]
    assert [(m["email"], m["role"]) for m in members] == [(BOB, "COHOST")]

    control.clear()
    assert _ops(rehearsal.up(_program(cohost=None, **adopted))) == ["same", "delete"]
    assert _who(control) == [("spaces.members.delete", OWNER)]
    assert _owners(control) == [(existing["name"], OWNER, EMULATOR_APP)]


def test_drift_made_by_the_user_is_seen_and_reverted(control: Control, rehearsal: Engine) -> None:
    program = _program(config={"access_type": "RESTRICTED"})
    rehearsal.up(program)
    room, cohost = rehearsal.resource("room").id, rehearsal.resource("cohost").id
    # The owner changes the room and the co-host in Meet, outside Pulumi.
    control.as_user(
        OWNER,
        "PATCH",
        f"/v2/{room}",
        params={"updateMask": "config.accessType"},
        json={"config": {"accessType": "OPEN"}},
    )
    control.as_user(
        OWNER,
        "PATCH",
        f"/v2/{cohost}",
        params={"updateMask": "role"},
        json={"role": "ROLE_UNSPECIFIED"},
    )
    control.clear()
    assert _ops(rehearsal.refresh()) == ["refresh", "refresh"]
    assert {principal for _, principal in _who(control)} == {OWNER}
    assert rehearsal.resource("room").inputs["config"] == {"access_type": "OPEN"}
    assert rehearsal.resource("cohost").outputs["role"] == "ROLE_UNSPECIFIED"

    control.clear()
    assert _ops(rehearsal.up(program)) == ["update", "update"]
    assert _who(control) == [("spaces.patch", OWNER), ("spaces.members.patch", OWNER)]
    assert control.space(room, OWNER)["config"]["accessType"] == "RESTRICTED"


def test_delegation_on_the_emulator_manages_the_rehearsals_rooms(
    control: Control, start_host: HostFactory
) -> None:
    """Emulator tokens and an emulator-issued key of the default project are the same app."""
    env = {"MEET_EMULATOR_HOST": control.host_port}
    engine = Engine(start_host(env), config={"meet:impersonateUser": OWNER})
    program = _program(cohost=None, config={"access_type": "OPEN"})
    engine.up(program)
    key = control.service_account([CREATED])  # no project: the emulator's default one
    assert key["project_id"] == EMULATOR_APP
    config = {"meet:credentials": json.dumps(key), "meet:impersonateUser": OWNER}
    engine.use_host(start_host(env), config)
    control.clear()
    assert _ops(engine.refresh()) == ["refresh"]
    assert engine.resource("room").inputs["config"] == {"access_type": "OPEN"}  # config visible
    assert _ops(engine.up(_program(cohost=None, config={"access_type": "TRUSTED"}))) == ["update"]
    assert _who(control) == [("spaces.get", OWNER), ("spaces.patch", OWNER)]


def test_another_apps_room_needs_the_settings_scope_as_in_production(
    control: Control, start_host: HostFactory
) -> None:
    """A room made by another app (the Meet web app, another project) is out of reach with
    ``meetings.space.created`` alone; ``meetings.space.settings`` lets its owner adopt it."""
    theirs = control.as_user(OWNER, "POST", "/v2/spaces", app="meet-web", json={})
    program = _program(cohost=None, adopt=theirs["name"], config={"access_type": "RESTRICTED"})
    env = {"MEET_EMULATOR_HOST": control.host_port}
    engine = Engine(start_host(env), config={"meet:impersonateUser": OWNER})
    with pytest.raises(ProviderError) as failed:
        engine.up(program)
    assert f"no such space, or {OWNER} may not see it" in failed.value.details
    scopes = "meetings.space.created,meetings.space.settings"
    engine.use_host(start_host(env), {"meet:impersonateUser": OWNER, "meet:scopes": scopes})
    control.clear()
    assert _ops(engine.up(program)) == ["create"]
    assert _who(control) == [("spaces.get", OWNER), ("spaces.patch", OWNER)]
    assert _owners(control) == [(theirs["name"], OWNER, "meet-web")]


@pytest.mark.parametrize(
    ("config", "named"),
    [
        ({}, "cannot act for owner owner@example.com (declared with owner="),
        (
            {"meet:impersonateUser": OWNER},
            "cannot act for owner@example.com (named by meet:impersonateUser",
        ),
    ],
)
def test_a_user_login_still_refuses_a_user_it_cannot_act_for(
    control: Control, start_host: HostFactory, config: dict[str, str], named: str
) -> None:
    carol = control.authorized_user("carol@example.com", scopes=[CREATED])
    engine = Engine(
        start_host({"MEET_EMULATOR_HOST": control.host_port}),
        config={"meet:credentials": json.dumps(carol), **config},
    )
    owner = {} if config else {"owner": OWNER}
    with pytest.raises(ProviderError) as failed:
        engine.up(_program(cohost=None, **owner))
    assert "these credentials act as carol@example.com" in failed.value.details
    assert named in failed.value.details
    assert control.calls() == []
    assert engine.state == {}
