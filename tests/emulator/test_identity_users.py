"""Unit tests of authorized users (refresh-token grant) and IAM signJwt (keyless delegation)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from pulumi_meet.emulator._jwt import parse_jwt
from pulumi_meet.emulator.exceptions import (
    InvalidArgument,
    NotFound,
    PermissionDenied,
    Unauthenticated,
)
from pulumi_meet.emulator.identity import (
    SCOPE_CLOUD_PLATFORM,
    SCOPE_CREATED,
    SCOPE_READONLY,
    Identity,
)
from pulumi_meet.emulator.store import Store

METHOD = "google.apps.meet.v2.SpacesService.GetSpace"
BASE = "http://127.0.0.1:9"
JWT_BEARER = "urn:ietf:params:oauth:grant-type:jwt-bearer"
NOW = 1_800_000_000


@pytest.fixture
def identity() -> Iterator[Identity]:
    store = Store()
    yield Identity(store, base_url=lambda: BASE, clock=lambda: float(NOW))
    store.close()


@pytest.fixture
def user(identity: Identity) -> dict[str, Any]:
    return identity.create_authorized_user(
        {"email": "Lead@Example.com", "scopes": [SCOPE_CREATED, SCOPE_READONLY], "app": "rooms-app"}
    )


def refresh(user: dict[str, Any], **overrides: str) -> dict[str, str]:
    form = {
        "grant_type": "refresh_token",
        "client_id": user["client_id"],
        "client_secret": user["client_secret"],
        "refresh_token": user["refresh_token"],
    }
    form.update(overrides)
    return {name: value for name, value in form.items() if value is not None}


def test_authorized_user_json_is_shaped_like_gclouds(user: dict[str, Any]) -> None:
    assert set(user) == {
        "type",
        "client_id",
        "client_secret",
        "refresh_token",
        "token_uri",
        "account",
        "universe_domain",
    }
    assert user["type"] == "authorized_user"
    assert user["account"] == "lead@example.com"
    assert user["token_uri"] == f"{BASE}/token"
    assert user["client_id"].endswith(".apps.googleusercontent.com")
    assert user["client_secret"].startswith("GOCSPX-")
    assert user["refresh_token"].startswith("1//")


def test_quota_project_is_included_when_asked(identity: Identity) -> None:
    info = identity.create_authorized_user(
        {"email": "a@example.com", "scopes": [SCOPE_CREATED], "quotaProjectId": "billing-proj"}
    )
    assert info["quota_project_id"] == "billing-proj"


def test_refresh_gives_a_token_with_the_granted_scopes(identity: Identity, user: dict) -> None:
    status, answer = identity.handle_token(refresh(user))
    assert status == 200, answer
    assert answer["scope"] == f"{SCOPE_CREATED} {SCOPE_READONLY}"
    assert answer["expires_in"] == 3600
    assert answer["token_type"] == "Bearer"
    principal = identity.authenticate(f"Bearer {answer['access_token']}", method=METHOD)
    assert principal.email == "lead@example.com"
    assert principal.app == "rooms-app"
    assert principal.scopes == {SCOPE_CREATED, SCOPE_READONLY}
    assert not principal.is_service_account
    _, info = identity.handle_tokeninfo({"access_token": answer["access_token"]})
    assert info["azp"] == user["client_id"]


def test_refresh_may_narrow_but_not_widen_the_scopes(identity: Identity, user: dict) -> None:
    status, answer = identity.handle_token(refresh(user, scope=SCOPE_READONLY))
    assert (status, answer["scope"]) == (200, SCOPE_READONLY)
    status, answer = identity.handle_token(refresh(user, scope=SCOPE_CLOUD_PLATFORM))
    assert (status, answer["error"]) == (400, "invalid_scope")


@pytest.mark.parametrize(
    ("overrides", "status", "error", "description"),
    [
        (
            {"client_id": None},
            400,
            "invalid_request",
            "Could not determine client ID from request.",
        ),
        ({"client_id": "1-x.apps.googleusercontent.com"}, 401, "invalid_client", None),
        ({"client_secret": "GOCSPX-wrong"}, 401, "invalid_client", "Unauthorized"),
        ({"client_secret": None}, 401, "invalid_client", "Unauthorized"),
        ({"refresh_token": "1//wrong"}, 400, "invalid_grant", "Token has been expired or revoked."),
        ({"refresh_token": None}, 400, "invalid_request", None),
    ],
)
def test_refresh_errors_are_googles(
    identity: Identity,
    user: dict,
    overrides: dict,
    status: int,
    error: str,
    description: str | None,
) -> None:
    got_status, answer = identity.handle_token(refresh(user, **overrides))
    assert (got_status, answer["error"]) == (status, error)
    if description:
        assert answer["error_description"] == description


def test_refresh_token_of_another_client_is_refused(identity: Identity, user: dict) -> None:
    other = identity.create_authorized_user({"email": "b@example.com", "scopes": [SCOPE_CREATED]})
    form = refresh(user, refresh_token=other["refresh_token"])
    assert identity.handle_token(form)[1]["error"] == "invalid_grant"


def test_reset_revokes_refresh_tokens(identity: Identity, user: dict) -> None:
    identity.reset()
    assert identity.handle_token(refresh(user))[0] == 401


def test_authorized_user_defaults_and_bad_bodies(identity: Identity) -> None:
    info = identity.create_authorized_user({"email": "a@example.com"})
    answer = identity.handle_token(refresh(info))[1]
    assert answer["scope"] == SCOPE_CREATED
    for body in ({}, {"email": "a@example.com", "scopes": [1]}, {"email": "a@b.c", "x": 1}):
        with pytest.raises(InvalidArgument):
            identity.create_authorized_user(body)


# -- signJwt ------------------------------------------------------------------------------------


@pytest.fixture
def robot(identity: Identity) -> dict[str, Any]:
    """The workload's own service account: delegation granted, no key file used by the caller."""
    return identity.create_service_account(
        {"project": "acme-meet", "domainWideDelegationScopes": [SCOPE_CREATED]}
    )


