"""End-to-end identity flows over real HTTP: google-auth's own credential classes against the
emulator, unmodified, then a Meet API call with the token they obtained."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any
from urllib.parse import quote

import google.auth.exceptions
import pytest
import requests
from google.api_core import exceptions as api_exceptions
from google.apps import meet_v2
from google.auth.transport.requests import AuthorizedSession
from google.oauth2 import credentials as user_credentials
from google.oauth2 import service_account

from pulumi_meet.emulator import Emulator
from pulumi_meet.emulator.identity import SCOPE_CLOUD_PLATFORM, SCOPE_CREATED, SCOPE_READONLY
from tests.control import Control

JWT_BEARER = "urn:ietf:params:oauth:grant-type:jwt-bearer"
TIMEOUT = 10


def control_call(emulator: Emulator, path: str, body: dict[str, Any], verb: str = "POST") -> Any:
    """A control API call to ``emulator`` (the test's or another one), its JSON answer."""
    control = Control(emulator)
    try:
        return control.call(verb, path, body)
    finally:
        control.close()


def authorized_user(info: dict[str, Any]) -> user_credentials.Credentials:
    """google-auth's loader always resets token_uri to Google's; point it back at the file's."""
    loaded = user_credentials.Credentials.from_authorized_user_info(info)
    assert loaded.token_uri == "https://oauth2.googleapis.com/token"
    return loaded.with_token_uri(info["token_uri"])


def create_space(session: requests.Session, emulator: Emulator) -> requests.Response:
    return session.post(f"{emulator.base_url}/v2/spaces", json={}, timeout=TIMEOUT)


def space_owner(emulator: Emulator, name: str) -> str:
    spaces = requests.get(f"{emulator.base_url}/emulator/v1/spaces", timeout=TIMEOUT).json()
    (space,) = [s for s in spaces["spaces"] if s["name"] == name]
    return str(space["owner"])


def test_key_with_subject_creates_a_space_owned_by_the_user(emulator: Emulator) -> None:
    key = control_call(emulator, "serviceAccounts", {"domainWideDelegationScopes": [SCOPE_CREATED]})
    creds = service_account.Credentials.from_service_account_info(
        key, scopes=[SCOPE_CREATED]
    ).with_subject("Lead@Example.com")
    with AuthorizedSession(creds) as session:
        response = create_space(session, emulator)
    assert response.status_code == 200, response.text
    assert space_owner(emulator, response.json()["name"]) == "lead@example.com"


def test_bare_service_account_is_refused_by_meet(emulator: Emulator) -> None:
    key = control_call(emulator, "serviceAccounts", {})
    for always_use_jwt_access in (False, True):
        creds = service_account.Credentials.from_service_account_info(
            key, scopes=[SCOPE_CREATED], always_use_jwt_access=always_use_jwt_access
        )
        with AuthorizedSession(creds) as session:
            response = create_space(session, emulator)
        assert response.status_code == 403, response.text
        assert response.json()["error"]["status"] == "PERMISSION_DENIED"
    # the self-signed JWT really was sent as the bearer credential (no token endpoint involved)
    assert creds.token.count(".") == 2
    assert not creds.token.startswith("ya29.")


def test_subject_with_an_undelegated_scope_cannot_get_a_token(emulator: Emulator) -> None:
    key = control_call(
        emulator, "serviceAccounts", {"domainWideDelegationScopes": [SCOPE_READONLY]}
    )
    creds = service_account.Credentials.from_service_account_info(
        key, scopes=[SCOPE_CREATED]
    ).with_subject("lead@example.com")
    with (
        AuthorizedSession(creds) as session,
        pytest.raises(google.auth.exceptions.RefreshError, match="unauthorized_client"),
    ):
        create_space(session, emulator)


def test_authorized_user_refreshes_and_calls_meet(emulator: Emulator) -> None:
    info = control_call(
        emulator, "authorizedUsers", {"email": "alice@example.com", "scopes": [SCOPE_CREATED]}
    )
    creds = authorized_user(info)
    with AuthorizedSession(creds) as session:
        response = create_space(session, emulator)
    assert response.status_code == 200, response.text
    assert space_owner(emulator, response.json()["name"]) == "alice@example.com"
    tokeninfo = requests.get(
        f"{emulator.base_url}/tokeninfo", params={"access_token": creds.token}, timeout=TIMEOUT
    ).json()
    assert tokeninfo["email"] == "alice@example.com"
    assert tokeninfo["scope"] == SCOPE_CREATED
    posted = requests.post(
        f"{emulator.base_url}/tokeninfo", data={"access_token": creds.token}, timeout=TIMEOUT
    )
    assert posted.json()["azp"] == info["client_id"]


def test_expired_token_is_refreshed_and_the_call_retried(emulator: Emulator) -> None:
    info = control_call(
        emulator, "authorizedUsers", {"email": "bob@example.com", "scopes": [SCOPE_CREATED]}
    )
    expired = control_call(emulator, "token", {"email": "bob@example.com", "expiresIn": 0})
    # google-auth believes the token is valid (no expiry known), sends it, gets 401, refreshes.
    creds = user_credentials.Credentials(
        token=expired["access_token"],
        refresh_token=info["refresh_token"],
        client_id=info["client_id"],
        client_secret=info["client_secret"],
        token_uri=info["token_uri"],
    )
    with AuthorizedSession(creds) as session:
        response = create_space(session, emulator)
    assert response.status_code == 200, response.text
    assert creds.token != expired["access_token"]
    stale = requests.post(
        f"{emulator.base_url}/v2/spaces",
        json={},
        headers={"Authorization": f"Bearer {expired['access_token']}"},
        timeout=TIMEOUT,
    )
    assert stale.status_code == 401
    assert stale.json()["error"]["details"][0]["reason"] == "ACCESS_TOKEN_EXPIRED"


def test_keyless_delegation_through_sign_jwt(emulator: Emulator) -> None:
    key = control_call(
        emulator,
        "serviceAccounts",
        {"project": "keyless-ci", "domainWideDelegationScopes": [SCOPE_CREATED]},
    )
    # The workload's own identity (ADC in CI), acting as itself with cloud-platform.
    own = service_account.Credentials.from_service_account_info(key, scopes=[SCOPE_CLOUD_PLATFORM])
    claims: dict[str, Any] = {
        "iss": key["client_email"],
        "sub": "lead@example.com",
        "scope": SCOPE_CREATED,
        "aud": f"{emulator.base_url}/token",
    }
    now = int(time.time())  # the emulator runs on the real clock
    claims |= {"iat": now, "exp": now + 3600}
    with AuthorizedSession(own) as session:
        signed = session.post(
            f"{emulator.base_url}/v1/projects/-/serviceAccounts/{key['client_email']}:signJwt",
            json={"payload": json.dumps(claims)},
            timeout=TIMEOUT,
        )
    assert signed.status_code == 200, signed.text
    grant = requests.post(
        f"{emulator.base_url}/token",
        data={"grant_type": JWT_BEARER, "assertion": signed.json()["signedJwt"]},
        timeout=TIMEOUT,
    )
    assert grant.status_code == 200, grant.text
    headers = {"Authorization": f"Bearer {grant.json()['access_token']}"}
    response = requests.post(
        f"{emulator.base_url}/v2/spaces", json={}, headers=headers, timeout=TIMEOUT
    )
    assert response.status_code == 200, response.text
    assert space_owner(emulator, response.json()["name"]) == "lead@example.com"


def test_meet_api_switch_answers_service_disabled(emulator: Emulator) -> None:
    control_call(emulator, "apps/switched-off", {"meetApiEnabled": False}, verb="PUT")
    token = control_call(emulator, "token", {"email": "a@example.com", "app": "switched-off"})
    headers = {"Authorization": f"Bearer {token['access_token']}"}
    response = requests.post(
        f"{emulator.base_url}/v2/spaces", json={}, headers=headers, timeout=TIMEOUT
    )
    assert response.status_code == 403
    assert response.json()["error"]["details"][0]["reason"] == "SERVICE_DISABLED"
    control_call(emulator, "apps/switched-off", {"meetApiEnabled": True}, verb="PUT")
    again = requests.post(
        f"{emulator.base_url}/v2/spaces", json={}, headers=headers, timeout=TIMEOUT
    )
    assert again.status_code == 200, again.text


def test_restart_with_the_same_database_keeps_credentials_valid(tmp_path: Path) -> None:
    db = tmp_path / "emulator.db"
    with Emulator(db=db).start() as first:
        key = control_call(
            first, "serviceAccounts", {"domainWideDelegationScopes": [SCOPE_CREATED]}
        )
        info = control_call(first, "authorizedUsers", {"email": "carol@example.com"})
        token = control_call(first, "token", {"email": "carol@example.com"})
    with Emulator(db=db).start() as second:
        # Saved JSON files must follow the new port; nothing else changes.
        key["token_uri"] = info["token_uri"] = f"{second.base_url}/token"
        delegated = service_account.Credentials.from_service_account_info(
            key, scopes=[SCOPE_CREATED]
        ).with_subject("dave@example.com")
        user = authorized_user(info)
        for creds in (delegated, user):
            with AuthorizedSession(creds) as session:
                assert create_space(session, second).status_code == 200
        headers = {"Authorization": f"Bearer {token['access_token']}"}
        response = requests.post(
            f"{second.base_url}/v2/spaces", json={}, headers=headers, timeout=TIMEOUT
        )
        assert response.status_code == 200, response.text


def test_sign_jwt_errors_on_the_wire(emulator: Emulator) -> None:
    key = control_call(emulator, "serviceAccounts", {"project": "wire-proj"})
    stranger = control_call(emulator, "serviceAccounts", {"project": "other-proj"})
    own = service_account.Credentials.from_service_account_info(key, scopes=[SCOPE_CLOUD_PLATFORM])
    url = f"{emulator.base_url}/v1/projects/-/serviceAccounts/{{}}:signJwt"
    body = {"payload": json.dumps({"iss": key["client_email"]})}
    with AuthorizedSession(own) as session:
        # the e-mail percent-encoded, as IAM clients send it
        encoded = session.post(url.format(quote(key["client_email"])), json=body, timeout=TIMEOUT)
        denied = session.post(url.format(stranger["client_email"]), json=body, timeout=TIMEOUT)
        missing = session.post(
            url.format("ghost@wire-proj.iam.gserviceaccount.com"), json=body, timeout=TIMEOUT
        )
    assert encoded.status_code == 200, encoded.text
    assert denied.status_code == 403
    assert denied.json()["error"]["status"] == "PERMISSION_DENIED"
    assert missing.status_code == 404
    assert missing.json()["error"]["status"] == "NOT_FOUND"
    anonymous = requests.post(url.format(key["client_email"]), json=body, timeout=TIMEOUT)
    assert anonymous.status_code == 401


def test_googles_generated_client_with_a_service_account_key(emulator: Emulator) -> None:
    """The generated client turns on always_use_jwt_access: a bare account sends a self-signed
    JWT (refused by Meet); with a subject it goes through the token endpoint (accepted)."""
    key = control_call(emulator, "serviceAccounts", {"domainWideDelegationScopes": [SCOPE_CREATED]})
    bare = service_account.Credentials.from_service_account_info(key, scopes=[SCOPE_CREATED])
    options = {"api_endpoint": emulator.base_url}
    client = meet_v2.SpacesServiceClient(credentials=bare, transport="rest", client_options=options)
    with pytest.raises(api_exceptions.Forbidden):
        client.create_space(request={})
    delegated = bare.with_subject("erin@example.com")
    client = meet_v2.SpacesServiceClient(
        credentials=delegated, transport="rest", client_options=options
    )
    space = client.create_space(request={})
    assert space_owner(emulator, space.name) == "erin@example.com"
