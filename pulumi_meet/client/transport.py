# google-auth's AuthorizedSession is unannotated; calling it is what this module is for.
# mypy: disallow-untyped-calls=False
"""HTTP transport: one AuthorizedSession per thread, timeouts, pacing, retries, error parsing.

Each call is paced (`_pacing`), sent with (connect, read) timeouts, and retried per `_retry`.
Creates are resent only when the server cannot have acted; otherwise a lost answer becomes
`CreateOutcomeUnknown`. Errors are parsed from the ``google.rpc.Status`` envelope into
`pulumi_meet.exceptions`. Log lines (logger ``pulumi_meet``) carry methods, resources, statuses
and timings, never a token or a key.
"""

from __future__ import annotations

import ipaddress
import json
import logging
import random
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import google.auth.exceptions
import requests
import requests.adapters
import urllib3.exceptions
from google.auth.transport.requests import AuthorizedSession

from pulumi_meet._version import __version__
from pulumi_meet.client import auth as _auth
from pulumi_meet.client import cancellation, progress
from pulumi_meet.client import pacer as _pacer
from pulumi_meet.client.ledger import Ledger, open_ledger
from pulumi_meet.client.quota import READ, QuotaBucket, quota_project
from pulumi_meet.client.retry import (
    CREATE_SAFE_STATUSES,
    RETRYABLE_STATUSES,
    RetryBudget,
    RetryPolicy,
    parse_retry_after,
)
from pulumi_meet.client.settings import (
    EMBEDDED,
    GCLOUD_LOGIN,
    LEDGER_OFF,
    SCOPE_PREFIX,
    SCOPE_READONLY,
    Settings,
)
from pulumi_meet.exceptions import (
    AlreadyExists,
    ApiError,
    Cancelled,
    CreateOutcomeUnknown,
    CredentialsError,
    FailedPrecondition,
    Internal,
    InvalidArgument,
    NotFound,
    PermissionDenied,
    ResourceExhausted,
    ScopeInsufficient,
    ServiceDisabled,
    TransportError,
    Unauthenticated,
    Unavailable,
)

__all__ = [
    "JITTER",
    "LOOPBACK_REFUSED_SECONDS",
    "ApiMethod",
    "CallContext",
    "Transport",
    "parse_api_error",
]

_LOGGER = logging.getLogger("pulumi_meet")
# The process's source of backoff jitter (one object, so tests can replace its draws).
JITTER = random.Random()
LOOPBACK_REFUSED_SECONDS = 2.0
"""How long a refused connection to a loopback address is retried. Nothing listening on this
machine is not a flaky network: an emulator being restarted comes back within this, a wrong
port never does, and a person is waiting."""


@dataclass(frozen=True)
class ApiMethod:
    """One Meet API method: its id, HTTP verb, quota bucket and accepted scopes."""

    id: str
    verb: str
    bucket: QuotaBucket
    scopes: tuple[str, ...]
    creates: bool = False


@dataclass(frozen=True)
class CallContext:
    """What an error message needs to know about the call that failed."""

    method: ApiMethod
    resource: str
    identity: str
    attempts: int = 1
    elapsed_seconds: float = 0.0


_STATUS_CLASSES: dict[str, type[ApiError]] = {
    "INVALID_ARGUMENT": InvalidArgument,
    "FAILED_PRECONDITION": FailedPrecondition,
    "OUT_OF_RANGE": InvalidArgument,
    "UNAUTHENTICATED": Unauthenticated,
    "PERMISSION_DENIED": PermissionDenied,
    "NOT_FOUND": NotFound,
    "ALREADY_EXISTS": AlreadyExists,
    "ABORTED": AlreadyExists,
    "RESOURCE_EXHAUSTED": ResourceExhausted,
    "INTERNAL": Internal,
    "UNAVAILABLE": Unavailable,
}
_HTTP_CLASSES: dict[int, type[ApiError]] = {
    400: InvalidArgument,
    401: Unauthenticated,
    403: PermissionDenied,
    404: NotFound,
    409: AlreadyExists,
    429: ResourceExhausted,
    503: Unavailable,
}


def _short(scope: str) -> str:
    return scope.removeprefix(SCOPE_PREFIX)


