# google-auth ships py.typed but most of its functions are unannotated.
# mypy: disallow-untyped-calls=False
"""Tokens from an emulator, without ever handing it a secret Google would honour.

An emulator is whatever ``MEET_EMULATOR_HOST`` names: a process anyone on the machine may have
started on that port, reached over plain HTTP. So with ``meet:credentials`` set, nothing Google
would accept leaves toward it — no refresh token, no client secret, no private key, no signed
assertion — unless the emulator first *proves* it issued those very credentials:

- a service-account key: the emulator signs a fresh random challenge with the key's private
  half, which it holds only if it generated the key (`prove_key`);
- an ``authorized_user`` JSON: it answers the challenge with an HMAC keyed by the SHA-256 of the
  refresh token, which it knows only if it issued the token (`prove_login`).

Proven credentials run the real OAuth flows against the emulator's token endpoint (so a
rehearsal exercises delegation itself); the assertion of a proven key is signed for the
emulator's own token endpoint, never Google's. Anything else — Google's own keys and logins,
keyless configurations — never reaches it: the rehearsal acts as the identity production acts
as (the acting user, or the login's own address) with a token the emulator's control API mints
for that address, which needs no secret at all.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
from collections.abc import Callable, Mapping
from datetime import timedelta
from typing import Any

import google.auth.credentials
import google.auth.transport
import google.oauth2.credentials
import google.oauth2.service_account
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from pulumi_meet.client._auth_http import (
    AUTH_TIMEOUT,
    raise_for_auth_status,
    response_json,
    utcnow,
)
from pulumi_meet.client._endpoints import Endpoints

__all__ = [
    "PROOF_CONTEXT",
    "EmulatorTokenCredentials",
    "RehearsalCredentials",
    "prove_key",
    "prove_login",
]

PROOF_CONTEXT = b"pulumi-meet emulator proof of issuance\n"
"""Prefixed to every challenge, so a proof can never double as a JWT or any other signature."""
_PROOF_PATH = "/emulator/v1/credentials:prove"


class EmulatorTokenCredentials(google.auth.credentials.Credentials):
    """Tokens minted by the emulator's control API for a user (no OAuth dance, no secret)."""

    def __init__(
        self, base: str, email: str, scopes: tuple[str, ...], app: str | None = None
    ) -> None:
        super().__init__()
        self._base = base
        self.email = email
        self._scopes = scopes
        self._app = app

    def refresh(self, request: google.auth.transport.Request) -> None:
        body: dict[str, Any] = {"email": self.email, "scopes": list(self._scopes)}
        if self._app:
            body["app"] = self._app
        response = request(
            url=f"{self._base}/emulator/v1/token",
            method="POST",
            body=json.dumps(body).encode(),
            headers={"Content-Type": "application/json"},
            timeout=AUTH_TIMEOUT,
        )
        raise_for_auth_status(
            response, f"minting an emulator token for {self.email}", "Is the emulator running?"
        )
        data = response_json(response)
        self.token = data["access_token"]
        self.expiry = utcnow() + timedelta(seconds=int(data.get("expires_in", 3600)))


def _challenge(
    request: google.auth.transport.Request, base: str, field: str, value: str
) -> tuple[bytes, dict[str, Any]]:
    """Send a fresh challenge about one public identifier; (challenge, answer or {})."""
    challenge = secrets.token_urlsafe(32)
    response = request(
        url=base + _PROOF_PATH,
        method="POST",
        body=json.dumps({field: value, "challenge": challenge}).encode(),
        headers={"Content-Type": "application/json"},
        timeout=AUTH_TIMEOUT,
    )
    answer = response_json(response) if response.status == 200 else {}
    return PROOF_CONTEXT + challenge.encode("ascii"), answer


def _b64url(text: Any) -> bytes:
    if not isinstance(text, str):
        return b""
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except ValueError:
        return b""


