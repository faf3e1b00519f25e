"""Owner semantics with real credentials (domain-wide delegation, user logins), and the scan of
everything Pulumi would store or print for credential material."""

from __future__ import annotations

import base64
import json
from typing import Any

import pulumi
import pytest

import pulumi_meet as meet
from tests.engine import CapturedResource, Engine, ProviderError, capture_program
from tests.provider.conftest import SA_PROJECT, Control, HostFactory, dumps

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
    key = control.service_account_key([CREATED])
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
    carol = control.emulator_json(
        "POST", "authorizedUsers", {"email": "carol@example.com", "scopes": [CREATED]}
    )
    engine.use_host(start_host(env), {"meet:credentials": json.dumps(carol)})
    control.clear()
    with pytest.raises(ProviderError) as failed:
        engine.up(_program(config={"access_type": "OPEN"}))
    assert "cannot act for owner alice@example.com" in failed.value.details
    assert control.calls() == []
    assert engine.resource("room").outputs["owner"] == ALICE


# ------------------------------------------------------------------ secret scan


def _secrets(credentials: dict[str, Any]) -> list[str]:
    """The credential values that must never appear, plus token and key markers."""
    values = [
        str(credentials[k])
        for k in ("private_key_id", "client_secret", "refresh_token")
        if k in credentials
    ]
    key_lines = str(credentials.get("private_key", "")).splitlines()[1:-1]
    return [*values, *[line for line in key_lines if len(line) > 20], "PRIVATE KEY", "ya29."]


def _stored_text(engine: Engine, captured: list[CapturedResource]) -> str:
    """Everything Pulumi would store or show: state, exports, and the decoded ``__provider``."""
    parts = [dumps(engine.exports)]
    for state in engine.state.values():
        parts += [dumps(state.inputs), dumps(state.outputs)]
        parts.append(base64.b64decode(state.outputs["__provider"]).decode("latin-1"))
    parts += [dumps(resource.inputs) for resource in captured]
    return "\n".join(parts)


@pytest.mark.parametrize("mode", ["service_account", "authorized_user"])
def test_no_credential_material_in_state_outputs_or_host_output(
    mode: str, control: Control, start_host: HostFactory
) -> None:
    if mode == "service_account":
        credentials = control.service_account_key([CREATED])
        config = {"meet:credentials": json.dumps(credentials), "meet:impersonateUser": ALICE}
    else:
        credentials = control.emulator_json(
            "POST", "authorizedUsers", {"email": ALICE, "scopes": [CREATED]}
        )
        config = {"meet:credentials": json.dumps(credentials)}
    host = start_host({"MEET_EMULATOR_HOST": control.host_port})
    engine = Engine(host, config=config)
    program = _program(config={"access_type": "OPEN"})
    captured = capture_program(program, config)
    assert len(captured[0].inputs["__provider"]) < 200  # pickled by reference, not by value
    engine.up(program)
    engine.up(_program(config={"access_type": "TRUSTED"}))
    engine.refresh()
    engine.resource("room").id = "spaces/AAAAAAAAAAAA"  # make the host print an error too
    with pytest.raises(ProviderError) as failed:
        engine.refresh()
    assert engine.resource("room").outputs["owner"] == ALICE
    haystack = "\n".join(
        [_stored_text(engine, captured), host.stdout, host.stderr, failed.value.details]
    )
    secrets = _secrets(credentials)
    # The scan looks for real values: each one is in the credentials the host was given.
    assert len(secrets) >= 4 and all(v in json.dumps(credentials) for v in secrets[:-2])
    leaked = [secret for secret in secrets if secret in haystack]
    assert leaked == []
