# google-auth ships py.typed but most of its functions are unannotated; calling them is the point
# of this module.
# mypy: disallow-untyped-calls=False
"""Credential resolution: which identity the Meet calls act as, and how its tokens are obtained.

Order: `meet:credentials` → ``GOOGLE_APPLICATION_CREDENTIALS`` → Application Default Credentials.
The Meet API accepts only users, so:

- user credentials (``authorized_user``, a gcloud login) act as that user, whose e-mail comes from
  the ``tokeninfo`` endpoint;
- a service-account key acts for a user through domain-wide delegation (``with_subject``);
- a service account without a key (workload identity federation, GCE, impersonation) acts for a
  user through *keyless* delegation: the assertion is signed by IAM Credentials ``signJwt`` with
  the account's own token, then exchanged at the token endpoint;
- against an emulator without `meet:credentials`, tokens come from its control API.

*Whom* the calls act as is decided by one rule, `pulumi_meet.client.identity.acting_user`, the
same for an emulator and for Google; this module only obtains tokens for that user.

Nothing here runs before the first API call. Every credential object is wrapped in a
`SharedCredentials` that serialises refreshes, so N threads sharing an identity fetch one token.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any
from urllib.parse import quote, urlencode

import google.auth
import google.auth.credentials
import google.auth.exceptions
import google.auth.transport
import google.oauth2.credentials
import google.oauth2.service_account
import requests
from google.auth.transport.requests import Request
from google.oauth2 import _client as oauth2_client

from pulumi_meet.client import embedded as _embedded
from pulumi_meet.client.identity import OWNER_SOURCE, ActingUser, acting_user, emulator_mints_tokens
from pulumi_meet.client.settings import (
    CLOUD_PLATFORM_SCOPE,
    EMBEDDED,
    GCLOUD_LOGIN,
    Settings,
)
from pulumi_meet.exceptions import (
    ConfigurationError,
    CredentialsError,
    TransportError,
    unreadable_file,
)

__all__ = [
    "CLOUD_PLATFORM_SCOPE",
    "Authorization",
    "Endpoints",
    "SharedCredentials",
    "application_default_credentials",
    "authorization_for",
    "load_credentials",
    "reset_authorizations",
    "resolve_endpoints",
]

_LOGGER = logging.getLogger("pulumi_meet")
_JWT_BEARER = "urn:ietf:params:oauth:grant-type:jwt-bearer"
_ASSERTION_LIFETIME_SECONDS = 3600
_AUTH_TIMEOUT = (10.0, 30.0)
_USER_TYPES = (google.oauth2.credentials.Credentials,)
_LOGIN_HELP = (
    f"Check meet:credentials / GOOGLE_APPLICATION_CREDENTIALS, or log in again with "
    f"`{GCLOUD_LOGIN}`."
)
_DWD_HELP = (
    "In the Google Admin console (Security → Access and data control → API controls → "
    "Domain-wide delegation) authorize the service account's client ID for the scopes {scopes}, "
    "and check that {user} is an active user of the Workspace domain."
)


@dataclass(frozen=True)
class Endpoints:
    """Where every call goes: Google's services, or one emulator for all of them."""

    api: str
    token_uri: str
    tokeninfo_uri: str
    iam: str
    emulator: str | None = None

    @classmethod
    def google(cls) -> Endpoints:
        return cls(
            api="https://meet.googleapis.com",
            token_uri="https://oauth2.googleapis.com/token",
            tokeninfo_uri="https://oauth2.googleapis.com/tokeninfo",
            iam="https://iamcredentials.googleapis.com",
        )

    @classmethod
    def for_emulator(cls, base: str) -> Endpoints:
        return cls(base, f"{base}/token", f"{base}/tokeninfo", base, emulator=base)


def resolve_endpoints(settings: Settings) -> Endpoints:
    """The endpoints for `settings`; starts the embedded emulator when configured (lazily)."""
    if settings.emulator_host is None:
        return Endpoints.google()
    if settings.emulator_host == EMBEDDED:
        return Endpoints.for_emulator(_embedded.embedded_base_url())
    return Endpoints.for_emulator(settings.emulator_host)


_thread_local = threading.local()


