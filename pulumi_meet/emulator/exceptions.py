"""Wire errors of the emulated Google APIs, one class per error the emulator answers with.

Every Meet API error renders as Google's ``google.rpc.Status`` JSON envelope::

    {"error": {"code": 403, "message": "...", "status": "PERMISSION_DENIED",
               "details": [{"@type": "type.googleapis.com/google.rpc.ErrorInfo", ...}]}}

Hierarchy (HTTP status, canonical status)::

    ApiError
    ├── InvalidArgument          400 INVALID_ARGUMENT   (optionally with google.rpc.BadRequest)
    ├── FailedPrecondition       400 FAILED_PRECONDITION
    ├── Unauthenticated          401 UNAUTHENTICATED    (ErrorInfo CREDENTIALS_MISSING…)
    ├── PermissionDenied         403 PERMISSION_DENIED
    │   ├── SpacePermissionDenied    unknown space, alias on a write, not the owner
    │   ├── RecordPermissionDenied   unknown, expired or hidden conference record
    │   ├── ScopeInsufficient        ErrorInfo ACCESS_TOKEN_SCOPE_INSUFFICIENT
    │   └── ServiceDisabled          ErrorInfo SERVICE_DISABLED with activationUrl
    ├── NotFound                 404 NOT_FOUND
    │   └── UnknownMeetingCode       spaces.get by a code that names no space (expired, never was)
    ├── MethodNotAllowed         405 (no envelope status of its own in Google: uses NOT_FOUND text)
    ├── AlreadyExists            409 ALREADY_EXISTS
    ├── ResourceExhausted        429 RESOURCE_EXHAUSTED (ErrorInfo RATE_LIMIT_EXCEEDED, Retry-After)
    ├── Internal                 500 INTERNAL
    └── Unavailable              503 UNAVAILABLE

``error_for_status(code)`` builds the error for any 4xx/5xx status (used by fault injection).

The messages are Google's wording where it is known (``meet-api-behaviour.md``); where Google's
wording is unknown the emulator's own choice is marked ``[rule]`` at the raising site.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

__all__ = [
    "MEET_SERVICE",
    "AlreadyExists",
    "ApiError",
    "FailedPrecondition",
    "Internal",
    "InvalidArgument",
    "MethodNotAllowed",
    "NotFound",
    "PermissionDenied",
    "RecordPermissionDenied",
    "ResourceExhausted",
    "ScopeInsufficient",
    "ServiceDisabled",
    "SpacePermissionDenied",
    "Unauthenticated",
    "Unavailable",
    "UnknownMeetingCode",
    "error_for_status",
]

MEET_SERVICE = "meet.googleapis.com"
_ERROR_INFO = "type.googleapis.com/google.rpc.ErrorInfo"
_BAD_REQUEST = "type.googleapis.com/google.rpc.BadRequest"


def error_info(reason: str, metadata: Mapping[str, str] | None = None) -> dict[str, Any]:
    """A ``google.rpc.ErrorInfo`` detail."""
    detail: dict[str, Any] = {"@type": _ERROR_INFO, "reason": reason, "domain": "googleapis.com"}
    if metadata:
        detail["metadata"] = dict(metadata)
    return detail


class ApiError(Exception):
    """An error answered to the caller as a ``google.rpc.Status`` envelope."""

    http_status: ClassVar[int] = 500
    status: ClassVar[str] = "INTERNAL"
    default_message: ClassVar[str] = "Internal error encountered."

    def __init__(
        self,
        message: str | None = None,
        *,
        details: Sequence[Mapping[str, Any]] = (),
        headers: Mapping[str, str] | None = None,
    ) -> None:
        self.message = message or self.default_message
        self.details = [dict(d) for d in details]
        self.headers = dict(headers or {})
        super().__init__(self.message)

    def envelope(self) -> dict[str, Any]:
        """The JSON body Google sends for this error."""
        error: dict[str, Any] = {
            "code": self.http_status,
            "message": self.message,
            "status": self.status,
        }
        if self.details:
            error["details"] = self.details
        return {"error": error}


class InvalidArgument(ApiError):
    http_status = 400
    status = "INVALID_ARGUMENT"
    default_message = "Request contains an invalid argument."

    @classmethod
    def for_field(cls, field: str, description: str) -> InvalidArgument:
        """An invalid argument with Google's ``BadRequest.fieldViolations`` detail."""
        violation = {"field": field, "description": description}
        if not field:
            # proto3 JSON leaves out an empty string: a violation of the whole request.
            del violation["field"]
        return cls(description, details=[{"@type": _BAD_REQUEST, "fieldViolations": [violation]}])


class FailedPrecondition(ApiError):
    http_status = 400
    status = "FAILED_PRECONDITION"
    default_message = "Precondition check failed."


class Unauthenticated(ApiError):
    http_status = 401
    status = "UNAUTHENTICATED"
    default_message = (
        "Request had invalid authentication credentials. Expected OAuth 2 access token, login "
        "cookie or other valid authentication credential. See "
        "https://developers.google.com/identity/sign-in/web/devconsole-project."
    )

    def __init__(self, reason: str = "ACCESS_TOKEN_TYPE_UNSUPPORTED", method: str = "") -> None:
        metadata = {"service": MEET_SERVICE}
        if method:
            metadata["method"] = method
        super().__init__(
            details=[error_info(reason, metadata)],
            headers={"WWW-Authenticate": 'Bearer realm="https://accounts.google.com/"'},
        )


