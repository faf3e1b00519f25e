"""The conference-record messages of Meet v2, added to ``messages.MESSAGES`` for rendering.

Every field is output only [doc]; timestamps are RFC 3339 strings in JSON. The ``State`` enums
number their values in the discovery document's order, as the other enums do.
"""

from __future__ import annotations

from pulumi_meet.emulator.messages import MESSAGES, EnumType, Field, MessageType

__all__ = ["RECORD_MESSAGES"]

_PACKAGE = "google.apps.meet.v2"
_STATES = ("STATE_UNSPECIFIED", "STARTED", "ENDED", "FILE_GENERATED")


def _message(name: str, *fields: Field) -> MessageType:
    return MessageType(f"{_PACKAGE}.{name}", fields)


def _strings(*names: str) -> tuple[Field, ...]:
    return tuple(Field(name, _snake(name), "string", output_only=True) for name in names)


def _sub(name: str, message: str, *, repeated: bool = False) -> Field:
    return Field(name, _snake(name), "message", message=message, repeated=repeated)


def _state(owner: str) -> Field:
    enum = EnumType(f"{_PACKAGE}.{owner}.State", _STATES)
    return Field("state", "state", "enum", enum=enum, output_only=True)


def _snake(name: str) -> str:
    return "".join(f"_{c.lower()}" if c.isupper() else c for c in name)


def _list_response(name: str, items: str, message: str) -> MessageType:
    return _message(name, _sub(items, message, repeated=True), *_strings("nextPageToken"))


RECORD_MESSAGES: dict[str, MessageType] = {
    "ConferenceRecord": _message(
        "ConferenceRecord", *_strings("name", "startTime", "endTime", "expireTime", "space")
    ),
    "Participant": _message(
        "Participant",
        _sub("signedinUser", "SignedinUser"),
        _sub("anonymousUser", "AnonymousUser"),
        _sub("phoneUser", "PhoneUser"),
        *_strings("name", "earliestStartTime", "latestEndTime"),
    ),
    "SignedinUser": _message("SignedinUser", *_strings("user", "displayName")),
    "AnonymousUser": _message("AnonymousUser", *_strings("displayName")),
    "PhoneUser": _message("PhoneUser", *_strings("displayName")),
    "ParticipantSession": _message("ParticipantSession", *_strings("name", "startTime", "endTime")),
    "Recording": _message(
        "Recording",
        _sub("driveDestination", "DriveDestination"),
        *_strings("name"),
        _state("Recording"),
        *_strings("startTime", "endTime"),
    ),
    "DriveDestination": _message("DriveDestination", *_strings("file", "exportUri")),
    "Transcript": _message(
        "Transcript",
        _sub("docsDestination", "DocsDestination"),
        *_strings("name"),
        _state("Transcript"),
        *_strings("startTime", "endTime"),
    ),
    "DocsDestination": _message("DocsDestination", *_strings("document", "exportUri")),
    "TranscriptEntry": _message(
        "TranscriptEntry",
        *_strings("name", "participant", "text", "languageCode", "startTime", "endTime"),
    ),
    "SmartNote": _message(
        "SmartNote",
        _sub("docsDestination", "DocsDestination"),
        *_strings("name"),
        _state("SmartNote"),
        *_strings("startTime", "endTime"),
    ),
    "ListConferenceRecordsResponse": _list_response(
        "ListConferenceRecordsResponse", "conferenceRecords", "ConferenceRecord"
    ),
    "ListParticipantsResponse": _message(
        "ListParticipantsResponse",
        _sub("participants", "Participant", repeated=True),
        *_strings("nextPageToken"),
        Field("totalSize", "total_size", "int32", output_only=True),
    ),
    "ListParticipantSessionsResponse": _list_response(
        "ListParticipantSessionsResponse", "participantSessions", "ParticipantSession"
    ),
    "ListRecordingsResponse": _list_response("ListRecordingsResponse", "recordings", "Recording"),
    "ListTranscriptsResponse": _list_response(
        "ListTranscriptsResponse", "transcripts", "Transcript"
    ),
    "ListTranscriptEntriesResponse": _list_response(
        "ListTranscriptEntriesResponse", "transcriptEntries", "TranscriptEntry"
    ),
    "ListSmartNotesResponse": _list_response("ListSmartNotesResponse", "smartNotes", "SmartNote"),
}

# Rendering resolves sub-messages by name in MESSAGES: the record messages join it once, here.
for _name, _type in RECORD_MESSAGES.items():
    MESSAGES.setdefault(_name, _type)