def _auth_request() -> Request:
    """A google-auth transport on this thread's own session (sessions are not thread-safe)."""
    request: Request | None = getattr(_thread_local, "request", None)
    if request is None:
        request = _thread_local.request = Request(requests.Session())
    return request


def _utcnow() -> datetime:
    # google-auth compares naive UTC datetimes.
    return datetime.now(timezone.utc).replace(tzinfo=None)


def _response_json(response: google.auth.transport.Response) -> dict[str, Any]:
    try:
        data = json.loads(response.data)
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def _raise_for_auth_status(response: google.auth.transport.Response, what: str, hint: str) -> None:
    if response.status == 200:
        return
    data = _response_json(response)
    error = data.get("error")
    detail = error.get("message", "") if isinstance(error, dict) else data.get("error_description")
    text = f"{what} failed with HTTP {response.status}: {detail or error or 'no details'}"
    if response.status in (429, 500, 502, 503, 504):
        raise google.auth.exceptions.RefreshError(text, retryable=True)
    raise CredentialsError(f"{text}. {hint}")


class EmulatorTokenCredentials(google.auth.credentials.Credentials):
    """Tokens minted by the emulator's control API for a user (no OAuth dance)."""

    def __init__(self, base: str, email: str, scopes: tuple[str, ...]) -> None:
        super().__init__()
        self._base = base
        self.email = email
        self._scopes = scopes

    def refresh(self, request: google.auth.transport.Request) -> None:
        response = request(
            url=f"{self._base}/emulator/v1/token",
            method="POST",
            body=json.dumps({"email": self.email, "scopes": list(self._scopes)}).encode(),
            headers={"Content-Type": "application/json"},
            timeout=_AUTH_TIMEOUT,
        )
        _raise_for_auth_status(
            response, f"minting an emulator token for {self.email}", "Is the emulator running?"
        )
        data = _response_json(response)
        self.token = data["access_token"]
        self.expiry = _utcnow() + timedelta(seconds=int(data.get("expires_in", 3600)))


class KeylessDelegatedCredentials(google.auth.credentials.Credentials):
    """Domain-wide delegation without a private key: IAM ``signJwt`` signs the assertion.

    `source` is the service account's own credentials (ADC with the cloud-platform scope); its
    token authorises the ``signJwt`` call, which needs roles/iam.serviceAccountTokenCreator.
    """

    def __init__(
        self,
        source: SharedCredentials,
        subject: str,
        scopes: tuple[str, ...],
        endpoints: Endpoints,
        clock: Callable[[], float] = time.time,
    ) -> None:
        super().__init__()
        self._source = source
        self.subject = subject
        self._scopes = scopes
        self._endpoints = endpoints
        self._clock = clock

    def _service_account_email(self, request: google.auth.transport.Request) -> tuple[str, str]:
        """The account's e-mail and token (GCE credentials learn the e-mail on refresh)."""
        token = self._source.token_for_request(request)
        email = getattr(self._source.inner, "service_account_email", None)
        if not email or email == "default":
            raise ConfigurationError(
                "the Application Default Credentials are not a service account (workload identity "
                "federation without service-account impersonation?), so they cannot act for a "
                "Workspace user; create the credential configuration with "
                "`gcloud iam workload-identity-pools create-cred-config --service-account=...`"
            )
        return str(email), token

    def _sign(self, request: google.auth.transport.Request) -> tuple[str, str]:
        email, token = self._service_account_email(request)
        now = int(self._clock())
        claims = {
            "iss": email,
            "sub": self.subject,
            "scope": " ".join(self._scopes),
            "aud": self._endpoints.token_uri,
            "iat": now,
            "exp": now + _ASSERTION_LIFETIME_SECONDS,
        }
        headers = {"Content-Type": "application/json"}
        self._source.inner.apply(headers, token=token)
        response = request(
            url=f"{self._endpoints.iam}/v1/projects/-/serviceAccounts/{quote(email)}:signJwt",
            method="POST",
            body=json.dumps({"payload": json.dumps(claims)}).encode(),
            headers=headers,
            timeout=_AUTH_TIMEOUT,
        )
        _raise_for_auth_status(
            response,
            f"IAM signJwt for {email}",
            f"Grant {email} the role Service Account Token Creator "
            "(roles/iam.serviceAccountTokenCreator) on itself, and enable the IAM Service "
            "Account Credentials API in its project.",
        )
        return email, str(_response_json(response).get("signedJwt", ""))

    def refresh(self, request: google.auth.transport.Request) -> None:
        email, assertion = self._sign(request)
        try:
            token, expiry, _ = oauth2_client.jwt_grant(
                request, self._endpoints.token_uri, assertion
            )
        except google.auth.exceptions.RefreshError as error:
            if error.retryable:
                raise
            help_text = _DWD_HELP.format(scopes=",".join(self._scopes), user=self.subject)
            raise CredentialsError(
                f"the token endpoint refused {email} acting for {self.subject}: {error.args[0]}. "
                f"{help_text}"
            ) from None
        self.token = token
        self.expiry = expiry


