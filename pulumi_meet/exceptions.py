"""Errors raised by pulumi-meet's client layer (and therefore by the Space resource).

Hierarchy::

    MeetError                      root: catch this to catch everything pulumi-meet raises
    ├── ConfigurationError         bad or missing `meet:` configuration (e.g. a service account
    │                              with no user to act for, user credentials asked to act for
    │                              someone else); raised before any request is sent
    ├── CredentialsError           credentials could not be loaded or no token could be obtained
    ├── TransportError             the network failed and retries did not help
    ├── CreateOutcomeUnknown       the answer to a create was lost after the request was sent:
    │                              the object may exist; the message says how to adopt it
    ├── Cancelled                  the engine cancelled the operation (Ctrl-C, `pulumi cancel`)
    │                              while the call waited to retry
    └── ApiError                   the API answered with an error (google.rpc.Status envelope)
        ├── InvalidArgument        400 INVALID_ARGUMENT
        ├── FailedPrecondition     400 FAILED_PRECONDITION
        ├── Unauthenticated        401 UNAUTHENTICATED (after one token refresh)
        ├── PermissionDenied       403 PERMISSION_DENIED
        │   ├── ServiceDisabled        the Meet API is not enabled in the Cloud project
        │   └── ScopeInsufficient      the token lacks a scope the method needs
        ├── NotFound               404 NOT_FOUND
        │   └── MeetingCodeNotFound    no room has this meeting code (now): expired or reused
        ├── AlreadyExists          409 ALREADY_EXISTS
        ├── ResourceExhausted      429 RESOURCE_EXHAUSTED (after paced retries)
        ├── Internal               500 INTERNAL (and other 5xx without a better match)
        └── Unavailable            503 UNAVAILABLE

Every message names the API method (``spaces.patch``) and the resource (``spaces/abc``) and says
what to do next. ``ApiError`` keeps the parsed envelope: ``http_status``, ``status``, ``reason``
and ``metadata`` of the ``google.rpc.ErrorInfo`` detail, and ``retryable``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

__all__ = [
    "AlreadyExists",
    "ApiError",
    "Cancelled",
    "ConfigurationError",
    "CreateOutcomeUnknown",
    "CredentialsError",
    "FailedPrecondition",
    "Internal",
    "InvalidArgument",
    "MeetError",
    "MeetingCodeNotFound",
    "NotFound",
    "PermissionDenied",
    "ResourceExhausted",
    "ScopeInsufficient",
    "ServiceDisabled",
    "TransportError",
    "Unauthenticated",
    "Unavailable",
    "unreadable_file",
]


def _rebuild(cls: type[MeetError], message: str, state: dict[str, Any]) -> MeetError:
    error = cls.__new__(cls)
    Exception.__init__(error, message)
    error.__dict__.update(state)
    return error


class MeetError(Exception):
    """Root of every error pulumi-meet raises."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message

    def __reduce__(self) -> tuple[Any, ...]:
        # Keyword-only constructors do not survive the default exception pickling; errors cross
        # process boundaries (the provider host reports them), so rebuild from the attributes.
        return (_rebuild, (type(self), self.message, dict(self.__dict__)))


class ConfigurationError(MeetError):
    """The `meet:` configuration cannot work; raised before any request is sent."""


class CredentialsError(MeetError):
    """Credentials could not be loaded, or the token endpoint refused them."""


class TransportError(MeetError):
    """The network failed (connection refused, reset or timed out) and retries did not help."""

    def __init__(self, message: str, *, method: str = "", resource: str = "") -> None:
        super().__init__(message)
        self.method = method
        self.resource = resource


class CreateOutcomeUnknown(MeetError):
    """A create was sent but its answer was lost: the object may or may not exist.

    pulumi-meet never sends a second create after this (the API can neither list nor delete
    spaces, so a duplicate would be an orphan). The message says how to adopt the object.
    """

    def __init__(self, message: str, *, method: str, resource: str, cause: str) -> None:
        super().__init__(message)
        self.method = method
        self.resource = resource
        self.cause = cause


class Cancelled(MeetError):
    """The engine cancelled the operations in flight; a call stopped instead of retrying.

    Raised only before an attempt, never between sending a request and reading its answer, so
    nothing was created or changed by the attempt that did not happen.
    """

    def __init__(self, message: str, *, method: str, resource: str) -> None:
        super().__init__(message)
        self.method = method
        self.resource = resource


