"""The emulator's identity layer: who is calling, with which scopes, for which app.

It plays the parts of Google's OAuth2 token endpoint (``/token``: JWT-bearer and refresh-token
grants, exactly as google-auth sends them), ``/tokeninfo``, IAM Credentials' ``signJwt`` (keyless
domain-wide delegation), and the emulator's control calls that issue service-account keys,
authorized-user credentials and ready-made access tokens. ``Identity.authenticate`` turns a
request's ``Authorization`` header into a ``Principal`` for the rest of the emulator.

Decisions where Google documents nothing are marked ``[rule]`` and listed in
``docs/emulator-identity.md``.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import time
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import quote, urlsplit

from pulumi_meet.emulator import _control_bodies as bodies
from pulumi_meet.emulator._access_tokens import (
    TOKEN_PREFIX,
    AccessTokenCodec,
    InvalidAccessToken,
    TokenIssuer,
)
from pulumi_meet.emulator._accounts import Accounts, AuthorizedUser, ServiceAccount, digest
from pulumi_meet.emulator._jwt import JwtError, parse_jwt
from pulumi_meet.emulator._principal import (
    DEFAULT_APP,
    SCOPE_CLOUD_PLATFORM,
    SCOPE_CREATED,
    SCOPE_IAM,
    SCOPE_READONLY,
    SCOPE_SETTINGS,
    AuthRefusal,
    Principal,
)
from pulumi_meet.emulator._proofs import prove
from pulumi_meet.emulator._sign_jwt import SignJwt
from pulumi_meet.emulator._token_grants import TokenEndpoint
from pulumi_meet.emulator.exceptions import InvalidArgument, Unauthenticated
from pulumi_meet.emulator.store import Store

__all__ = [
    "DEFAULT_APP",
    "SCOPE_CLOUD_PLATFORM",
    "SCOPE_CREATED",
    "SCOPE_IAM",
    "SCOPE_READONLY",
    "SCOPE_SETTINGS",
    "Identity",
    "Principal",
]

# A self-signed JWT may live at most an hour (google-auth makes them exactly that long); a little
# clock skew is forgiven on its issue time, as Google does.
_MAX_JWT_LIFETIME = 3600
_SERVICE_AUDIENCES = frozenset(
    {"https://meet.googleapis.com", "https://iamcredentials.googleapis.com"}
)
_CLOCK_SKEW = 60
_SA_DOMAIN = re.compile(r"@([a-z][a-z0-9-]{4,28}[a-z0-9])\.iam\.gserviceaccount\.com$")


def _numeric_id(text: str) -> str:
    """A stable 21-digit id, the shape of Google's account and OAuth client ids."""
    return "1" + str(int(hashlib.sha256(text.encode()).hexdigest(), 16) % 10**20).zfill(20)


def _app_client_id(app: str) -> str:
    """The OAuth client id that control-API tokens of ``app`` name as ``azp`` [rule]."""
    return f"{_numeric_id('app:' + app)[:12]}-emulator.apps.googleusercontent.com"


