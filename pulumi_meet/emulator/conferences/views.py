"""Rows of the conference tables as the API's resources (JSON names, RFC 3339 times).

Unset fields are left out [doc]. An artifact's ``state`` is derived from the clock [rule]:
``STARTED`` while it runs (no ``endTime``), ``ENDED`` until its file is ready
(``FILE_READY_SECONDS`` after the end), then ``FILE_GENERATED`` with its destination.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from pulumi_meet.emulator.conferences.artifacts import FILE_READY_SECONDS
from pulumi_meet.emulator.conferences.lifecycle import RECORD_LIFETIME_SECONDS
from pulumi_meet.emulator.conferences.people import redact_phone, user_id
from pulumi_meet.emulator.timestamps import MICROS, format_time

__all__ = ["artifact_view", "entry_view", "participant_view", "record_view", "session_view"]


def _times(view: dict[str, Any], **times: int | None) -> dict[str, Any]:
    for key, value in times.items():
        if value is not None:
            view[key] = format_time(value)
    return view


def record_view(row: sqlite3.Row) -> dict[str, Any]:
    """A ``ConferenceRecord``; ``expireTime`` only once it ended [rule]."""
    end = row["end_time"]
    expire = None if end is None else end + RECORD_LIFETIME_SECONDS * MICROS
    view: dict[str, Any] = {"name": row["name"]}
    _times(view, startTime=row["start_time"], endTime=end, expireTime=expire)
    view["space"] = row["space"]
    return view


def participant_view(row: sqlite3.Row) -> dict[str, Any]:
    """A ``Participant`` from a row with ``earliest``, ``last_end`` and ``open`` aggregates."""
    view: dict[str, Any] = {"name": row["name"]}
    if row["kind"] == "signedin":
        view["signedinUser"] = {
            "user": user_id(row["identity"]),
            "displayName": row["display_name"],
        }
    elif row["kind"] == "anonymous":
        view["anonymousUser"] = {"displayName": row["display_name"]}
    else:
        view["phoneUser"] = {"displayName": redact_phone(row["identity"])}
    latest_end = None if row["open"] else row["last_end"]
    return _times(view, earliestStartTime=row["earliest"], latestEndTime=latest_end)


def session_view(row: sqlite3.Row) -> dict[str, Any]:
    """A ``ParticipantSession``."""
    return _times({"name": row["name"]}, startTime=row["start_time"], endTime=row["end_time"])


def artifact_view(row: sqlite3.Row, now: int) -> dict[str, Any]:
    """A ``Recording``, ``Transcript`` or ``SmartNote``."""
    end = row["end_time"]
    if end is None:
        state = "STARTED"
    elif now < end + FILE_READY_SECONDS * MICROS:
        state = "ENDED"
    else:
        state = "FILE_GENERATED"
    view: dict[str, Any] = {"name": row["name"], "state": state}
    _times(view, startTime=row["start_time"], endTime=end)
    if state == "FILE_GENERATED":
        file_id = row["file_id"]
        if row["kind"] == "recordings":
            view["driveDestination"] = {
                "file": file_id,
                "exportUri": f"https://drive.google.com/file/d/{file_id}/view",
            }
        else:
            view["docsDestination"] = {
                "document": file_id,
                "exportUri": f"https://docs.google.com/document/d/{file_id}/view",
            }
    return view


def entry_view(row: sqlite3.Row) -> dict[str, Any]:
    """A ``TranscriptEntry``."""
    view: dict[str, Any] = {
        "name": row["name"],
        "participant": row["participant"],
        "text": row["text"],
        "languageCode": row["language_code"],
    }
    return _times(view, startTime=row["start_time"], endTime=row["end_time"])
