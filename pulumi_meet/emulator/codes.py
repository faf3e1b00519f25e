"""Meeting codes: how they are made, used, and expire.

Google: a meeting code should not be kept as a long-term key; it can be detached from its space
and given to another one, usually once 365 days have passed since it was last used [doc, the
meeting-spaces overview]. The emulator's reading [rule, ``docs/emulator.md``]:

- a code is *used* when its space is created and when a conference starts in the space; a space
  whose conference is still running keeps its code whatever the dates;
- 365 days (of the emulator's clock) after its last use the code expires: the space keeps its name
  and settings and gets a new code (and so a new ``meetingUri``), whose life starts then;
- the old code names nothing any more (``spaces.get`` by it is 404) and is free at once, so a
  space created later may draw it.

Expiry is applied lazily: every Meet API request and every control call that reads spaces or
conferences first calls ``expire_codes`` with the clock's time, so the effect is exactly as if
it had happened on time.
"""

from __future__ import annotations

import random
import re
import sqlite3
import string

__all__ = [
    "CODE_LIFETIME_SECONDS",
    "MEETING_CODE",
    "add_last_use_column",
    "code_expire_time",
    "expire_codes",
    "new_meeting_code",
    "touch_code",
]

CODE_LIFETIME_SECONDS = 365 * 86400
MEETING_CODE = re.compile(r"[a-z]+-[a-z]+-[a-z]+", re.IGNORECASE)


def add_last_use_column(db: sqlite3.Connection) -> None:
    """Give a database written before codes expired its ``code_used_at`` (= creation time),
    and index it."""
    columns = {row["name"] for row in db.execute("PRAGMA table_info(meet_spaces)")}
    if "code_used_at" not in columns:
        db.execute("ALTER TABLE meet_spaces ADD COLUMN code_used_at REAL")
        db.execute("UPDATE meet_spaces SET code_used_at = create_time")
    # Every request looks for expired codes: an index keeps that from scanning every space.
    db.execute("CREATE INDEX IF NOT EXISTS meet_spaces_by_code_use ON meet_spaces(code_used_at)")


def new_meeting_code(db: sqlite3.Connection, rng: random.Random) -> str:
    """A fresh ``abc-mnop-xyz`` code that no space holds now."""
    while True:
        code = "-".join(
            "".join(rng.choice(string.ascii_lowercase) for _ in range(length))
            for length in (3, 4, 3)
        )
        taken = db.execute("SELECT 1 FROM meet_spaces WHERE meeting_code = ?", (code,)).fetchone()
        if taken is None:
            return code


def touch_code(db: sqlite3.Connection, space: str, now: float) -> None:
    """Record a use of the space's code (a conference starting in it)."""
    db.execute(
        "UPDATE meet_spaces SET code_used_at = MAX(code_used_at, ?) WHERE name = ?", (now, space)
    )


def code_expire_time(code_used_at: float) -> float:
    """When a code last used at ``code_used_at`` expires, unless it is used again."""
    return code_used_at + CODE_LIFETIME_SECONDS


def expire_codes(db: sqlite3.Connection, now: float, rng: random.Random) -> list[tuple[str, str]]:
    """Give every space whose code has expired a new one; the (space, old code) pairs changed."""
    rows = db.execute(
        "SELECT name, meeting_code FROM meet_spaces WHERE code_used_at <= ? AND NOT EXISTS "
        "(SELECT 1 FROM meet_conferences c WHERE c.space = meet_spaces.name "
        "AND c.end_time IS NULL)",
        (now - CODE_LIFETIME_SECONDS,),
    ).fetchall()
    for row in rows:
        # Drawn while the space still holds its old code: the new one always differs.
        code = new_meeting_code(db, rng)
        db.execute(
            "UPDATE meet_spaces SET meeting_code = ?, code_used_at = ? WHERE name = ?",
            (code, now, row["name"]),
        )
    return [(row["name"], row["meeting_code"]) for row in rows]
