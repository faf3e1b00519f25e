"""``pulumi-meet adopt --from rooms.csv``: an organisation's rooms, many owners, one program.

Each CSV line names a room (meeting code, meeting URL or ``spaces/<id>``), its owner, and
optionally the Pulumi resource name; a first line whose owner column is not an e-mail is a
header. Every room is resolved as `adopt` resolves it (one ``spaces.get``, one ``members.list``
for its co-hosts) acting as its owner, on a pool of threads
paced by the client (each owner's read quota and the project's, owners taking turns), and the
program adopting them all is printed grouped by owner: Python (`pulumi_meet.cli.adopt`'s
statements) or, with ``--format yaml``, Pulumi YAML for the provider plugin (``meet:index:Space``).

Rows that cannot be adopted are reported with the line number and the reason, and left out —
never guessed: malformed lines, duplicates, unknown rooms, rooms the named owner does not own.
The exit status is 1 when any row was left out, 0 otherwise.
"""

from __future__ import annotations

import itertools
import re
import threading
from collections.abc import Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, TextIO

import yaml

from pulumi_meet.cli.adopt import (
    PROGRAM_HEADER,
    AdoptedRoom,
    program_imports,
    resolve_room,
    resource_names,
    resource_source,
)
from pulumi_meet.cli.adopt_rows import COLUMNS, CsvRow, RowProblem, read_rows
from pulumi_meet.cli.parser import InputError
from pulumi_meet.cli.progress import ProgressBar
from pulumi_meet.client import progress
from pulumi_meet.client.settings import Settings
from pulumi_meet.core.engine import api_body
from pulumi_meet.core.space_fields import CONFIG_FIELDS
from pulumi_meet.core.tokens import SPACE as SPACE_TOKEN
from pulumi_meet.core.tokens import SPACE_MEMBER as SPACE_MEMBER_TOKEN
from pulumi_meet.exceptions import (
    ConfigurationError,
    CredentialsError,
    MeetError,
    ScopeInsufficient,
    ServiceDisabled,
)

__all__ = ["FORMATS", "CsvRow", "RowProblem", "adopt_from_csv", "read_rows", "render"]

FORMATS = ("python", "yaml")
_WORKERS = 16  # enough calls in flight to keep every owner's and the project's bucket busy


@dataclass(frozen=True)
class _Adopted:
    row: CsvRow
    room: AdoptedRoom


class _Resolver:
    """Resolves rows on a thread pool; stops everything on an error no room would escape."""

    def __init__(self, settings: Settings, bar: ProgressBar) -> None:
        self._settings = settings
        self._bar = bar
        self._stop = threading.Event()
        self._fatal: MeetError | None = None
        self._owner_failures: dict[str, str] = {}
        self._lock = threading.Lock()

    def resolve(self, row: CsvRow) -> _Adopted | RowProblem | None:
        from pulumi_meet.client.meet import get_client

        try:
            if self._stop.is_set():
                return None
            with self._lock:
                known = self._owner_failures.get(row.owner)
            if known is not None:
                return RowProblem(row.line, f"{row.text} (owner {row.owner}): {known}")
            return _Adopted(row, resolve_room(get_client(self._settings, row.owner), row.space))
        except (ServiceDisabled, ScopeInsufficient) as error:
            with self._lock:
                self._fatal = self._fatal or error
            self._stop.set()
            return None
        except MeetError as error:
            if isinstance(error, ConfigurationError | CredentialsError):
                # Not about the room (the credentials cannot act for this owner): say it once
                # for every row of the owner instead of asking again.
                with self._lock:
                    self._owner_failures.setdefault(row.owner, str(error))
            return RowProblem(row.line, f"{row.text} (owner {row.owner}): {error}")
        finally:
            self._bar.advance()

    def run(self, rows: Sequence[CsvRow]) -> list[_Adopted | RowProblem]:
        """Every row's outcome, in the CSV's order."""
        with ThreadPoolExecutor(max_workers=min(_WORKERS, max(1, len(rows)))) as pool:
            outcomes = list(pool.map(self.resolve, _owner_by_owner(rows)))
        if self._fatal is not None:
            raise self._fatal
        done = [outcome for outcome in outcomes if outcome is not None]
        return sorted(done, key=lambda o: o.row.line if isinstance(o, _Adopted) else o.line)


