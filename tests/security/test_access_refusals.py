"""The emulator refuses what Google refuses, with Google's status and message: missing,
malformed, expired and wrong-audience credentials, a service account acting as itself, another
app's token on ``meetings.space.created``, and non-owners on patch and endActiveConference."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest
import requests
from google.auth import crypt
from google.auth import jwt as google_jwt

from pulumi_meet import exceptions
from pulumi_meet.client.meet import get_client
from pulumi_meet.emulator import Emulator
from tests.client.conftest import emulator_settings
from tests.reliability.conftest import Control

OWNER = "lead@example.com"
OTHER = "mallory@example.com"
UNAUTHENTICATED = (
    "Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie "
    "or other valid authentication credential."
)
HIDDEN = "Permission denied on resource Space (or it might not exist)"
JWT_BEARER = "urn:ietf:params:oauth:grant-type:jwt-bearer"


def _call(emulator: Emulator, verb: str, path: str, headers: dict[str, str]) -> dict[str, Any]:
    response = requests.request(
        verb, f"{emulator.base_url}/v2/{path}", headers=headers, json={}, timeout=10
    )
    body: dict[str, Any] = response.json()["error"]
    assert body["code"] == response.status_code
    return body


def _reason(error: dict[str, Any]) -> str:
    return str(error["details"][0]["reason"])


def _signed(key: dict[str, Any], **claims: Any) -> str:
    now = int(time.time())
    payload = {"iss": key["client_email"], "iat": now, "exp": now + 600, **claims}
    signer = crypt.RSASigner.from_service_account_info(key)  # type: ignore[no-untyped-call]
    encoded: bytes = google_jwt.encode(signer, payload)  # type: ignore[no-untyped-call]
    return encoded.decode()


@pytest.mark.parametrize(
    ("header", "reason"),
    [
        ({}, "CREDENTIALS_MISSING"),
        ({"Authorization": ""}, "CREDENTIALS_MISSING"),
        ({"Authorization": "Bearer"}, "ACCESS_TOKEN_TYPE_UNSUPPORTED"),
        ({"Authorization": "Basic dXNlcjpwYXNz"}, "ACCESS_TOKEN_TYPE_UNSUPPORTED"),
        ({"Authorization": "Bearer not-a-token"}, "ACCESS_TOKEN_TYPE_UNSUPPORTED"),
        ({"Authorization": "Bearer ya29.forged.token"}, "ACCESS_TOKEN_TYPE_UNSUPPORTED"),
    ],
)
def test_missing_and_malformed_tokens_are_401(
    emulator: Emulator, header: dict[str, str], reason: str
) -> None:
    error = _call(emulator, "POST", "spaces", header)
    assert (error["code"], error["status"], _reason(error)) == (401, "UNAUTHENTICATED", reason)
    assert error["message"].startswith(UNAUTHENTICATED)


def test_a_tampered_token_is_refused(emulator: Emulator, control: Control) -> None:
    token = control.token(OWNER)
    tampered = token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")
    error = _call(emulator, "POST", "spaces", {"Authorization": f"Bearer {tampered}"})
    assert (error["code"], _reason(error)) == (401, "ACCESS_TOKEN_TYPE_UNSUPPORTED")


def test_an_expired_token_is_401_access_token_expired(emulator: Emulator, control: Control) -> None:
    token = control.token(OWNER, expiresIn=0)
    error = _call(emulator, "POST", "spaces", {"Authorization": f"Bearer {token}"})
    assert (error["code"], error["status"], _reason(error)) == (
        401,
        "UNAUTHENTICATED",
        "ACCESS_TOKEN_EXPIRED",
    )
    assert control.spaces() == []


def test_an_assertion_for_another_audience_is_refused_at_the_token_endpoint(
    emulator: Emulator, control: Control
) -> None:
    key = control.service_account()
    assertion = _signed(
        key,
        sub=OWNER,
        scope="https://www.googleapis.com/auth/meetings.space.created",
        aud="https://example.com/token",
    )
    response = requests.post(
        f"{emulator.base_url}/token",
        data={"grant_type": JWT_BEARER, "assertion": assertion},
        timeout=10,
    )
    assert response.status_code == 400
    body = response.json()
    assert body["error"] == "invalid_grant"
    assert body["error_description"].startswith("Invalid JWT: Failed audience check.")


@pytest.mark.parametrize(
    "audience", ["https://example.com/", "https://oauth2.googleapis.com/token", 42]
)
def test_a_self_signed_jwt_for_another_audience_is_401(
    emulator: Emulator, control: Control, audience: object
) -> None:
    key = control.service_account()
    bearer = _signed(key, sub=key["client_email"], aud=audience)
    error = _call(emulator, "POST", "spaces", {"Authorization": f"Bearer {bearer}"})
    assert (error["code"], _reason(error)) == (401, "ACCESS_TOKEN_TYPE_UNSUPPORTED")
    assert error["message"].startswith(UNAUTHENTICATED)
    # The same JWT for Meet's own audience authenticates (then a bare account is refused: 403).
    right = _signed(key, sub=key["client_email"], aud="https://meet.googleapis.com/")
    assert _call(emulator, "POST", "spaces", {"Authorization": f"Bearer {right}"})["code"] == 403


def test_a_service_account_acting_as_itself_is_403(emulator: Emulator, control: Control) -> None:
    key = control.service_account()
    own = requests.post(  # a JWT-bearer grant without `sub`: the account's own token
        f"{emulator.base_url}/token",
        data={
            "grant_type": JWT_BEARER,
            "assertion": _signed(
                key,
                aud=f"{emulator.base_url}/token",
                scope="https://www.googleapis.com/auth/meetings.space.created",
            ),
        },
        timeout=10,
    ).json()["access_token"]
    error = _call(emulator, "POST", "spaces", {"Authorization": f"Bearer {own}"})
    assert (error["code"], error["status"]) == (403, "PERMISSION_DENIED")
    assert error["message"] == "The caller does not have permission"
    assert control.spaces() == []


def test_the_client_refuses_a_service_account_without_a_subject_before_any_call(
    emulator: Emulator, control: Control
) -> None:
    key = control.service_account()
    client = get_client(emulator_settings(emulator, credentials=json.dumps(key)))
    with pytest.raises(exceptions.ConfigurationError) as caught:
        client.create_space({})
    assert "meet:impersonateUser" in str(caught.value) and "domain-wide" in str(caught.value)
    assert control.calls() == []


def test_another_apps_token_cannot_reach_the_space(emulator: Emulator, control: Control) -> None:
    mine = {"Authorization": f"Bearer {control.token(OWNER, app='rooms-app')}"}
    name = requests.post(
        f"{emulator.base_url}/v2/spaces", headers=mine, json={}, timeout=10
    ).json()["name"]
    theirs = {"Authorization": f"Bearer {control.token(OWNER, app='other-app')}"}
    for verb, path in (
        ("GET", name),
        ("PATCH", f"{name}?updateMask=config.accessType"),
        ("POST", f"{name}:endActiveConference"),
    ):
        error = _call(emulator, verb, path, theirs)
        assert (error["code"], error["status"], error["message"]) == (
            403,
            "PERMISSION_DENIED",
            HIDDEN,
        ), (verb, path)


def test_non_owners_may_not_patch_or_end_the_conference(
    emulator: Emulator, control: Control
) -> None:
    owner = get_client(emulator_settings(emulator, user=OWNER))
    name = owner.create_space({"config": {"accessType": "OPEN"}})["name"]
    control.call("POST", f"{name}:startConference", {"participants": [OTHER]})
    other = get_client(emulator_settings(emulator, user=OTHER))
    with pytest.raises(exceptions.PermissionDenied) as patched:
        other.patch_space(name, {"config": {"accessType": "RESTRICTED"}}, ["config.accessType"])
    with pytest.raises(exceptions.PermissionDenied) as ended:
        other.end_active_conference(name)
    for caught in (patched, ended):
        assert caught.value.http_status == 403 and caught.value.server_message == HIDDEN
        assert "only the owner" in str(caught.value)  # the client says what to do
    live = owner.get_space(name)
    assert live["config"]["accessType"] == "OPEN" and "activeConference" in live
