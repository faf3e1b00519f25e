"""Error parsing: every google.rpc.Status the Meet API sends becomes the right typed error."""

from __future__ import annotations

import json
import pickle
from typing import Any

import pytest

from pulumi_meet import exceptions
from pulumi_meet.client.meet import SPACES_CREATE, SPACES_GET, SPACES_PATCH
from pulumi_meet.client.transport import CallContext, _outcome_unknown, parse_api_error

PATCH = CallContext(SPACES_PATCH, "spaces/abc", "lead@example.com", attempts=3, elapsed_seconds=7)


def envelope(code: int, status: str, message: str, reason: str = "", **metadata: str) -> bytes:
    error: dict[str, Any] = {"code": code, "status": status, "message": message}
    if reason:
        error["details"] = [
            {
                "@type": "type.googleapis.com/google.rpc.ErrorInfo",
                "reason": reason,
                "domain": "googleapis.com",
                "metadata": metadata,
            }
        ]
    return json.dumps({"error": error}).encode()


@pytest.mark.parametrize(
    ("code", "status", "cls", "retryable"),
    [
        (400, "INVALID_ARGUMENT", exceptions.InvalidArgument, False),
        (400, "FAILED_PRECONDITION", exceptions.FailedPrecondition, False),
        (401, "UNAUTHENTICATED", exceptions.Unauthenticated, False),
        (403, "PERMISSION_DENIED", exceptions.PermissionDenied, False),
        (404, "NOT_FOUND", exceptions.NotFound, False),
        (409, "ALREADY_EXISTS", exceptions.AlreadyExists, False),
        (429, "RESOURCE_EXHAUSTED", exceptions.ResourceExhausted, True),
        (500, "INTERNAL", exceptions.Internal, True),
        (503, "UNAVAILABLE", exceptions.Unavailable, True),
    ],
)
def test_every_status_maps_to_its_class(code: int, status: str, cls: type, retryable: bool) -> None:
    error = parse_api_error(code, envelope(code, status, "Server says no."), PATCH)
    assert type(error) is cls
    assert isinstance(error, exceptions.ApiError)
    assert isinstance(error, exceptions.MeetError)
    assert (error.http_status, error.status, error.retryable) == (code, status, retryable)
    assert (error.method, error.resource) == ("spaces.patch", "spaces/abc")
    assert str(error).startswith(f"spaces.patch spaces/abc: {code} {status}: Server says no.")
    assert error.server_message == "Server says no."


@pytest.mark.parametrize(
    ("code", "body", "cls"),
    [
        (502, b"<html>Bad Gateway</html>", exceptions.Internal),
        (504, b"", exceptions.Internal),
        (503, b"upstream connect error", exceptions.Unavailable),
        (429, b"{}", exceptions.ResourceExhausted),
        (418, b"[]", exceptions.Internal),
        (400, b'{"error": "invalid"}', exceptions.InvalidArgument),
    ],
)
def test_bodies_without_an_envelope_fall_back_to_the_http_status(
    code: int, body: bytes, cls: type
) -> None:
    error = parse_api_error(code, body, PATCH)
    assert type(error) is cls
    assert error.http_status == code
    assert f"HTTP {code}" in str(error)


def test_service_disabled_carries_the_activation_url() -> None:
    url = "https://console.developers.google.com/apis/api/meet.googleapis.com/overview?project=42"
    body = envelope(
        403,
        "PERMISSION_DENIED",
        "Google Meet REST API has not been used in project 42 before or it is disabled.",
        "SERVICE_DISABLED",
        service="meet.googleapis.com",
        consumer="projects/42",
        activationUrl=url,
    )
    error = parse_api_error(403, body, PATCH)
    assert isinstance(error, exceptions.ServiceDisabled)
    assert isinstance(error, exceptions.PermissionDenied)
    assert error.activation_url == url
    assert error.reason == "SERVICE_DISABLED"
    assert error.metadata["consumer"] == "projects/42"
    assert url in str(error)
    assert "projects/42" in str(error)


@pytest.mark.parametrize(
    ("context", "scope"),
    [
        (PATCH, "meetings.space.created"),
        # A read: the scope that reaches rooms of every app, not only this app's.
        (CallContext(SPACES_GET, "spaces/x", "a@example.com"), "meetings.space.readonly"),
    ],
)
def test_scope_insufficient_names_the_missing_scope(context: CallContext, scope: str) -> None:
    body = envelope(
        403,
        "PERMISSION_DENIED",
        "Request had insufficient authentication scopes.",
        "ACCESS_TOKEN_SCOPE_INSUFFICIENT",
        service="meet.googleapis.com",
        method="google.apps.meet.v2.SpacesService.UpdateSpace",
    )
    error = parse_api_error(403, body, context)
    assert isinstance(error, exceptions.ScopeInsufficient)
    assert error.scope == "https://www.googleapis.com/auth/" + scope
    assert f"`{scope}` to meet:scopes" in str(error)
    assert str(error).count(f"auth/{scope}") == 1  # the login line names it once
    assert context.identity in str(error)
    assert error.metadata["method"].endswith("UpdateSpace")


def test_permission_denied_names_the_identity_and_the_owner_rule() -> None:
    body = envelope(
        403, "PERMISSION_DENIED", "Permission denied on resource Space (or it might not exist)"
    )
    message = str(parse_api_error(403, body, PATCH))
    assert "lead@example.com" in message
    assert "owner" in message


def test_exhausted_quota_says_how_long_it_tried() -> None:
    body = envelope(
        429,
        "RESOURCE_EXHAUSTED",
        "Quota exceeded for quota metric 'Write requests'.",
        "RATE_LIMIT_EXCEEDED",
        quota_metric="meet.googleapis.com/write_requests",
        quota_limit_value="100",
    )
    error = parse_api_error(429, body, PATCH, retry_after=12)
    assert error.reason == "RATE_LIMIT_EXCEEDED"
    assert error.metadata["quota_limit_value"] == "100"
    assert error.metadata["retryAfterSeconds"] == "12"
    assert "3 attempt(s) over 7 s" in str(error)
    assert "lead@example.com" in str(error)


def test_create_outcome_unknown_explains_how_to_adopt() -> None:
    context = CallContext(SPACES_CREATE, "spaces", "lead@example.com")
    error = _outcome_unknown(context, "connection dropped (ConnectionError)")
    assert isinstance(error, exceptions.MeetError)
    assert error.method == "spaces.create"
    assert "may have been created" in str(error)
    assert 'adopt="spaces/<id>"' in str(error)
    assert "lead@example.com" in str(error)
    assert "never sends a second create" in str(error)


@pytest.mark.parametrize(
    "error",
    [
        exceptions.ConfigurationError("bad config"),
        exceptions.CredentialsError("no token"),
        exceptions.TransportError("down", method="spaces.get", resource="spaces/a"),
        exceptions.CreateOutcomeUnknown(
            "lost", method="spaces.create", resource="spaces", cause="x"
        ),
        exceptions.ServiceDisabled(
            "off", activation_url="https://x", method="spaces.get", resource="spaces/a"
        ),
        exceptions.ScopeInsufficient("scope", scope="s", method="spaces.get", resource="spaces/a"),
        parse_api_error(404, envelope(404, "NOT_FOUND", "gone"), PATCH),
    ],
)
def test_errors_pickle_with_their_attributes(error: exceptions.MeetError) -> None:
    clone = pickle.loads(pickle.dumps(error))
    assert type(clone) is type(error)
    assert str(clone) == str(error)
    assert clone.__dict__ == error.__dict__
