"""Nothing Google would honour ever leaves the process toward an emulator.

``MEET_EMULATOR_HOST`` names whatever listens on that port. A hostile listener (tests/listener.py)
claims every credential is its own and answers every call; for each kind of credentials Google
issues it must receive no refresh token, no client secret, no private key and no assertion Google
would exchange, while the rehearsal still acts as the identity production acts as. Credentials
the real emulator issued (it proves so) keep running the real OAuth flows against it.
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote, quote_plus

import google.oauth2.credentials
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from pulumi_meet import exceptions
from pulumi_meet.client import auth as _auth
from pulumi_meet.client._rehearsal import RehearsalCredentials
from pulumi_meet.client.meet import get_client
from pulumi_meet.client.settings import Settings
from pulumi_meet.client.state import ClientState
from pulumi_meet.emulator import Emulator
from tests.client.conftest import CREATED, emulator_settings
from tests.control import Control
from tests.listener import Listener, listening

LEAD = "lead@example.com"
GOOGLE_TOKEN_URIS = {
    "https://oauth2.googleapis.com/token",
    "https://accounts.google.com/o/oauth2/token",
    "https://www.googleapis.com/oauth2/v4/token",
}
_JWT = re.compile(rb"eyJ[A-Za-z0-9_-]+\.([A-Za-z0-9_-]+)\.[A-Za-z0-9_-]*")


def _pem() -> str:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()


def google_key(**fields: Any) -> dict[str, Any]:
    """A service-account key shaped exactly as Google issues one (a key Google never saw)."""
    return {
        "type": "service_account",
        "project_id": "rooms-prod",
        "private_key_id": "5f1c0ffee5f1c0ffee5f1c0ffee5f1c0ffee5f1c",
        "private_key": _pem(),
        "client_email": "rooms@rooms-prod.iam.gserviceaccount.com",
        "client_id": "103456789012345678901",
        "auth_uri": "https://accounts.google.com/o/oauth2/auth",
        "token_uri": "https://oauth2.googleapis.com/token",
        "universe_domain": "googleapis.com",
        **fields,
    }


def google_login(**fields: Any) -> dict[str, Any]:
    """An authorized_user JSON as ``gcloud auth application-default login`` writes it."""
    return {
        "type": "authorized_user",
        "client_id": "764086051850-6qr4p6gpi6hn506pt8ejuq83di341hur.apps.googleusercontent.com",
        "client_secret": "d-FL95Q19q7MQmFpd7hHD0Ty",
        "refresh_token": "1//0gRealLookingRefreshTokenCgYIARAAGBASNwF-L9Ir" + "x" * 40,
        "quota_project_id": "rooms-prod",
        "universe_domain": "googleapis.com",
        **fields,
    }


def impersonation(tmp_path: Path) -> dict[str, Any]:
    """Keyless: a login impersonating a service account (``gcloud ... --impersonate-...``)."""
    return {
        "type": "impersonated_service_account",
        "service_account_impersonation_url": (
            "https://iamcredentials.googleapis.com/v1/projects/-/serviceAccounts/"
            "rooms@rooms-prod.iam.gserviceaccount.com:generateAccessToken"
        ),
        "source_credentials": google_login(),
        "delegates": [],
    }


def federation(tmp_path: Path) -> dict[str, Any]:
    """Keyless: workload identity federation with service-account impersonation (CI)."""
    subject_token = tmp_path / "oidc-token"
    subject_token.write_text("eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJjaSJ9.c2lnbmF0dXJlLW9mLWNp")
    return {
        "type": "external_account",
        "audience": "//iam.googleapis.com/projects/1/locations/global/workloadIdentityPools/p/"
        "providers/gh",
        "subject_token_type": "urn:ietf:params:oauth:token-type:jwt",
        "token_url": "https://sts.googleapis.com/v1/token",
        "credential_source": {"file": str(subject_token)},
        "service_account_impersonation_url": (
            "https://iamcredentials.googleapis.com/v1/projects/-/serviceAccounts/"
            "rooms@rooms-prod.iam.gserviceaccount.com:generateAccessToken"
        ),
    }


def secret_values(info: dict[str, Any]) -> list[str]:
    """Every value of `info` (nested too) that Google would honour if replayed."""
    found: list[str] = []
    for key, value in info.items():
        if isinstance(value, dict):
            found += secret_values(value)
        elif key in ("refresh_token", "client_secret"):
            found.append(str(value))
        elif key == "private_key":
            found += [line for line in str(value).splitlines()[1:-1] if len(line) > 20]
    return found


def assert_nothing_google_honours(received: bytes, info: dict[str, Any]) -> None:
    text = received.decode("latin-1")
    for secret in secret_values(info):
        # As sent raw, in a JSON body, or form-encoded (a refresh token "1//…" is "1%2F%2F…").
        for form in {secret, quote(secret, safe=""), quote_plus(secret)}:
            assert form not in text
    assert "PRIVATE KEY" not in text
    assert "jwt-bearer" not in text and "assertion=" not in text
    assert "grant_type=refresh_token" not in text
    for match in _JWT.finditer(received):
        payload = match.group(1) + b"=" * (-len(match.group(1)) % 4)
        claims = json.loads(base64.urlsafe_b64decode(payload))
        assert claims.get("aud") not in GOOGLE_TOKEN_URIS


@pytest.fixture
def listener() -> Iterator[Listener]:
    with listening() as running:
        yield running


def _settings(listener: Listener, info: dict[str, Any], **config: str) -> Settings:
    values = {"meet:emulatorHost": listener.host_port, "meet:credentials": json.dumps(info)}
    values.update({f"meet:{key}": value for key, value in config.items()})
    return Settings.from_config(values.get, {})


@pytest.mark.parametrize(
    "make",
    [
        lambda tmp: google_key(),
        lambda tmp: google_key(token_uri="http://127.0.0.1:1/token"),  # a hand-edited file
        impersonation,
        federation,
    ],
    ids=["key", "key-token_uri-edited", "impersonated", "federated"],
)
def test_a_service_account_of_google_sends_nothing_and_acts_for_the_same_user(
    listener: Listener, tmp_path: Path, make: Any
) -> None:
    info = make(tmp_path)
    client = get_client(_settings(listener, info, impersonateUser=LEAD))
    assert client.get_space("spaces/listener")["name"] == "spaces/listener"
    assert client.identity == LEAD
    assert_nothing_google_honours(listener.received, info)
    minted = [line for line in listener.requests() if "/emulator/v1/token" in line]
    assert minted == ["POST /emulator/v1/token HTTP/1.1"]
    assert f'"email": "{LEAD}"'.encode() in listener.received


@pytest.mark.parametrize(
    "info",
    [
        google_login(account="alice@example.com"),
        google_login(account="alice@example.com", token_uri="http://127.0.0.1:1/token"),
    ],
    ids=["login", "login-token_uri-edited"],
)
def test_a_login_of_google_sends_nothing(listener: Listener, info: dict[str, Any]) -> None:
    client = get_client(_settings(listener, info))
    assert client.get_space("spaces/listener")["name"] == "spaces/listener"
    assert_nothing_google_honours(listener.received, info)
    assert b'"email": "alice@example.com"' in listener.received  # the login's own address


def test_a_login_naming_no_account_asks_google_who_it_is_never_the_emulator(
    listener: Listener, monkeypatch: pytest.MonkeyPatch, client_state: ClientState
) -> None:
    """The refresh token goes where production sends it (a second listener stands in for
    Google's token and tokeninfo endpoints); the emulator gets a token request by e-mail only."""
    info = google_login()
    with listening() as stand_in:
        base = f"http://{stand_in.host_port}"
        at_google = _auth.Endpoints(base, f"{base}/token", f"{base}/tokeninfo", base)
        state = ClientState(
            credentials=_auth.CredentialCache(google=at_google),
            ledger_path=client_state.ledgers.default_path,
        )
        token_uri = f"{base}/token"
        monkeypatch.setattr(google.oauth2.credentials, "_GOOGLE_OAUTH2_TOKEN_ENDPOINT", token_uri)
        client = state.client(_settings(listener, info))
        assert client.get_space("spaces/listener")["name"] == "spaces/listener"
        sent_to_google = stand_in.received.decode()
        assert quote(info["refresh_token"], safe="") in sent_to_google  # production's route
        state.close()
    assert_nothing_google_honours(listener.received, info)
    assert b'"email": "someone@example.com"' in listener.received  # whom Google named


# -- against the real emulator ---------------------------------------------------------------


def test_a_google_key_rehearses_as_the_impersonated_user_in_its_project(
    emulator: Emulator, control: Control
) -> None:
    key = google_key()
    settings = emulator_settings(emulator, credentials=json.dumps(key), impersonateUser=LEAD)
    client = get_client(settings)
    name = client.create_space({})["name"]
    assert client.get_space(name)["config"]  # the owner's view
    assert [(s["owner"], s["creatorApp"]) for s in control.spaces()] == [(LEAD, "rooms-prod")]
    credentials = client._transport.authorization().credentials.inner
    assert isinstance(credentials, RehearsalCredentials)
    assert credentials.issued_by_emulator is False


def test_a_login_of_google_rehearses_as_its_own_account_and_refuses_another(
    emulator: Emulator, control: Control
) -> None:
    settings = emulator_settings(emulator, credentials=json.dumps(google_login(account=LEAD)))
    assert get_client(settings).identity == LEAD
    get_client(settings).create_space({})
    assert [s["owner"] for s in control.spaces()] == [LEAD]
    with pytest.raises(exceptions.ConfigurationError, match=r"credentials act as lead@example"):
        get_client(settings, "bob@example.com").create_space({})


def test_credentials_the_emulator_issued_run_the_real_flows_with_its_own_audience(
    emulator: Emulator, control: Control
) -> None:
    key = control.service_account([CREATED])
    settings = emulator_settings(emulator, credentials=json.dumps(key), impersonateUser=LEAD)
    client = get_client(settings)
    client.create_space({})
    outer = client._transport.authorization().credentials.inner
    assert isinstance(outer, RehearsalCredentials)
    assert outer.issued_by_emulator is True
    assertion = outer.inner._make_authorization_grant_assertion()  # type: ignore[union-attr]
    payload = (assertion if isinstance(assertion, bytes) else assertion.encode()).split(b".")[1]
    claims = json.loads(base64.urlsafe_b64decode(payload + b"=" * (-len(payload) % 4)))
    assert claims["aud"] == f"{emulator.base_url}/token"
    assert claims["sub"] == LEAD
    # The JWT-bearer grant itself is rehearsed: delegation the emulator did not grant is refused.
    ungranted = control.service_account(scopes=[])
    refused = emulator_settings(emulator, credentials=json.dumps(ungranted), impersonateUser=LEAD)
    with pytest.raises(exceptions.CredentialsError, match="unauthorized_client"):
        get_client(refused).create_space({})

    login = control.authorized_user("alice@example.com", scopes=[CREATED])
    user = get_client(emulator_settings(emulator, credentials=json.dumps(login)))
    assert user.identity == "alice@example.com"
    assert user._transport.authorization().credentials.inner.issued_by_emulator is True


def test_credentials_of_another_emulator_are_not_sent_but_act_alike(
    emulator: Emulator, control: Control
) -> None:
    with Emulator(db=":memory:") as other:
        issuer = Control(other)
        key = issuer.service_account([CREATED])
        login = issuer.authorized_user("alice@example.com", scopes=[CREATED])
        issuer.close()
    delegated = get_client(
        emulator_settings(emulator, credentials=json.dumps(key), impersonateUser=LEAD)
    )
    delegated.create_space({})
    user = get_client(emulator_settings(emulator, credentials=json.dumps(login)))
    user.create_space({})
    assert sorted(s["owner"] for s in control.spaces()) == ["alice@example.com", LEAD]
    for client in (delegated, user):
        credentials = client._transport.authorization().credentials.inner
        assert credentials.issued_by_emulator is False  # so nothing secret was presented
