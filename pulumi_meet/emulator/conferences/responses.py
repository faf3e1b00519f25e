"""Thin handlers for the 14 conferenceRecords methods, named after them (see ``urls.py``).

The rules are in ``records.py``; each handler reads its path and query parameters off the
``Call`` and names the message its answer renders as.
"""

from __future__ import annotations

from collections.abc import Callable

from pulumi_meet.emulator.conferences.paging import Paged
from pulumi_meet.emulator.conferences.records import Records
from pulumi_meet.emulator.responses import Call, Reply

__all__ = ["RecordResponses"]


def _paged(call: Call, method: str, parent: str = "") -> Paged:
    return Paged(
        method=method,
        parent=parent,
        filter=str(call.query.get("filter") or ""),
        page_size=call.query.get("page_size"),
        page_token=call.query.get("page_token"),
    )


class RecordResponses:
    """One method per API operation."""

    def __init__(self, records: Records) -> None:
        self._records = records

    def handler(self, name: str) -> Callable[[Call], Reply] | None:
        """The handler called ``name``, if it is one of these."""
        found: Callable[[Call], Reply] | None = getattr(self, name, None)
        return None if name.startswith("_") else found

    # conferenceRecords

    def get_conference_record(self, call: Call) -> Reply:
        record = self._records.get_record(call.db, call.access, call.params["name"])
        return Reply(record, "ConferenceRecord")

    def list_conference_records(self, call: Call) -> Reply:
        page = self._records.list_records(call.db, call.access, _paged(call, "conferenceRecords"))
        return Reply(page, "ListConferenceRecordsResponse")

    # participants and their sessions

    def get_participant(self, call: Call) -> Reply:
        participant = self._records.get_participant(call.db, call.access, call.params["name"])
        return Reply(participant, "Participant")

    def list_participants(self, call: Call) -> Reply:
        paged = _paged(call, "participants", call.params["parent"])
        page = self._records.list_participants(
            call.db, call.access, paged, with_total=call.fields_selected
        )
        return Reply(page, "ListParticipantsResponse")

    def get_participant_session(self, call: Call) -> Reply:
        session = self._records.get_session(call.db, call.access, call.params["name"])
        return Reply(session, "ParticipantSession")

    def list_participant_sessions(self, call: Call) -> Reply:
        paged = _paged(call, "participantSessions", call.params["parent"])
        page = self._records.list_sessions(call.db, call.access, paged)
        return Reply(page, "ListParticipantSessionsResponse")

    # artifacts

    def get_recording(self, call: Call) -> Reply:
        return Reply(self._artifact(call, "recordings"), "Recording")

    def list_recordings(self, call: Call) -> Reply:
        return Reply(self._artifacts(call, "recordings"), "ListRecordingsResponse")

    def get_transcript(self, call: Call) -> Reply:
        return Reply(self._artifact(call, "transcripts"), "Transcript")

    def list_transcripts(self, call: Call) -> Reply:
        return Reply(self._artifacts(call, "transcripts"), "ListTranscriptsResponse")

    def get_smart_note(self, call: Call) -> Reply:
        return Reply(self._artifact(call, "smartNotes"), "SmartNote")

    def list_smart_notes(self, call: Call) -> Reply:
        return Reply(self._artifacts(call, "smartNotes"), "ListSmartNotesResponse")

    def get_transcript_entry(self, call: Call) -> Reply:
        entry = self._records.get_entry(call.db, call.access, call.params["name"])
        return Reply(entry, "TranscriptEntry")

    def list_transcript_entries(self, call: Call) -> Reply:
        paged = _paged(call, "entries", call.params["parent"])
        page = self._records.list_entries(call.db, call.access, paged)
        return Reply(page, "ListTranscriptEntriesResponse")

    def _artifact(self, call: Call, kind: str) -> dict[str, object]:
        return self._records.get_artifact(call.db, call.access, kind, call.params["name"])

    def _artifacts(self, call: Call, kind: str) -> dict[str, object]:
        paged = _paged(call, kind, call.params["parent"])
        return self._records.list_artifacts(call.db, call.access, kind, paged)