def robot_token(identity: Identity, robot: dict[str, Any], scopes: list[str]) -> str:
    answer = identity.mint_token(
        {"email": robot["client_email"], "serviceAccount": True, "scopes": scopes}
    )
    return f"Bearer {answer['access_token']}"


def delegation_claims(robot: dict[str, Any], subject: str = "lead@example.com") -> str:
    return json.dumps(
        {
            "iss": robot["client_email"],
            "sub": subject,
            "aud": f"{BASE}/token",
            "scope": SCOPE_CREATED,
            "iat": NOW,
            "exp": NOW + 3600,
        }
    )


def test_sign_jwt_then_exchange_is_keyless_delegation(identity: Identity, robot: dict) -> None:
    caller = robot_token(identity, robot, [SCOPE_CLOUD_PLATFORM])
    status, signed = identity.handle_sign_jwt(
        caller, robot["client_email"], {"payload": delegation_claims(robot)}
    )
    assert status == 200
    assert set(signed) == {"keyId", "signedJwt"}
    jwt = parse_jwt(signed["signedJwt"])
    assert jwt.header == {"alg": "RS256", "kid": signed["keyId"], "typ": "JWT"}
    assert signed["keyId"] != robot["private_key_id"]  # a Google-managed key, not the user key
    status, answer = identity.handle_token(
        {"grant_type": JWT_BEARER, "assertion": signed["signedJwt"]}
    )
    assert status == 200, answer
    principal = identity.authenticate(f"Bearer {answer['access_token']}", method=METHOD)
    assert (principal.email, principal.is_service_account) == ("lead@example.com", False)
    again = identity.handle_sign_jwt(
        caller, robot["client_id"], {"payload": delegation_claims(robot)}
    )
    assert again[1]["keyId"] == signed["keyId"]  # the unique id names the account too


def test_sign_jwt_for_another_account_of_the_same_project(identity: Identity, robot: dict) -> None:
    sibling = identity.create_service_account({"project": "acme-meet"})
    caller = robot_token(identity, robot, ["https://www.googleapis.com/auth/iam"])
    status, _ = identity.handle_sign_jwt(
        caller, sibling["client_email"], {"payload": delegation_claims(sibling)}
    )
    assert status == 200


def test_sign_jwt_across_projects_is_denied(identity: Identity, robot: dict) -> None:
    stranger = identity.create_service_account({"project": "other-proj"})
    caller = robot_token(identity, robot, [SCOPE_CLOUD_PLATFORM])
    with pytest.raises(PermissionDenied) as caught:
        identity.handle_sign_jwt(caller, stranger["client_email"], {"payload": "{}"})
    assert caught.value.message == (
        "Permission 'iam.serviceAccounts.signJwt' denied on resource (or it may not exist)."
    )
    assert caught.value.details[0]["reason"] == "IAM_PERMISSION_DENIED"


def test_users_may_not_sign(identity: Identity, robot: dict) -> None:
    user = identity.mint_token({"email": "a@example.com", "scopes": [SCOPE_CLOUD_PLATFORM]})
    with pytest.raises(PermissionDenied):
        identity.handle_sign_jwt(
            f"Bearer {user['access_token']}", robot["client_email"], {"payload": "{}"}
        )


def test_sign_jwt_needs_a_credential_and_scope(identity: Identity, robot: dict) -> None:
    with pytest.raises(Unauthenticated) as caught:
        identity.handle_sign_jwt(None, robot["client_email"], {"payload": "{}"})
    assert caught.value.details[0]["metadata"]["service"] == "iamcredentials.googleapis.com"
    assert caught.value.details[0]["reason"] == "CREDENTIALS_MISSING"
    caller = robot_token(identity, robot, [SCOPE_CREATED])
    with pytest.raises(PermissionDenied) as denied:
        identity.handle_sign_jwt(caller, robot["client_email"], {"payload": "{}"})
    assert denied.value.details[0]["reason"] == "ACCESS_TOKEN_SCOPE_INSUFFICIENT"


def test_sign_jwt_for_an_unknown_account(identity: Identity, robot: dict) -> None:
    caller = robot_token(identity, robot, [SCOPE_CLOUD_PLATFORM])
    with pytest.raises(NotFound) as caught:
        identity.handle_sign_jwt(
            caller, "ghost@acme-meet.iam.gserviceaccount.com", {"payload": "{}"}
        )
    assert caught.value.envelope()["error"]["status"] == "NOT_FOUND"


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"payload": "not json"},
        {"payload": "[1]"},
        {"payload": json.dumps({"exp": NOW - 10})},
        {"payload": json.dumps({"exp": NOW + 13 * 3600})},
        {"payload": "{}", "delegates": ["projects/-/serviceAccounts/x@y.z"]},
        {"payload": "{}", "extra": 1},
    ],
)
def test_sign_jwt_rejects_bad_bodies(identity: Identity, robot: dict, body: dict) -> None:
    caller = robot_token(identity, robot, [SCOPE_CLOUD_PLATFORM])
    with pytest.raises(InvalidArgument):
        identity.handle_sign_jwt(caller, robot["client_email"], body)
