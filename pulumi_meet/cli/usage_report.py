"""``pulumi-meet usage``: how each room of a stack (or each room named) has been used.

Per room, acting as its owner (the owner recorded in the stack, else the configured identity):
one ``spaces.get`` (its code now, and proof the identity owns it: Meet lists a room's records
only to its owner, so anyone else would see a used room as unused), the room's records
(``conferenceRecords.list`` filtered on the room, pages of 100: one call for up to 100
conferences), and ``participants.list`` of each record. Every call is paced in the read quota
(each owner's and the project's), from a pool of threads, with progress on stderr.

The records' window is what Meet keeps: a record lives 30 days after its conference ended. A
room with no record has had no conference in the last 30 days; its code was last used before
then, so it expires at most 335 days from now (365 days after the last use), or sooner.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any, Final, TextIO

from pulumi_meet.cli.progress import ProgressBar
from pulumi_meet.client import progress
from pulumi_meet.exceptions import MeetError, ScopeInsufficient, ServiceDisabled
from pulumi_meet.operations.records import (
    format_time,
    list_space_records,
    owned_space,
    parse_time,
)

if TYPE_CHECKING:
    from pulumi_meet.client.meet import MeetClient

__all__ = [
    "CODE_LIFETIME",
    "COLUMNS",
    "RECORD_RETENTION",
    "RoomTarget",
    "UsageRow",
    "participant_key",
    "read_usage",
    "room_usage",
    "summary_line",
    "write_csv",
    "write_table",
]

CODE_LIFETIME: Final = timedelta(days=365)
"""A meeting code expires this long after its last use (a conference starting in the room)."""
RECORD_RETENTION: Final = timedelta(days=30)
"""Meet deletes a conference record this long after the conference ended: the window."""
COLUMNS: Final = (
    "space",
    "meetingCode",
    "conferences",
    "lastConferenceEnd",
    "participants",
    "minutes",
    "unused",
    "codeExpiresBy",
)
"""The columns of ``--json`` and ``--csv`` (``error`` follows when a room could not be read)."""
_WORKERS: Final = 16  # enough reads in flight to keep every owner's bucket busy


@dataclass(frozen=True)
class RoomTarget:
    """A room to report on: as typed (or ``spaces/<id>`` from a stack) and whom to act as."""

    reference: str
    owner: str | None = None
    recorded_code: str | None = None
    """The code the stack recorded (shown when the room cannot be read)."""


@dataclass(frozen=True)
class UsageRow:
    """One room's use in the records' window."""

    space: str
    meeting_code: str | None
    conferences: int | None = None
    last_conference_end: str | None = None
    participants: int | None = None
    minutes: int | None = None
    unused: bool | None = None
    code_expires_by: str | None = None
    error: str | None = None
    running: bool = False
    """A conference is going on now (it counts; it has no end yet)."""

    def as_json(self) -> dict[str, Any]:
        """The ``--json`` object: :data:`COLUMNS`, and ``error`` when the room was unreadable."""
        values = (
            self.space,
            self.meeting_code,
            self.conferences,
            self.last_conference_end,
            self.participants,
            self.minutes,
            self.unused,
            self.code_expires_by,
        )
        row: dict[str, Any] = dict(zip(COLUMNS, values, strict=True))
        if self.error is not None:
            row["error"] = self.error
        return row


def participant_key(record: str, participant: Mapping[str, Any]) -> str:
    """Who a participant is, across conferences: a signed-in user by their ``users/<id>``, a
    phone by its (redacted) number; an anonymous guest cannot be told apart from another with
    the same name, so each counts once per conference."""
    signed_in = participant.get("signedinUser") or {}
    if signed_in.get("user"):
        return str(signed_in["user"])
    phone = participant.get("phoneUser") or {}
    if phone.get("displayName"):
        return f"phone:{phone['displayName']}"
    return f"{record}:{participant.get('name')}"


def _minutes(records: Sequence[Mapping[str, Any]], now: datetime) -> int:
    seconds = 0.0
    for record in records:
        start = parse_time(str(record["startTime"]))
        end = parse_time(str(record["endTime"])) if record.get("endTime") else now
        seconds += max(0.0, (end - start).total_seconds())
    return int(seconds / 60 + 0.5)


def room_usage(client: MeetClient, target: RoomTarget, now: datetime) -> UsageRow:
    """One room's row (raises MeetError when it cannot be read)."""
    space = owned_space(client, target.reference)
    name = str(space["name"])
    records = list_space_records(client, name)
    people = {
        participant_key(str(record["name"]), participant)
        for record in records
        for participant in client.iter_participants(str(record["name"]))
    }
    ends = [parse_time(str(r["endTime"])) for r in records if r.get("endTime")]
    starts = [parse_time(str(r["startTime"])) for r in records]
    last_use = max(starts) if starts else now - RECORD_RETENTION
    return UsageRow(
        space=name,
        meeting_code=str(space.get("meetingCode") or "") or None,
        conferences=len(records),
        last_conference_end=format_time(max(ends)) if ends else None,
        participants=len(people),
        minutes=_minutes(records, now),
        unused=not records,
        code_expires_by=format_time((last_use + CODE_LIFETIME).replace(microsecond=0)),
        running=any(not r.get("endTime") for r in records),
    )


