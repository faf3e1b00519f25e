"""State and rules of space members: one per e-mail per space, paging, and batch updates.

Only the space's owner may read or write its members [rule]; ``meetings.space.created`` alone
reaches only spaces of the caller's app, ``meetings.space.readonly`` lets the owner read members
of any of their spaces (``models.Access.any_app``). Member names are accepted only under the
canonical ``spaces/{space}``: the meeting-code alias answers like an unknown space [doc].
"""

from __future__ import annotations

import base64
import json
import random
import re
import secrets
import sqlite3
import string
from typing import Any

from pulumi_meet.emulator import _json
from pulumi_meet.emulator.exceptions import (
    AlreadyExists,
    InvalidArgument,
    NotFound,
)
from pulumi_meet.emulator.masks import FieldMask, apply_update, effective_paths
from pulumi_meet.emulator.masks import parse_field_mask as parse_mask
from pulumi_meet.emulator.messages import MESSAGES, parse_message
from pulumi_meet.emulator.models import Access, owned_space
from pulumi_meet.emulator.store import Store

__all__ = ["DEFAULT_PAGE_SIZE", "MAX_BATCH", "MAX_PAGE_SIZE", "Members"]

MEMBER = MESSAGES["Member"]
BATCH_REQUEST = MESSAGES["BatchUpdateMembersRequest"]
DEFAULT_PAGE_SIZE = 250
MAX_PAGE_SIZE = 500
MAX_BATCH = 500

SCHEMA = """
CREATE TABLE IF NOT EXISTS meet_members (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL UNIQUE,
    space TEXT NOT NULL REFERENCES meet_spaces(name) ON DELETE CASCADE,
    email TEXT NOT NULL,
    email_key TEXT NOT NULL,
    role TEXT NOT NULL,
    UNIQUE (space, email_key)
);
"""

_EMAIL = re.compile(r"[^@\s]+@[^@\s]+")
_ID_ALPHABET = string.ascii_letters + string.digits


class Members:
    """The ``spaces.members`` methods."""

    def __init__(self, store: Store, *, rng: random.Random | None = None) -> None:
        self._rng = rng or secrets.SystemRandom()
        store.register(SCHEMA)

    def create(
        self, db: sqlite3.Connection, access: Access, parent: str, body: Any
    ) -> dict[str, Any]:
        """members.create: ``email`` is required and unique in the space (case-insensitively)."""
        space = str(owned_space(db, access, parent)["name"])
        member = parse_message(body, MEMBER, "member")
        email = member.get("email", "")
        if not email:
            raise InvalidArgument.for_field("member.email", "Member email is required.")
        if not _EMAIL.fullmatch(email):
            raise InvalidArgument.for_field("member.email", f"Invalid member email: {email}")
        duplicate = db.execute(
            "SELECT 1 FROM meet_members WHERE space = ? AND email_key = ?", (space, email.lower())
        ).fetchone()
        if duplicate is not None:
            raise AlreadyExists(f"Member with email {email} already exists in {space}.")
        name = f"{space}/members/{self._new_id(db, space)}"
        role = member.get("role", "ROLE_UNSPECIFIED")
        db.execute(
            "INSERT INTO meet_members (name, space, email, email_key, role) VALUES (?, ?, ?, ?, ?)",
            (name, space, email, email.lower(), role),
        )
        return {"name": name, "email": email, "role": role}

    def get(self, db: sqlite3.Connection, access: Access, name: str) -> dict[str, Any]:
        """members.get."""
        space = str(owned_space(db, access, _parent_of(name))["name"])
        return _as_member(_find_member(db, space, name))

    def list(
        self,
        db: sqlite3.Connection,
        access: Access,
        parent: str,
        page_size: int | None,
        page_token: str | None,
    ) -> dict[str, Any]:
        """members.list: 250 by default, at most 500; no ``nextPageToken`` on the last page."""
        space = str(owned_space(db, access, parent)["name"])
        if page_size is not None and page_size < 0:
            raise InvalidArgument.for_field("page_size", "page_size must not be negative.")
        size = min(page_size or DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE)
        after = _decode_page_token(page_token, space) if page_token else 0
        rows = db.execute(
            "SELECT * FROM meet_members WHERE space = ? AND seq > ? ORDER BY seq LIMIT ?",
            (space, after, size + 1),
        ).fetchall()
        page: dict[str, Any] = {"members": [_as_member(row) for row in rows[:size]]}
        if len(rows) > size:
            page["nextPageToken"] = _encode_page_token(space, rows[size - 1]["seq"])
        return page

    def update(
        self, db: sqlite3.Connection, access: Access, name: str, body: Any, mask: FieldMask
    ) -> dict[str, Any]:
        """members.patch: only ``role`` can change; ``email`` and ``name`` are immutable."""
        space = str(owned_space(db, access, _parent_of(name))["name"])
        member = parse_message(body, MEMBER, "member")
        return self._update_one(
            db, space=space, name=name, member=member, mask=mask, location="member"
        )

    def delete(self, db: sqlite3.Connection, access: Access, name: str) -> None:
        """members.delete."""
        space = str(owned_space(db, access, _parent_of(name))["name"])
        _find_member(db, space, name)
        db.execute("DELETE FROM meet_members WHERE name = ?", (name,))

    def batch_update(
        self, db: sqlite3.Connection, access: Access, parent: str, body: Any
    ) -> dict[str, Any]:
        """members.batchUpdate: all or nothing, with the discovery document's four mask cases."""
        space = str(owned_space(db, access, parent)["name"])
        batch = parse_message(body, BATCH_REQUEST)
        requests = batch.get("requests", [])
        if not requests:
            raise InvalidArgument.for_field("requests", "At least one request is required.")
        if len(requests) > MAX_BATCH:
            raise InvalidArgument.for_field(
                "requests", f"A maximum of {MAX_BATCH} members can be modified in a batch."
            )
        top_mask = parse_mask(batch.get("updateMask"), MEMBER, "update_mask")
        updated: list[dict[str, Any]] = []
        seen: set[str] = set()
        for index, request in enumerate(requests):
            location = f"requests[{index}]"
            mask = _child_mask(top_mask, request.get("updateMask"), location)
            member = request.get("member")
            name = (member or {}).get("name", "")
            if not name:
                raise InvalidArgument.for_field(
                    f"{location}.member.name", "Member name is required."
                )
            if _parent_of(name) != space:
                raise InvalidArgument.for_field(
                    f"{location}.member.name", f"Member {name} is not a member of {space}."
                )
            if name in seen:
                raise InvalidArgument.for_field(
                    f"{location}.member.name", f"Member {name} appears more than once."
                )
            seen.add(name)
            updated.append(
                self._update_one(
                    db,
                    space=space,
                    name=name,
                    member=member,
                    mask=mask,
                    location=f"{location}.member",
                )
            )
        return {"members": updated}

    # --- helpers ---------------------------------------------------------------------------

    @staticmethod
    def _update_one(
        db: sqlite3.Connection,
        *,
        space: str,
        name: str,
        member: dict[str, Any],
        mask: FieldMask,
        location: str,
    ) -> dict[str, Any]:
        row = _find_member(db, space, name)
        email = member.get("email")
        if email is not None and email.lower() != row["email_key"]:
            raise InvalidArgument.for_field(f"{location}.email", "Member email cannot be changed.")
        paths = effective_paths(mask, member, MEMBER)
        updated = apply_update({"role": row["role"]}, member, paths)
        role = updated.get("role", "ROLE_UNSPECIFIED")
        db.execute("UPDATE meet_members SET role = ? WHERE name = ?", (role, name))
        return {"name": name, "email": row["email"], "role": role}

    def _new_id(self, db: sqlite3.Connection, space: str) -> str:
        while True:
            candidate = "".join(self._rng.choice(_ID_ALPHABET) for _ in range(16))
            taken = db.execute(
                "SELECT 1 FROM meet_members WHERE name = ?", (f"{space}/members/{candidate}",)
            ).fetchone()
            if taken is None:
                return candidate