def _hint(error_class: type[ApiError], context: CallContext) -> str:
    """What to do next, per error class."""
    who = context.identity
    tries = f"gave up after {context.attempts} attempt(s) over {context.elapsed_seconds:.0f} s"
    hints: dict[type[ApiError], str] = {
        ResourceExhausted: (
            f"The quota of {who} or of its Cloud project stayed exhausted ({tries}). Something "
            "outside this machine's pulumi-meet processes is using it, or the meet:*PerMinute / "
            "meet:project*PerMinute settings exceed the quotas Google grants; lower them or run "
            "again later."
        ),
        Internal: f"The service kept failing ({tries}); run again later.",
        Unavailable: f"The service kept failing ({tries}); run again later.",
        Unauthenticated: (
            f"The access token for {who} was refused even after a refresh; check the "
            "credentials (meet:credentials, GOOGLE_APPLICATION_CREDENTIALS or the gcloud login)."
        ),
        NotFound: "It does not exist (it may have been removed outside Pulumi).",
        AlreadyExists: "It already exists; manage the existing one instead of creating another.",
        PermissionDenied: (
            f"Either the space does not exist, or {who} may not do this: only the owner (the "
            "user who created the space) may change it or end its conference, and with only the "
            "meetings.space.created scope a space is reachable only by the Cloud project that "
            "created it."
        ),
    }
    if error_class is PermissionDenied and context.method.bucket is READ:
        return _read_refused_hint(context)
    return hints.get(error_class, "")


def _read_refused_hint(context: CallContext) -> str:
    """A refused read: what a read needs (changing or ending the conference is beside the point)."""
    who = context.identity
    if context.method.id.startswith("members"):
        return (
            f"Either the space does not exist, or {who} does not own it: only the space's owner "
            "may see its members (act as the owner: meet:impersonateUser with domain-wide "
            "delegation, or the owner's own login); or it was created by another app (the Meet "
            "app, another tool), whose members the meetings.space.created scope does not reach: "
            "add the scope meetings.space.readonly."
        )
    return (
        f"Either the space does not exist, or {who} may not see it: with only the "
        "meetings.space.created scope a space is visible only to the Cloud project that created "
        "it; to read rooms created elsewhere (the Meet app, another tool) add the scope "
        "meetings.space.readonly or meetings.space.settings."
    )


def parse_api_error(
    http_status: int, body: bytes | str, context: CallContext, *, retry_after: float | None = None
) -> ApiError:
    """The typed error for a non-2xx answer (``google.rpc.Status`` envelope, or bare status)."""
    try:
        envelope = json.loads(body or b"{}")
    except ValueError:
        envelope = {}
    error = envelope.get("error") if isinstance(envelope, dict) else None
    error = error if isinstance(error, dict) else {}
    status = str(error.get("status") or "")
    server_message = str(error.get("message") or f"HTTP {http_status}")
    info = next(
        (
            d
            for d in error.get("details") or []
            if isinstance(d, dict) and str(d.get("@type", "")).endswith("google.rpc.ErrorInfo")
        ),
        {},
    )
    reason = str(info.get("reason") or "")
    metadata = {str(k): str(v) for k, v in (info.get("metadata") or {}).items()}
    error_class = _STATUS_CLASSES.get(status) or _HTTP_CLASSES.get(http_status) or Internal
    head = f"{context.method.id} {context.resource}: {http_status} {status or 'error'}: "
    head += server_message.rstrip(".") + "."
    common: dict[str, Any] = {
        "method": context.method.id,
        "resource": context.resource,
        "http_status": http_status,
        "status": status or None,
        "reason": reason,
        "metadata": metadata,
        "retryable": http_status in RETRYABLE_STATUSES,
        "server_message": server_message,
    }
    if reason == "SERVICE_DISABLED":
        url = metadata.get("activationUrl", "")
        consumer = metadata.get("consumer", "the credentials' Cloud project")
        message = (
            f"{head} The Google Meet REST API is not enabled in {consumer}: enable it at "
            f"{url or 'the Google Cloud console (APIs & Services)'}, wait a few minutes, and "
            "run again."
        )
        return ServiceDisabled(message, activation_url=url, **common)
    if reason == "ACCESS_TOKEN_SCOPE_INSUFFICIENT":
        # A read: the read-only scope, which reaches the rooms of every app (created reaches only
        # this app's). A change: the method's first, the least a caller needs for its own rooms.
        scopes = context.method.scopes
        scope = SCOPE_READONLY if SCOPE_READONLY in scopes else scopes[0]
        accepted = " or ".join(f"`{_short(s)}`" for s in scopes)
        login = GCLOUD_LOGIN if scope in GCLOUD_LOGIN.split(",") else f"{GCLOUD_LOGIN},{scope}"
        message = (
            f"{head} The token of {context.identity} lacks a scope {context.method.id} accepts "
            f"({accepted}). Add `{_short(scope)}` to meet:scopes; a service account also needs it "
            "authorized for domain-wide delegation in the Admin console, a user login needs to "
            f"log in again with it added: `{login}`."
        )
        return ScopeInsufficient(message, scope=scope, **common)
    hint = _hint(error_class, context)
    if retry_after is not None and error_class is ResourceExhausted:
        common["metadata"] = {**metadata, "retryAfterSeconds": f"{retry_after:g}"}
    return error_class(f"{head} {hint}".rstrip(), **common)


