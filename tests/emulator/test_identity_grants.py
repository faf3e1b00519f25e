"""Unit tests of Identity's token endpoint (both grants), service-account keys and the
self-signed JWT path. Assertions are signed by google-auth's own signer and JWT encoder."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from typing import Any

import pytest
from google.auth import crypt
from google.auth import jwt as google_jwt

from pulumi_meet.emulator.exceptions import InvalidArgument, Unauthenticated
from pulumi_meet.emulator.identity import (
    SCOPE_CLOUD_PLATFORM,
    SCOPE_CREATED,
    SCOPE_READONLY,
    Identity,
)
from pulumi_meet.emulator.store import Store
from tests.clock import FakeClock

METHOD = "google.apps.meet.v2.SpacesService.CreateSpace"
BASE = "http://127.0.0.1:9"
JWT_BEARER = "urn:ietf:params:oauth:grant-type:jwt-bearer"
GOOGLE_TOKEN_URI = "https://oauth2.googleapis.com/token"
NOW = 1_800_000_000


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(float(NOW))


@pytest.fixture
def identity(clock: FakeClock) -> Iterator[Identity]:
    store = Store()
    yield Identity(store, base_url=lambda: BASE, clock=clock)
    store.close()


@pytest.fixture
def key(identity: Identity) -> dict[str, Any]:
    return identity.create_service_account(
        {"project": "acme-meet", "domainWideDelegationScopes": [SCOPE_CREATED, SCOPE_READONLY]}
    )


def assertion(key: dict[str, Any], **claims: Any) -> str:
    """A JWT-bearer assertion signed with the key, as service_account.Credentials makes it."""
    payload: dict[str, Any] = {
        "iat": NOW,
        "exp": NOW + 3600,
        "iss": key["client_email"],
        "aud": GOOGLE_TOKEN_URI,
        "scope": SCOPE_CREATED,
    }
    payload.update(claims)
    payload = {name: value for name, value in payload.items() if value is not None}
    signer = crypt.RSASigner.from_service_account_info(key)
    return google_jwt.encode(signer, payload).decode()


def exchange(identity: Identity, jwt: str) -> tuple[int, dict[str, Any]]:
    return identity.handle_token({"grant_type": JWT_BEARER, "assertion": jwt})


def test_key_json_is_shaped_like_googles(identity: Identity, key: dict[str, Any]) -> None:
    assert set(key) == {
        "type",
        "project_id",
        "private_key_id",
        "private_key",
        "client_email",
        "client_id",
        "auth_uri",
        "token_uri",
        "auth_provider_x509_cert_url",
        "client_x509_cert_url",
        "universe_domain",
    }
    assert key["type"] == "service_account"
    assert key["project_id"] == "acme-meet"
    assert key["client_email"].startswith("sa-")
    assert key["client_email"].endswith("@acme-meet.iam.gserviceaccount.com")
    assert key["private_key"].startswith("-----BEGIN PRIVATE KEY-----\n")
    assert len(key["private_key_id"]) == 40
    assert key["client_id"].isdigit() and len(key["client_id"]) == 21
    assert key["token_uri"] == f"{BASE}/token"
    assert key["client_x509_cert_url"].endswith(key["client_email"].replace("@", "%40"))
    default = identity.create_service_account({})
    assert default["project_id"] == "emulator-project"
    assert default["client_email"].endswith("@emulator-project.iam.gserviceaccount.com")


def test_delegated_assertion_gives_a_user_token(identity: Identity, key: dict[str, Any]) -> None:
    jwt = assertion(key, sub="Lead@Example.com", scope=f"{SCOPE_CREATED} {SCOPE_READONLY}")
    status, answer = exchange(identity, jwt)
    assert status == 200, answer
    assert answer["token_type"] == "Bearer"
    assert answer["expires_in"] == 3600
    principal = identity.authenticate(f"Bearer {answer['access_token']}", method=METHOD)
    assert principal.email == "lead@example.com"
    assert principal.scopes == {SCOPE_CREATED, SCOPE_READONLY}
    assert principal.app == "acme-meet"
    assert not principal.is_service_account


def test_assertion_without_subject_is_the_account_itself(
    identity: Identity, key: dict[str, Any]
) -> None:
    status, answer = exchange(identity, assertion(key, scope=SCOPE_CLOUD_PLATFORM))
    assert status == 200, answer
    principal = identity.authenticate(f"Bearer {answer['access_token']}", method=METHOD)
    assert principal.email == key["client_email"]
    assert principal.is_service_account
    assert principal.scopes == {SCOPE_CLOUD_PLATFORM}


def test_subject_with_an_undelegated_scope_is_unauthorized_client(
    identity: Identity, key: dict[str, Any]
) -> None:
    jwt = assertion(key, sub="lead@example.com", scope=f"{SCOPE_CREATED} {SCOPE_CLOUD_PLATFORM}")
    assert exchange(identity, jwt) == (
        401,
        {
            "error": "unauthorized_client",
            "error_description": "Client is unauthorized to retrieve access tokens using this "
            "method, or client not authorized for any of the scopes requested.",
        },
    )


def test_assertion_signed_by_another_key_is_an_invalid_signature(
    identity: Identity, key: dict[str, Any]
) -> None:
    other = identity.create_service_account({"project": "acme-meet"})
    forged_by_other_key = dict(other, client_email=key["client_email"])
    unknown_kid = dict(other, private_key_id="0" * 40)
    no_kid = dict(other, private_key_id=None)
    for signing_key in (forged_by_other_key, unknown_kid):
        jwt = assertion(signing_key, iss=key["client_email"])
        assert exchange(identity, jwt) == (
            400,
            {"error": "invalid_grant", "error_description": "Invalid JWT Signature."},
        )
    jwt = assertion(no_kid, iss=key["client_email"])
    assert exchange(identity, jwt)[1]["error_description"] == "Invalid JWT Signature."
    # without a kid the issuer's own keys are all tried
    assert exchange(identity, assertion(dict(key, private_key_id=None)))[0] == 200


@pytest.mark.parametrize("garbage", ["", "abc", "a.b.c", "e30.e30.AAAA"])
def test_malformed_assertions_are_refused(identity: Identity, garbage: str) -> None:
    status, answer = exchange(identity, garbage)
    assert status == 400
    assert answer["error"] in {"invalid_grant", "invalid_request"}


@pytest.mark.parametrize(
    ("iat", "exp"),
    [
        (NOW - 7200, NOW - 3600),  # expired
        (NOW, NOW + 7200),  # longer than an hour
        (NOW + 600, NOW + 1200),  # issued in the future
        ("now", NOW + 60),  # not a number
    ],
)
def test_bad_assertion_times_are_refused(
    identity: Identity, key: dict[str, Any], iat: Any, exp: Any
) -> None:
    status, answer = exchange(identity, assertion(key, iat=iat, exp=exp))
    assert status == 400
    assert answer["error"] == "invalid_grant"
    assert answer["error_description"].startswith("Invalid JWT: Token must be a short-lived token")


def test_small_clock_skew_is_forgiven(identity: Identity, key: dict[str, Any]) -> None:
    assert exchange(identity, assertion(key, iat=NOW + 30, exp=NOW + 3630))[0] == 200


def test_audience_must_be_a_token_endpoint(identity: Identity, key: dict[str, Any]) -> None:
    assert exchange(identity, assertion(key, aud=f"{BASE}/token"))[0] == 200
    assert exchange(identity, assertion(key, aud="http://localhost:9/token"))[0] == 200
    for wrong in ("http://127.0.0.1:10/token", "http://127.0.0.1:9/other", "http://[x:9/token"):
        assert exchange(identity, assertion(key, aud=wrong))[0] == 400
    status, answer = exchange(identity, assertion(key, aud="https://meet.googleapis.com/"))
    assert (status, answer["error"]) == (400, "invalid_grant")
    assert "audience" in answer["error_description"]


def test_assertion_without_scope_is_invalid_scope(identity: Identity, key: dict[str, Any]) -> None:
    assert exchange(identity, assertion(key, scope="")) == (
        400,
        {
            "error": "invalid_scope",
            "error_description": "Invalid OAuth scope or ID token audience provided.",
        },
    )


def test_grant_type_and_assertion_are_required(identity: Identity) -> None:
    assert identity.handle_token({"grant_type": "password"}) == (
        400,
        {"error": "unsupported_grant_type", "error_description": "Invalid grant_type: password"},
    )
    assert identity.handle_token({})[1]["error"] == "unsupported_grant_type"
    assert identity.handle_token({"grant_type": JWT_BEARER})[1]["error"] == "invalid_request"


def test_second_key_for_an_account_replaces_delegation_scopes(
    identity: Identity, key: dict[str, Any]
) -> None:
    again = identity.create_service_account(
        {"email": key["client_email"], "domainWideDelegationScopes": ["meetings.space.readonly"]}
    )
    assert again["client_id"] == key["client_id"]
    assert again["project_id"] == "acme-meet"
    assert again["private_key_id"] != key["private_key_id"]
    for signing_key in (key, again):
        jwt = assertion(signing_key, sub="u@example.com", scope=SCOPE_READONLY)
        assert exchange(identity, jwt)[0] == 200
    assert exchange(identity, assertion(key, sub="u@example.com"))[0] == 401


@pytest.mark.parametrize(
    "body",
    [
        {"email": "robot@other-proj.iam.gserviceaccount.com", "project": "acme-meet"},
        {"project": "Bad_Project"},
        {"domainWideDelegationScopes": "meetings.space.created"},
        {"name": "robot"},
    ],
)
def test_create_service_account_rejects_bad_bodies(identity: Identity, body: dict) -> None:
    with pytest.raises(InvalidArgument):
        identity.create_service_account(body)


def test_account_email_fixes_its_project(identity: Identity) -> None:
    key = identity.create_service_account({"email": "Robot@Team-Rooms.iam.gserviceaccount.com"})
    assert key["client_email"] == "robot@team-rooms.iam.gserviceaccount.com"
    assert key["project_id"] == "team-rooms"
    with pytest.raises(InvalidArgument):
        identity.create_service_account({"email": key["client_email"], "project": "acme-meet"})


def test_reset_forgets_keys(identity: Identity, key: dict[str, Any]) -> None:
    jwt = assertion(key)
    identity.reset()
    assert exchange(identity, jwt)[1]["error_description"] == "Invalid JWT Signature."


# -- self-signed JWTs (google-auth's always_use_jwt_access) -------------------------------------


def self_signed(key: dict[str, Any], **claims: Any) -> str:
    payload: dict[str, Any] = {
        "iss": key["client_email"],
        "sub": key["client_email"],
        "iat": NOW,
        "exp": NOW + 3600,
    }
    payload.update(claims)
    signer = crypt.RSASigner.from_service_account_info(key)
    return "Bearer " + google_jwt.encode(signer, payload).decode()


def test_self_signed_jwt_with_scope_is_the_account_itself(
    identity: Identity, key: dict[str, Any]
) -> None:
    principal = identity.authenticate(self_signed(key, scope=SCOPE_CREATED), method=METHOD)
    assert principal.email == key["client_email"]
    assert principal.is_service_account
    assert principal.scopes == {SCOPE_CREATED}
    assert principal.app == "acme-meet"
    audience_based = self_signed(key, aud="https://meet.googleapis.com/")
    assert identity.authenticate(audience_based, method=METHOD).scopes == {SCOPE_CLOUD_PLATFORM}


def test_expired_self_signed_jwt(identity: Identity, key: dict[str, Any], clock: FakeClock) -> None:
    header = self_signed(key, scope=SCOPE_CREATED)
    clock.now = NOW + 3600
    with pytest.raises(Unauthenticated) as caught:
        identity.authenticate(header, method=METHOD)
    assert caught.value.details[0]["reason"] == "ACCESS_TOKEN_EXPIRED"


@pytest.mark.parametrize(
    "claims",
    [
        {"sub": "someone@example.com", "scope": SCOPE_CREATED},  # no delegation without /token
        {"exp": NOW + 7200, "scope": SCOPE_CREATED},  # too long-lived
        {},  # neither scope nor audience
    ],
)
def test_unacceptable_self_signed_jwts(
    identity: Identity, key: dict[str, Any], claims: dict
) -> None:
    with pytest.raises(Unauthenticated) as caught:
        identity.authenticate(self_signed(key, **claims), method=METHOD)
    assert caught.value.details[0]["reason"] == "ACCESS_TOKEN_TYPE_UNSUPPORTED"


def test_self_signed_jwt_from_an_unknown_key(identity: Identity, key: dict[str, Any]) -> None:
    header = self_signed(key, scope=SCOPE_CREATED)
    identity.reset()
    with pytest.raises(Unauthenticated):
        identity.authenticate(header, method=METHOD)


def test_jwt_payload_must_be_json_object(identity: Identity, key: dict[str, Any]) -> None:
    signer = crypt.RSASigner.from_service_account_info(key)
    header = google_jwt.encode(signer, {"iss": key["client_email"]}).decode().split(".")[0]
    body = json.dumps([1, 2]).encode()
    fake = f"{header}.{base64.urlsafe_b64encode(body).decode().rstrip('=')}.AAAA"
    with pytest.raises(Unauthenticated):
        identity.authenticate(f"Bearer {fake}", method=METHOD)
