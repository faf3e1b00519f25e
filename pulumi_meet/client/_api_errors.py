"""Reading a failed call: the typed error for a non-2xx answer, and the message for a lost one.

Errors are parsed from the ``google.rpc.Status`` envelope into `pulumi_meet.exceptions`; each
message says what to do next (`_hint`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from pulumi_meet.client.retry import RETRYABLE_STATUSES
from pulumi_meet.client.settings import GCLOUD_LOGIN, SCOPE_PREFIX, SCOPE_READONLY
from pulumi_meet.exceptions import (
    AlreadyExists,
    ApiError,
    CreateOutcomeUnknown,
    FailedPrecondition,
    Internal,
    InvalidArgument,
    NotFound,
    PermissionDenied,
    ResourceExhausted,
    ScopeInsufficient,
    ServiceDisabled,
    Unauthenticated,
    Unavailable,
)
from pulumi_meet.pacing.quota import READ, QuotaBucket

__all__ = ["ApiMethod", "CallContext", "outcome_unknown", "parse_api_error", "throttled_scope"]


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


def outcome_unknown(context: CallContext, cause: str) -> CreateOutcomeUnknown:
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


def throttled_scope(body: bytes) -> str:
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
