"""Recordings, transcripts, smart notes and transcript entries: when they come to exist.

- Only where the space's ``config.artifactConfig`` turns a kind ON [doc]; nothing is started by
  hand in the emulator, so with all three OFF the artifact lists stay empty.
- A kind starts when someone allowed to start it joins [doc]: the space's owner or a co-host
  [rule]. It stops when the last of them has left (or the conference ends), and a later join of
  one of them starts a new one [rule]: each stretch of an allowed person's presence is one
  recording / transcript / smart-notes session.
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

from pulumi_meet.emulator.conferences.bodies import Line
from pulumi_meet.emulator.timestamps import MICROS

__all__ = [
    "ARTIFACT_SETTINGS",
    "FILE_READY_SECONDS",
    "record_lines",
    "sync_artifacts",
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
_FOREVER = 2**62


def sync_artifacts(
    db: sqlite3.Connection, space: sqlite3.Row, conference: str, new_id: NewId
) -> None:
    """Make each kind turned ON run exactly while someone allowed to start it is present.

    Called after every change to the conference's sessions: each stretch of time with at
    least one allowed person present is one artifact session of every kind the space's config
    turns ON (``STARTED`` while the stretch is open).
    """
    settings = json.loads(space["config"]).get("artifactConfig", {})
    stretches = _allowed_presence(db, space, conference)
    for kind, (group, switch) in ARTIFACT_SETTINGS.items():
        enabled = settings.get(group, {}).get(switch) == "ON"
        for start, end in stretches:
            existing = db.execute(
                "SELECT name FROM meet_artifacts WHERE conference = ? AND kind = ? "
                "AND start_time <= ? AND (end_time IS NULL OR end_time >= ?) "
                "ORDER BY start_time LIMIT 1",
                (conference, kind, _FOREVER if end is None else end, start),
            ).fetchone()
            if existing is not None:
                db.execute(
                    "UPDATE meet_artifacts SET start_time = MIN(start_time, ?), end_time = ? "
                    "WHERE name = ?",
                    (start, end, existing["name"]),
                )
            elif enabled:
                db.execute(
                    "INSERT INTO meet_artifacts "
                    "(name, conference, kind, start_time, end_time, file_id) "
                    "VALUES (?, ?, ?, ?, ?, ?)",
                    (
                        f"{conference}/{kind}/{new_id(16, _ID_ALPHABET)}",
                        conference,
                        kind,
                        start,
                        end,
                        "1" + new_id(_FILE_ID_LENGTH[kind] - 1, _FILE_ALPHABET),
                    ),
                )


def _allowed_presence(
    db: sqlite3.Connection, space: sqlite3.Row, conference: str
) -> list[tuple[int, int | None]]:
    """The stretches of time (end None = still open) when the owner or a co-host was present."""
    sessions = db.execute(
        "SELECT s.start_time, s.end_time FROM meet_participant_sessions s "
        "JOIN meet_participants p ON p.name = s.participant "
        "WHERE p.conference = ? AND p.kind = 'signedin' AND (p.identity = ? OR p.identity IN "
        "(SELECT email_key FROM meet_members WHERE space = ? AND role = 'COHOST')) "
        "ORDER BY s.start_time",
        (conference, space["owner"], space["name"]),
    ).fetchall()
    stretches: list[tuple[int, int | None]] = []
    for session in sessions:
        start, end = session["start_time"], session["end_time"]
        if stretches and (stretches[-1][1] is None or start <= stretches[-1][1]):
            last_start, last_end = stretches[-1]
            merged = None if last_end is None or end is None else max(last_end, end)
            stretches[-1] = (last_start, merged)
        else:
            stretches.append((start, end))
    return stretches


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
