"""``pulumi-meet spaces get|end-conference`` and ``members list``: calls and their output.

Every command writes its result to ``out`` and returns the exit code; API errors propagate as
`pulumi_meet.exceptions` for the command line to report.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TextIO

from pulumi_meet.cli.config import SpaceArgument
from pulumi_meet.cli.progress import ProgressBar
from pulumi_meet.client.meet import MeetClient
from pulumi_meet.core.space_fields import CONFIG_FIELDS, Field
from pulumi_meet.exceptions import FailedPrecondition, MeetError

__all__ = [
    "canonical_name",
    "end_conference",
    "get_space",
    "get_spaces",
    "list_members",
    "render_members",
    "render_space",
    "value_at",
    "write_json",
]


def value_at(data: object, path: Sequence[str]) -> str | None:
    """The string at ``path`` in nested JSON objects, or None when absent or not a string."""
    current = data
    for key in path:
        if not isinstance(current, Mapping):
            return None
        current = current.get(key)
    return current if isinstance(current, str) else None


def write_json(value: Any, out: TextIO) -> None:
    """The API's JSON, indented, one trailing newline."""
    out.write(json.dumps(value, indent=2, ensure_ascii=False) + "\n")


def _aligned(rows: Sequence[tuple[str, str]], indent: str = "") -> list[str]:
    width = max((len(label) for label, _ in rows), default=0)
    return [f"{indent}{label.ljust(width)}  {value}".rstrip() for label, value in rows]


def _config_labels(fields: Sequence[Field]) -> dict[Field, str]:
    """Each setting's label: its snake_case leaf name, or its whole path if the leaf repeats."""
    leaves = [spec.path[-1] for spec in fields]
    return {
        spec: spec.path[-1] if leaves.count(spec.path[-1]) == 1 else ".".join(spec.path[1:])
        for spec in fields
    }


def _dial_in(entry: Mapping[str, Any]) -> str:
    text = str(entry.get("phoneNumber", ""))
    if entry.get("pin"):
        text += f" PIN {entry['pin']}"
    if entry.get("regionCode"):
        text += f" ({entry['regionCode']})"
    return text


def render_space(space: Mapping[str, Any], identity: str) -> str:
    """A space for people: identity lines, the active conference, then the settings."""
    conference = value_at(space, ("activeConference", "conferenceRecord"))
    has_config = isinstance(space.get("config"), Mapping)
    if conference is not None:
        active = conference
    elif has_config:
        active = "none"
    else:
        active = f"not visible to {identity} (the owner and participants see it)"
    rows = [
        ("name", str(space.get("name", ""))),
        ("meeting URL", str(space.get("meetingUri", ""))),
        ("meeting code", str(space.get("meetingCode", ""))),
        ("active conference", active),
    ]
    rows += [("dial-in", _dial_in(entry)) for entry in space.get("phoneAccess") or []]
    rows += [("SIP", str(entry.get("uri", ""))) for entry in space.get("gatewaySipAccess") or []]
    lines = _aligned(rows)
    if has_config:
        labels = _config_labels(CONFIG_FIELDS)
        settings = [
            (labels[spec], value)
            for spec in CONFIG_FIELDS
            if (value := value_at(space, spec.api_path)) is not None
        ]
        lines += ["config:", *_aligned(settings, indent="  ")]
    else:
        lines.append(f"config: not visible to {identity} (only the space's owner sees it)")
    return "\n".join(lines) + "\n"


def get_space(client: MeetClient, space: SpaceArgument, as_json: bool, out: TextIO) -> int:
    """``spaces get``: one ``spaces.get`` (aliases included)."""
    found = client.get_space(space.name)
    if as_json:
        write_json(found, out)
    else:
        out.write(render_space(found, client.identity))
    return 0


_BULK_WORKERS = 8  # reads in flight for a bulk get; the client's pacing keeps them in quota


def get_spaces(
    client: MeetClient, spaces: Sequence[SpaceArgument], as_json: bool, out: TextIO, err: TextIO
) -> int:
    """``spaces get A B C…``: one ``spaces.get`` each, in parallel (paced), with progress.

    Prints the rooms in the order given (``--json``: one JSON array); a room that cannot be read
    is reported on stderr and the exit status is 1, the others are still printed.
    """
    from pulumi_meet.client import progress

    bar = ProgressBar(err, len(spaces), "rooms read")

    def fetch(space: SpaceArgument) -> dict[str, Any] | MeetError:
        try:
            return client.get_space(space.name)
        except MeetError as error:
            return error
        finally:
            bar.advance()

    with progress.installed(bar), ThreadPoolExecutor(max_workers=_BULK_WORKERS) as pool:
        found = list(pool.map(fetch, spaces))
    bar.finish()
    failures = [(s, f) for s, f in zip(spaces, found, strict=True) if isinstance(f, MeetError)]
    rooms = [f for f in found if not isinstance(f, MeetError)]
    if as_json:
        write_json(rooms, out)
    else:
        out.write("\n".join(render_space(room, client.identity) for room in rooms))
    err.writelines(f"pulumi-meet: error: {space.text}: {error}\n" for space, error in failures)
    return 1 if failures else 0


def canonical_name(client: MeetClient, space: SpaceArgument) -> str:
    """``spaces/<id>`` for methods that refuse aliases: as typed, or resolved with one get."""
    if not space.is_alias:
        return space.name
    return str(client.get_space(space.name)["name"])


def end_conference(client: MeetClient, space: SpaceArgument, out: TextIO) -> int:
    """``spaces end-conference``: no active conference is not an error (exit 0)."""
    name = canonical_name(client, space)
    try:
        client.end_active_conference(name)
    except FailedPrecondition:
        # The API's only precondition for this method: there is no conference to end.
        out.write(f"{name} has no active conference; nothing to end.\n")
        return 0
    out.write(f"Ended the active conference of {name}.\n")
    return 0


def render_members(name: str, members: Sequence[Mapping[str, Any]]) -> str:
    """Members for people: e-mail, role (``-`` when none) and resource name, aligned."""
    if not members:
        return f"{name} has no members.\n"
    rows = [("EMAIL", "ROLE", "NAME")] + [
        (str(m.get("email", "")), str(m.get("role") or "-"), str(m.get("name", "")))
        for m in members
    ]
    email_width = max(len(row[0]) for row in rows)
    role_width = max(len(row[1]) for row in rows)
    lines = [f"{e.ljust(email_width)}  {r.ljust(role_width)}  {n}".rstrip() for e, r, n in rows]
    return "\n".join(lines) + "\n"


def list_members(client: MeetClient, space: SpaceArgument, as_json: bool, out: TextIO) -> int:
    """``members list``: every page; ``--json`` gives ``{"members": [...]}`` (all pages)."""
    name = canonical_name(client, space)
    members = list(client.iter_members(name))
    if as_json:
        write_json({"members": members}, out)
    else:
        out.write(render_members(name, members))
    return 0
