"""State and rules of meeting spaces: creation, the roles table, aliases, masks and defaults.

Everything here runs inside the caller's ``store.transaction()``: the functions take the open
connection, so that a request which fails half-way leaves the previous state. Members live in
``members.py``, conferences in ``conferences/``, meeting codes and their expiry in ``codes.py``;
all share the space lookup and the access rule defined here.

Who reaches a space (``Access``):
- ``meetings.space.created`` alone reaches only spaces created by the same app (Cloud project);
  any other accepted scope of the method (readonly, settings) reaches spaces of every app [doc].
- An unknown space and a space the caller may not reach answer alike: 403
  ``Permission denied on resource Space (or it might not exist)`` [seen].
"""

from __future__ import annotations

import json
import random
import secrets
import sqlite3
import string
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pulumi_meet.emulator.codes import (
    MEETING_CODE,
    add_last_use_column,
    code_expire_time,
    expire_codes,
    new_meeting_code,
)
from pulumi_meet.emulator.conferences.lifecycle import (
    active_conference,
    end_conference_now,
    has_joined,
)
from pulumi_meet.emulator.defaults import finish_config, user_defaults
from pulumi_meet.emulator.exceptions import (
    FailedPrecondition,
    InvalidArgument,
    SpacePermissionDenied,
    UnknownMeetingCode,
)
from pulumi_meet.emulator.masks import FieldMask, apply_update, covers, effective_paths
from pulumi_meet.emulator.messages import MESSAGES, parse_message
from pulumi_meet.emulator.store import Store
from pulumi_meet.emulator.timestamps import format_time, micros

__all__ = ["Access", "Spaces", "find_space", "owned_space"]

SPACE = MESSAGES["Space"]
SPACE_CONFIG = MESSAGES["SpaceConfig"]

SCHEMA = """
CREATE TABLE IF NOT EXISTS meet_spaces (
    name TEXT PRIMARY KEY,
    meeting_code TEXT NOT NULL UNIQUE,
    owner TEXT NOT NULL,
    creator_app TEXT NOT NULL,
    config TEXT NOT NULL,
    phone_access TEXT NOT NULL,
    gateway_sip_access TEXT NOT NULL,
    create_time REAL NOT NULL,
    code_used_at REAL NOT NULL  -- the code's last use (codes.py); emulator-clock seconds
);
"""

_ID_ALPHABET = string.ascii_letters + string.digits + "-_"
_MODERATION: tuple[str, ...] = ("config", "moderation")


@dataclass(frozen=True)
class Access:
    """Who is calling, for the rules: the user, their app, and whether they reach every app."""

    email: str
    app: str
    any_app: bool


def find_space(
    db: sqlite3.Connection, access: Access, name: str, *, alias_ok: bool = False
) -> sqlite3.Row:
    """The space ``name`` if the caller reaches it; unknown looks the same as hidden."""
    row: sqlite3.Row | None = db.execute(
        "SELECT * FROM meet_spaces WHERE name = ?", (name,)
    ).fetchone()
    space_id = name.split("/", 1)[1]
    if row is None and alias_ok and MEETING_CODE.fullmatch(space_id):
        row = db.execute(
            "SELECT * FROM meet_spaces WHERE meeting_code = ?", (space_id.lower(),)
        ).fetchone()
        if row is None:
            # A code that names no space (expired, or never given) is not found. [rule]
            raise UnknownMeetingCode()
    if row is None or not (access.any_app or row["creator_app"] == access.app):
        raise SpacePermissionDenied()
    return row


def owned_space(db: sqlite3.Connection, access: Access, name: str) -> sqlite3.Row:
    """The space ``name`` if the caller owns it; anyone else gets the existence-hiding 403.

    Only the owner may patch, end the conference, or touch members [doc, and rule for members].
    """
    row = find_space(db, access, name)
    if row["owner"] != access.email.lower():
        raise SpacePermissionDenied()
    return row


