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
  user through *keyless* delegation (`_keyless`): the assertion is signed by IAM Credentials
  ``signJwt`` with the account's own token, then exchanged at the token endpoint;
- against an emulator without `meet:credentials`, tokens come from its control API; with
  `meet:credentials`, `_rehearsal` keeps every secret Google would honour away from it.

*Whom* the calls act as is decided by one rule, `pulumi_meet.client.identity.acting_user`, the
same for an emulator and for Google; this module only chooses how to obtain tokens for that user.
Each credential kind lives in its own module; this one chooses between them.

Nothing here runs before the first API call. Every credential object is wrapped in a
`SharedCredentials` that serialises refreshes, so N threads sharing an identity fetch one token;
a `CredentialCache` (held by the client state, `pulumi_meet.client.state`) keeps one per
identity, so the token is fetched once per identity however many clients act as it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import urlencode

import google.auth.credentials
import google.auth.exceptions
import google.oauth2.credentials
import google.oauth2.service_account

from pulumi_meet.client._auth_http import (
    AUTH_TIMEOUT,
    raise_for_auth_status,
    response_json,
)
from pulumi_meet.client._auth_http import auth_request as _auth_request
from pulumi_meet.client._credential_files import (
    application_default_credentials,
    load_credentials,
    read_credentials_file,
)
from pulumi_meet.client._endpoints import Endpoints, resolve_endpoints
from pulumi_meet.client._failures import unreachable
from pulumi_meet.client._keyless import DWD_HELP, KeylessDelegatedCredentials
from pulumi_meet.client._rehearsal import EmulatorTokenCredentials, RehearsalCredentials
from pulumi_meet.client._shared_credentials import SharedCredentials
from pulumi_meet.client.identity import OWNER_SOURCE, ActingUser, acting_user, emulator_mints_tokens
from pulumi_meet.client.settings import CLOUD_PLATFORM_SCOPE, GCLOUD_LOGIN, Settings
from pulumi_meet.exceptions import ConfigurationError, CredentialsError, TransportError

__all__ = [
    "CLOUD_PLATFORM_SCOPE",
    "Authorization",
    "CredentialCache",
    "EmulatorTokenCredentials",
    "Endpoints",
    "KeylessDelegatedCredentials",
    "SharedCredentials",
    "application_default_credentials",
    "load_credentials",
    "resolve_endpoints",
]

_USER_TYPES = (google.oauth2.credentials.Credentials,)
_LOGIN_HELP = (
    f"Check meet:credentials / GOOGLE_APPLICATION_CREDENTIALS, or log in again with "
    f"`{GCLOUD_LOGIN}`."
)


def _is_user_credentials(credentials: google.auth.credentials.Credentials) -> bool:
    if isinstance(credentials, _USER_TYPES):
        return True
    return type(credentials).__module__.endswith("external_account_authorized_user")


def tokeninfo_email(credentials: SharedCredentials, tokeninfo_uri: str, description: str) -> str:
    """The lower-case e-mail a user token belongs to, from a ``tokeninfo`` endpoint."""
    request = _auth_request()
    token = credentials.token_for_request(request)
    response = request(
        url=tokeninfo_uri,
        method="POST",
        body=urlencode({"access_token": token}).encode(),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
        timeout=AUTH_TIMEOUT,
    )
    raise_for_auth_status(response, "tokeninfo", "Log in again.")
    email = response_json(response).get("email")
    if not isinstance(email, str) or "@" not in email:
        raise CredentialsError(
            f"{description}: tokeninfo does not tell which user these credentials act "
            "as; log in again including the scopes `openid` and "
            "`https://www.googleapis.com/auth/userinfo.email`"
        )
    return email.lower()


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
                    failure = unreachable(error, self.endpoints, self.description)
                    if failure is not None:
                        raise failure from None
                    # Transient (network, 5xx): nothing was sent to Meet; the next call retries.
                    raise TransportError(
                        f"{self.description}: could not learn which user these credentials act "
                        f"as ({type(error).__name__}: {error}); check the network and run again"
                    ) from None
            return self._identity

    def _tokeninfo_email(self) -> str:
        return tokeninfo_email(self.credentials, self.endpoints.tokeninfo_uri, self.description)


_Loader = Callable[[], google.auth.credentials.Credentials]


