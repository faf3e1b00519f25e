"""Conference records of a room, independent of the front-end: the ``getConferenceRecords``
function of both front-ends, and what the ``pulumi-meet`` commands read.

Meet lists a room's records only to its owner (``conferenceRecords.list`` returns the records of
the rooms the caller owns), so a list by anyone else would be silently empty. Every listing
therefore starts with one ``spaces.get``: it turns a meeting code or URL into the ``spaces/<id>``
name the filter needs, and proves the caller owns the room (only the owner sees ``config``).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, timezone
from typing import TYPE_CHECKING, Any

from pulumi_meet.core import record_fields as rows
from pulumi_meet.core.references import space_name_from_reference
from pulumi_meet.exceptions import PermissionDenied

if TYPE_CHECKING:
    from pulumi_meet.client.meet import MeetClient
    from pulumi_meet.operations import ClientFor

__all__ = [
    "format_time",
    "get_conference_records",
    "list_space_records",
    "owned_space",
    "parse_since",
    "parse_time",
    "record_summary",
    "space_filter",
]


def parse_time(text: str) -> datetime:
    """An RFC 3339 time of the API (``2030-01-01T09:00:00.123Z``) as an aware datetime."""
    return datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))


def format_time(moment: datetime) -> str:
    """A time as the API's filters take it: RFC 3339, UTC, ``Z``."""
    utc = moment.astimezone(timezone.utc)
    text = utc.strftime("%Y-%m-%dT%H:%M:%S")
    return text + (f".{utc.microsecond:06d}Z" if utc.microsecond else "Z")


def parse_since(text: str) -> str:
    """``since`` as RFC 3339 UTC: a date (midnight UTC) or an RFC 3339 time with an offset.

    ValueError (naming both accepted forms) for anything else.
    """
    value = text.strip()
    try:
        if len(value) == 10:
            day = date.fromisoformat(value)
            return format_time(datetime(day.year, day.month, day.day, tzinfo=timezone.utc))
        moment = parse_time(value)
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        raise ValueError(
            f"{text!r} is not a date or time; use a date (2030-01-01, midnight UTC) or an "
            "RFC 3339 time with its offset (2030-01-01T09:00:00Z)"
        )
    return format_time(moment)


def space_filter(space: str, since: str | None = None) -> str:
    """The ``conferenceRecords.list`` filter of one room (``since``: RFC 3339, already parsed)."""
    text = f'space.name = "{space}"'
    return f'{text} AND start_time >= "{since}"' if since else text


def owned_space(client: MeetClient, reference: str) -> dict[str, Any]:
    """One ``spaces.get`` of a room the caller must own (to list its records).

    PermissionDenied, saying whom to act as, when the caller sees the room but does not own it.
    """
    name = space_name_from_reference(reference)
    if name is None:
        raise ValueError(
            f"{reference!r} is not a space; use spaces/<id>, a meeting code or a meeting URL"
        )
    space = client.get_space(name)
    if not isinstance(space.get("config"), Mapping):
        found = str(space.get("name") or name)
        raise PermissionDenied(
            f"conferenceRecords.list {found}: {client.identity} does not own {found}, and Meet "
            "lists a room's conference records only to its owner (a participant can read one "
            "record by its name). Act as the room's owner: --as OWNER on the command line, "
            "`owner` on the function, or meet:impersonateUser.",
            method="conferenceRecords.list",
            resource=found,
            http_status=403,
        )
    return space


def list_space_records(
    client: MeetClient, space: str, since: str | None = None
) -> list[dict[str, Any]]:
    """Every record of the room ``spaces/<id>`` (newest first), from ``since`` on.

    One ``conferenceRecords.list`` page per 100 records.
    """
    return list(client.iter_conference_records(space_filter(space, since)))


def record_summary(record: Mapping[str, Any], participant_count: int) -> dict[str, Any]:
    """A record as the function's ``ConferenceRecordSummary`` (snake_case keys)."""
    summary: dict[str, Any] = {
        field.name: record.get(field.api_key) for field in rows.SUMMARY_FIELDS if field.api_key
    }
    summary["participant_count"] = participant_count
    return {key: value for key, value in summary.items() if value is not None}


def get_conference_records(
    client_for: ClientFor, reference: str, since: str | None, owner: str | None
) -> dict[str, Any]:
    """``getConferenceRecords``: the room's name and its records' summaries (snake_case).

    Calls: one ``spaces.get``, the list's pages, one ``participants.list`` per record.
    """
    client = client_for(owner)
    space = owned_space(client, reference)
    name = str(space["name"])
    records = list_space_records(client, name, parse_since(since) if since else None)
    summaries = [
        record_summary(record, client.count_participants(str(record["name"]))) for record in records
    ]
    return {"space": name, "records": summaries}