def _outcome_unknown(context: CallContext, cause: str) -> CreateOutcomeUnknown:
    what = "member" if context.method.id.startswith("members") else "space"
    if what == "space":
        adopt = (
            f"Look for the new meeting among {context.identity}'s Google Meet rooms (e.g. in the "
            'Meet app or Calendar); if it is there, adopt it with adopt="spaces/<id>" (or its '
            "meeting code) on the resource and run `pulumi up` again; if it is not, just run "
            "`pulumi up` again."
        )
    else:
        adopt = (
            f"Check the members of {context.resource} (members.list, or `pulumi-meet members "
            f"list {context.resource}`); if the member is there, remove it (members.delete as "
            "the space's owner) and run `pulumi up` again; if not, just run `pulumi up` again."
        )
    message = (
        f"{context.method.id} {context.resource}: the request was sent as {context.identity} but "
        f"its answer was lost ({cause}), so a {what} may have been created. pulumi-meet never "
        f"sends a second create after that (the API can neither list nor delete spaces, so a "
        f"duplicate would be an orphan). {adopt}"
    )
    return CreateOutcomeUnknown(
        message, method=context.method.id, resource=context.resource, cause=cause
    )


def _throttled_scope(body: bytes) -> str:
    """Which bucket a 429 is about: ``project`` when its ErrorInfo names a per-project limit.

    Google's limit names follow ``…PerMinutePerProject`` / ``…PerMinutePerUserPerProject``
    (the emulator's too); anything else is taken as the user's, the common case.
    """
    try:
        error = json.loads(body or b"{}").get("error") or {}
        details = error.get("details") or []
    except (ValueError, AttributeError):
        return "user"
    for detail in details:
        limit = (
            str((detail.get("metadata") or {}).get("quota_limit", ""))
            if isinstance(detail, dict)
            else ""
        )
        if limit.endswith("PerProject") and "PerUser" not in limit:
            return "project"
    return "user"


def _raise_if_cancelled(context: CallContext) -> None:
    if not cancellation.cancelled():
        return
    made = context.attempts - 1  # `attempts` numbers the attempt about to be sent
    when = "before it was sent" if made == 0 else f"after {made} attempt(s), before the next"
    raise Cancelled(
        f"{context.method.id} {context.resource}: cancelled {when} (the engine is stopping: "
        "Ctrl-C or `pulumi cancel`). Run `pulumi refresh`, then `pulumi up` again.",
        method=context.method.id,
        resource=context.resource,
    )


def _report_retry(context: CallContext, cause: str, delay: float) -> None:
    """Tell the person watching that a call is retried (and why), not silently slow."""
    progress.report(
        "retry",
        f"{context.method.id} {context.resource} as {context.identity}: {cause}; retrying in "
        f"{delay:.1f} s (attempt {context.attempts + 1})",
    )


@dataclass(frozen=True)
class _Request:
    method: ApiMethod
    url: str
    params: Mapping[str, str] | None
    body: Mapping[str, Any] | None


class _SendFailure(Exception):
    """The request failed without an HTTP answer; `sent` tells whether it may have arrived,
    `refused` whether the peer actively refused the connection (nothing listens there)."""

    def __init__(self, description: str, *, sent: bool, refused: bool = False) -> None:
        super().__init__(description)
        self.description = description
        self.sent = sent
        self.refused = refused


def _refused(error: BaseException) -> bool:
    """Whether a ConnectionRefusedError lies anywhere under `error` (requests, urllib3 and
    google-auth each wrap the one below in their args, reason or cause)."""
    pending: list[object] = [error]
    seen: set[int] = set()
    while pending:
        current = pending.pop()
        if id(current) in seen or not isinstance(current, BaseException):
            continue
        seen.add(id(current))
        if isinstance(current, ConnectionRefusedError):
            return True
        pending += [*current.args, getattr(current, "reason", None)]
        pending += [current.__cause__, current.__context__]
    return False


