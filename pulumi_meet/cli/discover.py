"""``pulumi-meet discover --users FILE``: the rooms a team already uses, found in its members'
conference records, so that the unmanaged ones can be adopted.

The Meet API cannot list spaces, but ``conferenceRecords.list`` lists, for the user it acts as,
the records of the rooms that user owns, and each record names its room. For each user (acting
as them: domain-wide delegation, or the emulator's tokens) the records in the window are read,
their distinct rooms collected, and each room read once (``spaces.get``: its code, and whether
the user owns it). Rooms already in a stack (``--managed STACK_EXPORT``) are marked; the others
can be written as the CSV ``pulumi-meet adopt --from`` reads (space, owner).

What it cannot see: rooms without a conference in the window (records live 30 days after their
conference), and rooms owned by people not in the list.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Collection, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Final, TextIO

from pulumi_meet.cli.progress import ProgressBar
from pulumi_meet.client import progress
from pulumi_meet.core.references import email_violation
from pulumi_meet.exceptions import MeetError, ServiceDisabled
from pulumi_meet.operations.records import parse_time

if TYPE_CHECKING:
    from pulumi_meet.client.meet import MeetClient

__all__ = [
    "SeenSpace",
    "UserFindings",
    "discover",
    "read_users",
    "write_adopt_csv",
    "write_discover_table",
]

_WORKERS: Final = 8


@dataclass(frozen=True)
class SeenSpace:
    """A room seen in one user's records."""

    space: str
    conferences: int
    last_use: str
    """When its newest conference in the window started (the code's last use)."""
    meeting_code: str | None = None
    owner: str | None = None
    managed: bool = False
    note: str | None = None
    """Why the code or owner is missing (the room could not be read as this user)."""

    def as_json(self) -> dict[str, Any]:
        row = {
            "space": self.space,
            "meetingCode": self.meeting_code,
            "conferences": self.conferences,
            "lastUse": self.last_use,
            "owner": self.owner,
            "managed": self.managed,
        }
        return row | ({"note": self.note} if self.note else {})


@dataclass(frozen=True)
class UserFindings:
    """One user's row: the rooms seen in their records, or why they could not be read."""

    user: str
    spaces: list[SeenSpace] = field(default_factory=list)
    error: str | None = None

    def as_json(self) -> dict[str, Any]:
        row: dict[str, Any] = {"user": self.user, "spaces": [s.as_json() for s in self.spaces]}
        return row | ({"error": self.error} if self.error else {})


def read_users(handle: Iterable[str]) -> list[str]:
    """The users of a ``--users`` file: one e-mail a line; blank lines and ``#`` comments
    skipped, duplicates dropped (any case). A malformed line is kept: it becomes a row saying
    what is wrong with it."""
    users: dict[str, str] = {}
    for line in handle:
        text = line.split("#", 1)[0].strip()
        if text:
            users.setdefault(text.lower(), text.lower())
    return list(users.values())


def _seen(
    client: MeetClient, user: str, since: str | None, managed: Collection[str]
) -> list[SeenSpace]:
    records = client.iter_conference_records(f'start_time >= "{since}"' if since else "")
    rooms: dict[str, list[str]] = {}
    for record in records:
        rooms.setdefault(str(record.get("space")), []).append(str(record.get("startTime")))
    seen = []
    for space, starts in rooms.items():
        last = max(starts, key=parse_time)
        try:
            found = client.get_space(space)
        except ServiceDisabled:
            raise
        except MeetError as error:
            seen.append(
                SeenSpace(space, len(starts), last, managed=space in managed, note=str(error))
            )
            continue
        owns = isinstance(found.get("config"), dict)
        seen.append(
            SeenSpace(
                space,
                len(starts),
                last,
                meeting_code=found.get("meetingCode"),
                owner=user if owns else None,
                managed=space in managed,
                note=None if owns else f"{user} does not own it; its owner is not readable",
            )
        )
    return sorted(seen, key=lambda s: parse_time(s.last_use), reverse=True)


def discover(
    client_for: Callable[[str | None], MeetClient],
    users: Sequence[str],
    since: str | None,
    managed: Collection[str],
    err: TextIO,
) -> list[UserFindings]:
    """Every user's row, in order, read in parallel (paced) with progress on ``err``."""
    bar = ProgressBar(err, len(users), "users read")

    def read(user: str) -> UserFindings:
        try:
            for violation in email_violation("user", user):
                return UserFindings(user, error=violation.reason)
            return UserFindings(user, _seen(client_for(user), user, since, managed))
        except ServiceDisabled:
            raise
        except MeetError as error:
            return UserFindings(user, error=str(error))
        finally:
            bar.advance()

    with progress.installed(bar), ThreadPoolExecutor(max_workers=_WORKERS) as pool:
        findings = list(pool.map(read, users))
    bar.finish()
    return findings


def _distinct(findings: Sequence[UserFindings]) -> dict[str, SeenSpace]:
    rooms: dict[str, SeenSpace] = {}
    for user in findings:
        for seen in user.spaces:
            known = rooms.get(seen.space)
            if known is None or (known.owner is None and seen.owner is not None):
                rooms[seen.space] = seen
    return rooms


def write_discover_table(findings: Sequence[UserFindings], out: TextIO) -> None:
    """Per user, the rooms seen (code, last use, owner, managed or not); then a summary."""
    for user in findings:
        if user.error is not None:
            out.write(f"{user.user}: cannot read: {user.error}\n")
            continue
        out.write(f"{user.user}: {len(user.spaces)} room(s)\n")
        for seen in user.spaces:
            state = "managed" if seen.managed else "UNMANAGED"
            owner = seen.owner or "owner unknown"
            out.write(
                f"  {seen.space}  {seen.meeting_code or '-'}  last use {seen.last_use[:10]}  "
                f"{seen.conferences} conference(s)  {owner}  {state}"
                + (f"  ({seen.note})" if seen.note else "")
                + "\n"
            )
    rooms = _distinct(findings)
    unmanaged = [s for s in rooms.values() if not s.managed]
    failed = sum(1 for u in findings if u.error is not None)
    out.write(
        f"{len(rooms)} distinct room(s) seen, {len(rooms) - len(unmanaged)} managed, "
        f"{len(unmanaged)} unmanaged"
        + (f"; {failed} user(s) could not be read" if failed else "")
        + (" (write them for `adopt --from` with --csv)" if unmanaged else "")
        + ".\n"
    )


def write_adopt_csv(findings: Sequence[UserFindings], out: TextIO, err: TextIO) -> int:
    """The unmanaged rooms as ``adopt --from`` reads them (``space,owner``); rooms whose owner
    is not known are left out and said on ``err``. Returns how many were left out."""
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(("space", "owner"))
    left_out = 0
    for seen in _distinct(findings).values():
        if seen.managed:
            continue
        if seen.owner is None:
            left_out += 1
            err.write(f"pulumi-meet: {seen.space} left out of the CSV: {seen.note}\n")
            continue
        writer.writerow((seen.space, seen.owner))
    return left_out
