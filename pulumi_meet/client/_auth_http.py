# google-auth's transport is unannotated; calling it is the point of this module.
# mypy: disallow-untyped-calls=False
"""The small HTTP helpers every credential kind shares: a per-thread google-auth transport,
UTC time as google-auth compares it, and reading a token endpoint's answer."""

from __future__ import annotations

import json
import threading
from datetime import datetime, timezone
from typing import Any

import google.auth.exceptions
import google.auth.transport
import requests
from google.auth.transport.requests import Request

from pulumi_meet.exceptions import CredentialsError

__all__ = ["AUTH_TIMEOUT", "auth_request", "raise_for_auth_status", "response_json", "utcnow"]

AUTH_TIMEOUT = (10.0, 30.0)
"""(connect, read) seconds for token, tokeninfo and signJwt requests."""

_thread_local = threading.local()


def auth_request() -> Request:
    """A google-auth transport on this thread's own session (sessions are not thread-safe)."""
    request: Request | None = getattr(_thread_local, "request", None)
    if request is None:
        request = _thread_local.request = Request(requests.Session())
    return request


def utcnow() -> datetime:
    """Now, as the naive UTC datetime google-auth compares expiries with."""
    return datetime.now(timezone.utc).replace(tzinfo=None)


def response_json(response: google.auth.transport.Response) -> dict[str, Any]:
    """The answer's JSON object, or {} when it is not one."""
    try:
        data = json.loads(response.data)
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def raise_for_auth_status(response: google.auth.transport.Response, what: str, hint: str) -> None:
    """Nothing on 200; a retryable RefreshError on 429/5xx; else CredentialsError with `hint`."""
    if response.status == 200:
        return
    data = response_json(response)
    error = data.get("error")
    detail = error.get("message", "") if isinstance(error, dict) else data.get("error_description")
    text = f"{what} failed with HTTP {response.status}: {detail or error or 'no details'}"
    if response.status in (429, 500, 502, 503, 504):
        raise google.auth.exceptions.RefreshError(text, retryable=True)
    raise CredentialsError(f"{text}. {hint}")