def _is_loopback(url: str) -> bool:
    host = urlsplit(url).hostname or ""
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _was_sent(error: requests.RequestException) -> bool:
    """False only when the failure happened before any byte of the request left."""
    if isinstance(error, requests.exceptions.ConnectTimeout | requests.exceptions.SSLError):
        return False
    reason = error.args[0] if error.args else None
    reason = getattr(reason, "reason", reason)  # MaxRetryError wraps the cause
    return not isinstance(
        reason, urllib3.exceptions.NewConnectionError | urllib3.exceptions.ConnectTimeoutError
    )


class Transport:
    """Sends API calls as one identity; shared by every thread, lazy until the first call."""

    def __init__(
        self,
        settings: Settings,
        acting_as: str | None = None,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = cancellation.sleep,
        rng: random.Random | None = None,
    ) -> None:
        self.settings = settings
        self.acting_as = acting_as
        self._clock = clock
        self._sleep = sleep
        self._rng = rng or JITTER
        self._policy = RetryPolicy(
            max_attempts=settings.max_retry_attempts,
            max_duration_seconds=settings.max_retry_duration_seconds,
        )
        self._timeout = (settings.connect_timeout_seconds, settings.request_timeout_seconds)
        self._lock = threading.Lock()
        self._authorization: _auth.Authorization | None = None
        self._project_label: str | None = None
        self._local = threading.local()

    def authorization(self) -> _auth.Authorization:
        """Resolve the credentials (first call only; raises ConfigurationError early)."""
        with self._lock:
            if self._authorization is None:
                self._authorization = _auth.authorization_for(self.settings, self.acting_as)
            return self._authorization

    @property
    def identity(self) -> str:
        """The e-mail the calls act as."""
        return self.authorization().identity()

    def _session(self) -> AuthorizedSession:
        session: AuthorizedSession | None = getattr(self._local, "session", None)
        if session is None:
            credentials = self.authorization().credentials
            session = AuthorizedSession(credentials, max_refresh_attempts=1)
            # Which client and version made a call, in Google's logs and the emulator's.
            underlying = str(session.headers.get("User-Agent") or "")
            session.headers["User-Agent"] = f"pulumi-meet/{__version__} {underlying}".rstrip()
            # No resend below us: the retry loop here decides, creates included.
            adapter = requests.adapters.HTTPAdapter(max_retries=0)
            session.mount("https://", adapter)
            session.mount("http://", adapter)
            self._local.session = session
        return session

    def _quota_call(self, bucket: QuotaBucket) -> _pacer.QuotaCall:
        """What a call of `bucket` spends: its user's and its project's quota."""
        authorization = self.authorization()
        return _pacer.QuotaCall(
            endpoint=authorization.endpoints.api,
            identity=authorization.identity(),
            project=self._project(),
            bucket=bucket,
            user_per_minute=bucket.per_user(self.settings),
            project_per_minute=bucket.per_project(self.settings),
            window_seconds=self.settings.quota_window_seconds,
        )

    def _project(self) -> str:
        """The label of the project's quota (parsed from the credentials once)."""
        if self._project_label is None:
            self._project_label = quota_project(self.settings)
        return self._project_label

    def _ledger(self) -> Ledger | None:
        if (self.settings.quota_ledger or "").lower() == LEDGER_OFF:
            return None
        if self.settings.emulator_host == EMBEDDED:
            return None  # an emulator of this process alone: no other process shares its quota
        return open_ledger(
            self.settings.quota_ledger, lambda text: progress.report("warning", text)
        )

    def call(
        self,
        method: ApiMethod,
        path: str,
        *,
        resource: str,
        params: Mapping[str, str] | None = None,
        body: Mapping[str, Any] | None = None,
    ) -> dict[str, Any]:
        """Send one API call (paced, retried) and return its JSON answer."""
        authorization = self.authorization()
        identity = authorization.identity()
        request = _Request(method, f"{authorization.endpoints.api}/v2/{path}", params, body)
        quota = self._quota_call(method.bucket)
        ledger = self._ledger()
        budget = RetryBudget(self._policy, clock=self._clock, rng=self._rng)
        while True:
            context = CallContext(method, resource, identity, budget.attempts)
            _raise_if_cancelled(context)
            outcome = self._attempt(request, quota, ledger, context, budget)
            if isinstance(outcome, dict):
                return outcome
            self._sleep(outcome)

    def _attempt(
        self,
        request: _Request,
        quota: _pacer.QuotaCall,
        ledger: Ledger | None,
        context: CallContext,
        budget: RetryBudget,
    ) -> dict[str, Any] | float:
        """One attempt: the answer, or the delay before the next attempt (raises when done)."""
        method = request.method
        try:
            admission = _pacer.admit(quota, ledger)
        except cancellation.WaitCancelled:
            _raise_if_cancelled(context)
            raise
        started = self._clock()
        try:
            response = self._send(request)
        except _SendFailure as failure:
            return self._after_failure(failure, context, budget)
        finally:
            admission.done()
        elapsed = self._clock() - started
        _LOGGER.debug(
            "%s %s -> %s in %.2f s (attempt %d)",
            method.id,
            context.resource,
            response.status_code,
            elapsed,
            context.attempts,
        )
        if 200 <= response.status_code < 300:
            return self._decode(response, context)
        retry_after = parse_retry_after(response.headers.get("Retry-After"))
        status = response.status_code
        if status == 429:
            admission.refused()
            admission.throttled(retry_after, _throttled_scope(response.content))
        if status not in RETRYABLE_STATUSES:
            raise parse_api_error(status, response.content, context)
        if method.creates and status not in CREATE_SAFE_STATUSES:
            raise _outcome_unknown(context, f"HTTP {status} after the request was sent")
        delay = budget.next_delay(retry_after)
        if delay is None:
            final = CallContext(
                method, context.resource, context.identity, budget.attempts, budget.elapsed_seconds
            )
            raise parse_api_error(status, response.content, final, retry_after=retry_after)
        _report_retry(context, f"HTTP {status}", delay)
        return delay

    def _after_failure(
        self, failure: _SendFailure, context: CallContext, budget: RetryBudget
    ) -> float:
        if context.method.creates and failure.sent:
            _LOGGER.warning("%s: answer lost (%s)", context.method.id, failure.description)
            raise _outcome_unknown(context, failure.description)
        delay = budget.next_delay(None)
        api = self.authorization().endpoints.api
        if (
            failure.refused
            and _is_loopback(api)
            and (delay is None or budget.elapsed_seconds + delay > LOOPBACK_REFUSED_SECONDS)
        ):
            raise TransportError(
                f"{context.method.id} {context.resource}: nothing is listening at {api}: the "
                f"connection was refused; gave up after {budget.attempts} attempt(s) over "
                f"{budget.elapsed_seconds:.1f} s. Start the emulator there (`pulumi-meet "
                "emulator --port PORT`), or point meet:emulatorHost / MEET_EMULATOR_HOST at the "
                "one that runs.",
                method=context.method.id,
                resource=context.resource,
            )
        if delay is None:
            raise TransportError(
                f"{context.method.id} {context.resource}: {failure.description}; gave up after "
                f"{budget.attempts} attempt(s) over {budget.elapsed_seconds:.0f} s. Check the "
                f"network and that {self.authorization().endpoints.api} is reachable, then run "
                "again.",
                method=context.method.id,
                resource=context.resource,
            )
        _report_retry(context, failure.description, delay)
        return delay

    def _send(self, request: _Request) -> requests.Response:
        session = self._session()
        if request.method.creates:
            # A pooled keep-alive connection the server is closing at this very moment fails
            # like a dropped answer, which for a create would mean CreateOutcomeUnknown.
            # A fresh connection fails, if at all, before anything is sent.
            for adapter in session.adapters.values():
                adapter.close()
        try:
            response: requests.Response = session.request(
                request.method.verb,
                request.url,
                params=dict(request.params or {}),
                json=dict(request.body) if request.body is not None else None,
                timeout=self._timeout,
            )
            return response
        except google.auth.exceptions.GoogleAuthError as error:
            # Raised while obtaining a token: the API request itself was never sent.
            transient = isinstance(error, google.auth.exceptions.TransportError) or error.retryable
            if not transient:
                raise CredentialsError(f"could not obtain an access token: {error}") from None
            description = f"token request failed ({type(error).__name__})"
            raise _SendFailure(description, sent=False, refused=_refused(error)) from None
        except requests.exceptions.Timeout as error:
            sent = _was_sent(error)
            raise _SendFailure(f"timed out ({type(error).__name__})", sent=sent) from None
        except requests.exceptions.ConnectionError as error:
            sent = _was_sent(error)
            what = "connection dropped" if sent else "connection failed"
            description = f"{what} ({type(error).__name__})"
            raise _SendFailure(description, sent=sent, refused=_refused(error)) from None

    def _decode(self, response: requests.Response, context: CallContext) -> dict[str, Any]:
        try:
            data = response.json() if response.content else {}
        except ValueError:
            data = None
        if isinstance(data, dict):
            return data
        if context.method.creates:
            raise _outcome_unknown(context, "the answer was not JSON")
        raise TransportError(
            f"{context.method.id} {context.resource}: the answer was not a JSON object",
            method=context.method.id,
            resource=context.resource,
        )
