"""What Google's front end does around a Meet API call, in Google's order.

1. authenticate the bearer token (``Authorization`` header, or the ``access_token`` /
   ``oauth_token`` system parameter) → 401;
2. the app's Meet API switch → 403 SERVICE_DISABLED;
3. the method's scopes → 403 ACCESS_TOKEN_SCOPE_INSUFFICIENT;
4. a service account acting as itself → 403 (only users may call Meet);
5. quota → 429;
6. the operation: query binding, body parsing, the handler, inside one transaction.

(Fault rules apply before all of this, in ``app.py``.) Query parameters bind like Google's HTTP
transcoding: system parameters (``$alt``, ``fields``, ``prettyPrint``, ``key``…) are accepted,
method parameters may be spelt in JSON or proto case, anything else is 400 ``Cannot bind query
parameter``. The response honours ``$alt=json;enum-encoding=int``, ``fields`` and ``prettyPrint``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

from pulumi_meet.emulator import _json
from pulumi_meet.emulator.exceptions import (
    ApiError,
    InvalidArgument,
    PermissionDenied,
    ScopeInsufficient,
    ServiceDisabled,
)
from pulumi_meet.emulator.fields import FieldSelector, parse_fields
from pulumi_meet.emulator.identity import SCOPE_CREATED, Identity, Principal
from pulumi_meet.emulator.messages import MESSAGES, render
from pulumi_meet.emulator.models import Access
from pulumi_meet.emulator.quotas import Quotas
from pulumi_meet.emulator.responses import Call, MeetResponses
from pulumi_meet.emulator.store import Store
from pulumi_meet.emulator.urls import QueryParam, Route

__all__ = [
    "SYSTEM_PARAMETERS",
    "Gateway",
    "Outcome",
    "Rendering",
    "encode_json",
    "json_object",
    "parse_json_body",
    "parse_query",
]

# Google's system parameters (https://cloud.google.com/apis/docs/system-parameters), in both
# their plain and ``$`` spellings.
SYSTEM_PARAMETERS = frozenset(
    spelling
    for name in (
        "alt",
        "fields",
        "prettyPrint",
        "key",
        "quotaUser",
        "callback",
        "uploadType",
        "upload_protocol",
        "access_token",
        "oauth_token",
        "userIp",
        "trace",
        "api-key",
        "requestReason",
    )
    for spelling in (name, "$" + name)
) | {"$.xgafv", "xgafv"}


@dataclass(frozen=True)
class Rendering:
    """How to write the response: enum numbers, partial response, indentation."""

    int_enums: bool = False
    pretty: bool = True
    fields: FieldSelector | None = None


@dataclass
class Outcome:
    """The answer to a Meet request, and what the request log records of it."""

    status: int
    body: dict[str, Any]
    headers: dict[str, str] = field(default_factory=dict)
    principal: str | None = None
    rendering: Rendering = field(default_factory=Rendering)


@dataclass(frozen=True)
class Query:
    """The bound query: method parameters by proto name, and how to render the answer."""

    method: dict[str, Any]
    rendering: Rendering


def parse_query(text: str, params: tuple[QueryParam, ...]) -> Query:
    """Bind the query string; raise InvalidArgument like Google's transcoding does."""
    method: dict[str, Any] = {}
    for key, value in parse_qsl(text, keep_blank_values=True):
        if key in SYSTEM_PARAMETERS:
            continue
        spec = next((p for p in params if key in (p.json_name, p.proto_name)), None)
        if spec is None:
            description = (
                f'Invalid JSON payload received. Unknown name "{key}": Cannot bind query '
                f"parameter. Field '{key}' could not be found in request message."
            )
            raise InvalidArgument.for_field("", description)
        if spec.proto_name in method:
            description = f"Invalid value at '{spec.proto_name}': the parameter is repeated."
            raise InvalidArgument.for_field(spec.proto_name, description)  # [rule]
        method[spec.proto_name] = _bind(spec, value)
    return Query(method, _rendering(_system_parameters(text)))


def _bind(spec: QueryParam, value: str) -> Any:
    if spec.kind != "int32":
        return value
    try:
        number = int(value)
    except ValueError:
        number = None
    if number is None or not -(2**31) <= number < 2**31:
        text = json.dumps(value)
        raise InvalidArgument.for_field(
            spec.proto_name, f"Invalid value at '{spec.proto_name}' (TYPE_INT32), {text}"
        )
    return number


def _system_parameters(text: str) -> dict[str, str]:
    return {
        key.lstrip("$"): value
        for key, value in parse_qsl(text, keep_blank_values=True)
        if key in SYSTEM_PARAMETERS
    }