def prove_key(request: google.auth.transport.Request, base: str, info: Mapping[str, Any]) -> bool:
    """Whether the emulator at `base` holds this key's private half (it issued the key).

    Sent: the service account's e-mail (public) and a challenge.
    """
    email = info.get("client_email")
    try:
        private = serialization.load_pem_private_key(str(info["private_key"]).encode(), None)
    except (KeyError, ValueError, TypeError):
        return False
    if not isinstance(email, str) or not isinstance(private, rsa.RSAPrivateKey):
        return False
    message, answer = _challenge(request, base, "clientEmail", email)
    signatures = answer.get("signatures")
    for signature in signatures if isinstance(signatures, list) else []:
        try:
            private.public_key().verify(
                _b64url(signature), message, padding.PKCS1v15(), hashes.SHA256()
            )
        except InvalidSignature:
            continue
        return True
    return False


def prove_login(request: google.auth.transport.Request, base: str, info: Mapping[str, Any]) -> bool:
    """Whether the emulator at `base` issued this login's refresh token.

    Sent: the OAuth client id (public: it is in every consent URL) and a challenge.
    """
    client_id, refresh_token = info.get("client_id"), info.get("refresh_token")
    if not isinstance(client_id, str) or not isinstance(refresh_token, str):
        return False
    message, answer = _challenge(request, base, "clientId", client_id)
    key = hashlib.sha256(refresh_token.encode()).hexdigest().encode("ascii")
    expected = hmac.new(key, message, hashlib.sha256).digest()
    return hmac.compare_digest(_b64url(answer.get("proof")), expected)


def _issued_flow(
    info: Mapping[str, Any], endpoints: Endpoints, scopes: tuple[str, ...], subject: str | None
) -> google.auth.credentials.Credentials:
    """The real OAuth flow of proven credentials, aimed at the emulator's token endpoint."""
    token_uri = endpoints.token_uri
    if info.get("type") == "service_account":
        data = {**info, "token_uri": token_uri}
        key: google.auth.credentials.Credentials = (
            google.oauth2.service_account.Credentials.from_service_account_info(
                data, scopes=list(scopes), subject=subject, additional_claims={"aud": token_uri}
            )
        )
        return key  # signed for the emulator's /token, which Google's endpoint refuses
    login = google.oauth2.credentials.Credentials.from_authorized_user_info(dict(info))
    aimed: google.auth.credentials.Credentials = login.with_token_uri(token_uri)
    return aimed


class RehearsalCredentials(google.auth.credentials.Credentials):
    """Configured credentials standing in front of an emulator (see the module docstring).

    The first refresh decides, once, whether the emulator issued them; `email` (called only when
    they are not the emulator's) names whom the control API mints tokens for.
    """

    def __init__(
        self,
        info: Mapping[str, Any],
        endpoints: Endpoints,
        scopes: tuple[str, ...],
        *,
        subject: str | None,
        email: Callable[[], str],
        app: str | None,
    ) -> None:
        super().__init__()
        self._info = dict(info)
        self._endpoints = endpoints
        self._scopes = scopes
        self._subject = subject
        self._email = email
        self._app = app
        self.inner: google.auth.credentials.Credentials | None = None
        self.issued_by_emulator: bool | None = None

    def _decide(
        self, request: google.auth.transport.Request
    ) -> google.auth.credentials.Credentials:
        base = self._endpoints.emulator or ""
        kind = self._info.get("type")
        if kind == "service_account":
            issued = prove_key(request, base, self._info)
        elif kind == "authorized_user":
            issued = prove_login(request, base, self._info)
        else:
            issued = False  # the emulator issues only keys and logins
        self.issued_by_emulator = issued
        if issued:
            return _issued_flow(self._info, self._endpoints, self._scopes, self._subject)
        return EmulatorTokenCredentials(base, self._email(), self._scopes, self._app)

    def refresh(self, request: google.auth.transport.Request) -> None:
        if self.inner is None:
            self.inner = self._decide(request)
        self.inner.refresh(request)
        self.token = self.inner.token
        self.expiry = self.inner.expiry
