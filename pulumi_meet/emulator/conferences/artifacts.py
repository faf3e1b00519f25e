"""Recordings, transcripts, smart notes and transcript entries: when they come to exist.

- Only where the space's ``config.artifactConfig`` turns a kind ON [doc]; nothing is started by
  hand in the emulator, so with all three OFF the artifact lists stay empty.
- A kind starts when someone allowed to start it joins [doc]: the space's owner or a co-host
  [rule]; one runs at a time per kind; it ends with the conference (``lifecycle.end_conference``).
- Its file is ready ``FILE_READY_SECONDS`` after the end (``views.artifact_view`` derives
  ``ENDED`` / ``FILE_GENERATED`` from the clock) [rule].
- What participants say (the control API's ``says``) becomes entries of the transcript running
  at that moment; said while none runs, it leaves no trace, as in Meet. Each line takes five
  seconds, or an equal share of the session when that is shorter [rule].
"""

from __future__ import annotations

import json
import sqlite3
import string
from collections.abc import Callable, Sequence

from pulumi_meet.emulator.conferences.bodies import Line, Person
from pulumi_meet.emulator.timestamps import MICROS

__all__ = [
    "ARTIFACT_SETTINGS",
    "FILE_READY_SECONDS",
    "may_start_artifacts",
    "record_lines",
    "start_artifacts",
]

NewId = Callable[[int, str], str]  # (length, alphabet) → random id

FILE_READY_SECONDS = 300
# Artifact kind → the SpaceConfig.artifactConfig switch that starts it automatically [doc].
ARTIFACT_SETTINGS = {
    "recordings": ("recordingConfig", "autoRecordingGeneration"),
    "transcripts": ("transcriptionConfig", "autoTranscriptionGeneration"),
    "smartNotes": ("smartNotesConfig", "autoSmartNotesGeneration"),
}
_ID_ALPHABET = string.ascii_letters + string.digits
_FILE_ALPHABET = _ID_ALPHABET + "-_"
# Drive file ids and Docs document ids have these lengths in practice [rule].
_FILE_ID_LENGTH = {"recordings": 33, "transcripts": 44, "smartNotes": 44}
_LINE_SECONDS = 5


def may_start_artifacts(db: sqlite3.Connection, space: sqlite3.Row, person: Person) -> bool:
    """Whether ``person`` joining starts the space's automatic artifacts [rule]."""
    if person.kind != "signedin":
        return False
    if person.identity == space["owner"]:
        return True
    cohost = db.execute(
        "SELECT 1 FROM meet_members WHERE space = ? AND email_key = ? AND role = 'COHOST'",
        (space["name"], person.identity),
    ).fetchone()
    return cohost is not None


def start_artifacts(
    db: sqlite3.Connection, space: sqlite3.Row, conference: str, at: int, new_id: NewId
) -> None:
    """Start each artifact the space's config turns ON and that is not running yet."""
    settings = json.loads(space["config"]).get("artifactConfig", {})
    for kind, (group, switch) in ARTIFACT_SETTINGS.items():
        if settings.get(group, {}).get(switch) != "ON":
            continue
        running = db.execute(
            "SELECT 1 FROM meet_artifacts WHERE conference = ? AND kind = ? AND end_time IS NULL",
            (conference, kind),
        ).fetchone()
        if running is None:
            db.execute(
                "INSERT INTO meet_artifacts (name, conference, kind, start_time, file_id) "
                "VALUES (?, ?, ?, ?, ?)",
                (
                    f"{conference}/{kind}/{new_id(16, _ID_ALPHABET)}",
                    conference,
                    kind,
                    at,
                    "1" + new_id(_FILE_ID_LENGTH[kind] - 1, _FILE_ALPHABET),
                ),
            )


def record_lines(
    db: sqlite3.Connection,
    conference: str,
    participant: str,
    lines: Sequence[Line],
    span: tuple[int, int],
    *,
    new_id: NewId,
) -> None:
    """Entries for ``lines`` said by ``participant`` from ``span[0]`` (within the span)."""
    if not lines:
        return
    begin, bound = span
    step = min(_LINE_SECONDS * MICROS, (bound - begin) // len(lines))
    for index, line in enumerate(lines):
        start = begin + index * step
        transcript = db.execute(
            "SELECT name FROM meet_artifacts WHERE conference = ? AND kind = 'transcripts' "
            "AND start_time <= ? AND (end_time IS NULL OR end_time >= ?) "
            "ORDER BY start_time DESC LIMIT 1",
            (conference, start, start),
        ).fetchone()
        if transcript is None:
            continue  # nothing was transcribing: the words leave no trace
        db.execute(
            "INSERT INTO meet_transcript_entries (name, transcript, participant, text, "
            "language_code, start_time, end_time) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                f"{transcript['name']}/entries/{new_id(16, _ID_ALPHABET)}",
                transcript["name"],
                participant,
                line.text,
                line.language_code,
                start,
                start + step,
            ),
        )