def _rendering(system: Mapping[str, str]) -> Rendering:
    alt = system.get("alt", "json")
    fmt, *options = (part.strip() for part in alt.split(";"))
    if fmt != "json":
        # The emulator speaks JSON only (Google also serves alt=proto). [rule]
        raise InvalidArgument.for_field("alt", f"Unsupported alt={alt}: only json is served.")
    int_enums = False
    for option in options:
        key, _, value = option.partition("=")
        if key == "enum-encoding" and value in ("int", "string"):
            int_enums = value == "int"
        else:
            raise InvalidArgument.for_field("alt", f"Unsupported alt option: {option}")
    pretty = system.get("prettyPrint", "true").lower() != "false"
    selector = parse_fields(system["fields"]) if system.get("fields") else None
    return Rendering(int_enums=int_enums, pretty=pretty, fields=selector)


def encode_json(value: Any, rendering: Rendering) -> bytes:
    """The response body bytes."""
    if rendering.pretty:
        return (json.dumps(value, indent=2, ensure_ascii=False) + "\n").encode()
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode()


def parse_json_body(raw: bytes) -> Any:
    """The request body as JSON (``None`` when empty); 400 like Google when malformed."""
    if not raw.strip():
        return None
    try:
        return _json.loads(raw)
    except _json.JsonTooDeep:
        # Protobuf's JSON parser stops at 100 levels; the wording is ours. [rule]
        raise InvalidArgument(
            f"Invalid JSON payload received. Nested more than {_json.MAX_DEPTH} levels deep."
        ) from None
    except ValueError:
        # Google adds a caret diagram of the position; the first sentence is the same. [rule]
        raise InvalidArgument("Invalid JSON payload received. Unexpected token.") from None


def json_object(body: Any) -> Mapping[str, Any]:
    """A parsed body that must be a JSON object (an absent body is ``{}``)."""
    if body is None:
        return {}
    if not isinstance(body, Mapping):
        raise InvalidArgument("The request body must be a JSON object.")
    return body


class Gateway:
    """Serves one Meet API request after routing (see the module docstring for the order)."""

    def __init__(
        self, store: Store, identity: Identity, quotas: Quotas, responses: MeetResponses
    ) -> None:
        self._store = store
        self._identity = identity
        self._quotas = quotas
        self._responses = responses

    def serve(
        self,
        route: Route,
        params: Mapping[str, str],
        headers: Mapping[str, str],
        query_text: str,
        body: bytes,
    ) -> Outcome:
        principal: Principal | None = None
        try:
            query: Query | InvalidArgument = parse_query(query_text, route.query)
        except InvalidArgument as error:
            # Reported after authentication and quota, which Google checks first. [rule]
            query = error
        rendering = query.rendering if isinstance(query, Query) else Rendering()
        try:
            principal = self._admit(route, headers, _system_parameters(query_text))
            if isinstance(query, InvalidArgument):
                raise query
            value = self._operate(route, params, principal, query, body)
            if rendering.fields is not None:
                value = rendering.fields.select(value)
            return Outcome(200, value, principal=principal.email, rendering=rendering)
        except ApiError as error:
            email = principal.email if principal else None
            return Outcome(error.http_status, error.envelope(), error.headers, email, rendering)

    def _admit(
        self, route: Route, headers: Mapping[str, str], system: Mapping[str, str]
    ) -> Principal:
        authorization = headers.get("authorization")
        token = system.get("access_token") or system.get("oauth_token")
        if not authorization and token:
            authorization = f"Bearer {token}"
        principal = self._identity.authenticate(authorization, method=route.rpc)
        if not self._identity.is_meet_api_enabled(principal.app):
            raise ServiceDisabled(principal.app)
        if not principal.scopes & route.scopes:
            raise ScopeInsufficient(route.rpc)
        if principal.is_service_account:
            # Meet serves users only: a service account needs domain-wide delegation. [seen]
            raise PermissionDenied()
        self._quotas.admit(bucket=route.bucket, app=principal.app, user=principal.email)
        return principal

    def _operate(
        self,
        route: Route,
        params: Mapping[str, str],
        principal: Principal,
        query: Query,
        body: bytes,
    ) -> dict[str, Any]:
        parsed_body = parse_json_body(body) if route.body else None
        if parsed_body is not None and not isinstance(parsed_body, dict):
            raise InvalidArgument(
                'Invalid JSON payload received. Unknown name "": Root element must be a message.'
            )
        wide_scopes = route.scopes - {SCOPE_CREATED}
        access = Access(
            principal.email, principal.app, any_app=bool(principal.scopes & wide_scopes)
        )
        handler = self._responses.handler(route.handler)
        with self._store.transaction() as db:
            selected = query.rendering.fields is not None
            reply = handler(Call(db, access, params, query.method, parsed_body, selected))
        return render(reply.value, MESSAGES[reply.message], int_enums=query.rendering.int_enums)
