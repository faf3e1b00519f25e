"""The emulator as a function from HTTP request to HTTP response, independent of sockets.

``Application.handle`` routes a request, applies fault rules (Meet API and identity endpoints
only), serves it, and records Meet API requests in the request log. ``server.py`` feeds it from
a socket; a response marked ``drop`` is not written — the connection is closed instead.
"""

from __future__ import annotations

import json
import sqlite3
import sys
import threading
import time
import traceback
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

from pulumi_meet.emulator import _json
from pulumi_meet.emulator.clock import EmulatorClock
from pulumi_meet.emulator.conferences.lifecycle import Conferences
from pulumi_meet.emulator.conferences.records import Records
from pulumi_meet.emulator.conferences.responses import RecordResponses
from pulumi_meet.emulator.control import ControlApi
from pulumi_meet.emulator.defaults import UserDefaults
from pulumi_meet.emulator.exceptions import (
    ApiError,
    Internal,
    MethodNotAllowed,
    NotFound,
    error_for_status,
)
from pulumi_meet.emulator.faults import Fault, Faults
from pulumi_meet.emulator.gateway import (
    Gateway,
    Outcome,
    encode_json,
    json_object,
    parse_json_body,
)
from pulumi_meet.emulator.identity import Identity
from pulumi_meet.emulator.members import Members
from pulumi_meet.emulator.models import Spaces
from pulumi_meet.emulator.quotas import Quotas
from pulumi_meet.emulator.requestlog import RequestLog
from pulumi_meet.emulator.responses import MeetResponses
from pulumi_meet.emulator.store import Store
from pulumi_meet.emulator.urls import IDENTITY_ROUTES, MEET_ROUTES, Route, RouteMatch, resolve

__all__ = ["Application", "Request", "Response"]

_JSON = "application/json; charset=UTF-8"


@dataclass(frozen=True)
class Request:
    """An HTTP request; header names are lower case."""

    verb: str
    path: str
    query: str = ""
    headers: Mapping[str, str] = field(default_factory=dict)
    body: bytes = b""


@dataclass
class Response:
    """An HTTP response, or (``drop``) the instruction to close the connection unanswered."""

    status: int
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    drop: bool = False


def json_response(status: int, value: Any, headers: Mapping[str, str] | None = None) -> Response:
    body = (json.dumps(value, indent=2, ensure_ascii=False) + "\n").encode()
    return Response(status, body, {"Content-Type": _JSON, **(headers or {})})


def error_response(error: ApiError) -> Response:
    return json_response(error.http_status, error.envelope(), error.headers)


