"""The acting-identity rule (`pulumi_meet.client.identity`), alone and through the client."""

from __future__ import annotations

import json

import pytest

from pulumi_meet import exceptions
from pulumi_meet.client.identity import acting_user, emulator_mints_tokens
from pulumi_meet.client.meet import get_client
from pulumi_meet.client.settings import Settings
from pulumi_meet.emulator import Emulator
from tests.client.conftest import CREATED, emulator_settings
from tests.control import Control

OWNER = "owner@example.com"
EMULATOR = {"meet:emulatorHost": "127.0.0.1:9"}
KEY = json.dumps({"type": "service_account"})  # parsed lazily: enough to count as credentials


def _settings(config: dict[str, str], environ: dict[str, str] | None = None) -> Settings:
    return Settings.from_config(config.get, environ or {})


@pytest.mark.parametrize(
    ("config", "environ", "owner", "expected"),
    [
        # 1. owner= wins over everything.
        ({**EMULATOR, "meet:impersonateUser": "a@x.com"}, {}, "Bob@X.com", ("bob@x.com", "owner")),
        # 2. meet:impersonateUser, else MEET_IMPERSONATE_USER: the same with or without an
        #    emulator, and before meet:user.
        (
            {**EMULATOR, "meet:impersonateUser": OWNER, "meet:user": "dev@x.com"},
            {"MEET_IMPERSONATE_USER": "env@x.com"},
            None,
            (OWNER, "meet:impersonateUser / MEET_IMPERSONATE_USER"),
        ),
        (
            EMULATOR,
            {"MEET_IMPERSONATE_USER": "Env@X.com"},
            None,
            ("env@x.com", "meet:impersonateUser / MEET_IMPERSONATE_USER"),
        ),
        (
            {"meet:impersonateUser": OWNER},
            {},
            None,
            (OWNER, "meet:impersonateUser / MEET_IMPERSONATE_USER"),
        ),
        (
            {**EMULATOR, "meet:credentials": KEY, "meet:impersonateUser": OWNER},
            {},
            None,
            (OWNER, "meet:impersonateUser / MEET_IMPERSONATE_USER"),
        ),
        # 3. Only when the emulator mints the tokens: meet:user, else developer@example.com.
        ({**EMULATOR, "meet:user": "Dev@X.com"}, {}, None, ("dev@x.com", "meet:user")),
        (
            EMULATOR,
            {"GOOGLE_APPLICATION_CREDENTIALS": "/nonexistent/key.json"},
            None,
            ("developer@example.com", "the emulator's default user (developer@example.com)"),
        ),
        # Otherwise the credentials decide (None): meet:user is for the emulator alone.
        ({"meet:user": "dev@x.com"}, {}, None, None),
        ({**EMULATOR, "meet:credentials": KEY, "meet:user": "dev@x.com"}, {}, None, None),
    ],
)
def test_the_rule(
    config: dict[str, str],
    environ: dict[str, str],
    owner: str | None,
    expected: tuple[str, str] | None,
) -> None:
    acting = acting_user(_settings(config, environ), owner)
    found = (acting.email, acting.source) if acting else None
    assert found == expected


def test_only_meet_credentials_stop_the_emulator_from_minting_tokens() -> None:
    machine_key = {"GOOGLE_APPLICATION_CREDENTIALS": "/nonexistent/key.json"}
    assert emulator_mints_tokens(_settings(EMULATOR, machine_key))
    assert not emulator_mints_tokens(_settings({**EMULATOR, "meet:credentials": KEY}))
    assert not emulator_mints_tokens(_settings({}))


def test_emulator_tokens_act_as_the_impersonated_user(emulator: Emulator, control: Control) -> None:
    settings = emulator_settings(emulator, impersonateUser="Owner@Example.com", user="dev@x.com")
    client = get_client(settings)
    client.create_space({})
    assert client.identity == OWNER
    assert [(s["owner"], s["creatorApp"]) for s in control.spaces()] == [
        (OWNER, "emulator-project")
    ]
    assert [entry["principal"] for entry in control.calls()] == [OWNER]


def test_a_login_named_to_act_for_someone_else_is_refused_before_any_call(
    emulator: Emulator, control: Control
) -> None:
    info = json.dumps(control.authorized_user("alice@example.com", scopes=[CREATED]))
    mismatched = emulator_settings(emulator, credentials=info, impersonateUser=OWNER)
    with pytest.raises(exceptions.ConfigurationError) as caught:
        get_client(mismatched).create_space({})
    message = str(caught.value)
    assert f"act as alice@example.com; they cannot act for {OWNER}" in message
    assert "meet:impersonateUser / MEET_IMPERSONATE_USER" in message
    assert "unset it to act as alice@example.com" in message
    assert control.calls() == []

    same = emulator_settings(emulator, credentials=info, impersonateUser="Alice@Example.com")
    get_client(same).create_space({})
    assert [s["owner"] for s in control.spaces()] == ["alice@example.com"]
