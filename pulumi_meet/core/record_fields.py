"""The ``getConferenceRecords`` function, declared once: its inputs, its outputs, their docs.

The plugin's schema (``meet:index:getConferenceRecords`` and its ``ConferenceRecordSummary``
type), the plugin's Invoke, the Python counterpart
(:func:`pulumi_meet.get_conference_records`) and its result class all derive from these rows.
Names are snake_case here; the schema and the plugin spell them in camelCase.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Literal

__all__ = [
    "FUNCTION_DESCRIPTION",
    "FUNCTION_INPUTS",
    "FUNCTION_NAME",
    "FUNCTION_OUTPUTS",
    "SUMMARY_DESCRIPTION",
    "SUMMARY_FIELDS",
    "SUMMARY_TYPE",
    "RecordField",
    "camel",
]

FUNCTION_NAME: Final = "getConferenceRecords"
SUMMARY_TYPE: Final = "ConferenceRecordSummary"
FUNCTION_DESCRIPTION: Final = (
    "The conferences held in a room that still have a record (Meet keeps a record for 30 days "
    "after its conference ended), newest first, with their start, end and number of "
    "participants. Calls: one `spaces.get`, `conferenceRecords.list` (one page of up to 100 "
    "records), and one `participants.list` per record; paced in the read quota. Only the room's "
    "owner lists its records."
)
SUMMARY_DESCRIPTION: Final = "One conference held in the room, from its conference record."

Kind = Literal["string", "integer", "array"]


@dataclass(frozen=True)
class RecordField:
    """One input or output: its snake_case name, type, whether required, and description."""

    name: str
    type: Kind
    description: str
    required: bool = False
    api_key: str | None = None
    """The ConferenceRecord field it copies (camelCase), or None when computed."""


def camel(snake: str) -> str:
    """``start_time`` -> ``startTime``."""
    head, *rest = snake.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


FUNCTION_INPUTS: Final = (
    RecordField(
        "space",
        "string",
        "The room: `spaces/<id>`, a meeting code or a meeting URL.",
        required=True,
    ),
    RecordField(
        "since",
        "string",
        "Only conferences that started at or after this time: RFC 3339 "
        "(`2030-01-01T09:00:00Z`) or a date (`2030-01-01`, midnight UTC). Default: every "
        "conference that still has a record.",
    ),
    RecordField(
        "owner",
        "string",
        "Whom to ask as: the room's owner (only the owner lists its records). Default: the "
        "configured identity.",
    ),
)

SUMMARY_FIELDS: Final = (
    RecordField(
        "name",
        "string",
        "The record's name, `conferenceRecords/<id>`.",
        required=True,
        api_key="name",
    ),
    RecordField(
        "start_time",
        "string",
        "When the conference started (RFC 3339, UTC).",
        required=True,
        api_key="startTime",
    ),
    RecordField(
        "end_time",
        "string",
        "When it ended (RFC 3339, UTC); absent while it is still running.",
        api_key="endTime",
    ),
    RecordField(
        "expire_time",
        "string",
        "When Meet deletes the record: 30 days after the end; absent while it runs.",
        api_key="expireTime",
    ),
    RecordField(
        "participant_count",
        "integer",
        "How many participants it had: signed-in, anonymous and phone, each counted once "
        "however often they joined.",
        required=True,
    ),
)

FUNCTION_OUTPUTS: Final = (
    RecordField(
        "space",
        "string",
        "The room's canonical `spaces/<id>` name.",
        required=True,
    ),
    RecordField(
        "records",
        "array",
        "The conferences, newest first.",
        required=True,
    ),
)