class Application:
    """All of the emulator's state and behaviour behind one ``handle`` method."""

    def __init__(
        self,
        store: Store,
        *,
        base_url: Callable[[], str],
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.store = store
        # ``clock`` is the machine's time: tokens and the request log follow it. Spaces, codes
        # and conference records follow the emulator clock, which tests may set (clock.py).
        self.clock = EmulatorClock(store, real=clock)
        self.identity = Identity(store, base_url=base_url, clock=clock)
        self.users = UserDefaults(store)
        self.spaces = Spaces(store, clock=self.clock)
        self.members = Members(store)
        self.conferences = Conferences(store, clock=self.clock)
        self.records = Records(self.conferences.now)
        self.quotas = Quotas()
        self.faults = Faults(
            {route.api_method for route in (*MEET_ROUTES, *IDENTITY_ROUTES) if route.api_method}
        )
        self.requests = RequestLog()
        self._clock = clock
        # Set by close(): delayed requests wake up and are dropped instead of touching a
        # database that is about to close.
        self._closing = threading.Event()
        responses = MeetResponses(
            self.spaces,
            self.members,
            more=RecordResponses(self.records).handler,
            sweep=self.sweep,
        )
        self.gateway = Gateway(store, self.identity, self.quotas, responses)
        self.control = ControlApi(
            store=store,
            identity=self.identity,
            spaces=self.spaces,
            conferences=self.conferences,
            clock=self.clock,
            sweep=self.sweep,
            users=self.users,
            quotas=self.quotas,
            faults=self.faults,
            requests=self.requests,
        )

    def sweep(self, db: sqlite3.Connection) -> None:
        """Bring the state up to the emulator clock: expired records go, expired codes change."""
        self.conferences.expire(db)
        self.spaces.expire_codes(db)

    def close(self) -> None:
        """Stop serving: requests still waiting out a delay fault are dropped."""
        self._closing.set()

    def handle(self, request: Request) -> Response:
        """Answer one request; never raises."""
        try:
            match, path_known = resolve(request.verb, request.path)
            if match is None:
                if path_known:
                    return error_response(MethodNotAllowed())
                return error_response(
                    NotFound(f"The requested URL {request.path} was not found on this server.")
                )
            if match.route.kind == "control":
                return self._control(match, request)
            return self._with_faults(match, request)
        except Exception:  # a bug must not kill the connection thread silently
            traceback.print_exc(file=sys.stderr)
            return error_response(Internal())

    # --- faults and the request log ---------------------------------------------------------

    def _with_faults(self, match: RouteMatch, request: Request) -> Response:
        route = match.route
        fault = self.faults.take(request.verb, route.api_method, request.path)
        if fault is not None and fault.delay_seconds:
            self._closing.wait(fault.delay_seconds)
        if self._closing.is_set():
            return Response(0, drop=True)
        if fault is not None and fault.drop_connection == "before":
            self._log(route, request, None, None)
            return Response(0, drop=True)
        if fault is not None and fault.status is not None:
            response = self._injected_error(route, fault)
            self._log(route, request, None, response.status)
        elif route.kind == "meet":
            outcome = self.gateway.serve(
                route, match.params, request.headers, request.query, request.body
            )
            response = self._meet_response(outcome)
            self._log(route, request, outcome.principal, outcome.status)
        else:
            response = self._identity_endpoint(match, request)
        if fault is not None and fault.drop_connection == "after":
            response.drop = True
        return response

    @staticmethod
    def _injected_error(route: Route, fault: Fault) -> Response:
        assert fault.status is not None
        error = error_for_status(fault.status)
        if route.api_method.startswith("oauth2."):
            # The OAuth endpoints answer in RFC 6749's error shape, not google.rpc.Status.
            code = "internal_failure" if fault.status >= 500 else "invalid_request"
            description = f"Injected fault: {error.message}"
            return json_response(fault.status, {"error": code, "error_description": description})
        return error_response(error)

    def _log(
        self, route: Route, request: Request, principal: str | None, status: int | None
    ) -> None:
        if route.kind != "meet":
            return
        try:
            body = _json.loads(request.body) if request.body.strip() else None
        except ValueError:
            body = request.body.decode("utf-8", "replace")
        self.requests.record(
            {
                "method": request.verb,
                "apiMethod": route.api_method,
                "path": request.path,
                "query": _redacted(parse_qsl(request.query, keep_blank_values=True)),
                "body": body,
                "principal": principal,
                "userAgent": request.headers.get("user-agent"),
                "status": status,
                "time": self._clock(),
            }
        )

    @staticmethod
    def _meet_response(outcome: Outcome) -> Response:
        headers = {"Content-Type": _JSON, **outcome.headers}
        return Response(outcome.status, encode_json(outcome.body, outcome.rendering), headers)

    # --- identity endpoints and the control API ---------------------------------------------

    def _identity_endpoint(self, match: RouteMatch, request: Request) -> Response:
        handler = match.route.handler
        try:
            if handler == "token":
                form = dict(parse_qsl(request.body.decode("utf-8", "replace")))
                return json_response(*self.identity.handle_token(form))
            if handler == "tokeninfo":
                params = dict(parse_qsl(request.query))
                params.update(parse_qsl(request.body.decode("utf-8", "replace")))
                return json_response(*self.identity.handle_tokeninfo(params))
            body = json_object(parse_json_body(request.body))
            status, answer = self.identity.handle_sign_jwt(
                request.headers.get("authorization"), match.params["service_account"], body
            )
            return json_response(status, answer)
        except ApiError as error:
            return error_response(error)

    def _control(self, match: RouteMatch, request: Request) -> Response:
        try:
            body = parse_json_body(request.body)
            answer = self.control.handler(match.route.handler)(match.params, body)
            return json_response(200, answer)
        except ApiError as error:
            return error_response(error)


# Credentials may ride in the query string (system parameters, plain or with ``$``); the log
# must never repeat them.
_SECRET_QUERY_PARAMETERS = {"access_token", "oauth_token", "key", "api-key"}


def _redacted(pairs: list[tuple[str, str]]) -> dict[str, str]:
    return {
        name: "[redacted]" if name.lower().lstrip("$") in _SECRET_QUERY_PARAMETERS else value
        for name, value in pairs
    }