def _child_mask(top: FieldMask, child_text: str | None, location: str) -> FieldMask:
    """The mask of one child request, per ``BatchUpdateMembersRequest.updateMask`` [doc]."""
    child = parse_mask(child_text, MEMBER, f"{location}.update_mask")
    if top.absent and not child.absent:
        raise InvalidArgument.for_field(
            f"{location}.update_mask",
            "A child update_mask requires the top-level update_mask to be set to the same value.",
        )
    if not child.absent and child != top:
        raise InvalidArgument.for_field(
            f"{location}.update_mask",
            "A child update_mask must be the same as the top-level update_mask.",
        )
    if top.absent:
        # Case 1: "All fields provided in the requests are updated, including deleting fields
        # not set in the requests" — that is ``*``.
        return FieldMask(None, everything=True)
    return top


def _parent_of(member_name: str) -> str:
    return member_name.split("/members/", 1)[0]


def _find_member(db: sqlite3.Connection, space: str, name: str) -> sqlite3.Row:
    row: sqlite3.Row | None = db.execute(
        "SELECT * FROM meet_members WHERE name = ? AND space = ?", (name, space)
    ).fetchone()
    if row is None:
        raise NotFound(f"Member {name} not found.")
    return row


def _as_member(row: sqlite3.Row) -> dict[str, Any]:
    return {"name": row["name"], "email": row["email"], "role": row["role"]}


def _encode_page_token(space: str, after: int) -> str:
    raw = json.dumps({"space": space, "after": after}, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode_page_token(token: str, space: str) -> int:
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        decoded = _json.loads(raw)
    except ValueError:  # binascii.Error is one
        decoded = None
    if (
        not isinstance(decoded, dict)
        or decoded.get("space") != space
        or not isinstance(decoded.get("after"), int)
    ):
        # Google's wording for a bad page token on Meet is not documented. [rule]
        raise InvalidArgument.for_field("page_token", "Invalid page token.")
    return int(decoded["after"])
