"""Conferences as they happen: start, joins (each a session), leaves, end, artifacts, expiry.

Driven by the control API (``spaces/{id}:startConference`` / ``:leaveConference`` /
``:endConference``) and by ``spaces.endActiveConference``. Rules [rule unless tagged]:

- One conference at a time per space; a new one may not start before the previous one ended.
- Every join is a new session [doc]; one participant per person per conference [doc] (an e-mail,
  an anonymous display name, or a phone number).
- A conference ends when ended explicitly, or when its last participant leaves (Meet ends a
  conference when everyone has left [doc]); ending closes every open session and artifact.
- Artifacts (``artifacts.py``) exist only where the space's ``artifactConfig`` turns them ON
  [doc], start when the owner or a co-host joins and end with the conference.
- A record is deleted ``RECORD_LIFETIME_SECONDS`` after its conference ended [doc], with its
  participants, sessions, artifacts and entries.
"""

from __future__ import annotations

import random
import secrets
import sqlite3
import string
from collections.abc import Callable
from typing import Any

from pulumi_meet.emulator.codes import MEETING_CODE, touch_code
from pulumi_meet.emulator.conferences.artifacts import record_lines, sync_artifacts
from pulumi_meet.emulator.conferences.bodies import (
    Joiner,
    Person,
    parse_end,
    parse_leave,
    parse_start,
)
from pulumi_meet.emulator.conferences.schema import SCHEMA, migrate_legacy_records
from pulumi_meet.emulator.exceptions import FailedPrecondition, InvalidArgument, NotFound
from pulumi_meet.emulator.store import Store
from pulumi_meet.emulator.timestamps import MICROS, format_time, micros

__all__ = [
    "RECORD_LIFETIME_SECONDS",
    "Conferences",
    "active_conference",
    "end_conference",
    "end_conference_now",
    "has_joined",
]

RECORD_LIFETIME_SECONDS = 30 * 86400

_ID_ALPHABET = string.ascii_letters + string.digits
_RECORD_ALPHABET = _ID_ALPHABET + "-_"


def active_conference(db: sqlite3.Connection, space: str) -> sqlite3.Row | None:
    """The space's ongoing conference, if any."""
    row: sqlite3.Row | None = db.execute(
        "SELECT * FROM meet_conferences WHERE space = ? AND end_time IS NULL", (space,)
    ).fetchone()
    return row


def has_joined(db: sqlite3.Connection, conference: str, email: str) -> bool:
    """Whether the signed-in user ``email`` has joined ``conference`` (even if they left)."""
    found = db.execute(
        "SELECT 1 FROM meet_participants WHERE conference = ? AND kind = 'signedin' "
        "AND identity = ?",
        (conference, email.lower()),
    ).fetchone()
    return found is not None


def end_conference(db: sqlite3.Connection, conference: str, at: int) -> None:
    """End ``conference`` at ``at``: as if everyone left then; artifacts stop with it."""
    db.execute(
        "UPDATE meet_participant_sessions SET end_time = ? WHERE end_time IS NULL AND "
        "participant IN (SELECT name FROM meet_participants WHERE conference = ?)",
        (at, conference),
    )
    db.execute(
        "UPDATE meet_artifacts SET end_time = ? WHERE conference = ? AND end_time IS NULL",
        (at, conference),
    )
    db.execute("UPDATE meet_conferences SET end_time = ? WHERE name = ?", (at, conference))


def end_conference_now(db: sqlite3.Connection, conference: str, now: float) -> None:
    """``spaces.endActiveConference``: end it at the clock's time (``now``, in seconds)."""
    end_conference(db, conference, max(micros(now), _latest_time(db, conference)))


