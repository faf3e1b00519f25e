# google-auth's classes are unannotated; the tests drive them directly.
# mypy: disallow-untyped-calls=False
"""Authentication modes against the emulator's real token, tokeninfo and signJwt endpoints."""

from __future__ import annotations

import json
import logging
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import google.auth.credentials
import pytest
from google.auth.transport.requests import AuthorizedSession
from google.oauth2 import service_account

from pulumi_meet import exceptions
from pulumi_meet.client import auth as _auth
from pulumi_meet.client.meet import get_client
from pulumi_meet.client.settings import Settings
from pulumi_meet.client.state import ClientState
from pulumi_meet.emulator import Emulator
from tests.client.conftest import CREATED, emulator_settings
from tests.control import Control

CLOUD_PLATFORM = "https://www.googleapis.com/auth/cloud-platform"


def owners(control: Control) -> list[str]:
    return sorted(space["owner"] for space in control.spaces())


def test_emulator_tokens_act_as_meet_user_or_the_owner(
    emulator: Emulator, control: Control
) -> None:
    settings = emulator_settings(emulator, user="Alice@Example.com")
    get_client(settings).create_space({})
    get_client(settings, "bob@example.com").create_space({})
    assert owners(control) == ["alice@example.com", "bob@example.com"]
    assert get_client(settings, "bob@example.com").identity == "bob@example.com"


def test_service_account_key_acts_for_the_impersonated_user(
    emulator: Emulator, control: Control
) -> None:
    key = control.service_account()
    settings = emulator_settings(
        emulator, credentials=json.dumps(key), impersonateUser="lead@example.com"
    )
    client = get_client(settings)
    assert client.identity == "lead@example.com"
    name = client.create_space({})["name"]
    assert client.get_space(name)["config"]  # only the owner sees the config
    get_client(settings, "team@example.com").create_space({})
    assert owners(control) == ["lead@example.com", "team@example.com"]
    assert {entry["principal"] for entry in control.calls()} == {
        "lead@example.com",
        "team@example.com",
    }


def test_a_service_account_without_a_user_fails_before_any_request(
    emulator: Emulator, control: Control
) -> None:
    key = control.service_account()
    client = get_client(emulator_settings(emulator, credentials=json.dumps(key)))
    with pytest.raises(exceptions.ConfigurationError) as caught:
        client.create_space({})
    message = str(caught.value)
    assert key["client_email"] in message
    assert "meet:impersonateUser" in message
    assert "accepts only user" in message
    assert control.calls() == []


def test_delegation_not_authorized_for_the_scope_is_a_credentials_error(
    emulator: Emulator, control: Control
) -> None:
    key = control.service_account(scopes=[])
    settings = emulator_settings(
        emulator, credentials=json.dumps(key), impersonateUser="lead@example.com"
    )
    with pytest.raises(exceptions.CredentialsError) as caught:
        get_client(settings).create_space({})
    assert "unauthorized_client" in str(caught.value)
    assert "Domain-wide delegation" in str(caught.value)
    assert control.calls() == []


def test_authorized_user_acts_as_that_user_only(emulator: Emulator, control: Control) -> None:
    info = control.authorized_user("Alice@example.com", scopes=[CREATED])
    settings = emulator_settings(emulator, credentials=json.dumps(info))
    assert get_client(settings).identity == "alice@example.com"
    get_client(settings).create_space({})
    get_client(settings, "alice@example.com").create_space({})
    with pytest.raises(exceptions.ConfigurationError) as caught:
        get_client(settings, "bob@example.com").create_space({})
    message = str(caught.value)
    assert "act as alice@example.com" in message
    assert "cannot act for owner bob@example.com" in message
    assert "domain-wide delegation" in message
    assert owners(control) == ["alice@example.com", "alice@example.com"]
    assert len(control.calls()) == 2


class MintedServiceAccount(google.auth.credentials.Credentials):
    """Stands in for keyless ADC (GCE, workload identity): a service account's own tokens with
    no private key on this side; the emulator's control API mints them."""

    def __init__(self, control: Control, email: str) -> None:
        super().__init__()
        self._control = control
        self.service_account_email = email

    def refresh(self, request: Any) -> None:
        self.token = self._control.token(
            self.service_account_email, serviceAccount=True, scopes=[CLOUD_PLATFORM]
        )
        self.expiry = datetime.now(timezone.utc).replace(tzinfo=None) + timedelta(hours=1)


