"""Self-contained access tokens: ``ya29.<base64url JSON claims>.<base64url HMAC-SHA256>``.

The emulator keeps no table of issued tokens: everything a request needs (who, which scopes, which
app, until when) travels inside the token, and an HMAC with a secret kept in the database proves
the emulator issued it. A restart with the same database therefore keeps every token valid. The
claims are readable by whoever holds the token (like a JWT) but hold no secret: no key, no
refresh token, no client secret.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from pulumi_meet.emulator._jwt import JwtError, b64url_decode, b64url_encode

__all__ = [
    "DEFAULT_TOKEN_LIFETIME",
    "TOKEN_PREFIX",
    "AccessTokenClaims",
    "AccessTokenCodec",
    "InvalidAccessToken",
    "TokenIssuer",
]

TOKEN_PREFIX = "ya29."  # the prefix of Google's OAuth2 access tokens
DEFAULT_TOKEN_LIFETIME = 3600  # seconds, as Google's token endpoint grants
_SCOPE_PREFIX = "https://www.googleapis.com/auth/"


class InvalidAccessToken(ValueError):
    """Not a token this emulator issued (malformed, or the signature does not match)."""


@dataclass(frozen=True)
class AccessTokenClaims:
    """What an access token says about its bearer."""

    email: str
    scopes: frozenset[str]
    app: str
    service_account: bool
    client_id: str
    issued_at: int
    expires_at: int


def _short_scopes(scopes: Iterable[str]) -> list[str]:
    # Dropping the common prefix keeps tokens short; it is put back on decoding.
    return sorted(
        s.removeprefix(_SCOPE_PREFIX) if s.startswith(_SCOPE_PREFIX) else s for s in scopes
    )


def _full_scope(scope: str) -> str:
    return scope if "://" in scope else _SCOPE_PREFIX + scope


def _claims_from_json(data: dict[str, Any]) -> AccessTokenClaims:
    scopes = data["s"]
    fields = (data["e"], data["a"], data["c"])
    if not isinstance(scopes, list) or not all(isinstance(s, str) for s in [*scopes, *fields]):
        raise InvalidAccessToken("bad claim types")
    if not all(isinstance(data[k], int) for k in ("i", "x")) or not isinstance(data["sa"], bool):
        raise InvalidAccessToken("bad claim types")
    return AccessTokenClaims(
        email=data["e"],
        scopes=frozenset(_full_scope(s) for s in scopes),
        app=data["a"],
        service_account=data["sa"],
        client_id=data["c"],
        issued_at=data["i"],
        expires_at=data["x"],
    )


class AccessTokenCodec:
    """Encodes claims into signed tokens and checks tokens back into claims."""

    def __init__(self, secret: bytes) -> None:
        self._secret = secret

    def _mac(self, payload: str) -> str:
        digest = hmac.new(self._secret, (TOKEN_PREFIX + payload).encode(), hashlib.sha256)
        return b64url_encode(digest.digest())

    def encode(self, claims: AccessTokenClaims) -> str:
        """A new token for ``claims``; two tokens for the same claims differ (random nonce)."""
        data = {
            "e": claims.email,
            "s": _short_scopes(claims.scopes),
            "a": claims.app,
            "sa": claims.service_account,
            "c": claims.client_id,
            "i": claims.issued_at,
            "x": claims.expires_at,
            "n": secrets.token_urlsafe(6),
        }
        payload = b64url_encode(json.dumps(data, separators=(",", ":")).encode())
        return f"{TOKEN_PREFIX}{payload}.{self._mac(payload)}"

    def decode(self, token: str) -> AccessTokenClaims:
        """The claims of a token this codec signed; ``InvalidAccessToken`` otherwise.

        Expiry is not checked here: the caller decides between "expired" and "invalid".
        """
        if not token.startswith(TOKEN_PREFIX):
            raise InvalidAccessToken("not an access token")
        payload, _, mac = token[len(TOKEN_PREFIX) :].partition(".")
        if not payload or not hmac.compare_digest(mac.encode(), self._mac(payload).encode()):
            raise InvalidAccessToken("signature mismatch")
        try:
            data = json.loads(b64url_decode(payload))
            return _claims_from_json(data)
        except (JwtError, UnicodeDecodeError, json.JSONDecodeError, KeyError, TypeError) as error:
            raise InvalidAccessToken("malformed claims") from error


class TokenIssuer:
    """Mints and checks access tokens against the emulator's clock."""

    def __init__(self, codec: AccessTokenCodec, clock: Callable[[], float]) -> None:
        self._codec = codec
        self._clock = clock

    def now(self) -> int:
        """The emulator's current time in whole seconds."""
        return int(self._clock())

    def issue(
        self,
        *,
        email: str,
        scopes: Iterable[str],
        app: str,
        service_account: bool,
        client_id: str,
        lifetime: int = DEFAULT_TOKEN_LIFETIME,
    ) -> dict[str, Any]:
        """The token endpoint's answer for a new token: access_token, expires_in, token_type."""
        now = self.now()
        claims = AccessTokenClaims(
            email=email,
            scopes=frozenset(scopes),
            app=app,
            service_account=service_account,
            client_id=client_id,
            issued_at=now,
            expires_at=now + lifetime,
        )
        return {
            "access_token": self._codec.encode(claims),
            "expires_in": lifetime,
            "token_type": "Bearer",
        }

    def check(self, token: str) -> AccessTokenClaims:
        """The claims of a genuine token (expired or not); ``InvalidAccessToken`` otherwise."""
        return self._codec.decode(token)