class SharedCredentials(google.auth.credentials.Credentials):
    """Wraps one identity's credentials for every thread: one refresh at a time, not N.

    ``before_request`` refreshes only when the token is missing or near its expiry; ``refresh``
    (called by AuthorizedSession after a 401) refreshes only if no other thread did so since this
    thread's request used its token.
    """

    def __init__(
        self, inner: google.auth.credentials.Credentials, label: str, help_text: str = ""
    ) -> None:
        super().__init__()
        self.inner = inner
        self.label = label
        self.help_text = help_text
        self.refresh_count = 0
        self._lock = threading.Lock()
        self._used = threading.local()
        self._lifetime = timedelta(0)

    def _fresh(self) -> bool:
        if not self.inner.token:
            return False
        if self.inner.expiry is None:
            return True
        # Refresh when a quarter of the lifetime (at most google-auth's 3 min 45 s) is left,
        # so short-lived tokens (emulator tests) are not refreshed on every call.
        margin = min(timedelta(minutes=3, seconds=45), self._lifetime / 4)
        return bool(_utcnow() < self.inner.expiry - margin)

    @property
    def valid(self) -> bool:
        with self._lock:
            return self._fresh()

    def _refresh_locked(self, request: google.auth.transport.Request) -> None:
        try:
            self.inner.refresh(request)
        except google.auth.exceptions.RefreshError as error:
            if error.retryable:
                raise
            raise CredentialsError(
                f"could not obtain a token for {self.label}: {error.args[0]}. {self.help_text}"
            ) from None
        self.refresh_count += 1
        expiry = self.inner.expiry
        self._lifetime = (expiry - _utcnow()) if expiry is not None else timedelta(0)
        _LOGGER.info(
            "obtained an access token for %s (valid for %d s)",
            self.label,
            int(self._lifetime.total_seconds()),
        )

    def token_for_request(self, request: google.auth.transport.Request) -> str:
        """A fresh token (refreshing under the lock if needed), remembered for this thread."""
        with self._lock:
            if not self._fresh():
                self._refresh_locked(request)
            token = str(self.inner.token)
        self._used.token = token
        return token

    def before_request(
        self,
        request: google.auth.transport.Request,
        method: str,
        url: str,
        headers: dict[str, str],
    ) -> None:
        token = self.token_for_request(request)
        self.inner.apply(headers, token=token)

    def refresh(self, request: google.auth.transport.Request) -> None:
        with self._lock:
            if self._fresh() and self.inner.token != getattr(self._used, "token", None):
                return  # another thread already replaced the token this thread used
            self._refresh_locked(request)


def application_default_credentials() -> google.auth.credentials.Credentials:
    """Application Default Credentials with the cloud-platform scope (keyless delegation needs
    it to call IAM); a clear CredentialsError when there are none."""
    try:
        adc: google.auth.credentials.Credentials
        adc, _ = google.auth.default(scopes=[CLOUD_PLATFORM_SCOPE])
    except google.auth.exceptions.DefaultCredentialsError as error:
        raise CredentialsError(
            "no credentials found: set meet:credentials (a secret), or "
            f"GOOGLE_APPLICATION_CREDENTIALS, or run `{GCLOUD_LOGIN}`, or use an emulator "
            f"(meet:emulatorHost). ({error.args[0] if error.args else error})"
        ) from None
    return adc


