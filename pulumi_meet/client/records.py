"""The read-only ``conferenceRecords`` methods of the Meet REST API v2, as a part of `MeetClient`.

Every method is in the READ quota bucket and goes through the client's one paced, retried
transport, like ``spaces.get``. Scopes follow the discovery document: each method accepts
``meetings.space.readonly`` or ``meetings.space.created`` (not ``meetings.space.settings``);
readonly comes first, so a token with neither is told to add it. Lists take the API's largest
page (fewest calls) and ``iter_*`` follow ``nextPageToken`` to the end.

A refused read is re-worded for records: unknown, expired (30 days after the conference ended)
and not visible all answer 403, and with only ``meetings.space.created`` the records of rooms
another app created are hidden.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, Final
from urllib.parse import quote

from pulumi_meet.client.settings import SCOPE_CREATED, SCOPE_READONLY
from pulumi_meet.client.transport import ApiMethod
from pulumi_meet.exceptions import PermissionDenied, ScopeInsufficient, ServiceDisabled
from pulumi_meet.pacing.quota import READ

if TYPE_CHECKING:
    from pulumi_meet.client.transport import Transport

__all__ = [
    "RECORD_METHODS",
    "RECORD_PREFIX",
    "ConferenceRecordReads",
    "record_name",
]

RECORD_PREFIX: Final = "conferenceRecords/"
_SCOPES = (SCOPE_READONLY, SCOPE_CREATED)


def _method(method_id: str) -> ApiMethod:
    return ApiMethod(method_id, "GET", READ, _SCOPES)


RECORDS_GET = _method("conferenceRecords.get")
RECORDS_LIST = _method("conferenceRecords.list")
PARTICIPANTS_GET = _method("conferenceRecords.participants.get")
PARTICIPANTS_LIST = _method("conferenceRecords.participants.list")
SESSIONS_LIST = _method("conferenceRecords.participants.participantSessions.list")
RECORDINGS_LIST = _method("conferenceRecords.recordings.list")
TRANSCRIPTS_LIST = _method("conferenceRecords.transcripts.list")
ENTRIES_LIST = _method("conferenceRecords.transcripts.entries.list")
SMART_NOTES_LIST = _method("conferenceRecords.smartNotes.list")

RECORD_METHODS: Final = (
    RECORDS_GET,
    RECORDS_LIST,
    PARTICIPANTS_GET,
    PARTICIPANTS_LIST,
    SESSIONS_LIST,
    RECORDINGS_LIST,
    TRANSCRIPTS_LIST,
    ENTRIES_LIST,
    SMART_NOTES_LIST,
)
"""The conference-record methods the client calls (ids as in the discovery document)."""

# Each list's maximum page size (discovery document): one call where the API allows it.
_PAGE_SIZES: Final = {
    RECORDS_LIST.id: 100,
    PARTICIPANTS_LIST.id: 250,
    SESSIONS_LIST.id: 250,
    RECORDINGS_LIST.id: 100,
    TRANSCRIPTS_LIST.id: 100,
    ENTRIES_LIST.id: 100,
    SMART_NOTES_LIST.id: 100,
}
_MAX_PAGES: Final = 10_000  # a bound on following tokens: far beyond any real conference


def record_name(reference: str) -> str:
    """``conferenceRecords/<id>`` from that name or a bare ``<id>``; ValueError otherwise."""
    text = reference.strip()
    record_id = text.removeprefix(RECORD_PREFIX)
    if not record_id or "/" in record_id or not all(c.isalnum() or c in "-_" for c in record_id):
        raise ValueError(
            f"{reference!r} is not a conference record; use conferenceRecords/<id> (as "
            "`pulumi-meet conferences list SPACE` prints them)"
        )
    return RECORD_PREFIX + record_id


def _path(name: str) -> str:
    return quote(name, safe="/")


class ConferenceRecordReads:
    """The conference-record reads of :class:`~pulumi_meet.client.meet.MeetClient`."""

    _transport: Transport

    def _read(
        self,
        method: ApiMethod,
        name: str,
        params: dict[str, str] | None = None,
    ) -> dict[str, Any]:
        try:
            return self._transport.call(method, _path(name), resource=name, params=params)
        except (ServiceDisabled, ScopeInsufficient):
            raise
        except PermissionDenied as error:
            raise _refused(error, name, self._transport.identity) from error

    def _pages(
        self,
        method: ApiMethod,
        path: str,
        key: str,
        params: dict[str, str] | None = None,
    ) -> Iterator[dict[str, Any]]:
        """Every item under ``key`` of a list, following ``nextPageToken`` (largest pages)."""
        query = {"pageSize": str(_PAGE_SIZES[method.id]), **(params or {})}
        for _ in range(_MAX_PAGES):
            page = self._read(method, path, query)
            yield from page.get(key) or []
            token = str(page.get("nextPageToken") or "")
            if not token:
                return
            query = {**query, "pageToken": token}
        raise RuntimeError(f"{method.id} {path}: more than {_MAX_PAGES} pages")

    def get_conference_record(self, name: str) -> dict[str, Any]:
        """conferenceRecords.get of ``conferenceRecords/<id>``."""
        return self._read(RECORDS_GET, name)

    def iter_conference_records(self, filter_: str = "") -> Iterator[dict[str, Any]]:
        """conferenceRecords.list, newest first: the records of the rooms the caller owns.

        ``filter_`` is the API's filter (``space.name = "spaces/x" AND start_time >= "…"``).
        """
        params = {"filter": filter_} if filter_ else {}
        return self._pages(RECORDS_LIST, "conferenceRecords", "conferenceRecords", params)

    def get_participant(self, name: str) -> dict[str, Any]:
        """conferenceRecords.participants.get."""
        return self._read(PARTICIPANTS_GET, name)

    def iter_participants(self, record: str) -> Iterator[dict[str, Any]]:
        """Every participant of a record (newest first join)."""
        return self._pages(PARTICIPANTS_LIST, f"{record}/participants", "participants")

    def count_participants(self, record: str) -> int:
        """The number of participants of a record: one call, whatever their number
        (``totalSize``, which the API answers only when the field mask asks for it)."""
        page = self._read(
            PARTICIPANTS_LIST, f"{record}/participants", {"pageSize": "1", "fields": "totalSize"}
        )
        return int(page.get("totalSize") or 0)

    def iter_participant_sessions(self, participant: str) -> Iterator[dict[str, Any]]:
        """Every session (one per join) of a participant, newest first."""
        return self._pages(
            SESSIONS_LIST, f"{participant}/participantSessions", "participantSessions"
        )

    def iter_recordings(self, record: str) -> Iterator[dict[str, Any]]:
        """Every recording of a record, oldest first."""
        return self._pages(RECORDINGS_LIST, f"{record}/recordings", "recordings")

    def iter_transcripts(self, record: str) -> Iterator[dict[str, Any]]:
        """Every transcript of a record, oldest first."""
        return self._pages(TRANSCRIPTS_LIST, f"{record}/transcripts", "transcripts")

    def iter_transcript_entries(self, transcript: str) -> Iterator[dict[str, Any]]:
        """Every entry (a line said) of a transcript, oldest first."""
        return self._pages(ENTRIES_LIST, f"{transcript}/entries", "transcriptEntries")

    def iter_smart_notes(self, record: str) -> Iterator[dict[str, Any]]:
        """Every smart note (Gemini's notes) of a record, oldest first."""
        return self._pages(SMART_NOTES_LIST, f"{record}/smartNotes", "smartNotes")


def _refused(error: PermissionDenied, name: str, identity: str) -> PermissionDenied:
    """A 403 on a record, with what it can mean for records and what to do."""
    message = (
        f"{error.method} {name}: 403 PERMISSION_DENIED: the record does not exist, has expired "
        f"(records are deleted 30 days after the conference ended), or {identity} may not read "
        "it: only the room's owner and the conference's participants may, and with only the "
        "meetings.space.created scope only the records of rooms this app created. Act as the "
        "room's owner (--as / owner / meet:impersonateUser), or add the scope "
        "meetings.space.readonly."
    )
    return PermissionDenied(
        message,
        method=error.method,
        resource=name,
        reason=error.reason,
        metadata=error.metadata,
        server_message=error.server_message,
    )