class Identity:
    """Tokens, keys, authorized users, app switches; see the module docstring."""

    def __init__(
        self,
        store: Store,
        *,
        base_url: Callable[[], str],
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._base_url = base_url
        self._accounts = Accounts(store)
        self._tokens = TokenIssuer(AccessTokenCodec(self._accounts.token_secret()), clock)
        self._token_endpoint = TokenEndpoint(self._accounts, self._tokens, self._token_url)
        self._sign_jwt = SignJwt(self._accounts, self._tokens, self._principal)

    def _token_url(self) -> str:
        return self._base_url().rstrip("/") + "/token"

    # -- authenticating requests ----------------------------------------------------------------

    def authenticate(self, authorization: str | None, *, method: str) -> Principal:
        """The principal behind a raw ``Authorization`` header, or ``Unauthenticated``.

        Missing header → CREDENTIALS_MISSING; malformed, unknown or badly signed →
        ACCESS_TOKEN_TYPE_UNSUPPORTED; expired → ACCESS_TOKEN_EXPIRED.
        """
        try:
            return self._principal(authorization)
        except AuthRefusal as refusal:
            raise Unauthenticated(refusal.reason, method) from None

    def _principal(self, authorization: str | None) -> Principal:
        if not authorization or not authorization.strip():
            raise AuthRefusal("CREDENTIALS_MISSING")
        scheme, _, credential = authorization.strip().partition(" ")
        token = credential.strip()
        if scheme.lower() != "bearer" or not token:
            raise AuthRefusal("ACCESS_TOKEN_TYPE_UNSUPPORTED")
        if token.startswith(TOKEN_PREFIX):
            return self._access_token_principal(token)
        return self._self_signed_jwt_principal(token)

    def _access_token_principal(self, token: str) -> Principal:
        try:
            claims = self._tokens.check(token)
        except InvalidAccessToken:
            raise AuthRefusal("ACCESS_TOKEN_TYPE_UNSUPPORTED") from None
        if claims.expires_at <= self._tokens.now():
            raise AuthRefusal("ACCESS_TOKEN_EXPIRED")
        return Principal(claims.email, claims.scopes, claims.app, claims.service_account)

    def _self_signed_jwt_principal(self, token: str) -> Principal:
        """google-auth's ``always_use_jwt_access`` path: a JWT the service account signed itself."""
        try:
            jwt = parse_jwt(token)
        except JwtError:
            raise AuthRefusal("ACCESS_TOKEN_TYPE_UNSUPPORTED") from None
        account = self._accounts.verified_signer(jwt)
        claims = jwt.claims
        if account is None or claims.get("sub", account.email) != claims.get("iss"):
            raise AuthRefusal("ACCESS_TOKEN_TYPE_UNSUPPORTED")
        issued, expires, now = claims.get("iat"), claims.get("exp"), self._tokens.now()
        if not isinstance(issued, int) or not isinstance(expires, int):
            raise AuthRefusal("ACCESS_TOKEN_TYPE_UNSUPPORTED")
        if expires <= now:
            raise AuthRefusal("ACCESS_TOKEN_EXPIRED")
        if issued > now + _CLOCK_SKEW or expires - issued > _MAX_JWT_LIFETIME:
            raise AuthRefusal("ACCESS_TOKEN_TYPE_UNSUPPORTED")
        scope = claims.get("scope")
        if isinstance(scope, str) and scope.split():
            scopes = frozenset(scope.split())
        elif self._is_service_audience(claims.get("aud")):
            # [rule] an audience-based JWT (no scope claim) may do what cloud-platform allows.
            scopes = frozenset({SCOPE_CLOUD_PLATFORM})
        else:
            raise AuthRefusal("ACCESS_TOKEN_TYPE_UNSUPPORTED")
        return Principal(account.email, scopes, account.project, is_service_account=True)

    def _is_service_audience(self, audience: Any) -> bool:
        """Whether a self-signed JWT's ``aud`` names a service this emulator stands in for.

        Google accepts an audience-based JWT only for the API it names (``https://meet.
        googleapis.com/``); one minted for another audience is refused as an invalid credential.
        [rule] The emulator serves Meet and IAM Credentials, so it accepts either service's
        audience, or its own base URL under any host name (the port and an empty path decide).
        """
        if not isinstance(audience, str):
            return False
        if audience.rstrip("/") in _SERVICE_AUDIENCES:
            return True
        try:
            given, own = urlsplit(audience), urlsplit(self._base_url())
            return (
                given.scheme in ("http", "https")
                and given.path in ("", "/")
                and (given.port == own.port)
            )
        except ValueError:  # a malformed port
            return False

    # -- Google endpoints -----------------------------------------------------------------------

    def handle_token(self, form: Mapping[str, str]) -> tuple[int, dict[str, Any]]:
        """``POST /token``: the OAuth2 token endpoint (JWT-bearer and refresh-token grants)."""
        return self._token_endpoint.handle(form)

    def handle_tokeninfo(self, params: Mapping[str, str]) -> tuple[int, dict[str, Any]]:
        """``GET|POST /tokeninfo?access_token=…``, answered like ``oauth2.googleapis.com``."""
        token = params.get("access_token", "")
        if not token:
            description = "Either access_token, id_token, or token_handle required"
            return 400, {"error": "invalid_request", "error_description": description}
        now = self._tokens.now()
        try:
            claims = self._tokens.check(token)
        except InvalidAccessToken:
            claims = None
        if claims is None or claims.expires_at <= now:
            return 400, {"error": "invalid_token", "error_description": "Invalid Value"}
        subject = claims.client_id if claims.service_account else _numeric_id(claims.email)
        return 200, {
            "azp": claims.client_id,
            "aud": claims.client_id,
            "sub": subject,
            "scope": " ".join(sorted(claims.scopes)),
            "exp": str(claims.expires_at),
            "expires_in": str(claims.expires_at - now),
            "email": claims.email,
            "email_verified": "true",
            "access_type": "online",
        }

    def handle_sign_jwt(
        self, authorization: str | None, service_account: str, body: Mapping[str, Any]
    ) -> tuple[int, dict[str, Any]]:
        """``POST /v1/projects/-/serviceAccounts/{service_account}:signJwt`` (IAM Credentials).

        Errors are raised as ``exceptions.ApiError`` subclasses (google.rpc.Status envelopes).
        """
        return 200, self._sign_jwt.handle(authorization, service_account, body)

    # -- control API ----------------------------------------------------------------------------

    def mint_token(self, body: Mapping[str, Any]) -> dict[str, Any]:
        """``POST /emulator/v1/token``: an access token without the OAuth dance."""
        bodies.reject_unknown_fields(
            body, {"email", "scopes", "app", "expiresIn", "serviceAccount"}
        )
        email = bodies.email(body, "email")
        service_account = bodies.boolean(body, "serviceAccount", default=False)
        account = self._accounts.service_account(email) if service_account else None
        app = bodies.app(body, "app", account.project if account else DEFAULT_APP)
        client_id = _app_client_id(app)
        if service_account:
            client_id = account.client_id if account else _numeric_id("sa:" + email)
        return self._tokens.issue(
            email=email,
            scopes=bodies.scopes(body, "scopes", [SCOPE_CREATED]),
            app=app,
            service_account=service_account,
            client_id=client_id,
            lifetime=bodies.integer(body, "expiresIn", default=3600, limit=10 * 365 * 86400),
        )

    def prove_credentials(self, body: Mapping[str, Any]) -> dict[str, Any]:
        """``POST /emulator/v1/credentials:prove``: show this emulator issued a key or a login
        (so a client may send it their secrets; see ``_proofs``)."""
        return prove(self._accounts, body)

    def create_service_account(self, body: Mapping[str, Any]) -> dict[str, Any]:
        """``POST /emulator/v1/serviceAccounts``: a new key JSON, shaped exactly like Google's.

        An e-mail that already exists gets one more key, and its delegation scopes are replaced
        by the ones given [rule].
        """
        bodies.reject_unknown_fields(body, {"email", "project", "domainWideDelegationScopes"})
        account = self._account_from_body(body)
        self._accounts.save_service_account(account)
        key = self._accounts.add_key(account.email, kind="user")
        return {
            "type": "service_account",
            "project_id": account.project,
            "private_key_id": key.key_id,
            "private_key": key.private_key_pem,
            "client_email": account.email,
            "client_id": account.client_id,
            "auth_uri": "https://accounts.google.com/o/oauth2/auth",
            "token_uri": self._token_url(),
            "auth_provider_x509_cert_url": "https://www.googleapis.com/oauth2/v1/certs",
            "client_x509_cert_url": (
                "https://www.googleapis.com/robot/v1/metadata/x509/" + quote(account.email, safe="")
            ),
            "universe_domain": "googleapis.com",
        }

    def _account_from_body(self, body: Mapping[str, Any]) -> ServiceAccount:
        project = bodies.project(body, "project")
        if "email" in body:
            email = bodies.email(body, "email")
            match = _SA_DOMAIN.search(email)
            if project is None:
                project = match.group(1) if match else DEFAULT_APP
            elif match and match.group(1) != project:
                raise InvalidArgument.for_field(
                    "email", f"The service account {email} does not belong to project {project}."
                )
        else:
            project = project or DEFAULT_APP
            email = f"sa-{secrets.token_hex(4)}@{project}.iam.gserviceaccount.com"
        existing = self._accounts.service_account(email)
        if existing is not None and existing.project != project:
            raise InvalidArgument.for_field(
                "project", f"The service account {email} belongs to project {existing.project}."
            )
        return ServiceAccount(
            email=email,
            project=project,
            client_id=existing.client_id if existing else _numeric_id("sa:" + email),
            dwd_scopes=frozenset(bodies.scopes(body, "domainWideDelegationScopes", [])),
        )

    def create_authorized_user(self, body: Mapping[str, Any]) -> dict[str, Any]:
        """``POST /emulator/v1/authorizedUsers``: an ``authorized_user`` JSON with a new OAuth
        client of its own [rule] and a refresh token that grants ``scopes``."""
        allowed = {"email", "scopes", "app", "quotaProjectId"}
        bodies.reject_unknown_fields(body, allowed)
        email = bodies.email(body, "email")
        client_id = (
            f"{secrets.randbelow(10**12):012d}-{secrets.token_hex(16)}.apps.googleusercontent.com"
        )
        client_secret = "GOCSPX-" + secrets.token_urlsafe(21)
        refresh_token = "1//" + secrets.token_urlsafe(72)
        user = AuthorizedUser(
            client_id=client_id,
            client_secret_sha256=digest(client_secret),
            email=email,
            scopes=frozenset(bodies.scopes(body, "scopes", [SCOPE_CREATED])),
            app=bodies.app(body, "app", DEFAULT_APP),
        )
        self._accounts.save_authorized_user(user, refresh_token)
        info: dict[str, Any] = {
            "type": "authorized_user",
            "client_id": client_id,
            "client_secret": client_secret,
            "refresh_token": refresh_token,
            "token_uri": self._token_url(),
            "account": email,
            "universe_domain": "googleapis.com",
        }
        quota_project = bodies.project(body, "quotaProjectId")
        if quota_project is not None:
            info["quota_project_id"] = quota_project
        return info

    def set_meet_api_enabled(self, app: str, enabled: bool) -> dict[str, Any]:
        """``PUT /emulator/v1/apps/{app}``: the switch behind 403 SERVICE_DISABLED."""
        bodies.app({"app": app}, "app", DEFAULT_APP)
        self._accounts.set_meet_api_enabled(app, enabled)
        return {"app": app, "meetApiEnabled": enabled}

    def is_meet_api_enabled(self, app: str) -> bool:
        """Whether Meet calls of this app are served (every app starts enabled)."""
        return self._accounts.meet_api_enabled(app)

    def reset(self) -> None:
        """Forget service accounts, keys, authorized users and app switches.

        The token-signing secret is kept [rule], so access tokens minted for users stay valid.
        """
        self._accounts.reset()
