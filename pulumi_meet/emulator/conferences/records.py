"""Who may read conference records, and the ``get`` / ``list`` rules of the 14 methods.

- The space's owner, or a signed-in participant of the conference, may read a record and
  everything under it [doc]; ``meetings.space.created`` alone reaches only records of spaces the
  caller's app created [doc]. Anyone else, and any unknown or expired record, gets the
  existence-hiding 403 [rule]; an unknown child under a readable record is 404 [rule].
- ``conferenceRecords.list`` lists the records of the spaces the caller owns, running ones
  included; a participant who does not own the space reaches a record by ``get`` only [rule].
- Order [doc]: records, participants and sessions newest first (by start, first join, start);
  artifacts and entries oldest first; ties in the order of creation [rule].
- Expired records were deleted by ``Conferences.expire`` before the request ran.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from typing import Any

from pulumi_meet.emulator.conferences.filters import FieldKind, compile_filter
from pulumi_meet.emulator.conferences.lifecycle import has_joined
from pulumi_meet.emulator.conferences.paging import Paged, page_of
from pulumi_meet.emulator.conferences.views import (
    artifact_view,
    entry_view,
    participant_view,
    record_view,
    session_view,
)
from pulumi_meet.emulator.exceptions import NotFound, RecordPermissionDenied
from pulumi_meet.emulator.models import Access

__all__ = ["ARTIFACT_KINDS", "Records"]

ARTIFACT_KINDS = ("recordings", "transcripts", "smartNotes")

_RECORD_FILTER: dict[str, FieldKind] = {
    "space.name": "name",
    "space.meeting_code": "code",
    "start_time": "time",
    "end_time": "time",
}
_PARTICIPANT_FILTER: dict[str, FieldKind] = {
    "earliest_start_time": "time",
    "latest_end_time": "time",
}
_SESSION_FILTER: dict[str, FieldKind] = {"start_time": "time", "end_time": "time"}

_RECORDS = (
    "SELECT c.*, s.meeting_code, s.owner, s.creator_app FROM meet_conferences c "
    "JOIN meet_spaces s ON s.name = c.space"
)
_PARTICIPANTS = (
    "SELECT p.*, MIN(s.start_time) AS earliest, MAX(s.end_time) AS last_end, "
    "COUNT(s.name) - COUNT(s.end_time) AS open FROM meet_participants p "
    "LEFT JOIN meet_participant_sessions s ON s.participant = p.name"
)


def _newest_first(start: str) -> Callable[[sqlite3.Row], tuple[int, ...]]:
    return lambda row: (-int(row[start]), int(row["seq"]))


def _oldest_first(row: sqlite3.Row) -> tuple[int, ...]:
    return (int(row["start_time"]), int(row["seq"]))


class Records:
    """The conferenceRecords methods; ``now`` is the emulator clock in microseconds."""

    def __init__(self, now: Callable[[], int]) -> None:
        self._now = now

    # conferenceRecords

    def get_record(self, db: sqlite3.Connection, access: Access, name: str) -> dict[str, Any]:
        return record_view(_readable_record(db, access, name))

    def list_records(self, db: sqlite3.Connection, access: Access, paged: Paged) -> dict[str, Any]:
        matches = compile_filter(paged.filter, _RECORD_FILTER)
        rows = db.execute(
            f"{_RECORDS} WHERE s.owner = ? AND (? OR s.creator_app = ?)",
            (access.email.lower(), access.any_app, access.app),
        ).fetchall()
        kept = [row for row in rows if matches(_record_fields(row))]
        page, token = page_of(kept, _newest_first("start_time"), paged)
        return _page("conferenceRecords", [record_view(row) for row in page], token)

    # participants

    def get_participant(self, db: sqlite3.Connection, access: Access, name: str) -> dict[str, Any]:
        record = _readable_record(db, access, _record_of(name))
        row = db.execute(
            f"{_PARTICIPANTS} WHERE p.name = ? AND p.conference = ? GROUP BY p.name",
            (name, record["name"]),
        ).fetchone()
        return participant_view(_found(row))

    def list_participants(
        self, db: sqlite3.Connection, access: Access, paged: Paged, *, with_total: bool
    ) -> dict[str, Any]:
        record = _readable_record(db, access, paged.parent)
        matches = compile_filter(paged.filter, _PARTICIPANT_FILTER)
        rows = db.execute(
            f"{_PARTICIPANTS} WHERE p.conference = ? GROUP BY p.name", (record["name"],)
        ).fetchall()
        kept = [row for row in rows if matches(_participant_fields(row))]
        page, token = page_of(kept, _newest_first("earliest"), paged)
        answer = _page("participants", [participant_view(row) for row in page], token)
        if with_total:
            # Only a `fields` mask asks for totalSize [doc]; it counts after the filter [rule].
            answer["totalSize"] = len(kept)
        return answer

    # participantSessions

    def get_session(self, db: sqlite3.Connection, access: Access, name: str) -> dict[str, Any]:
        participant = self._readable_participant(
            db, access, name.split("/participantSessions/", maxsplit=1)[0]
        )
        row = db.execute(
            "SELECT * FROM meet_participant_sessions WHERE name = ? AND participant = ?",
            (name, participant),
        ).fetchone()
        return session_view(_found(row))

    def list_sessions(self, db: sqlite3.Connection, access: Access, paged: Paged) -> dict[str, Any]:
        participant = self._readable_participant(db, access, paged.parent)
        matches = compile_filter(paged.filter, _SESSION_FILTER)
        rows = db.execute(
            "SELECT * FROM meet_participant_sessions WHERE participant = ?", (participant,)
        ).fetchall()
        kept = [row for row in rows if matches(_time_fields(row))]
        page, token = page_of(kept, _newest_first("start_time"), paged)
        return _page("participantSessions", [session_view(row) for row in page], token)

    # recordings, transcripts, smartNotes

    def get_artifact(
        self, db: sqlite3.Connection, access: Access, kind: str, name: str
    ) -> dict[str, Any]:
        record = _readable_record(db, access, _record_of(name))
        row = db.execute(
            "SELECT * FROM meet_artifacts WHERE name = ? AND conference = ? AND kind = ?",
            (name, record["name"], kind),
        ).fetchone()
        return artifact_view(_found(row), self._now())

    def list_artifacts(
        self, db: sqlite3.Connection, access: Access, kind: str, paged: Paged
    ) -> dict[str, Any]:
        record = _readable_record(db, access, paged.parent)
        rows = db.execute(
            "SELECT * FROM meet_artifacts WHERE conference = ? AND kind = ?", (record["name"], kind)
        ).fetchall()
        page, token = page_of(rows, _oldest_first, paged)
        now = self._now()
        return _page(kind, [artifact_view(row, now) for row in page], token)

    # transcripts.entries

    def get_entry(self, db: sqlite3.Connection, access: Access, name: str) -> dict[str, Any]:
        transcript = self._readable_transcript(db, access, name.split("/entries/", maxsplit=1)[0])
        row = db.execute(
            "SELECT * FROM meet_transcript_entries WHERE name = ? AND transcript = ?",
            (name, transcript),
        ).fetchone()
        return entry_view(_found(row))

    def list_entries(self, db: sqlite3.Connection, access: Access, paged: Paged) -> dict[str, Any]:
        transcript = self._readable_transcript(db, access, paged.parent)
        rows = db.execute(
            "SELECT * FROM meet_transcript_entries WHERE transcript = ?", (transcript,)
        ).fetchall()
        page, token = page_of(rows, _oldest_first, paged)
        return _page("transcriptEntries", [entry_view(row) for row in page], token)

    # --- helpers ---------------------------------------------------------------------------

    @staticmethod
    def _readable_participant(db: sqlite3.Connection, access: Access, name: str) -> str:
        record = _readable_record(db, access, _record_of(name))
        row = db.execute(
            "SELECT name FROM meet_participants WHERE name = ? AND conference = ?",
            (name, record["name"]),
        ).fetchone()
        return str(_found(row)["name"])

    @staticmethod
    def _readable_transcript(db: sqlite3.Connection, access: Access, name: str) -> str:
        record = _readable_record(db, access, _record_of(name))
        row = db.execute(
            "SELECT name FROM meet_artifacts WHERE name = ? AND conference = ? "
            "AND kind = 'transcripts'",
            (name, record["name"]),
        ).fetchone()
        return str(_found(row)["name"])


def _record_of(name: str) -> str:
    """``conferenceRecords/{id}`` of any name under it."""
    return "/".join(name.split("/")[:2])


def _readable_record(db: sqlite3.Connection, access: Access, name: str) -> sqlite3.Row:
    row: sqlite3.Row | None = db.execute(f"{_RECORDS} WHERE c.name = ?", (name,)).fetchone()
    if row is None or not (access.any_app or row["creator_app"] == access.app):
        raise RecordPermissionDenied()
    email = access.email.lower()
    if row["owner"] != email and not has_joined(db, row["name"], email):
        raise RecordPermissionDenied()
    return row


def _found(row: sqlite3.Row | None) -> sqlite3.Row:
    if row is None:
        raise NotFound()
    return row


def _page(items: str, values: list[dict[str, Any]], token: str | None) -> dict[str, Any]:
    answer: dict[str, Any] = {items: values}
    if token is not None:
        answer["nextPageToken"] = token
    return answer


def _record_fields(row: sqlite3.Row) -> dict[str, Any]:
    return {
        "space.name": row["space"],
        "space.meeting_code": row["meeting_code"],
        "start_time": row["start_time"],
        "end_time": row["end_time"],
    }


def _participant_fields(row: sqlite3.Row) -> dict[str, Any]:
    return {
        "earliest_start_time": row["earliest"],
        "latest_end_time": None if row["open"] else row["last_end"],
    }


def _time_fields(row: sqlite3.Row) -> dict[str, Any]:
    return {"start_time": row["start_time"], "end_time": row["end_time"]}