def test_keyless_delegation_signs_with_iam_sign_jwt(emulator: Emulator, control: Control) -> None:
    key = control.service_account()
    source = _auth.SharedCredentials(MintedServiceAccount(control, key["client_email"]), "sa")
    endpoints = _auth.Endpoints.for_emulator(emulator.base_url)
    keyless = _auth.KeylessDelegatedCredentials(source, "lead@example.com", (CREATED,), endpoints)
    session = AuthorizedSession(_auth.SharedCredentials(keyless, "lead@example.com"))
    response = session.post(f"{emulator.base_url}/v2/spaces", json={}, timeout=10)
    session.close()
    assert response.status_code == 200, response.text
    assert owners(control) == ["lead@example.com"]


def test_keyless_delegation_not_authorized_in_the_admin_console(
    emulator: Emulator, control: Control
) -> None:
    key = control.service_account(scopes=[])  # no domain-wide delegation granted
    source = _auth.SharedCredentials(MintedServiceAccount(control, key["client_email"]), "sa")
    endpoints = _auth.Endpoints.for_emulator(emulator.base_url)
    keyless = _auth.KeylessDelegatedCredentials(source, "lead@example.com", (CREATED,), endpoints)
    with pytest.raises(exceptions.CredentialsError) as caught:
        keyless.refresh(_auth._auth_request())
    assert "acting for lead@example.com" in str(caught.value)
    assert "Domain-wide delegation" in str(caught.value)


def test_keyless_delegation_refused_by_sign_jwt_names_the_missing_role(
    emulator: Emulator, control: Control
) -> None:
    key = control.service_account()
    weak = MintedServiceAccount(control, key["client_email"])
    weak_scopes = [CREATED]  # no cloud-platform: IAM refuses the call

    def refresh(request: Any) -> None:
        weak.token = control.token(key["client_email"], serviceAccount=True, scopes=weak_scopes)
        weak.expiry = datetime.now(timezone.utc).replace(tzinfo=None) + timedelta(hours=1)

    weak.refresh = refresh  # type: ignore[method-assign]
    source = _auth.SharedCredentials(weak, "sa")
    endpoints = _auth.Endpoints.for_emulator(emulator.base_url)
    keyless = _auth.KeylessDelegatedCredentials(source, "lead@example.com", (CREATED,), endpoints)
    with pytest.raises(exceptions.CredentialsError) as caught:
        keyless.refresh(_auth._auth_request())
    assert "signJwt" in str(caught.value)
    assert "roles/iam.serviceAccountTokenCreator" in str(caught.value)


def test_keyless_adc_is_chosen_for_a_service_account_without_a_key(
    emulator: Emulator, control: Control
) -> None:
    # ADC discovery depends on the machine (metadata server, gcloud files); replace only that.
    key = control.service_account()
    minted = MintedServiceAccount(control, key["client_email"])
    cache = _auth.CredentialCache(default_credentials=lambda: minted)
    settings = Settings(impersonate_user="lead@example.com")
    authorization = cache.authorization_for(settings, None)
    assert isinstance(authorization.credentials.inner, _auth.KeylessDelegatedCredentials)
    assert authorization.identity() == "lead@example.com"
    assert authorization.endpoints.iam == "https://iamcredentials.googleapis.com"
    with pytest.raises(exceptions.ConfigurationError, match="accepts only user"):
        cache.authorization_for(Settings(), None)


def test_google_application_credentials_file_is_read_lazily(
    tmp_path: Path, control: Control, client_state: ClientState
) -> None:
    key = control.service_account()
    path = tmp_path / "key.json"
    path.write_text(json.dumps(key))
    environ = {"GOOGLE_APPLICATION_CREDENTIALS": str(path), "MEET_IMPERSONATE_USER": "a@x.com"}
    settings = Settings.from_config(lambda _key: None, environ)
    authorization = client_state.credentials.authorization_for(settings, "lead@example.com")
    inner = authorization.credentials.inner
    assert isinstance(inner, service_account.Credentials)
    assert authorization.identity() == "lead@example.com"
    assert inner._subject == "lead@example.com"
    assert inner._token_uri == key["token_uri"]  # without an emulator setting: the file's own
    assert inner.token is None  # nothing was fetched
    missing = Settings(google_application_credentials=str(tmp_path / "nope.json"))
    with pytest.raises(exceptions.CredentialsError, match=r"nope\.json"):
        client_state.credentials.authorization_for(missing, None)