def load_credentials(
    info: Mapping[str, Any] | None, endpoints: Endpoints
) -> google.auth.credentials.Credentials:
    """Credentials from a JSON `info` (token_uri pointed at the emulator if any), else ADC."""
    if info is None:
        return application_default_credentials()
    data = dict(info)
    if endpoints.emulator and data.get("type") in ("service_account", "authorized_user"):
        data["token_uri"] = endpoints.token_uri
    try:
        credentials: google.auth.credentials.Credentials
        if data.get("type") == "service_account":
            credentials = google.oauth2.service_account.Credentials.from_service_account_info(data)
        elif data.get("type") == "authorized_user":
            user = google.oauth2.credentials.Credentials.from_authorized_user_info(data)
            if endpoints.emulator:
                # google-auth pins user credentials to Google's token endpoint whatever the
                # file says (a file must not redirect a refresh token); only an emulator may.
                user = user.with_token_uri(endpoints.token_uri)
            credentials = user
        else:
            credentials, _ = google.auth.load_credentials_from_dict(
                data, scopes=[CLOUD_PLATFORM_SCOPE]
            )
    except (ValueError, KeyError, google.auth.exceptions.GoogleAuthError) as error:
        # The message of a key-parsing error never includes the key; keep it short anyway.
        raise CredentialsError(
            f"could not load {data.get('type')} credentials: {type(error).__name__}: "
            f"{str(error)[:200]}"
        ) from None
    return credentials


def _is_user_credentials(credentials: google.auth.credentials.Credentials) -> bool:
    if isinstance(credentials, _USER_TYPES):
        return True
    return type(credentials).__module__.endswith("external_account_authorized_user")


class Authorization:
    """One identity: its shared credentials and its e-mail (learned lazily for user logins)."""

    def __init__(
        self,
        credentials: SharedCredentials,
        endpoints: Endpoints,
        identity: str | None,
        description: str,
    ) -> None:
        self.credentials = credentials
        self.endpoints = endpoints
        self.description = description
        self._identity = identity
        self._lock = threading.Lock()

    def identity(self) -> str:
        """The e-mail the calls act as; user credentials ask ``tokeninfo`` once."""
        with self._lock:
            if self._identity is None:
                try:
                    self._identity = self._tokeninfo_email()
                except google.auth.exceptions.GoogleAuthError as error:
                    # Transient (network, 5xx): nothing was sent to Meet; the next call retries.
                    raise TransportError(
                        f"{self.description}: could not learn which user these credentials act "
                        f"as ({type(error).__name__}: {error}); check the network and run again"
                    ) from None
            return self._identity

    def _tokeninfo_email(self) -> str:
        request = _auth_request()
        token = self.credentials.token_for_request(request)
        response = request(
            url=self.endpoints.tokeninfo_uri,
            method="POST",
            body=urlencode({"access_token": token}).encode(),
            headers={"Content-Type": "application/x-www-form-urlencoded"},
            timeout=_AUTH_TIMEOUT,
        )
        _raise_for_auth_status(response, "tokeninfo", "Log in again.")
        email = _response_json(response).get("email")
        if not isinstance(email, str) or "@" not in email:
            raise CredentialsError(
                f"{self.description}: tokeninfo does not tell which user these credentials act "
                "as; log in again including the scopes `openid` and "
                "`https://www.googleapis.com/auth/userinfo.email`"
            )
        return email.lower()


_AUTHORIZATIONS: dict[tuple[Any, ...], Authorization] = {}
_BASE_CREDENTIALS: dict[tuple[Any, ...], SharedCredentials] = {}
_CACHE_LOCK = threading.RLock()


def reset_authorizations() -> None:
    """Forget every cached credential (tests)."""
    with _CACHE_LOCK:
        _AUTHORIZATIONS.clear()
        _BASE_CREDENTIALS.clear()


def authorization_for(settings: Settings, owner: str | None) -> Authorization:
    """The (cached) authorization that acts as the resource's `owner`, or, when None, as the
    configured user (`identity.acting_user`); no network call except tokeninfo.

    Raises ConfigurationError when the credentials cannot act for that user: a service account
    with no user to act for, or user credentials of someone else.
    """
    acting = acting_user(settings, owner)
    endpoints = resolve_endpoints(settings)
    with _CACHE_LOCK:
        authorization = _build_authorization(settings, endpoints, acting)
    if acting is not None and authorization.identity() != acting.email:
        raise _cannot_act_for(authorization.identity(), acting)
    return authorization


