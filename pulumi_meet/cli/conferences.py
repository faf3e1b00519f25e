"""``pulumi-meet conferences list|show``: a room's conference records, and one record in full.

``list`` reads the room once (``spaces.get``: its ``spaces/<id>`` name, and that the identity
owns it, since Meet lists records only to the owner) and then the records, 100 a page.
``show`` reads the record, its participants and each one's sessions, its recordings,
transcripts and smart notes (and with ``--entries`` what was said). Every call is paced in the
read quota.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any, TextIO

from pulumi_meet.cli.spaces import write_json
from pulumi_meet.operations.records import list_space_records, owned_space, parse_time

if TYPE_CHECKING:
    from pulumi_meet.cli.config import SpaceArgument
    from pulumi_meet.client.meet import MeetClient

__all__ = ["list_conferences", "read_conference", "render_conference", "show_conference"]


def _when(text: object) -> str:
    """An API time for people: ``2030-01-05 09:00:00 UTC``."""
    if not isinstance(text, str) or not text:
        return "-"
    return parse_time(text).astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC")


def _duration(start: object, end: object, now: datetime) -> str:
    if not isinstance(start, str):
        return "-"
    finish = parse_time(end) if isinstance(end, str) and end else now
    minutes = int(max(0.0, (finish - parse_time(start)).total_seconds()) / 60 + 0.5)
    text = f"{minutes // 60} h {minutes % 60:02d} min" if minutes >= 60 else f"{minutes} min"
    return text if isinstance(end, str) and end else f"{text} so far (running)"


def _table(rows: Sequence[Sequence[str]]) -> list[str]:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return [
        "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in rows
    ]


def list_conferences(
    client: MeetClient, space: SpaceArgument, since: str | None, as_json: bool, out: TextIO
) -> int:
    """``conferences list SPACE [--since DATE]``: newest first; ``--json`` the API's records."""
    found = owned_space(client, space.name)
    name = str(found["name"])
    records = list_space_records(client, name, since)
    if as_json:
        write_json(records, out)
        return 0
    if not records:
        window = f" since {since}" if since else " in the last 30 days (Meet keeps records 30 days)"
        out.write(f"{name} has no conference records{window}.\n")
        return 0
    now = datetime.now(timezone.utc)
    rows = [("RECORD", "START", "END", "DURATION")] + [
        (
            str(r.get("name")),
            _when(r.get("startTime")),
            _when(r.get("endTime")) if r.get("endTime") else "running",
            _duration(r.get("startTime"), r.get("endTime"), now),
        )
        for r in records
    ]
    out.write("\n".join(_table(rows)) + "\n")
    return 0


def read_conference(client: MeetClient, record: str, entries: bool) -> dict[str, Any]:
    """A record and everything under it, in the API's camelCase shapes: ``conferenceRecord``,
    ``participants`` (each with its ``participantSessions``), ``recordings``, ``transcripts``
    (with ``transcriptEntries`` when ``entries``), ``smartNotes``."""
    conference = client.get_conference_record(record)
    participants = [
        {**p, "participantSessions": list(client.iter_participant_sessions(str(p["name"])))}
        for p in client.iter_participants(record)
    ]
    transcripts = list(client.iter_transcripts(record))
    if entries:
        transcripts = [
            {**t, "transcriptEntries": list(client.iter_transcript_entries(str(t["name"])))}
            for t in transcripts
        ]
    return {
        "conferenceRecord": conference,
        "participants": participants,
        "recordings": list(client.iter_recordings(record)),
        "transcripts": transcripts,
        "smartNotes": list(client.iter_smart_notes(record)),
    }


def _who(participant: Mapping[str, Any]) -> str:
    if participant.get("signedinUser"):
        user = participant["signedinUser"]
        return f"{user.get('displayName', '?')} ({user.get('user', '?')})"
    if participant.get("anonymousUser"):
        return f"{participant['anonymousUser'].get('displayName', '?')} (anonymous)"
    if participant.get("phoneUser"):
        return f"{participant['phoneUser'].get('displayName', '?')} (phone)"
    return str(participant.get("name", "?"))


def _artifact(item: Mapping[str, Any], destination: str) -> str:
    link = (item.get(destination) or {}).get("exportUri")
    when = f"{_when(item.get('startTime'))} -> {_when(item.get('endTime'))}"
    state = str(item.get("state", "?"))
    return f"  {item.get('name')}  {state}  {when}  {link or '(no file yet)'}"


def render_conference(details: Mapping[str, Any], now: datetime) -> str:
    """The record for people: times, participants and sessions, artifacts with their links."""
    record = details["conferenceRecord"]
    lines = [
        f"record      {record.get('name')}",
        f"space       {record.get('space')}",
        f"start       {_when(record.get('startTime'))}",
        f"end         {_when(record.get('endTime')) if record.get('endTime') else 'running'}",
        f"duration    {_duration(record.get('startTime'), record.get('endTime'), now)}",
        f"expires     {_when(record.get('expireTime'))}",
        f"participants ({len(details['participants'])}):",
    ]
    for participant in details["participants"]:
        left = participant.get("latestEndTime")
        lines.append(
            f"  {_who(participant)}: joined {_when(participant.get('earliestStartTime'))}, "
            f"left {_when(left) if left else 'still in'}"
        )
        for session in participant["participantSessions"]:
            lines.append(
                f"    session {_when(session.get('startTime'))} -> "
                f"{_when(session.get('endTime')) if session.get('endTime') else 'open'}"
            )
    sections = (
        ("recordings", "driveDestination", "Drive"),
        ("transcripts", "docsDestination", "Docs"),
        ("smartNotes", "docsDestination", "Docs"),
    )
    for key, destination, where in sections:
        items = details[key]
        title = "smart notes" if key == "smartNotes" else key
        lines.append(f"{title} ({len(items)}{', ' + where + ' links' if items else ''}):")
        lines += [_artifact(item, destination) for item in items]
        if key == "transcripts":
            for item in items:
                for entry in item.get("transcriptEntries", []):
                    lines.append(f"    [{_when(entry.get('startTime'))}] {entry.get('text')}")
    return "\n".join(lines) + "\n"


def show_conference(
    client: MeetClient, record: str, entries: bool, as_json: bool, out: TextIO
) -> int:
    """``conferences show RECORD``: everything about one conference."""
    details = read_conference(client, record, entries)
    if as_json:
        write_json(details, out)
    else:
        out.write(render_conference(details, datetime.now(timezone.utc)))
    return 0
