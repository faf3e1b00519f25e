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
_RECORDS_RPC = "google.apps.meet.v2.ConferenceRecordsService."
_SEGMENT = r"[^/:]+"
_SPACE = rf"spaces/{_SEGMENT}"
_MEMBER = rf"spaces/{_SEGMENT}/members/{_SEGMENT}"
_RECORD = rf"conferenceRecords/{_SEGMENT}"
_PARTICIPANT = rf"{_RECORD}/participants/{_SEGMENT}"
_TRANSCRIPT = rf"{_RECORD}/transcripts/{_SEGMENT}"


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
_PAGE = (
    QueryParam("page_size", "pageSize", "int32"),
    QueryParam("page_token", "pageToken", "string"),
)
_FILTERED_PAGE = (QueryParam("filter", "filter", "string"), *_PAGE)
_ALL_READERS = frozenset({SCOPE_CREATED, SCOPE_READONLY, SCOPE_SETTINGS})
_MEMBER_READERS = frozenset({SCOPE_CREATED, SCOPE_READONLY})
_WRITERS = frozenset({SCOPE_CREATED})
_RECORD_READERS = frozenset({SCOPE_CREATED, SCOPE_READONLY})  # settings is not accepted [doc]


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

# The 14 conferenceRecords methods: all GET, all read quota, scopes created or readonly [doc].
# handler, API method id (after "conferenceRecords"), RPC, path pattern, discovery path, query
_RECORDS_TABLE: tuple[tuple[Any, ...], ...] = (
    ("get_conference_record", "get", "GetConferenceRecord", f"(?P<name>{_RECORD})",
     "v2/{+name}", ()),
    ("list_conference_records", "list", "ListConferenceRecords", "conferenceRecords",
     "v2/conferenceRecords", _FILTERED_PAGE),
    ("get_participant", "participants.get", "GetParticipant", f"(?P<name>{_PARTICIPANT})",
     "v2/{+name}", ()),
    ("list_participants", "participants.list", "ListParticipants",
     f"(?P<parent>{_RECORD})/participants", "v2/{+parent}/participants", _FILTERED_PAGE),
    ("get_participant_session", "participants.participantSessions.get",
     "GetParticipantSession", f"(?P<name>{_PARTICIPANT}/participantSessions/{_SEGMENT})",
     "v2/{+name}", ()),
    ("list_participant_sessions", "participants.participantSessions.list",
     "ListParticipantSessions", f"(?P<parent>{_PARTICIPANT})/participantSessions",
     "v2/{+parent}/participantSessions", _FILTERED_PAGE),
    ("get_recording", "recordings.get", "GetRecording",
     f"(?P<name>{_RECORD}/recordings/{_SEGMENT})", "v2/{+name}", ()),
    ("list_recordings", "recordings.list", "ListRecordings", f"(?P<parent>{_RECORD})/recordings",
     "v2/{+parent}/recordings", _PAGE),
    ("get_transcript", "transcripts.get", "GetTranscript", f"(?P<name>{_TRANSCRIPT})",
     "v2/{+name}", ()),
    ("list_transcripts", "transcripts.list", "ListTranscripts",
     f"(?P<parent>{_RECORD})/transcripts", "v2/{+parent}/transcripts", _PAGE),
    ("get_transcript_entry", "transcripts.entries.get", "GetTranscriptEntry",
     f"(?P<name>{_TRANSCRIPT}/entries/{_SEGMENT})", "v2/{+name}", ()),
    ("list_transcript_entries", "transcripts.entries.list", "ListTranscriptEntries",
     f"(?P<parent>{_TRANSCRIPT})/entries", "v2/{+parent}/entries", _PAGE),
    ("get_smart_note", "smartNotes.get", "GetSmartNote",
     f"(?P<name>{_RECORD}/smartNotes/{_SEGMENT})", "v2/{+name}", ()),
    ("list_smart_notes", "smartNotes.list", "ListSmartNotes",
     f"(?P<parent>{_RECORD})/smartNotes", "v2/{+parent}/smartNotes", _PAGE),
)  # fmt: skip


def _meet_route(row: tuple[Any, ...]) -> Route:
    fields = dict(zip(_COLUMNS, row, strict=True))
    fields["pattern"] = "/v2/" + fields["pattern"]
    fields["rpc"] = _RPC + fields["rpc"]
    return Route(kind="meet", **fields)


def _records_route(row: tuple[Any, ...]) -> Route:
    handler, method, rpc, pattern, template, query = row
    return Route(
        "GET",
        "/v2/" + pattern,
        handler,
        "meet",
        api_method="conferenceRecords." + method,
        rpc=_RECORDS_RPC + rpc,
        template=template,
        scopes=_RECORD_READERS,
        bucket="read",
        query=query,
    )


MEET_ROUTES: tuple[Route, ...] = tuple(_meet_route(row) for row in _MEET_TABLE) + tuple(
    _records_route(row) for row in _RECORDS_TABLE
)

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
        ("POST", f"(?P<space>{_SPACE}):leaveConference", "leave_conference"),
        ("POST", f"(?P<space>{_SPACE}):endConference", "end_conference"),
        ("GET", "clock", "get_clock"),
        ("PUT", "clock", "put_clock"),
        ("DELETE", "clock", "reset_clock"),
        ("POST", "clock:advance", "advance_clock"),
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