class PermissionDenied(ApiError):
    http_status = 403
    status = "PERMISSION_DENIED"
    default_message = "The caller does not have permission"


class SpacePermissionDenied(PermissionDenied):
    """Unknown space, an alias used on a write, or a caller who may not act: existence is hidden."""

    default_message = "Permission denied on resource Space (or it might not exist)"


class RecordPermissionDenied(PermissionDenied):
    """A conference record (or a child's record) that is unknown, expired, or not the caller's:
    existence is hidden, as for spaces [rule]."""

    default_message = "Permission denied on resource ConferenceRecord (or it might not exist)"


class ScopeInsufficient(PermissionDenied):
    default_message = "Request had insufficient authentication scopes."

    def __init__(self, method: str) -> None:
        metadata = {"service": MEET_SERVICE, "method": method}
        super().__init__(details=[error_info("ACCESS_TOKEN_SCOPE_INSUFFICIENT", metadata)])


class ServiceDisabled(PermissionDenied):
    def __init__(self, project: str) -> None:
        url = f"https://console.developers.google.com/apis/api/{MEET_SERVICE}/overview?project={project}"
        message = (
            f"Google Meet REST API has not been used in project {project} before or it is "
            f"disabled. Enable it by visiting {url} then retry. If you enabled this API recently, "
            "wait a few minutes for the action to propagate to our systems and retry."
        )
        metadata = {
            "service": MEET_SERVICE,
            "consumer": f"projects/{project}",
            "activationUrl": url,
            "serviceTitle": "Google Meet REST API",
            "containerInfo": project,
        }
        super().__init__(message, details=[error_info("SERVICE_DISABLED", metadata)])


class NotFound(ApiError):
    http_status = 404
    status = "NOT_FOUND"
    default_message = "Requested entity was not found."


class UnknownMeetingCode(NotFound):
    """``spaces.get`` by a meeting code that names no space: expired, reassigned or never given.

    Google's generic 404 wording; a space id that names no space stays 403
    (``SpacePermissionDenied``) [rule].
    """


class MethodNotAllowed(ApiError):
    http_status = 405
    status = "NOT_FOUND"
    default_message = "The requested method is not allowed for this URL."


class AlreadyExists(ApiError):
    http_status = 409
    status = "ALREADY_EXISTS"
    default_message = "Requested entity already exists"


class ResourceExhausted(ApiError):
    http_status = 429
    status = "RESOURCE_EXHAUSTED"
    default_message = "Quota exceeded."

    def __init__(
        self,
        *,
        quota_metric: str,
        quota_limit: str,
        limit_value: int,
        consumer: str,
        retry_after_seconds: int,
    ) -> None:
        message = (
            f"Quota exceeded for quota metric '{quota_metric}' and limit '{quota_limit}' of "
            f"service '{MEET_SERVICE}' for consumer '{consumer}'."
        )
        metadata = {
            "service": MEET_SERVICE,
            "consumer": consumer,
            "quota_metric": quota_metric,
            "quota_limit": quota_limit,
            "quota_limit_value": str(limit_value),
        }
        super().__init__(
            message,
            details=[error_info("RATE_LIMIT_EXCEEDED", metadata)],
            headers={"Retry-After": str(max(1, retry_after_seconds))},
        )


class Internal(ApiError):
    http_status = 500
    status = "INTERNAL"
    default_message = "Internal error encountered."


class Unavailable(ApiError):
    http_status = 503
    status = "UNAVAILABLE"
    default_message = "The service is currently unavailable."


# The canonical status Google pairs with each HTTP status (google.rpc.Code's HTTP mapping).
# 400, 401, 403, 404, 500 and 503 have classes of their own (`_KNOWN` below).
_CANONICAL_STATUS = {
    409: "ABORTED",
    429: "RESOURCE_EXHAUSTED",
    499: "CANCELLED",
    501: "UNIMPLEMENTED",
    502: "UNAVAILABLE",  # Google's front end answers 502 without an envelope; closest status [rule]
    504: "DEADLINE_EXCEEDED",
}
_MESSAGES = {
    409: "The operation was aborted.",
    499: "The operation was cancelled.",
    501: "Operation is not implemented, or supported, or enabled.",
    504: "The request deadline was exceeded.",
    429: "Resource has been exhausted (e.g. check quota).",
}
_KNOWN: dict[int, type[ApiError]] = {
    cls.http_status: cls
    for cls in (InvalidArgument, Unauthenticated, PermissionDenied, NotFound, Internal, Unavailable)
}


def error_for_status(code: int) -> ApiError:
    """An error with HTTP status ``code`` and its canonical status, without details."""
    known = _KNOWN.get(code)
    if known is not None:
        return known()
    status = _CANONICAL_STATUS.get(code, "UNKNOWN" if code >= 500 else "FAILED_PRECONDITION")
    message = _MESSAGES.get(code, "Error.")
    error_class = type(
        f"Http{code}Error",
        (ApiError,),
        {"http_status": code, "status": status, "default_message": message},
    )
    error: ApiError = error_class()
    return error
