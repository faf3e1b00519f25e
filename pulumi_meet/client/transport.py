# google-auth's AuthorizedSession is unannotated; calling it is what this module is for.
# mypy: disallow-untyped-calls=False
"""HTTP transport: one AuthorizedSession per thread, timeouts, pacing, retries.

Each call is paced (`_pacing`), sent with (connect, read) timeouts, and retried per `_retry`.
Creates are resent only when the server cannot have acted; otherwise a lost answer becomes
`CreateOutcomeUnknown`. What an answer means is read in `_api_errors`; what a failure without
an answer means (retry, give up, never retry) in `_failures`. Log lines (logger ``pulumi_meet``)
carry methods, resources, statuses and timings, never a token or a key.
"""

from __future__ import annotations

import ipaddress
import logging
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import google.auth.exceptions
import requests
from google.auth.transport.requests import AuthorizedSession

from pulumi_meet.client import auth as _auth
from pulumi_meet.client import cancellation, progress
from pulumi_meet.client._api_errors import (
    ApiMethod,
    CallContext,
    parse_api_error,
)
from pulumi_meet.client._api_errors import outcome_unknown as _outcome_unknown
from pulumi_meet.client._api_errors import throttled_scope as _throttled_scope
from pulumi_meet.client._failures import SendFailure, refused, unreachable, was_sent
from pulumi_meet.client._session import api_session
from pulumi_meet.client.retry import (
    CREATE_SAFE_STATUSES,
    RETRYABLE_STATUSES,
    RetryBudget,
    RetryPolicy,
    parse_retry_after,
)
from pulumi_meet.client.settings import EMBEDDED, LEDGER_OFF, Settings
from pulumi_meet.client.state import ClientState
from pulumi_meet.exceptions import Cancelled, CredentialsError, TransportError
from pulumi_meet.pacing import pacer as _pacer
from pulumi_meet.pacing.ledger import Ledger
from pulumi_meet.pacing.quota import QuotaBucket, quota_project

__all__ = [
    "CREATE_REUSE_IDLE_SECONDS",
    "LOOPBACK_REFUSED_SECONDS",
    "ApiMethod",
    "CallContext",
    "Transport",
    "parse_api_error",
]

_LOGGER = logging.getLogger("pulumi_meet")
CREATE_REUSE_IDLE_SECONDS = 2.0
"""A create goes out on this thread's pooled connection only if that connection carried an
answer less than this ago; otherwise on a new one. The race a create must not meet is the server
closing an idle keep-alive connection just as the request leaves (the request is lost, yet looks
sent: CreateOutcomeUnknown). Servers and proxies close idle connections after 5 s at the soonest
(Apache's default; nginx 75 s, Google's front ends minutes), and urllib3 already discards a
connection whose close has arrived, so a connection idle under 2 s meets only the failure a new
connection meets too: a server going down mid-request. A batch of creates, one after another,
so pays one connection instead of one each (over TLS, a handshake per create)."""
LOOPBACK_REFUSED_SECONDS = 2.0
"""How long a refused connection to a loopback address is retried. Nothing listening on this
machine is not a flaky network: an emulator being restarted comes back within this, a wrong
port never does, and a person is waiting."""


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


