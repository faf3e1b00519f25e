"""Routing: (HTTP verb, path) → handler, API method id, RPC name, accepted scopes, quota bucket.

Meet routes mirror the discovery document (`path`, `httpMethod`, `scopes`); a test walks the
document and checks each method against this table. Identity routes (``/token``,
``/tokeninfo``, signJwt) and the control API (``/emulator/v1/…``) are listed here too, so the
server resolves every request in one place.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Literal
from urllib.parse import unquote

from pulumi_meet.emulator.identity import SCOPE_CREATED, SCOPE_READONLY, SCOPE_SETTINGS

__all__ = ["ROUTES", "QueryParam", "Route", "RouteMatch", "resolve"]

Kind = Literal["meet", "identity", "control"]
Bucket = Literal["read", "write", "create", ""]

_RPC = "google.apps.meet.v2.SpacesService."
_SEGMENT = r"[^/:]+"
_SPACE = rf"spaces/{_SEGMENT}"
_MEMBER = rf"spaces/{_SEGMENT}/members/{_SEGMENT}"


@dataclass(frozen=True)
class QueryParam:
    """A method query parameter: its proto name, JSON name and type."""

    proto_name: str
    json_name: str
    kind: Literal["string", "int32", "field_mask"]


@dataclass(frozen=True)
class Route:
    """One operation the emulator serves."""

    verb: str
    pattern: str  # a regex over the URL path with named groups for path parameters
    handler: str  # function name in responses.py (Meet) or control.py (control API)
    kind: Kind
    api_method: str = ""  # "spaces.create", "oauth2.token", … (faults and the request log)
    rpc: str = ""  # "google.apps.meet.v2.SpacesService.CreateSpace" (error metadata)
    template: str = ""  # the discovery document's `path`, e.g. "v2/{+name}"
    scopes: frozenset[str] = frozenset()
    bucket: Bucket = ""
    query: tuple[QueryParam, ...] = ()
    body: str = ""  # the request message the body holds (Meet); "" = no body
    _regex: re.Pattern[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_regex", re.compile(self.pattern))

    def match(self, path: str) -> dict[str, str] | None:
        found = self._regex.fullmatch(path)
        if found is None:
            return None
        return {key: unquote(value) for key, value in found.groupdict().items()}


@dataclass(frozen=True)
class RouteMatch:
    route: Route
    params: dict[str, str]


_UPDATE_MASK = QueryParam("update_mask", "updateMask", "field_mask")
_ALL_READERS = frozenset({SCOPE_CREATED, SCOPE_READONLY, SCOPE_SETTINGS})
_MEMBER_READERS = frozenset({SCOPE_CREATED, SCOPE_READONLY})
_WRITERS = frozenset({SCOPE_CREATED})


# verb, path pattern, handler, API method id, RPC, discovery path, scopes, bucket, query, body
_MEET_TABLE: tuple[tuple[Any, ...], ...] = (
    ("POST", "spaces", "create_space", "spaces.create", "CreateSpace", "v2/spaces",
     _WRITERS, "create", (), "Space"),
    ("GET", f"(?P<name>{_SPACE})", "get_space", "spaces.get", "GetSpace", "v2/{+name}",
     _ALL_READERS, "read", (), ""),
    ("PATCH", f"(?P<name>{_SPACE})", "patch_space", "spaces.patch", "UpdateSpace", "v2/{+name}",
     frozenset({SCOPE_CREATED, SCOPE_SETTINGS}), "write", (_UPDATE_MASK,), "Space"),
    ("POST", f"(?P<name>{_SPACE}):endActiveConference", "end_active_conference",
     "spaces.endActiveConference", "EndActiveConference", "v2/{+name}:endActiveConference",
     _WRITERS, "write", (), "EndActiveConferenceRequest"),
    ("POST", f"(?P<parent>{_SPACE})/members", "create_member", "spaces.members.create",
     "CreateMember", "v2/{+parent}/members", _WRITERS, "write", (), "Member"),
    ("GET", f"(?P<name>{_MEMBER})", "get_member", "spaces.members.get", "GetMember",
     "v2/{+name}", _MEMBER_READERS, "read", (), ""),
    ("GET", f"(?P<parent>{_SPACE})/members", "list_members", "spaces.members.list",
     "ListMembers", "v2/{+parent}/members", _MEMBER_READERS, "read",
     (QueryParam("page_size", "pageSize", "int32"),
      QueryParam("page_token", "pageToken", "string")), ""),
    ("PATCH", f"(?P<name>{_MEMBER})", "patch_member", "spaces.members.patch", "UpdateMember",
     "v2/{+name}", _WRITERS, "write", (_UPDATE_MASK,), "Member"),
    ("DELETE", f"(?P<name>{_MEMBER})", "delete_member", "spaces.members.delete",
     "DeleteMember", "v2/{+name}", _WRITERS, "write", (), ""),
    ("POST", f"(?P<parent>{_SPACE})/members:batchUpdate", "batch_update_members",
     "spaces.members.batchUpdate", "BatchUpdateMembers", "v2/{+parent}/members:batchUpdate",
     _WRITERS, "write", (), "BatchUpdateMembersRequest"),
)  # fmt: skip

_COLUMNS = [
    "verb",
    "pattern",
    "handler",
    "api_method",
    "rpc",
    "template",
    "scopes",
    "bucket",
    "query",
    "body",
]


def _meet_route(row: tuple[Any, ...]) -> Route:
    fields = dict(zip(_COLUMNS, row, strict=True))
    fields["pattern"] = "/v2/" + fields["pattern"]
    fields["rpc"] = _RPC + fields["rpc"]
    return Route(kind="meet", **fields)


MEET_ROUTES: tuple[Route, ...] = tuple(_meet_route(row) for row in _MEET_TABLE)

IDENTITY_ROUTES: tuple[Route, ...] = (
    Route("POST", "/token", "token", "identity", "oauth2.token"),
    Route("GET", "/tokeninfo", "tokeninfo", "identity", "oauth2.tokeninfo"),
    Route("POST", "/tokeninfo", "tokeninfo", "identity", "oauth2.tokeninfo"),
    Route(
        "POST",
        r"/v1/projects/-/serviceAccounts/(?P<service_account>[^/:]+):signJwt",
        "sign_jwt",
        "identity",
        "iamcredentials.signJwt",
    ),
)

_CONTROL = "/emulator/v1/"
CONTROL_ROUTES: tuple[Route, ...] = tuple(
    Route(verb, _CONTROL + pattern, handler, "control")
    for verb, pattern, handler in (
        ("POST", "token", "mint_token"),
        ("POST", "serviceAccounts", "create_service_account"),
        ("POST", "authorizedUsers", "create_authorized_user"),
        ("POST", "credentials:prove", "prove_credentials"),
        ("GET", "users/(?P<email>[^/]+)", "get_user"),
        ("PUT", "users/(?P<email>[^/]+)", "put_user"),
        ("GET", "apps/(?P<app>[^/]+)", "get_app"),
        ("PUT", "apps/(?P<app>[^/]+)", "put_app"),
        ("GET", "spaces", "list_spaces"),
        ("POST", f"(?P<space>{_SPACE}):startConference", "start_conference"),
        ("POST", f"(?P<space>{_SPACE}):endConference", "end_conference"),
        ("GET", "requests", "list_requests"),
        ("DELETE", "requests", "clear_requests"),
        ("GET", "quotas", "get_quotas"),
        ("PUT", "quotas", "put_quotas"),
        ("GET", "faults", "get_faults"),
        ("PUT", "faults", "put_faults"),
        ("POST", "reset", "reset"),
    )
)

ROUTES: tuple[Route, ...] = MEET_ROUTES + IDENTITY_ROUTES + CONTROL_ROUTES


def resolve(verb: str, path: str) -> tuple[RouteMatch | None, bool]:
    """The route for ``verb path``, and whether the path exists under another verb (→ 405)."""
    path_known = False
    for route in ROUTES:
        params = route.match(path)
        if params is None:
            continue
        if route.verb == verb:
            return RouteMatch(route, params), True
        path_known = True
    return None, path_known