class Spaces:
    """The spaces methods, meeting codes' expiry, and the control API's view of spaces."""

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
            add_last_use_column(db)

    # --- Meet API -------------------------------------------------------------------------

    def create(self, db: sqlite3.Connection, access: Access, body: Any) -> dict[str, Any]:
        """spaces.create: the caller owns the new space; unset settings take their defaults."""
        space = parse_message(body, SPACE, "space")
        config = space.get("config", {})
        if config.get("moderation") == "MODERATION_UNSPECIFIED":
            raise _moderation_unspecified()
        resolved = finish_config(config, user_defaults(db, access.email))
        name, code = self._new_name(db), new_meeting_code(db, self._rng)
        now = self._clock()
        db.execute(
            "INSERT INTO meet_spaces (name, meeting_code, owner, creator_app, config, "
            "phone_access, gateway_sip_access, create_time, code_used_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                name,
                code,
                access.email.lower(),
                access.app,
                json.dumps(resolved),
                json.dumps(self._phone_access()),
                json.dumps(self._gateway_sip_access()),
                now,
                now,  # creating a space uses its code
            ),
        )
        return self._full_view(db, find_space(db, access, name))

    def get(self, db: sqlite3.Connection, access: Access, name: str) -> dict[str, Any]:
        """spaces.get: accepts the meeting-code alias; what it shows depends on the role."""
        row = find_space(db, access, name, alias_ok=True)
        if row["owner"] == access.email.lower():
            return self._full_view(db, row)
        view: dict[str, Any] = {
            "name": row["name"],
            "meetingUri": _meeting_uri(row["meeting_code"]),
            "meetingCode": row["meeting_code"],
        }
        conference = active_conference(db, row["name"])
        if conference is not None and has_joined(db, conference["name"], access.email):
            view["activeConference"] = {"conferenceRecord": conference["name"]}
            view["phoneAccess"] = json.loads(row["phone_access"])
            view["gatewaySipAccess"] = json.loads(row["gateway_sip_access"])
        return view

    def update(
        self, db: sqlite3.Connection, access: Access, name: str, body: Any, mask: FieldMask
    ) -> dict[str, Any]:
        """spaces.patch: owner only; the mask rules are in ``masks.py``."""
        row = owned_space(db, access, name)
        space = parse_message(body, SPACE, "space")
        paths = effective_paths(mask, space, SPACE)
        if covers(paths, _MODERATION) and space.get("config", {}).get("moderation") in (
            None,
            "MODERATION_UNSPECIFIED",
        ):
            # In proto terms an absent enum *is* MODERATION_UNSPECIFIED, so a mask that
            # covers moderation without a value asks for the forbidden value. [rule]
            raise _moderation_unspecified()
        if paths:
            current = {"config": json.loads(row["config"])}
            updated = apply_update(current, space, paths)
            resolved = finish_config(updated.get("config", {}), user_defaults(db, row["owner"]))
            db.execute(
                "UPDATE meet_spaces SET config = ? WHERE name = ?",
                (json.dumps(resolved), row["name"]),
            )
        return self._full_view(db, find_space(db, access, row["name"]))

    def end_active_conference(self, db: sqlite3.Connection, access: Access, name: str) -> None:
        """spaces.endActiveConference: owner only; no conference → 400 FAILED_PRECONDITION."""
        row = owned_space(db, access, name)
        conference = active_conference(db, row["name"])
        if conference is None:
            raise FailedPrecondition("There is no active conference for the given space.")
        end_conference_now(db, conference["name"], self._clock())

    def expire_codes(self, db: sqlite3.Connection) -> list[tuple[str, str]]:
        """Give each space whose code expired a new one (see ``codes.py``)."""
        return expire_codes(db, self._clock(), self._rng)

    # --- control API ----------------------------------------------------------------------

    def list_all(self, db: sqlite3.Connection) -> list[dict[str, Any]]:
        """Every space with its owner and creator app (debug view)."""
        rows = db.execute("SELECT * FROM meet_spaces ORDER BY create_time, name").fetchall()
        spaces = []
        for row in rows:
            view = self._full_view(db, row)
            view["owner"] = row["owner"]
            view["creatorApp"] = row["creator_app"]
            view["meetingCodeLastUseTime"] = format_time(micros(row["code_used_at"]))
            view["meetingCodeExpireTime"] = format_time(
                micros(code_expire_time(row["code_used_at"]))
            )
            spaces.append(view)
        return spaces

    # --- helpers ---------------------------------------------------------------------------

    @staticmethod
    def _full_view(db: sqlite3.Connection, row: sqlite3.Row) -> dict[str, Any]:
        view: dict[str, Any] = {
            "name": row["name"],
            "meetingUri": _meeting_uri(row["meeting_code"]),
            "meetingCode": row["meeting_code"],
            "config": json.loads(row["config"]),
        }
        conference = active_conference(db, row["name"])
        if conference is not None:
            view["activeConference"] = {"conferenceRecord": conference["name"]}
        view["phoneAccess"] = json.loads(row["phone_access"])
        view["gatewaySipAccess"] = json.loads(row["gateway_sip_access"])
        return view

    def _random_id(self, db: sqlite3.Connection, table: str, prefix: str) -> str:
        while True:
            candidate = "".join(self._rng.choice(_ID_ALPHABET) for _ in range(12))
            # An id shaped like a meeting code would be ambiguous with the alias. [rule]
            if MEETING_CODE.fullmatch(candidate):
                continue
            taken = db.execute(
                f"SELECT 1 FROM {table} WHERE name = ?",  # the table name is a constant
                (prefix + candidate,),
            ).fetchone()
            if taken is None:
                return candidate

    def _new_name(self, db: sqlite3.Connection) -> str:
        return "spaces/" + self._random_id(db, "meet_spaces", "spaces/")

    def _digits(self, count: int) -> str:
        return "".join(self._rng.choice(string.digits) for _ in range(count))

    def _phone_access(self) -> list[dict[str, str]]:
        area = str(self._rng.randint(201, 989))
        return [
            {
                "phoneNumber": f"+1{area}{self._rng.randint(200, 999)}{self._digits(4)}",
                "pin": str(self._rng.randint(1, 9)) + self._digits(8),
                "regionCode": "US",
                "languageCode": "en-US",
            }
        ]

    def _gateway_sip_access(self) -> list[dict[str, str]]:
        pin = str(self._rng.randint(1, 9)) + self._digits(12)
        return [{"uri": f"sip:{pin}@gw.meet.google.com", "sipAccessCode": pin}]


def _meeting_uri(code: str) -> str:
    return f"https://meet.google.com/{code}"


def _moderation_unspecified() -> InvalidArgument:
    # Google: "Users are not allowed to set the value as unspecified" [doc]; wording [rule].
    return InvalidArgument.for_field(
        "space.config.moderation", "Moderation cannot be set to MODERATION_UNSPECIFIED."
    )
