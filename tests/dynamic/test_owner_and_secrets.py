"""Owner semantics with real credentials (domain-wide delegation, user logins), and how the
provider itself is stored."""

from __future__ import annotations

import json
from typing import Any

import pulumi
import pytest
from pulumi.runtime import rpc

import pulumi_meet as meet
from tests.dynamic.conftest import SA_PROJECT, Control, HostFactory
from tests.engine import Engine, ProviderError, capture_program

CREATED = "https://www.googleapis.com/auth/meetings.space.created"
ALICE = "alice@example.com"
BOB = "bob@example.com"


def _program(**kwargs: Any) -> Any:
    def program() -> None:
        room = meet.Space("room", **kwargs)
        pulumi.export("meeting_uri", room.meeting_uri)

    return program


def _who(control: Control) -> list[tuple[str, str]]:
    return [(c["apiMethod"], c["principal"]) for c in control.calls()]


def test_impersonate_user_change_keeps_rooms_and_an_owner_change_replaces(
    control: Control, start_host: HostFactory
) -> None:
    key = control.service_account([CREATED], project=SA_PROJECT)
    env = {"MEET_EMULATOR_HOST": control.host_port}
    config = {"meet:credentials": json.dumps(key), "meet:impersonateUser": ALICE}
    engine = Engine(start_host(env), config=config)
    engine.up(_program(config={"access_type": "OPEN"}))
    assert _who(control) == [("spaces.create", ALICE)]
    first = engine.resource("room")
    assert first.outputs["owner"] == ALICE and "declared_owner" not in first.outputs

    # A later CLI run with another meet:impersonateUser: the room is kept, calls act as its owner.
    engine.use_host(start_host(env), {**config, "meet:impersonateUser": BOB})
    control.clear()
    assert [s.op for s in engine.up(_program(config={"access_type": "TRUSTED"}))] == ["update"]
    assert _who(control) == [("spaces.patch", ALICE)]
    control.clear()
    assert [s.op for s in engine.refresh()] == ["refresh"]
    assert _who(control) == [("spaces.get", ALICE)]

    # Naming the recorded owner explicitly is no change; naming someone else replaces the room.
    control.clear()
    assert [
        s.op
        for s in engine.up(_program(config={"access_type": "TRUSTED"}, owner="Alice@Example.com"))
    ] == ["same"]
    assert [s.op for s in engine.up(_program(config={"access_type": "TRUSTED"}, owner=BOB))] == [
        "replace"
    ]
    assert _who(control) == [
        ("spaces.create", BOB),  # create before delete
        ("spaces.endActiveConference", ALICE),  # the old room is retired by its owner
        ("spaces.patch", ALICE),
    ]
    second = engine.resource("room")
    assert second.id != first.id
    assert (second.outputs["owner"], second.outputs["declared_owner"]) == (BOB, BOB)
    assert control.space(first.id, ALICE, SA_PROJECT)["config"]["accessType"] == "RESTRICTED"

    # Dropping owner= later is no change: calls keep acting as the recorded owner (bob).
    control.clear()
    assert [s.op for s in engine.up(_program(config={"access_type": "OPEN"}))] == ["update"]
    assert _who(control) == [("spaces.patch", BOB)]


def test_user_credentials_of_someone_else_fail_clearly_instead_of_replacing(
    control: Control, start_host: HostFactory
) -> None:
    env = {"MEET_EMULATOR_HOST": control.host_port}
    engine = Engine(start_host(env), config={"meet:user": ALICE})
    engine.up(_program())
    carol = control.call(
        "POST", "authorizedUsers", {"email": "carol@example.com", "scopes": [CREATED]}
    )
    engine.use_host(start_host(env), {"meet:credentials": json.dumps(carol)})
    control.clear()
    with pytest.raises(ProviderError) as failed:
        engine.up(_program(config={"access_type": "OPEN"}))
    assert "cannot act for owner alice@example.com" in failed.value.details
    assert control.calls() == []
    assert engine.resource("room").outputs["owner"] == ALICE


# ------------------------------------------------------------------ state hygiene
# The credential scan of state, outputs and host output in every auth mode is
# tests/security/test_secret_scan.py; here: how the provider itself is stored.


def test_the_provider_is_stored_in_plain_text_by_reference() -> None:
    """``serialize_as_secret_always = False``: one secret operation per resource is avoided."""
    captured = capture_program(_program(config={"access_type": "OPEN"}), {})
    provider = captured[0].inputs["__provider"]
    assert isinstance(provider, str), "a secret would arrive as a wrapped dict"
    assert not rpc.is_rpc_secret(provider)
    assert len(provider) < 200  # pickled by reference, not by value
