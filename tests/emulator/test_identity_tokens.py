"""Unit tests of Identity's access tokens: mint_token, authenticate, tokeninfo, persistence."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from pulumi_meet.emulator._jwt import b64url_decode, b64url_encode
from pulumi_meet.emulator.exceptions import InvalidArgument, Unauthenticated
from pulumi_meet.emulator.identity import (
    DEFAULT_APP,
    SCOPE_CREATED,
    SCOPE_READONLY,
    Identity,
    Principal,
)
from pulumi_meet.emulator.store import Store
from tests.clock import FakeClock

METHOD = "google.apps.meet.v2.SpacesService.GetSpace"
BASE = "http://127.0.0.1:9"


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(1_800_000_000.0)


@pytest.fixture
def identity(clock: FakeClock) -> Iterator[Identity]:
    store = Store()
    yield Identity(store, base_url=lambda: BASE, clock=clock)
    store.close()


def _bearer(answer: dict) -> str:
    return f"Bearer {answer['access_token']}"


def _reason(error: Unauthenticated) -> str:
    return error.details[0]["reason"]


def test_minted_token_authenticates_as_the_user(identity: Identity) -> None:
    answer = identity.mint_token({"email": "Alice@Example.com"})
    assert answer["token_type"] == "Bearer"
    assert answer["expires_in"] == 3600
    assert answer["access_token"].startswith("ya29.")
    principal = identity.authenticate(_bearer(answer), method=METHOD)
    assert principal == Principal(
        email="alice@example.com",
        scopes=frozenset({SCOPE_CREATED}),
        app=DEFAULT_APP,
        is_service_account=False,
    )


def test_minted_token_carries_scopes_app_and_service_account_flag(identity: Identity) -> None:
    answer = identity.mint_token(
        {
            "email": "bob@example.com",
            "scopes": ["meetings.space.readonly", SCOPE_CREATED],
            "app": "other-app",
        }
    )
    principal = identity.authenticate(_bearer(answer), method=METHOD)
    assert principal.scopes == {SCOPE_CREATED, SCOPE_READONLY}
    assert principal.app == "other-app"
    robot = identity.mint_token(
        {"email": "robot@p.iam.gserviceaccount.com", "serviceAccount": True}
    )
    assert identity.authenticate(_bearer(robot), method=METHOD).is_service_account


def test_two_tokens_for_the_same_user_differ(identity: Identity) -> None:
    first = identity.mint_token({"email": "a@example.com"})["access_token"]
    second = identity.mint_token({"email": "a@example.com"})["access_token"]
    assert first != second


def test_missing_header_is_credentials_missing(identity: Identity) -> None:
    for header in (None, "", "   "):
        with pytest.raises(Unauthenticated) as caught:
            identity.authenticate(header, method=METHOD)
        assert _reason(caught.value) == "CREDENTIALS_MISSING"
        assert caught.value.details[0]["metadata"]["method"] == METHOD
        assert caught.value.http_status == 401


@pytest.mark.parametrize(
    "header",
    [
        "Basic dXNlcjpwYXNz",
        "Bearer",
        "Bearer not-a-token",
        "Bearer ya29.garbage",
        "Bearer ya29.e30.AAAA",
        "Bearer a.b.c",
    ],
)
def test_malformed_or_unknown_token_is_type_unsupported(identity: Identity, header: str) -> None:
    with pytest.raises(Unauthenticated) as caught:
        identity.authenticate(header, method=METHOD)
    assert _reason(caught.value) == "ACCESS_TOKEN_TYPE_UNSUPPORTED"


def test_tampered_token_is_refused(identity: Identity) -> None:
    token = identity.mint_token({"email": "a@example.com"})["access_token"]
    payload, mac = token.removeprefix("ya29.").split(".")
    claims = b64url_decode(payload).replace(b"a@example.com", b"b@example.com")
    forged = f"ya29.{b64url_encode(claims)}.{mac}"
    with pytest.raises(Unauthenticated) as caught:
        identity.authenticate(f"Bearer {forged}", method=METHOD)
    assert _reason(caught.value) == "ACCESS_TOKEN_TYPE_UNSUPPORTED"


def test_token_from_another_database_is_refused(identity: Identity) -> None:
    other_store = Store()
    try:
        other = Identity(other_store, base_url=lambda: BASE)
        foreign = other.mint_token({"email": "a@example.com"})
    finally:
        other_store.close()
    with pytest.raises(Unauthenticated):
        identity.authenticate(_bearer(foreign), method=METHOD)


def test_token_expires_after_its_lifetime(identity: Identity, clock: FakeClock) -> None:
    answer = identity.mint_token({"email": "a@example.com", "expiresIn": 60})
    assert identity.authenticate(_bearer(answer), method=METHOD).email == "a@example.com"
    clock.now += 60
    with pytest.raises(Unauthenticated) as caught:
        identity.authenticate(_bearer(answer), method=METHOD)
    assert _reason(caught.value) == "ACCESS_TOKEN_EXPIRED"


@pytest.mark.parametrize("expires_in", [0, -30, "-5"])
def test_already_expired_tokens_can_be_minted(identity: Identity, expires_in: object) -> None:
    answer = identity.mint_token({"email": "a@example.com", "expiresIn": expires_in})
    with pytest.raises(Unauthenticated) as caught:
        identity.authenticate(_bearer(answer), method=METHOD)
    assert _reason(caught.value) == "ACCESS_TOKEN_EXPIRED"


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"email": "not-an-email"},
        {"email": 7},
        {"email": "a@example.com", "scopes": "meetings.space.created"},
        {"email": "a@example.com", "scopes": ["has space"]},
        {"email": "a@example.com", "app": "bad app"},
        {"email": "a@example.com", "expiresIn": 1.5},
        {"email": "a@example.com", "expiresIn": True},
        {"email": "a@example.com", "serviceAccount": "yes"},
        {"email": "a@example.com", "colour": "blue"},
    ],
)
def test_mint_token_rejects_bad_bodies(identity: Identity, body: dict) -> None:
    with pytest.raises(InvalidArgument):
        identity.mint_token(body)


def test_tokens_hold_no_secret_and_name_their_claims(identity: Identity) -> None:
    info = identity.create_authorized_user({"email": "a@example.com"})
    status, answer = identity.handle_token(
        {
            "grant_type": "refresh_token",
            "client_id": info["client_id"],
            "client_secret": info["client_secret"],
            "refresh_token": info["refresh_token"],
        }
    )
    assert status == 200
    payload = b64url_decode(answer["access_token"].removeprefix("ya29.").split(".")[0]).decode()
    assert info["client_secret"] not in payload
    assert info["refresh_token"] not in payload
    assert "a@example.com" in payload


def test_tokeninfo_describes_a_live_token(identity: Identity, clock: FakeClock) -> None:
    token = identity.mint_token({"email": "a@example.com", "scopes": [SCOPE_READONLY]})
    clock.now += 100
    status, info = identity.handle_tokeninfo({"access_token": token["access_token"]})
    assert status == 200
    assert info["email"] == "a@example.com"
    assert info["scope"] == SCOPE_READONLY
    assert info["expires_in"] == "3500"
    assert info["exp"] == str(int(clock.now) + 3500)
    assert info["azp"] == info["aud"]
    assert info["azp"].endswith(".apps.googleusercontent.com")
    assert info["sub"].isdigit()
    assert info["email_verified"] == "true"
    assert info["access_type"] == "online"


def test_tokeninfo_refuses_invalid_and_expired_tokens(identity: Identity) -> None:
    expired = identity.mint_token({"email": "a@example.com", "expiresIn": 0})["access_token"]
    for token in ("ya29.nope", expired):
        assert identity.handle_tokeninfo({"access_token": token}) == (
            400,
            {"error": "invalid_token", "error_description": "Invalid Value"},
        )
    status, answer = identity.handle_tokeninfo({})
    assert (status, answer["error"]) == (400, "invalid_request")


def test_tokens_survive_a_restart_with_the_same_database(tmp_path: Path) -> None:
    db = tmp_path / "emulator.db"
    first_store = Store(db)
    token = Identity(first_store, base_url=lambda: BASE).mint_token({"email": "a@example.com"})
    first_store.close()
    second_store = Store(db)
    try:
        principal = Identity(second_store, base_url=lambda: BASE).authenticate(
            _bearer(token), method=METHOD
        )
    finally:
        second_store.close()
    assert principal.email == "a@example.com"


def test_meet_api_switch(identity: Identity) -> None:
    assert identity.is_meet_api_enabled("some-app")
    assert identity.set_meet_api_enabled("some-app", False) == {
        "app": "some-app",
        "meetApiEnabled": False,
    }
    assert not identity.is_meet_api_enabled("some-app")
    assert identity.is_meet_api_enabled(DEFAULT_APP)
    identity.set_meet_api_enabled("some-app", True)
    assert identity.is_meet_api_enabled("some-app")
    identity.set_meet_api_enabled("some-app", False)
    identity.reset()
    assert identity.is_meet_api_enabled("some-app")