def _owner_by_owner(rows: Sequence[CsvRow]) -> list[CsvRow]:
    """The rows taking turns by owner: a CSV sorted by owner would otherwise fill every worker
    with the first owner's rows, all waiting for that owner's quota while the others idle."""
    queues: dict[str, list[CsvRow]] = {}
    for row in rows:
        queues.setdefault(row.owner, []).append(row)
    turns = itertools.zip_longest(*queues.values())
    return [row for turn in turns for row in turn if row is not None]


def _assign_names(adopted: Sequence[_Adopted]) -> list[str]:
    """Given names as they are; others from the meeting code (else the id), kept unique."""
    taken = {a.row.resource_name for a in adopted if a.row.resource_name}
    names = []
    for item in adopted:
        if item.row.resource_name:
            names.append(item.row.resource_name)
            continue
        base = resource_names([item.room])[0]
        name, suffix = base, 2
        while name in taken:
            name, suffix = f"{base}-{suffix}", suffix + 1
        taken.add(name)
        names.append(name)
    return names


def _by_owner(adopted: Sequence[_Adopted]) -> dict[str, list[tuple[_Adopted, str]]]:
    groups: dict[str, list[tuple[_Adopted, str]]] = {}
    for item, name in zip(adopted, _assign_names(adopted), strict=True):
        groups.setdefault(item.row.owner, []).append((item, name))
    return groups


def _owner_banner(owner: str, count: int) -> str:
    return f"# ---- {owner}: {count} room{'s' if count != 1 else ''}"


def _python(groups: Mapping[str, list[tuple[_Adopted, str]]]) -> str:
    rooms = [item.room for members in groups.values() for item, _ in members]
    chunks = [PROGRAM_HEADER, program_imports(rooms)]
    taken = {name for members in groups.values() for _, name in members}
    for owner, members in groups.items():
        chunks.append(_owner_banner(owner, len(members)) + "\n")
        chunks += [resource_source(item.room, name, owner, taken) for item, name in members]
    return "\n".join(chunks)


def _space_properties(item: _Adopted, owner: str) -> dict[str, Any]:
    """The ``meet:index:Space`` properties adopting one room: its settings in the plugin's
    camelCase, as the field table writes the API's body (the schema's names are the API's)."""
    properties: dict[str, Any] = {
        "adopt": item.room.name,
        "owner": owner,
        "deletionPolicy": "ABANDON",
    }
    config = api_body({"config": item.room.config}, CONFIG_FIELDS).get("config")
    if config:
        properties["config"] = config
    return properties


def _member_resources(item: _Adopted, name: str, taken: set[str]) -> dict[str, Any]:
    """The room's members as ``meet:index:SpaceMember`` resources, kept on destroy."""
    resources: dict[str, Any] = {}
    for member in item.room.members:
        slug = re.sub(r"[^a-z0-9-]+", "-", member.email.lower()).strip("-") or "member"
        member_name, suffix = f"{name}-{slug}", 2
        while member_name in taken:
            member_name, suffix = f"{name}-{slug}-{suffix}", suffix + 1
        taken.add(member_name)
        resources[member_name] = {
            "type": SPACE_MEMBER_TOKEN,
            "properties": {
                "space": f"${{{name}.name}}",
                "owner": f"${{{name}.owner}}",  # only a room's owner manages its members
                "email": member.email,
                "role": member.role,
                "adopt": member.name,
            },
            "options": {"retainOnDelete": True},
        }
    return resources