class Conferences:
    """The control API's conference switches, and the records' retention."""

    def __init__(
        self,
        store: Store,
        *,
        clock: Callable[[], float],
        rng: random.Random | None = None,
    ) -> None:
        self._clock = clock
        self._rng = rng or secrets.SystemRandom()
        store.register(SCHEMA)
        with store.transaction() as db:
            migrate_legacy_records(db, lambda: self._token(16))

    def now(self) -> int:
        """The emulator clock in microseconds."""
        return micros(self._clock())

    # --- control API -----------------------------------------------------------------------

    def start(self, db: sqlite3.Connection, space_name: str, body: Any) -> dict[str, Any]:
        """Start a conference in the space, or join the running one; see ``bodies.py``."""
        space = _control_space(db, space_name)
        spec = parse_start(body)
        now = self.now()
        _not_in_future(now, ("startTime", spec.start), ("endTime", spec.end))
        for index, joiner in enumerate(spec.joiners):
            location = f"participants[{index}]"
            _not_in_future(
                now, (f"{location}.joinTime", joiner.join), (f"{location}.leaveTime", joiner.leave)
            )
        conference = active_conference(db, space["name"])
        given = [j.join for j in spec.joiners if j.join is not None]
        if conference is None:
            name, start = self._open(db, space["name"], spec.start, min([*given, now]))
            default_join = start  # who joins a conference started now joins at its start
        else:
            if spec.start is not None:
                raise InvalidArgument.for_field(
                    "startTime",
                    f"A conference has been running in {space['name']} since "
                    f"{format_time(conference['start_time'])}: startTime only starts a new one.",
                )
            name, start = conference["name"], conference["start_time"]
            default_join = now
        joins = [default_join if j.join is None else j.join for j in spec.joiners]
        if joins and min(joins) < start:
            raise InvalidArgument.for_field(
                "participants",
                f"A joinTime is before the conference started ({format_time(start)}).",
            )
        order = sorted(range(len(spec.joiners)), key=lambda i: joins[i])
        participants = [""] * len(spec.joiners)
        for index in order:
            participants[index] = self._join(db, name, spec.joiners[index], joins[index])
        sync_artifacts(db, space, name, self._token)
        for index in order:
            joiner = spec.joiners[index]
            bound = now if joiner.leave is None else joiner.leave
            span = (joins[index], bound)
            record_lines(db, name, participants[index], joiner.says, span, new_id=self._token)
        self._end_if_done(db, name, spec.end)
        return {"conferenceRecord": name, "participants": participants}

    def leave(self, db: sqlite3.Connection, space_name: str, body: Any) -> dict[str, Any]:
        """People leave the running conference; the last one out ends it."""
        space = _control_space(db, space_name)
        people, at = parse_leave(body)
        now = self.now()
        _not_in_future(now, ("leaveTime", at))
        conference = active_conference(db, space["name"])
        if conference is None:
            raise FailedPrecondition(f"There is no active conference in {space['name']}.")
        at = now if at is None else at
        for person in people:
            self._leave(db, conference["name"], person, at)
        sync_artifacts(db, space, conference["name"], self._token)
        self._end_if_done(db, conference["name"], None)
        ended = active_conference(db, space["name"]) is None
        return {"conferenceRecord": conference["name"], "ended": ended}

    def end(self, db: sqlite3.Connection, space_name: str, body: Any) -> dict[str, Any]:
        """End the running conference (at ``endTime`` or now); nothing to do without one."""
        space = _control_space(db, space_name)
        at = parse_end(body)
        now = self.now()
        _not_in_future(now, ("endTime", at))
        conference = active_conference(db, space["name"])
        if conference is not None:
            self._end_at(db, conference["name"], now if at is None else at, "endTime")
        return {}

    # --- retention ---------------------------------------------------------------------------

    def expire(self, db: sqlite3.Connection) -> None:
        """Delete every record whose retention has run out (with everything under it)."""
        db.execute(
            "DELETE FROM meet_conferences WHERE end_time IS NOT NULL AND end_time <= ?",
            (self.now() - RECORD_LIFETIME_SECONDS * MICROS,),
        )

    # --- helpers ---------------------------------------------------------------------------

    def _open(
        self, db: sqlite3.Connection, space: str, given: int | None, earliest: int
    ) -> tuple[str, int]:
        start = earliest if given is None else given
        previous = db.execute(
            "SELECT MAX(end_time) AS end_time FROM meet_conferences WHERE space = ?", (space,)
        ).fetchone()["end_time"]
        if previous is not None and start < previous:
            raise InvalidArgument.for_field(
                "startTime",
                f"The previous conference in {space} ended at {format_time(previous)}; "
                "a new one cannot start before that.",
            )
        name = "conferenceRecords/" + self._record_id(db)
        db.execute(
            "INSERT INTO meet_conferences (name, space, start_time) VALUES (?, ?, ?)",
            (name, space, start),
        )
        touch_code(db, space, start / MICROS)  # a conference starting uses the code
        return name, start

    def _join(self, db: sqlite3.Connection, conference: str, joiner: Joiner, at: int) -> str:
        person = joiner.person
        row = db.execute(
            "SELECT name FROM meet_participants WHERE conference = ? AND kind = ? AND identity = ?",
            (conference, person.kind, person.identity),
        ).fetchone()
        if row is None:
            participant = f"{conference}/participants/{self._token(16)}"
            db.execute(
                "INSERT INTO meet_participants (name, conference, kind, identity, display_name) "
                "VALUES (?, ?, ?, ?, ?)",
                (participant, conference, person.kind, person.identity, person.display_name),
            )
        else:
            participant = str(row["name"])
            db.execute(
                "UPDATE meet_participants SET display_name = ? WHERE name = ?",
                (person.display_name, participant),
            )
        db.execute(
            "INSERT INTO meet_participant_sessions (name, participant, start_time, end_time) "
            "VALUES (?, ?, ?, ?)",
            (f"{participant}/participantSessions/{self._token(16)}", participant, at, joiner.leave),
        )
        return participant

    @staticmethod
    def _leave(db: sqlite3.Connection, conference: str, person: Person, at: int) -> None:
        sessions = db.execute(
            "SELECT s.name, s.start_time FROM meet_participant_sessions s JOIN meet_participants p "
            "ON p.name = s.participant WHERE p.conference = ? AND p.kind = ? AND p.identity = ? "
            "AND s.end_time IS NULL",
            (conference, person.kind, person.identity),
        ).fetchall()
        if not sessions:
            raise FailedPrecondition(f"{person.identity} is not in the conference {conference}.")
        if any(at < session["start_time"] for session in sessions):
            raise InvalidArgument.for_field(
                "leaveTime", f"{person.identity} joined after leaveTime {format_time(at)}."
            )
        db.executemany(
            "UPDATE meet_participant_sessions SET end_time = ? WHERE name = ?",
            [(at, session["name"]) for session in sessions],
        )

    def _end_if_done(self, db: sqlite3.Connection, conference: str, end: int | None) -> None:
        if end is not None:
            self._end_at(db, conference, end, "endTime")
            return
        counts = db.execute(
            "SELECT COUNT(*) AS sessions, COUNT(*) - COUNT(s.end_time) AS open, "
            "MAX(s.end_time) AS last FROM meet_participant_sessions s JOIN meet_participants p "
            "ON p.name = s.participant WHERE p.conference = ?",
            (conference,),
        ).fetchone()
        if counts["sessions"] and not counts["open"]:
            end_conference(db, conference, counts["last"])  # everyone has left

    @staticmethod
    def _end_at(db: sqlite3.Connection, conference: str, at: int, field: str) -> None:
        latest = _latest_time(db, conference)
        if at < latest:
            raise InvalidArgument.for_field(
                field,
                f"{field} {format_time(at)} is before the last join or leave "
                f"({format_time(latest)}).",
            )
        end_conference(db, conference, at)

    def _token(self, length: int, alphabet: str = _ID_ALPHABET) -> str:
        return "".join(self._rng.choice(alphabet) for _ in range(length))

    def _record_id(self, db: sqlite3.Connection) -> str:
        while True:
            candidate = self._token(12, _RECORD_ALPHABET)
            # An id shaped like a meeting code would be ambiguous with the alias. [rule]
            if MEETING_CODE.fullmatch(candidate):
                continue
            taken = db.execute(
                "SELECT 1 FROM meet_conferences WHERE name = ?", ("conferenceRecords/" + candidate,)
            ).fetchone()
            if taken is None:
                return candidate


def _latest_time(db: sqlite3.Connection, conference: str) -> int:
    """The conference's start, or its last join or leave if later."""
    row = db.execute(
        "SELECT MAX(c.start_time, COALESCE(MAX(s.start_time), 0), COALESCE(MAX(s.end_time), 0)) "
        "AS latest FROM meet_conferences c LEFT JOIN meet_participants p ON p.conference = c.name "
        "LEFT JOIN meet_participant_sessions s ON s.participant = p.name WHERE c.name = ?",
        (conference,),
    ).fetchone()
    return int(row["latest"])


def _control_space(db: sqlite3.Connection, name: str) -> sqlite3.Row:
    row: sqlite3.Row | None = db.execute(
        "SELECT * FROM meet_spaces WHERE name = ?", (name,)
    ).fetchone()
    if row is None:
        raise NotFound(f"Space {name} does not exist.")
    return row


def _not_in_future(now: int, *times: tuple[str, int | None]) -> None:
    for field, value in times:
        if value is not None and value > now:
            raise InvalidArgument.for_field(
                field,
                f"{field} {format_time(value)} is in the future: the emulator's clock says "
                f"{format_time(now)} (set it with PUT /emulator/v1/clock).",
            )