def read_usage(
    client_for: Callable[[str | None], MeetClient],
    targets: Sequence[RoomTarget],
    err: TextIO,
    now: datetime | None = None,
) -> list[UsageRow]:
    """Every target's row, in order, read in parallel (paced) with progress on ``err``.

    A room that cannot be read is a row with the reason; a disabled API or a missing scope,
    which no room would escape, stops the report.
    """
    moment = now or datetime.now(timezone.utc)
    bar = ProgressBar(err, len(targets), "rooms read")

    def read(target: RoomTarget) -> UsageRow:
        try:
            return room_usage(client_for(target.owner), target, moment)
        except (ServiceDisabled, ScopeInsufficient):
            raise
        except (MeetError, ValueError) as error:
            return UsageRow(target.reference, target.recorded_code, error=str(error))
        finally:
            bar.advance()

    with progress.installed(bar), ThreadPoolExecutor(max_workers=_WORKERS) as pool:
        rows = list(pool.map(read, targets))
    bar.finish()
    return rows


# -------------------------------------------------------------------- output


def summary_line(rows: Sequence[UsageRow]) -> str:
    """``12 rooms: 3 unused in the last 30 days (spaces/a abc-mnop-xyz, …); 1 unreadable.``"""
    unused = [row for row in rows if row.unused]
    failed = [row for row in rows if row.error is not None]
    text = f"{len(rows)} room{'s' if len(rows) != 1 else ''}: "
    if unused:
        names = ", ".join(f"{r.space} ({r.meeting_code})" for r in unused)
        text += f"{len(unused)} unused in the last 30 days: {names}"
    else:
        text += "none unused in the last 30 days"
    if failed:
        text += f"; {len(failed)} could not be read"
    return text + "."


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def write_csv(rows: Iterable[UsageRow], out: TextIO) -> None:
    """``--csv``: a header of :data:`COLUMNS` plus ``error``, one line per room."""
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow((*COLUMNS, "error"))
    for row in rows:
        values = row.as_json()
        writer.writerow([_cell(values.get(key)) for key in (*COLUMNS, "error")])


def _day(text: str | None) -> str:
    return text[:10] if text else "-"


def _note(row: UsageRow) -> str:
    if row.error is not None:
        return f"cannot read: {row.error}"
    if row.unused:
        return (
            "UNUSED: no use in the last 30 days; the code expires at most 335 days from now, "
            "or sooner"
        )
    return "conference in progress" if row.running else ""


def write_table(rows: Sequence[UsageRow], out: TextIO) -> None:
    """The report for people: aligned columns, a note per room, then the summary line."""
    header = ("SPACE", "CODE", "CONFERENCES", "LAST END", "PEOPLE", "MINUTES", "CODE EXPIRES BY")
    lines = [header] + [
        (
            row.space,
            row.meeting_code or "-",
            _cell(row.conferences) or "-",
            _day(row.last_conference_end),
            _cell(row.participants) or "-",
            _cell(row.minutes) or "-",
            _day(row.code_expires_by),
        )
        for row in rows
    ]
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    for line, row in zip(lines, [None, *rows], strict=True):
        text = "  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True))
        note = _note(row) if row is not None else "NOTE"
        out.write(f"{text}  {note}".rstrip() + "\n")
    out.write(summary_line(rows) + "\n")
