"""MeetClient: one method per Meet API method, camelCase JSON dicts in and out.

``get_client(settings, acting_as)`` returns the process's client for that identity; building it
makes no network call and resolves no credentials (the first API call does). Clients are safe to
share between threads.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from typing import Any
from urllib.parse import quote

from pulumi_meet.client.records import ConferenceRecordReads
from pulumi_meet.client.settings import SCOPE_CREATED, SCOPE_READONLY, SCOPE_SETTINGS, Settings
from pulumi_meet.client.transport import ApiMethod, Transport
from pulumi_meet.core.references import is_meeting_code
from pulumi_meet.exceptions import InvalidArgument, MeetingCodeNotFound, NotFound
from pulumi_meet.pacing.quota import CREATE, READ, WRITE

__all__ = ["METHODS", "MeetClient", "get_client", "reset_clients"]

_ANY_SPACE_READ = (SCOPE_CREATED, SCOPE_READONLY, SCOPE_SETTINGS)
_MEMBER_READ = (SCOPE_CREATED, SCOPE_READONLY)

# Buckets follow meet-api-behaviour.md "Quotas"; scopes follow the discovery document (the first
# one is the one an error message suggests adding).
SPACES_CREATE = ApiMethod("spaces.create", "POST", CREATE, (SCOPE_CREATED,), creates=True)
SPACES_GET = ApiMethod("spaces.get", "GET", READ, _ANY_SPACE_READ)
SPACES_PATCH = ApiMethod("spaces.patch", "PATCH", WRITE, (SCOPE_CREATED, SCOPE_SETTINGS))
SPACES_END_ACTIVE_CONFERENCE = ApiMethod(
    "spaces.endActiveConference", "POST", WRITE, (SCOPE_CREATED,)
)
MEMBERS_CREATE = ApiMethod("members.create", "POST", WRITE, (SCOPE_CREATED,), creates=True)
MEMBERS_GET = ApiMethod("members.get", "GET", READ, _MEMBER_READ)
MEMBERS_LIST = ApiMethod("members.list", "GET", READ, _MEMBER_READ)
MEMBERS_PATCH = ApiMethod("members.patch", "PATCH", WRITE, (SCOPE_CREATED,))
MEMBERS_DELETE = ApiMethod("members.delete", "DELETE", WRITE, (SCOPE_CREATED,))

METHODS = (
    SPACES_CREATE,
    SPACES_GET,
    SPACES_PATCH,
    SPACES_END_ACTIVE_CONFERENCE,
    MEMBERS_CREATE,
    MEMBERS_GET,
    MEMBERS_LIST,
    MEMBERS_PATCH,
    MEMBERS_DELETE,
)
_MAX_PAGES = 10_000  # bound on iter_members: 250 members a page is far beyond any real space


def _path(method: ApiMethod, name: str) -> str:
    """A resource name as a URL path; each segment escaped, the slashes kept.

    A name that would leave the API's paths is refused before any request, as the API's own
    INVALID_ARGUMENT (a ``MeetError``: callers report it like any refusal, not as a bug).
    """
    if not name or name.startswith("/") or ".." in name.split("/"):
        raise InvalidArgument(
            f"{method.id} {name!r}: not a resource name; use spaces/<id> for a space or "
            "spaces/<id>/members/<id> for a member",
            method=method.id,
            resource=name,
        )
    return quote(name, safe="/:")


def _mask(update_mask: Sequence[str]) -> str:
    if isinstance(update_mask, str):
        raise TypeError("update_mask is a sequence of paths, not a string")
    paths = [p for p in update_mask if p]
    if not paths:
        # An empty mask means "every field present" to the API; callers skip the call instead.
        raise ValueError("update_mask must name at least one field")
    return ",".join(paths)


class MeetClient(ConferenceRecordReads):
    """The Meet REST API v2 (spaces, members, conference records) as one identity."""

    def __init__(self, settings: Settings, acting_as: str | None = None) -> None:
        self.settings = settings
        self.acting_as = acting_as
        self._transport = Transport(settings, acting_as)

    @property
    def identity(self) -> str:
        """The e-mail the calls act as (resolves the credentials on first use)."""
        return self._transport.identity

    def create_space(self, space: dict[str, Any]) -> dict[str, Any]:
        """spaces.create with the whole `space` body; never resent once it may have arrived."""
        return self._transport.call(SPACES_CREATE, "spaces", resource="spaces", body=space)

    def get_space(self, name: str) -> dict[str, Any]:
        """spaces.get; `name` is ``spaces/<id>`` or the alias ``spaces/<meetingCode>``.

        Errors name an alias by its meeting code, as people know it (``abc-mnop-xyz``); a code
        that names no room (404) raises `MeetingCodeNotFound`: it may have expired or been reused.
        """
        code = name.removeprefix("spaces/")
        if not is_meeting_code(code):
            return self._transport.call(SPACES_GET, _path(SPACES_GET, name), resource=name)
        try:
            return self._transport.call(SPACES_GET, _path(SPACES_GET, name), resource=code)
        except NotFound as error:
            raise MeetingCodeNotFound.from_error(error, code) from error

    def patch_space(
        self, name: str, space: dict[str, Any], update_mask: Sequence[str]
    ) -> dict[str, Any]:
        """spaces.patch of the fields named by `update_mask` (camelCase paths)."""
        return self._transport.call(
            SPACES_PATCH,
            _path(SPACES_PATCH, name),
            resource=name,
            params={"updateMask": _mask(update_mask)},
            body=space,
        )

    def end_active_conference(self, name: str) -> None:
        """spaces.endActiveConference; FailedPrecondition when no conference is active."""
        self._transport.call(
            SPACES_END_ACTIVE_CONFERENCE,
            f"{_path(SPACES_END_ACTIVE_CONFERENCE, name)}:endActiveConference",
            resource=name,
            body={},
        )

    def create_member(self, parent: str, member: dict[str, Any]) -> dict[str, Any]:
        """members.create in `parent` (``spaces/<id>``); never resent once it may have arrived."""
        return self._transport.call(
            MEMBERS_CREATE, f"{_path(MEMBERS_CREATE, parent)}/members", resource=parent, body=member
        )

    def get_member(self, name: str) -> dict[str, Any]:
        """members.get of ``spaces/<id>/members/<id>``."""
        return self._transport.call(MEMBERS_GET, _path(MEMBERS_GET, name), resource=name)

    def list_members(self, parent: str, page_size: int = 0, page_token: str = "") -> dict[str, Any]:
        """One page of members.list: ``{"members": [...], "nextPageToken": ...}``."""
        params: dict[str, str] = {}
        if page_size:
            params["pageSize"] = str(page_size)
        if page_token:
            params["pageToken"] = page_token
        return self._transport.call(
            MEMBERS_LIST, f"{_path(MEMBERS_LIST, parent)}/members", resource=parent, params=params
        )

    def iter_members(self, parent: str) -> Iterator[dict[str, Any]]:
        """Every member of `parent`, following ``nextPageToken``."""
        token = ""
        for _ in range(_MAX_PAGES):
            page = self.list_members(parent, page_token=token)
            yield from page.get("members", [])
            token = str(page.get("nextPageToken") or "")
            if not token:
                return
        raise RuntimeError(f"members.list {parent}: more than {_MAX_PAGES} pages")

    def patch_member(
        self, name: str, member: dict[str, Any], update_mask: Sequence[str]
    ) -> dict[str, Any]:
        """members.patch of the fields named by `update_mask`."""
        return self._transport.call(
            MEMBERS_PATCH,
            _path(MEMBERS_PATCH, name),
            resource=name,
            params={"updateMask": _mask(update_mask)},
            body=member,
        )

    def delete_member(self, name: str) -> None:
        """members.delete of ``spaces/<id>/members/<id>``."""
        self._transport.call(MEMBERS_DELETE, _path(MEMBERS_DELETE, name), resource=name)


_CLIENTS: dict[tuple[Settings, str | None], MeetClient] = {}
_CLIENTS_LOCK = threading.Lock()


def get_client(settings: Settings, acting_as: str | None = None) -> MeetClient:
    """The process's client for `settings` acting as `acting_as` (default identity if None).

    No network call and no credential resolution happen here; the first API call does both.
    """
    key = (settings, acting_as.lower() if acting_as else None)
    with _CLIENTS_LOCK:
        client = _CLIENTS.get(key)
        if client is None:
            client = _CLIENTS[key] = MeetClient(settings, key[1])
        return client


def reset_clients() -> None:
    """Forget every cached client, credential and limiter (tests; a fresh emulator)."""
    from pulumi_meet.client import auth as _auth
    from pulumi_meet.pacing import ledger as _ledger
    from pulumi_meet.pacing import pacer as _pacer
    from pulumi_meet.pacing import window as _window

    with _CLIENTS_LOCK:
        _CLIENTS.clear()
    _auth.reset_authorizations()
    _window.reset_limiters()
    _pacer.reset_pacer()
    _ledger.reset_ledgers()