class ApiError(MeetError):
    """The API answered with an error envelope."""

    default_http_status: ClassVar[int] = 500
    default_status: ClassVar[str] = "UNKNOWN"

    def __init__(
        self,
        message: str,
        *,
        method: str,
        resource: str,
        http_status: int | None = None,
        status: str | None = None,
        reason: str = "",
        metadata: Mapping[str, str] | None = None,
        retryable: bool = False,
        server_message: str = "",
    ) -> None:
        super().__init__(message)
        self.method = method
        self.resource = resource
        self.http_status = self.default_http_status if http_status is None else http_status
        self.status = status or self.default_status
        self.reason = reason
        self.metadata: dict[str, str] = dict(metadata or {})
        self.retryable = retryable
        self.server_message = server_message


class InvalidArgument(ApiError):
    """400 INVALID_ARGUMENT: a field value, field name or update mask was refused."""

    default_http_status = 400
    default_status = "INVALID_ARGUMENT"


class FailedPrecondition(ApiError):
    """400 FAILED_PRECONDITION, e.g. endActiveConference when no conference is active."""

    default_http_status = 400
    default_status = "FAILED_PRECONDITION"


class Unauthenticated(ApiError):
    """401 UNAUTHENTICATED: the token was refused even after a refresh."""

    default_http_status = 401
    default_status = "UNAUTHENTICATED"


class PermissionDenied(ApiError):
    """403 PERMISSION_DENIED: unknown space, not the owner, or a bare service account."""

    default_http_status = 403
    default_status = "PERMISSION_DENIED"


class ServiceDisabled(PermissionDenied):
    """The Google Meet REST API is not enabled in the Cloud project of the credentials."""

    def __init__(self, message: str, *, activation_url: str = "", **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.activation_url = activation_url


class ScopeInsufficient(PermissionDenied):
    """The access token lacks the OAuth scope the method needs."""

    def __init__(self, message: str, *, scope: str = "", **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.scope = scope


class NotFound(ApiError):
    """404 NOT_FOUND, e.g. an unknown member."""

    default_http_status = 404
    default_status = "NOT_FOUND"


class MeetingCodeNotFound(NotFound):
    """``spaces.get`` by a meeting code that names no room now.

    A code expires 365 days after its room was last used (the room keeps its ``spaces/<id>``
    name and gets a new code) and may later be given to another room: a code is not a lasting
    key, the ``spaces/<id>`` name is.
    """

    def __init__(self, message: str, *, code: str = "", **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.code = code

    @classmethod
    def from_error(cls, error: ApiError, code: str) -> MeetingCodeNotFound:
        """The 404 of ``spaces.get spaces/<code>``, explained."""
        said = (error.server_message or "Requested entity was not found").rstrip(".")
        message = (
            f"{error.method} {code}: {error.http_status} {error.status}: {said}. No room has the "
            f"meeting code {code} now. The code may have expired (a room's code expires 365 days "
            "after the room was last used, and the room gets a new one) or been reused for "
            "another room, or it was mistyped. Use the room's spaces/<id> name, which never "
            "changes: the `name` output of a managed room (or its resource ID), or "
            "`pulumi-meet usage --from STACK_EXPORT`, which shows each room's current code."
        )
        return cls(
            message,
            code=code,
            method=error.method,
            resource=code,
            http_status=error.http_status,
            status=error.status,
            reason=error.reason,
            metadata=error.metadata,
            server_message=error.server_message,
        )


class AlreadyExists(ApiError):
    """409 ALREADY_EXISTS, e.g. a member with that e-mail already exists in the space."""

    default_http_status = 409
    default_status = "ALREADY_EXISTS"


class ResourceExhausted(ApiError):
    """429 RESOURCE_EXHAUSTED: the quota stayed exhausted for the whole retry budget."""

    default_http_status = 429
    default_status = "RESOURCE_EXHAUSTED"


class Internal(ApiError):
    """500 INTERNAL (or another 5xx) that persisted through the retries."""

    default_http_status = 500
    default_status = "INTERNAL"


class Unavailable(ApiError):
    """503 UNAVAILABLE that persisted through the retries."""

    default_http_status = 503
    default_status = "UNAVAILABLE"


def unreadable_file(source: str, path: str, error: OSError | UnicodeDecodeError) -> str:
    """The one wording of a file that cannot be read, whatever named it.

    ``source`` is what named the file, as the user typed it: a flag (``--credentials``,
    ``--from``) or a variable (``GOOGLE_APPLICATION_CREDENTIALS``). For example
    ``--from: cannot read rooms.csv (no such file or directory)``.
    """
    if isinstance(error, UnicodeDecodeError):
        byte = error.object[error.start : error.start + 1].hex()
        reason = f"not UTF-8 text: byte 0x{byte} at offset {error.start}; save it as UTF-8"
    else:
        reason = (error.strerror or type(error).__name__).lower()
    return f"{source}: cannot read {path} ({reason})"
