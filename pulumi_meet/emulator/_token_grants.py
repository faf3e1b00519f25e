"""``POST /token``: the OAuth2 token endpoint, answering like ``oauth2.googleapis.com/token``.

Two grants, exactly as google-auth sends them:

* JWT bearer (``urn:ietf:params:oauth:grant-type:jwt-bearer``, ``assertion=<RS256 JWT>``) from
  ``service_account.Credentials`` — with ``sub`` it is domain-wide delegation to that user,
  allowed only for scopes the account was granted; without, a token for the account itself;
* refresh token (``client_id``, ``client_secret``, ``refresh_token``, optional ``scope``) from
  ``google.oauth2.credentials.Credentials`` (authorized_user JSON).

Errors are ``{"error": ..., "error_description": ...}`` with Google's codes and, where known,
Google's wording.
"""

from __future__ import annotations

import hmac
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import urlsplit

from pulumi_meet.emulator._access_tokens import TokenIssuer
from pulumi_meet.emulator._accounts import Accounts, ServiceAccount, digest
from pulumi_meet.emulator._jwt import JwtError, parse_jwt

__all__ = ["GOOGLE_TOKEN_URIS", "JWT_BEARER", "TokenEndpoint"]

JWT_BEARER = "urn:ietf:params:oauth:grant-type:jwt-bearer"
REFRESH_TOKEN = "refresh_token"
# google-auth always puts Google's own token URL in ``aud``, whatever token_uri it posts to, and
# Google accepts its historic URLs too; the emulator's own /token is accepted as well.
GOOGLE_TOKEN_URIS = frozenset(
    {
        "https://oauth2.googleapis.com/token",
        "https://accounts.google.com/o/oauth2/token",
        "https://www.googleapis.com/oauth2/v4/token",
    }
)
_MAX_ASSERTION_LIFETIME = 3600  # Google: "a short-lived token (60 minutes)"
_CLOCK_SKEW = 60  # seconds of disagreement between clocks forgiven on iat and exp

_BAD_SIGNATURE = "Invalid JWT Signature."
_BAD_TIMES = (
    "Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe. "
    "Check your iat and exp values in the JWT claim."
)
_NOT_DELEGATED = (
    "Client is unauthorized to retrieve access tokens using this method, or client not "
    "authorized for any of the scopes requested."
)


def _same_endpoint(url: str, token_url: str) -> bool:
    """Whether ``url`` names the emulator's token endpoint under any host name.

    [rule] The emulator is reachable as 127.0.0.1, localhost or another name of the machine, so
    the host is not compared: the path must be ``/token`` on the emulator's port.
    """
    try:
        given, own = urlsplit(url), urlsplit(token_url)
        return given.path.rstrip("/") == own.path.rstrip("/") and given.port == own.port
    except ValueError:  # a malformed port
        return False


class GrantError(Exception):
    """A refused grant: HTTP status, OAuth2 error code and Google's description."""

    def __init__(self, status: int, error: str, description: str) -> None:
        super().__init__(f"{error}: {description}")
        self.status = status
        self.error = error
        self.description = description

    def answer(self) -> tuple[int, dict[str, Any]]:
        return self.status, {"error": self.error, "error_description": self.description}


