"""The rows of ``pulumi-meet adopt --from rooms.csv``: the file read (bounded, UTF-8), each line
parsed into a room, its owner and its resource name, or a reason it is left out.

The whole file is read before any call, at most :data:`MAX_CSV_BYTES`: ``--from /dev/zero`` or a
wrong file stops at once with one line, as does a file that is not UTF-8 text or not a CSV of
rooms at all (a field beyond the csv module's limit, NUL bytes). Those are usage errors (exit 2);
a malformed or duplicate line is reported with its number and left out.
"""

from __future__ import annotations

import argparse
import csv
import re
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from pulumi_meet.cli.config import SpaceArgument, space_argument
from pulumi_meet.cli.parser import InputError
from pulumi_meet.core.space_fields import email_violation
from pulumi_meet.exceptions import unreadable_file

__all__ = ["COLUMNS", "MAX_CSV_BYTES", "CsvRow", "RowProblem", "read_csv", "read_rows"]

MAX_CSV_BYTES = 16 * 1024 * 1024
"""At most this much of a CSV is read: some 150,000 rooms, far beyond any organisation's."""
COLUMNS = "space (meeting code, URL or spaces/<id>), owner e-mail[, resource name]"
_RESOURCE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,99}")
_OTHER_SEPARATORS = {";": "';'", "\t": "tabs"}


def read_csv(path: str) -> tuple[str, str]:
    """The text of the CSV at ``path`` (``-``: standard input) and the name to report it by.

    Raises :class:`InputError` when it cannot be read, is larger than :data:`MAX_CSV_BYTES` or is
    not UTF-8 (a byte-order mark is allowed, as spreadsheets write one).
    """
    label = "<stdin>" if path == "-" else path
    try:
        if path == "-":
            data = sys.stdin.buffer.read(MAX_CSV_BYTES + 1)
        else:
            with open(path, "rb") as handle:
                data = handle.read(MAX_CSV_BYTES + 1)
        if len(data) > MAX_CSV_BYTES:
            raise InputError(
                f"--from: {label} is larger than {MAX_CSV_BYTES // (1024 * 1024)} MiB, the most "
                "adopt reads; is it the CSV of rooms? Split a larger list into several files"
            )
        return data.decode("utf-8-sig"), label
    except (OSError, UnicodeDecodeError) as error:
        raise InputError(unreadable_file("--from", label, error)) from None


@dataclass(frozen=True)
class CsvRow:
    """One well-formed line: the room, its owner, the resource name if given."""

    line: int
    text: str
    space_name: str
    space: SpaceArgument
    owner: str
    resource_name: str | None


@dataclass(frozen=True)
class RowProblem:
    """A line left out, and why."""

    line: int
    reason: str

    def render(self) -> str:
        return f"line {self.line}: {self.reason}"


def _is_header(cells: Sequence[str]) -> bool:
    """A first line naming no room and no owner (``space,owner,name``) is a header; a first
    room with a malformed owner is not, and is reported like any other line."""
    if len(cells) < 2 or "@" in cells[1]:
        return False
    try:
        space_argument(cells[0].strip())
    except argparse.ArgumentTypeError:
        return True
    return False


def _parse(line: int, cells: Sequence[str]) -> CsvRow | RowProblem:
    cells = [cell.strip() for cell in cells]
    if len(cells) == 3 and not cells[2]:
        cells = cells[:2]
    if len(cells) not in (2, 3):
        reason = f"expected 2 or 3 columns ({COLUMNS}), got {len(cells)}"
        separator = next((n for s, n in _OTHER_SEPARATORS.items() if s in cells[0]), None)
        if len(cells) == 1 and separator is not None:
            reason += f": the columns are separated by {separator}; separate them with commas"
        return RowProblem(line, reason)
    text, owner = cells[0], cells[1].lower()
    try:
        space = space_argument(text)
    except argparse.ArgumentTypeError as error:
        return RowProblem(line, str(error))
    for violation in email_violation("owner", owner):
        return RowProblem(line, f"{text}: owner: {violation.reason}")
    name = cells[2] if len(cells) == 3 else None
    if name is not None and not _RESOURCE_NAME.fullmatch(name):
        return RowProblem(
            line,
            f"{text}: resource name {name!r} must be letters, digits, '-', '_' or '.' (at most "
            "100, starting with a letter or digit) so that it is valid and stays stable",
        )
    return CsvRow(line, text, space.name.lower(), space, owner, name)


def read_rows(
    handle: Iterable[str], source: str = "the CSV"
) -> tuple[list[CsvRow], list[RowProblem]]:
    """The well-formed, distinct rows of a CSV, and the problems of the others.

    Raises :class:`InputError` for a file that is not a CSV of rooms at all (the csv module
    refuses it: NUL bytes, a field over its 131,072-character limit)."""
    reader = csv.reader(handle)
    try:
        return _rows(enumerate(reader, start=1))
    except csv.Error as error:
        raise InputError(
            f"--from: {source}: line {reader.line_num}: not a CSV of rooms ({error}); expected "
            f"lines of {COLUMNS}"
        ) from None


def _rows(lines: Iterable[tuple[int, list[str]]]) -> tuple[list[CsvRow], list[RowProblem]]:
    rows: list[CsvRow] = []
    problems: list[RowProblem] = []
    rooms: dict[str, int] = {}
    names: dict[str, int] = {}
    first = True
    for number, cells in lines:
        if not any(cell.strip() for cell in cells) or cells[0].lstrip().startswith("#"):
            continue
        if first and _is_header(cells):
            first = False
            continue
        first = False
        parsed = _parse(number, cells)
        if isinstance(parsed, RowProblem):
            problems.append(parsed)
        elif parsed.space_name in rooms:
            line = rooms[parsed.space_name]
            problems.append(RowProblem(number, f"{parsed.text}: duplicate of line {line}"))
        elif parsed.resource_name is not None and parsed.resource_name in names:
            line = names[parsed.resource_name]
            problems.append(
                RowProblem(
                    number, f"resource name {parsed.resource_name!r} is already line {line}'s"
                )
            )
        else:
            rooms[parsed.space_name] = number
            if parsed.resource_name is not None:
                names[parsed.resource_name] = number
            rows.append(parsed)
    return rows, problems