def _is_loopback(url: str) -> bool:
    host = urlsplit(url).hostname or ""
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class Transport:
    """Sends API calls as one identity; shared by every thread, lazy until the first call.

    `state` (`pulumi_meet.client.state.ClientState`) gives it the credential cache, the pacer,
    the ledgers, and the clock, sleep and random source its retries read.
    """

    def __init__(self, settings: Settings, acting_as: str | None, state: ClientState) -> None:
        self.settings = settings
        self.acting_as = acting_as
        self._state = state
        self._clock = state.clock
        self._sleep = state.sleep
        self._rng = state.rng
        self._policy = RetryPolicy(
            max_attempts=settings.max_retry_attempts,
            max_duration_seconds=settings.max_retry_duration_seconds,
        )
        self._timeout = (settings.connect_timeout_seconds, settings.request_timeout_seconds)
        self._lock = threading.Lock()
        self._authorization: _auth.Authorization | None = None
        self._project_label: str | None = None
        self._local = threading.local()
        self._quota_calls: dict[QuotaBucket, _pacer.QuotaCall] = {}

    def authorization(self) -> _auth.Authorization:
        """Resolve the credentials (first call only; raises ConfigurationError early)."""
        with self._lock:
            if self._authorization is None:
                self._authorization = self._state.credentials.authorization_for(
                    self.settings, self.acting_as
                )
            return self._authorization

    @property
    def identity(self) -> str:
        """The e-mail the calls act as."""
        return self.authorization().identity()

    def _session(self) -> AuthorizedSession:
        session: AuthorizedSession | None = getattr(self._local, "session", None)
        if session is None:
            authorization = self.authorization()
            session = api_session(authorization.credentials, authorization.endpoints.api)
            self._local.session = session
        return session

    def _quota_call(self, bucket: QuotaBucket) -> _pacer.QuotaCall:
        """What a call of `bucket` spends: its user's and its project's quota (built once per
        bucket: the pacer's plans are keyed by it, and it never changes for one transport)."""
        made = self._quota_calls.get(bucket)
        if made is None:
            made = self._quota_calls[bucket] = self._new_quota_call(bucket)
        return made

    def _new_quota_call(self, bucket: QuotaBucket) -> _pacer.QuotaCall:
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
        return self._state.ledgers.open(
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
            admission = self._state.pacer.admit(quota, ledger)
        except cancellation.WaitCancelled:
            _raise_if_cancelled(context)
            raise
        started = self._clock()
        try:
            response = self._send(request)
        except SendFailure as failure:
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
        self, failure: SendFailure, context: CallContext, budget: RetryBudget
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
        if request.method.creates and not self._connection_is_fresh():
            # A pooled keep-alive connection the server is closing at this very moment fails
            # like a dropped answer, which for a create would mean CreateOutcomeUnknown.
            # A new connection fails, if at all, before anything is sent.
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
            self._local.answered_at = self._clock()
            return response
        except google.auth.exceptions.GoogleAuthError as error:
            # Raised while obtaining a token: the API request itself was never sent.
            self._raise_if_unreachable(error, request)
            transient = isinstance(error, google.auth.exceptions.TransportError) or error.retryable
            if not transient:
                raise CredentialsError(f"could not obtain an access token: {error}") from None
            description = f"token request failed ({type(error).__name__})"
            raise SendFailure(description, sent=False, refused=refused(error)) from None
        except requests.exceptions.Timeout as error:
            sent = was_sent(error)
            raise SendFailure(f"timed out ({type(error).__name__})", sent=sent) from None
        except requests.exceptions.ConnectionError as error:
            self._raise_if_unreachable(error, request)
            sent = was_sent(error)
            what = "connection dropped" if sent else "connection failed"
            description = f"{what} ({type(error).__name__})"
            raise SendFailure(description, sent=sent, refused=refused(error)) from None

    def _connection_is_fresh(self) -> bool:
        """Whether this thread's pooled connection carried an answer under
        `CREATE_REUSE_IDLE_SECONDS` ago (so a create may go out on it)."""
        answered_at: float | None = getattr(self._local, "answered_at", None)
        return answered_at is not None and self._clock() - answered_at < CREATE_REUSE_IDLE_SECONDS

    def _raise_if_unreachable(self, error: BaseException, request: _Request) -> None:
        """A host that does not resolve or cannot speak TLS: no retry would help, say so now.

        Nothing was sent (the failure precedes the first byte), so even a create is safe.
        """
        failure = unreachable(error, self.authorization().endpoints, request.method.id)
        if failure is not None:
            raise failure from None

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
