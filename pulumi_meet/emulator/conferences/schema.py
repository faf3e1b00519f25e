"""The tables of conferences and everything recorded about them.

Times are integer microseconds since the epoch (``timestamps.py``); ``seq`` keeps the order of
creation, which breaks ties between equal times in every list [rule]. Deleting a conference
deletes its participants, their sessions, its artifacts and their transcript entries (a record
expires as a whole).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable

from pulumi_meet.emulator.conferences.people import display_name_of

__all__ = ["SCHEMA", "migrate_legacy_records"]

SCHEMA = """
CREATE TABLE IF NOT EXISTS meet_conferences (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL UNIQUE,
    space TEXT NOT NULL REFERENCES meet_spaces(name) ON DELETE CASCADE,
    start_time INTEGER NOT NULL,
    end_time INTEGER
);
CREATE INDEX IF NOT EXISTS meet_conferences_by_space ON meet_conferences(space, end_time);
CREATE INDEX IF NOT EXISTS meet_conferences_by_end ON meet_conferences(end_time);
CREATE TABLE IF NOT EXISTS meet_participants (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL UNIQUE,
    conference TEXT NOT NULL REFERENCES meet_conferences(name) ON DELETE CASCADE,
    kind TEXT NOT NULL,            -- signedin | anonymous | phone
    identity TEXT NOT NULL,        -- lower-case e-mail, display name, or phone number
    display_name TEXT NOT NULL,
    UNIQUE (conference, kind, identity)
);
CREATE TABLE IF NOT EXISTS meet_participant_sessions (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL UNIQUE,
    participant TEXT NOT NULL REFERENCES meet_participants(name) ON DELETE CASCADE,
    start_time INTEGER NOT NULL,
    end_time INTEGER
);
CREATE INDEX IF NOT EXISTS meet_participant_sessions_by_participant
    ON meet_participant_sessions(participant);
CREATE TABLE IF NOT EXISTS meet_artifacts (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL UNIQUE,
    conference TEXT NOT NULL REFERENCES meet_conferences(name) ON DELETE CASCADE,
    kind TEXT NOT NULL,            -- recordings | transcripts | smartNotes
    start_time INTEGER NOT NULL,
    end_time INTEGER,
    file_id TEXT NOT NULL          -- the Drive file or Docs document once generated
);
CREATE INDEX IF NOT EXISTS meet_artifacts_by_conference ON meet_artifacts(conference, kind);
CREATE TABLE IF NOT EXISTS meet_transcript_entries (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL UNIQUE,
    transcript TEXT NOT NULL REFERENCES meet_artifacts(name) ON DELETE CASCADE,
    participant TEXT NOT NULL,
    text TEXT NOT NULL,
    language_code TEXT NOT NULL,
    start_time INTEGER NOT NULL,
    end_time INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS meet_transcript_entries_by_transcript
    ON meet_transcript_entries(transcript);
"""


def migrate_legacy_records(db: sqlite3.Connection, new_id: Callable[[], str]) -> None:
    """Carry the conference records of a database written by an older emulator over.

    Older versions kept ``meet_conference_records(name, space, participants, start_time,
    end_time)`` with seconds and a JSON list of e-mails: each e-mail becomes a signed-in
    participant with one session spanning the conference.
    """
    legacy = db.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'meet_conference_records'"
    ).fetchone()
    if legacy is None:
        return
    for row in db.execute("SELECT * FROM meet_conference_records").fetchall():
        start = round(row["start_time"] * 1_000_000)
        end = None if row["end_time"] is None else round(row["end_time"] * 1_000_000)
        db.execute(
            "INSERT OR IGNORE INTO meet_conferences (name, space, start_time, end_time) "
            "VALUES (?, ?, ?, ?)",
            (row["name"], row["space"], start, end),
        )
        for email in json.loads(row["participants"]):
            participant = f"{row['name']}/participants/{new_id()}"
            db.execute(
                "INSERT OR IGNORE INTO meet_participants "
                "(name, conference, kind, identity, display_name) VALUES (?, ?, 'signedin', ?, ?)",
                (participant, row["name"], email, display_name_of(email)),
            )
            db.execute(
                "INSERT INTO meet_participant_sessions (name, participant, start_time, end_time) "
                "VALUES (?, ?, ?, ?)",
                (f"{participant}/participantSessions/{new_id()}", participant, start, end),
            )
    db.execute("DROP TABLE meet_conference_records")