class CredentialCache:
    """Every identity's authorization, built once and shared by the clients of one state.

    `default_credentials` finds Application Default Credentials (when neither
    `meet:credentials` nor ``GOOGLE_APPLICATION_CREDENTIALS`` is set); `google` is where Google's
    services are. Both are parameters so a program (or a test) can say what its machine has.
    """

    def __init__(
        self,
        default_credentials: _Loader = application_default_credentials,
        google: Endpoints | None = None,
    ) -> None:
        self.default_credentials = default_credentials
        self.google = google or Endpoints.google()
        self._authorizations: dict[tuple[Any, ...], Authorization] = {}
        self._base: dict[Settings, SharedCredentials] = {}
        self._lock = threading.RLock()

    def authorization_for(self, settings: Settings, owner: str | None) -> Authorization:
        """The (cached) authorization that acts as the resource's `owner`, or, when None, as
        the configured user (`identity.acting_user`); no network call except tokeninfo.

        Raises ConfigurationError when the credentials cannot act for that user: a service
        account with no user to act for, or user credentials of someone else.
        """
        acting = acting_user(settings, owner)
        endpoints = resolve_endpoints(settings, self.google)
        with self._lock:
            authorization = _build_authorization(self, settings, endpoints, acting)
        if acting is not None and authorization.identity() != acting.email:
            raise _cannot_act_for(authorization.identity(), acting)
        return authorization

    def cached(self, key: tuple[Any, ...], build: Callable[[], Authorization]) -> Authorization:
        """The authorization kept under `key`, built by `build` the first time (under the lock
        `authorization_for` holds)."""
        authorization = self._authorizations.get(key)
        if authorization is None:
            authorization = self._authorizations[key] = build()
        return authorization

    def base_credentials(self, settings: Settings) -> SharedCredentials:
        """The configured credentials as Google issued them (google-auth loads them, sends
        nothing)."""
        shared = self._base.get(settings)
        if shared is None:
            info = settings.credentials_info()
            path = settings.google_application_credentials
            if info is None and path:
                info = read_credentials_file(path)
            credentials = self.default_credentials() if info is None else load_credentials(info)
            label = getattr(credentials, "service_account_email", None) or "the configured user"
            shared = self._base[settings] = SharedCredentials(credentials, str(label), _LOGIN_HELP)
        return shared


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
    cache: CredentialCache, settings: Settings, endpoints: Endpoints, acting: ActingUser | None
) -> Authorization:
    if emulator_mints_tokens(settings):
        assert acting is not None, "acting_user names a user whenever the emulator mints tokens"
        email = acting.email
        return cache.cached(
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
    base = cache.base_credentials(settings)
    if endpoints.emulator:
        return _rehearsal(cache, settings, endpoints, acting, base)
    if _is_user_credentials(base.inner):
        return cache.cached(
            (settings, endpoints, "user"),
            lambda: Authorization(base, endpoints, None, "user credentials"),
        )
    subject = _delegation_subject(base, acting)
    return cache.cached(
        (settings, endpoints, "delegated", subject),
        lambda: Authorization(
            SharedCredentials(
                _delegated(base, subject, settings, endpoints),
                subject,
                DWD_HELP.format(scopes=",".join(settings.scopes), user=subject),
            ),
            endpoints,
            subject,
            f"{_account(base)} acting for {subject}",
        ),
    )


def _account(base: SharedCredentials) -> str:
    return str(getattr(base.inner, "service_account_email", None) or "the service account")


def _delegation_subject(base: SharedCredentials, acting: ActingUser | None) -> str:
    """The user a service account acts for; refused when nobody is named (Meet takes users)."""
    if acting is None:
        raise ConfigurationError(
            f"the credentials are a service account ({_account(base)}); the Meet API accepts "
            "only user identities, so a service account must act for a Workspace user through "
            "domain-wide delegation. Set meet:impersonateUser (or MEET_IMPERSONATE_USER) to that "
            "user's e-mail, or set owner= on the resource"
        )
    return acting.email


def _rehearsal(
    cache: CredentialCache,
    settings: Settings,
    endpoints: Endpoints,
    acting: ActingUser | None,
    base: SharedCredentials,
) -> Authorization:
    """`meet:credentials` in front of an emulator: the same identity as production, and no
    secret sent unless the emulator proves it issued the credentials (`_rehearsal`)."""
    info = settings.credentials_info() or {}
    user = _is_user_credentials(base.inner)
    subject = None if user else _delegation_subject(base, acting)
    project = info.get("project_id") if info.get("type") == "service_account" else None

    def build() -> Authorization:
        credentials = RehearsalCredentials(
            info,
            endpoints,
            settings.scopes,
            subject=subject,
            email=(lambda: subject) if subject else (lambda: _login_address(info, base, at_google)),
            app=project if isinstance(project, str) else None,
        )
        if subject is None:
            shared = SharedCredentials(credentials, "the configured user", _LOGIN_HELP)
            return Authorization(shared, endpoints, None, "user credentials")
        help_text = DWD_HELP.format(scopes=",".join(settings.scopes), user=subject)
        shared = SharedCredentials(credentials, subject, help_text)
        return Authorization(shared, endpoints, subject, f"{_account(base)} acting for {subject}")

    at_google = cache.google
    return cache.cached((settings, endpoints, "rehearsal", subject), build)


def _login_address(info: Mapping[str, Any], base: SharedCredentials, at_google: Endpoints) -> str:
    """Whom a login the emulator did not issue acts as: its ``account``, else Google's word.

    Asking Google sends the refresh token where production sends it, never to the emulator.
    """
    account = info.get("account")
    if isinstance(account, str) and "@" in account:
        return account.lower()
    try:
        return tokeninfo_email(base, at_google.tokeninfo_uri, "user credentials")
    except google.auth.exceptions.GoogleAuthError as error:
        failure = unreachable(error, at_google, "user credentials")
        reason = str(failure) if failure is not None else type(error).__name__
        raise TransportError(
            "rehearsing with a login acts as that login's own user, and only Google can say who "
            f"it is (the credentials name no account): asking failed ({reason}). Run with access "
            'to Google, or add "account": "you@example.com" to the credentials JSON'
        ) from None


def _delegated(
    base: SharedCredentials, subject: str, settings: Settings, endpoints: Endpoints
) -> google.auth.credentials.Credentials:
    if isinstance(base.inner, google.oauth2.service_account.Credentials):
        scoped: google.auth.credentials.Credentials = base.inner.with_scopes(
            list(settings.scopes)
        ).with_subject(subject)
        return scoped
    return KeylessDelegatedCredentials(base, subject, settings.scopes, endpoints)