def test_a_rejected_token_is_refreshed_once_and_the_call_retried(
    emulator: Emulator, control: Control
) -> None:
    client = get_client(emulator_settings(emulator))
    name = client.create_space({})["name"]
    shared = client._transport.authorization().credentials
    # The server expires the token while the client still believes it valid (clock skew,
    # revocation): a token minted already expired, with a local expiry an hour away.
    shared.inner.token = control.token("developer@example.com", expiresIn=0)
    assert client.get_space(name)["name"] == name
    assert shared.refresh_count == 2
    statuses = [(e["apiMethod"], e["status"]) for e in control.calls()]
    assert statuses == [("spaces.create", 200), ("spaces.get", 401), ("spaces.get", 200)]


def test_a_token_near_expiry_is_refreshed_before_the_call(
    emulator: Emulator, control: Control
) -> None:
    client = get_client(emulator_settings(emulator))
    client.create_space({})
    shared = client._transport.authorization().credentials
    shared.inner.expiry = datetime.now(timezone.utc).replace(tzinfo=None)
    client.create_space({})
    assert shared.refresh_count == 2
    assert [e["status"] for e in control.calls()] == [200, 200]


def test_unauthenticated_after_one_refresh_is_an_error(
    emulator: Emulator, control: Control
) -> None:
    client = get_client(emulator_settings(emulator))
    control.faults({"method": "spaces.get", "status": 401, "times": 5})
    with pytest.raises(exceptions.Unauthenticated) as caught:
        client.get_space("spaces/abc")
    assert "refused even after a refresh" in str(caught.value)
    assert client._transport.authorization().credentials.refresh_count == 2
    assert control.methods() == ["spaces.get", "spaces.get"]


def test_missing_scope_and_disabled_api_are_explained(emulator: Emulator, control: Control) -> None:
    readonly = get_client(emulator_settings(emulator, scopes="meetings.space.readonly"))
    with pytest.raises(exceptions.ScopeInsufficient) as scope:
        readonly.create_space({})
    assert scope.value.scope == CREATED
    assert "`meetings.space.created` to meet:scopes" in str(scope.value)
    control.call("PUT", "apps/emulator-project", {"meetApiEnabled": False})
    with pytest.raises(exceptions.ServiceDisabled) as disabled:
        get_client(emulator_settings(emulator)).create_space({})
    assert disabled.value.activation_url.startswith("https://console.developers.google.com/")
    assert disabled.value.activation_url in str(disabled.value)


def test_no_secret_reaches_a_log_line(
    emulator: Emulator, control: Control, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    key = control.service_account()
    user = control.authorized_user("alice@example.com")
    delegated = get_client(
        emulator_settings(emulator, credentials=json.dumps(key), impersonateUser="a@example.com")
    )
    delegated.create_space({})
    login = get_client(emulator_settings(emulator, credentials=json.dumps(user)))
    login.create_space({})
    tokens = [
        client._transport.authorization().credentials.inner.token for client in (delegated, login)
    ]
    secrets = [*tokens, user["refresh_token"], user["client_secret"], key["private_key"][40:80]]
    text = "\n".join(record.getMessage() for record in caplog.records)
    assert "obtained an access token" in text
    for secret in secrets:
        assert secret and secret not in text


def test_a_tokeninfo_failure_is_a_transport_error_and_the_next_call_recovers(
    emulator: Emulator, control: Control
) -> None:
    info = control.authorized_user("alice@example.com")
    client = get_client(emulator_settings(emulator, credentials=json.dumps(info)))
    control.faults({"method": "oauth2.tokeninfo", "status": 503, "times": 1})
    with pytest.raises(exceptions.TransportError, match="could not learn which user"):
        client.create_space({})
    assert control.calls() == []
    client.create_space({})
    assert owners(control) == ["alice@example.com"]