def _cannot_act_for(identity: str, acting: ActingUser) -> ConfigurationError:
    remedy = (
        "Use that user's own login, or a service account with domain-wide delegation "
        "(meet:credentials + meet:impersonateUser) that can act for them"
    )
    if acting.source == OWNER_SOURCE:
        remedy += (
            "; if the room should no longer be managed here, `pulumi state delete <urn>` forgets it"
        )
    else:
        remedy += f"; or unset it to act as {identity}"
    return ConfigurationError(
        f"these credentials act as {identity}; they cannot act for {acting.describe()}. {remedy}"
    )


def _build_authorization(
    settings: Settings, endpoints: Endpoints, acting: ActingUser | None
) -> Authorization:
    if emulator_mints_tokens(settings):
        assert acting is not None, "acting_user names a user whenever the emulator mints tokens"
        email = acting.email
        return _cached(
            (settings, endpoints, "emulator", email),
            lambda: Authorization(
                SharedCredentials(
                    EmulatorTokenCredentials(endpoints.emulator or "", email, settings.scopes),
                    email,
                ),
                endpoints,
                email,
                f"emulator user {email}",
            ),
        )
    base = _base_credentials(settings, endpoints)
    if _is_user_credentials(base.inner):
        return _cached(
            (settings, endpoints, "user"),
            lambda: Authorization(base, endpoints, None, "user credentials"),
        )
    account = getattr(base.inner, "service_account_email", None) or "the service account"
    if acting is None:
        raise ConfigurationError(
            f"the credentials are a service account ({account}); the Meet API accepts only user "
            "identities, so a service account must act for a Workspace user through domain-wide "
            "delegation. Set meet:impersonateUser (or MEET_IMPERSONATE_USER) to that user's "
            "e-mail, or set owner= on the resource"
        )
    subject = acting.email
    return _cached(
        (settings, endpoints, "delegated", subject),
        lambda: Authorization(
            SharedCredentials(
                _delegated(base, subject, settings, endpoints),
                subject,
                _DWD_HELP.format(scopes=",".join(settings.scopes), user=subject),
            ),
            endpoints,
            subject,
            f"{account} acting for {subject}",
        ),
    )


def _delegated(
    base: SharedCredentials, subject: str, settings: Settings, endpoints: Endpoints
) -> google.auth.credentials.Credentials:
    if isinstance(base.inner, google.oauth2.service_account.Credentials):
        scoped: google.auth.credentials.Credentials = base.inner.with_scopes(
            list(settings.scopes)
        ).with_subject(subject)
        return scoped
    return KeylessDelegatedCredentials(base, subject, settings.scopes, endpoints)


def _cached(key: tuple[Any, ...], build: Callable[[], Authorization]) -> Authorization:
    authorization = _AUTHORIZATIONS.get(key)
    if authorization is None:
        authorization = _AUTHORIZATIONS[key] = build()
    return authorization


def _base_credentials(settings: Settings, endpoints: Endpoints) -> SharedCredentials:
    key = (settings, endpoints)
    shared = _BASE_CREDENTIALS.get(key)
    if shared is None:
        info = settings.credentials_info()
        path = settings.google_application_credentials
        if info is None and path:
            info = _read_credentials_file(path)
        credentials = load_credentials(info, endpoints)
        label = getattr(credentials, "service_account_email", None) or "the configured user"
        shared = _BASE_CREDENTIALS[key] = SharedCredentials(credentials, str(label), _LOGIN_HELP)
    return shared


def _read_credentials_file(path: str) -> dict[str, Any]:
    try:
        with open(path, encoding="utf-8") as handle:
            data = json.load(handle)
    except (OSError, UnicodeDecodeError) as error:
        raise CredentialsError(
            unreadable_file("GOOGLE_APPLICATION_CREDENTIALS", path, error)
        ) from None
    except ValueError:
        raise CredentialsError(f"GOOGLE_APPLICATION_CREDENTIALS={path} is not valid JSON") from None
    if not isinstance(data, dict):
        raise CredentialsError(f"GOOGLE_APPLICATION_CREDENTIALS={path} is not a JSON object")
    return data