_YAML_HEADER = """\
# Google Meet rooms adopted into Pulumi; generated by `pulumi-meet adopt --format yaml`.
# Each Space takes over its room with the room's current settings, and each SpaceMember one of
# its members, so the first `pulumi up` changes nothing. Destroying the stack hands them back as
# they are (deletionPolicy ABANDON, retainOnDelete): people rely on their links.
# Merge `resources` into your Pulumi.yaml (runtime: yaml).
"""


def _yaml_dump(data: Mapping[str, Any], indent: str = "") -> str:
    """``data`` as block YAML written by the library (keys in order), each line indented."""
    text = yaml.safe_dump(
        dict(data), sort_keys=False, allow_unicode=True, default_flow_style=False, width=1 << 16
    )
    return "".join(indent + line for line in text.splitlines(keepends=True))


def _comment(text: str, indent: str) -> str:
    return "".join(f"{indent}# {line}\n" for line in text.splitlines() or [""])


def _yaml(groups: Mapping[str, list[tuple[_Adopted, str]]]) -> str:
    """The Pulumi YAML program: the library writes every resource; comments go between them
    (an owner's banner before its rooms, a room's notes before it)."""
    chunks = [_YAML_HEADER, _yaml_dump({"name": "adopted-meet-rooms", "runtime": "yaml"})]
    chunks.append("resources:\n")
    taken = {name for members in groups.values() for _, name in members}
    for owner, members in groups.items():
        chunks.append("  " + _owner_banner(owner, len(members)) + "\n")
        for item, name in members:
            chunks += [_comment(note, "  ") for note in item.room.notes]
            space = {"type": SPACE_TOKEN, "properties": _space_properties(item, owner)}
            resources = {name: space, **_member_resources(item, name, taken)}
            chunks.append(_yaml_dump(resources, "  "))
    return "".join(chunks)


def render(adopted: Sequence[_Adopted], output_format: str) -> str:
    """The program adopting `adopted`, grouped by owner in the CSV's order."""
    groups = _by_owner(adopted)
    return _yaml(groups) if output_format == "yaml" else _python(groups)


def _same_rooms(adopted: list[_Adopted]) -> tuple[list[_Adopted], list[RowProblem]]:
    """A code and an id of the same room on two lines: the first line adopts it."""
    seen: dict[str, CsvRow] = {}
    kept, problems = [], []
    for item in adopted:
        first = seen.get(item.room.name)
        if first is not None:  # said by the other line's words: this line's are on the left
            problems.append(
                RowProblem(
                    item.row.line,
                    f"{item.row.text}: duplicate of line {first.line} ({first.text} is the same "
                    "room)",
                )
            )
            continue
        seen[item.room.name] = item.row
        kept.append(item)
    return kept, problems


def adopt_from_csv(
    settings: Settings,
    handle: Iterable[str],
    source: str,
    *,
    output_format: str,
    out: TextIO,
    err: TextIO,
) -> int:
    """Resolve every row of the CSV, print the program, report what was left out."""
    rows, problems = read_rows(handle, source)
    if not rows and not problems:
        raise InputError(f"--from: {source} lists no rooms; expected lines of {COLUMNS}")
    bar = ProgressBar(err, len(rows), "rooms resolved")
    with progress.installed(bar):
        outcomes = _Resolver(settings, bar).run(rows)
    bar.finish()
    adopted = [o for o in outcomes if isinstance(o, _Adopted)]
    problems += [o for o in outcomes if isinstance(o, RowProblem)]
    adopted, duplicates = _same_rooms(adopted)
    problems = sorted(problems + duplicates, key=lambda p: p.line)
    if adopted:
        out.write(render(adopted, output_format))
    err.writelines(f"pulumi-meet: {source}: {problem.render()}\n" for problem in problems)
    total = len(adopted) + len(problems)
    err.write(
        f"pulumi-meet: adopted {len(adopted)} of {total} rooms from {source}"
        + (f"; {len(problems)} left out (above)\n" if problems else "\n")
    )
    return 1 if problems or not adopted else 0