class TokenEndpoint:
    """Serves both grants against the identity tables, minting tokens with ``issuer``."""

    def __init__(
        self, accounts: Accounts, issuer: TokenIssuer, token_url: Callable[[], str]
    ) -> None:
        self._accounts = accounts
        self._issuer = issuer
        self._token_url = token_url

    def handle(self, form: Mapping[str, str]) -> tuple[int, dict[str, Any]]:
        """(status, JSON body) for one form-encoded token request."""
        grant_type = form.get("grant_type", "")
        try:
            if grant_type == JWT_BEARER:
                return 200, self._jwt_bearer(form)
            if grant_type == REFRESH_TOKEN:
                return 200, self._refresh(form)
            raise GrantError(400, "unsupported_grant_type", f"Invalid grant_type: {grant_type}")
        except GrantError as refusal:
            return refusal.answer()

    # -- JWT bearer -------------------------------------------------------------------------------

    def _jwt_bearer(self, form: Mapping[str, str]) -> dict[str, Any]:
        assertion = form.get("assertion", "")
        if not assertion:
            raise GrantError(400, "invalid_request", "Missing required parameter: assertion")
        try:
            jwt = parse_jwt(assertion)
        except JwtError:
            raise GrantError(400, "invalid_grant", _BAD_SIGNATURE) from None
        account = self._accounts.verified_signer(jwt)
        if account is None:
            raise GrantError(400, "invalid_grant", _BAD_SIGNATURE)
        self._check_audience(jwt.claims.get("aud"))
        self._check_times(jwt.claims.get("iat"), jwt.claims.get("exp"))
        if "target_audience" in jwt.claims:
            # [rule] ID tokens are out of the emulator's scope (the Meet API takes access tokens).
            raise GrantError(400, "invalid_request", "The emulator does not issue ID tokens.")
        scope = jwt.claims.get("scope")
        scopes = frozenset(scope.split()) if isinstance(scope, str) else frozenset()
        if not scopes:
            raise GrantError(
                400, "invalid_scope", "Invalid OAuth scope or ID token audience provided."
            )
        return self._grant_for(account, jwt.claims.get("sub"), scopes)

    def _check_audience(self, audience: Any) -> None:
        if audience in GOOGLE_TOKEN_URIS or (
            isinstance(audience, str) and _same_endpoint(audience, self._token_url())
        ):
            return
        # [rule] Google's exact wording for a wrong audience is not documented.
        expected = self._token_url()
        description = f"Invalid JWT: Failed audience check. The expected audience is {expected}."
        raise GrantError(400, "invalid_grant", description)

    def _check_times(self, issued: Any, expires: Any) -> None:
        now = self._issuer.now()
        if (
            not isinstance(issued, int)
            or not isinstance(expires, int)
            or issued > now + _CLOCK_SKEW
            or expires < now - _CLOCK_SKEW
            or not 0 < expires - issued <= _MAX_ASSERTION_LIFETIME
        ):
            raise GrantError(400, "invalid_grant", _BAD_TIMES)

    def _grant_for(
        self, account: ServiceAccount, subject: Any, scopes: frozenset[str]
    ) -> dict[str, Any]:
        if subject is not None and not isinstance(subject, str):
            raise GrantError(400, "invalid_grant", "Invalid JWT: sub must be a string.")
        acting_as_itself = subject is None or subject.lower() == account.email
        if not acting_as_itself and not scopes <= account.dwd_scopes:
            # Google answers 401 for a client the Workspace admin has not authorised.
            raise GrantError(401, "unauthorized_client", _NOT_DELEGATED)
        return self._issuer.issue(
            email=account.email if acting_as_itself else str(subject).lower(),
            scopes=scopes,
            app=account.project,
            service_account=acting_as_itself,
            client_id=account.client_id,
        )

    # -- refresh token ----------------------------------------------------------------------------

    def _refresh(self, form: Mapping[str, str]) -> dict[str, Any]:
        client_id = form.get("client_id", "")
        if not client_id:
            raise GrantError(400, "invalid_request", "Could not determine client ID from request.")
        client = self._accounts.authorized_user(client_id)
        if client is None:
            raise GrantError(401, "invalid_client", "The OAuth client was not found.")
        secret_digest = digest(form.get("client_secret", ""))
        if not hmac.compare_digest(secret_digest, client.client_secret_sha256):
            raise GrantError(401, "invalid_client", "Unauthorized")
        refresh_token = form.get("refresh_token", "")
        if not refresh_token:
            raise GrantError(400, "invalid_request", "Missing required parameter: refresh_token")
        user = self._accounts.authorized_user(client_id, refresh_token)
        if user is None:
            raise GrantError(400, "invalid_grant", "Token has been expired or revoked.")
        requested = frozenset(form.get("scope", "").split()) or user.scopes
        not_granted = requested - user.scopes
        if not_granted:
            # [rule] a refresh may narrow the grant, never widen it; Google's text is unknown.
            missing = " ".join(sorted(not_granted))
            raise GrantError(400, "invalid_scope", f"Scopes not granted to this token: {missing}")
        answer = self._issuer.issue(
            email=user.email,
            scopes=requested,
            app=user.app,
            service_account=False,
            client_id=user.client_id,
        )
        answer["scope"] = " ".join(sorted(requested))
        return answer
