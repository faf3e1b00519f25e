"""The commands about how rooms are used: ``conferences list|show``, ``usage``, ``discover``.

:func:`add_commands` adds them to the parser of :mod:`pulumi_meet.cli.parser`; each handler
takes (arguments, connection options, stdout, stderr) and returns the exit status.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Final, TextIO

from pulumi_meet.cli.config import ACCEPTED_FORMS, ClientOptions, space_argument
from pulumi_meet.operations.records import parse_since

if TYPE_CHECKING:
    from pulumi_meet.cli.config import SpaceArgument
    from pulumi_meet.client.meet import MeetClient

__all__ = ["UNUSED_EXIT", "add_commands"]

UNUSED_EXIT: Final = 3
"""``usage --fail-on-unused``: the exit status when a room is unused (1 means unreadable)."""


def _since(text: str) -> str:
    try:
        return parse_since(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _record(text: str) -> str:
    from pulumi_meet.client.records import record_name

    try:
        return record_name(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _input(path: str) -> TextIO:
    """``-`` is stdin; anything else a file (a usage error when it cannot be opened)."""
    if path == "-":
        return sys.stdin
    try:
        return open(path, encoding="utf-8-sig")
    except OSError as error:
        raise argparse.ArgumentTypeError(f"cannot open {path!r}: {error.strerror}") from None


def _client_for(options: ClientOptions) -> Callable[[str | None], MeetClient]:
    from pulumi_meet.client.meet import get_client

    settings = options.settings()
    return lambda acting_as: get_client(settings, acting_as)


def _read_json(handle: TextIO, reader: Callable[[TextIO, str], Any]) -> Any:
    with handle:
        return reader(handle, getattr(handle, "name", "-"))


# ---------------------------------------------------------------------------------- handlers


def _conferences_list(
    args: argparse.Namespace, options: ClientOptions, out: TextIO, _: TextIO
) -> int:
    from pulumi_meet.cli.conferences import list_conferences

    space: SpaceArgument = args.space
    return list_conferences(options.client(), space, args.since, args.json, out)


def _conferences_show(
    args: argparse.Namespace, options: ClientOptions, out: TextIO, _: TextIO
) -> int:
    from pulumi_meet.cli.conferences import show_conference

    return show_conference(options.client(), args.record, args.entries, args.json, out)


def _usage(args: argparse.Namespace, options: ClientOptions, out: TextIO, err: TextIO) -> int:
    from pulumi_meet.cli.parser import UsageError
    from pulumi_meet.cli.stack_export import read_stack_rooms
    from pulumi_meet.cli.usage_report import RoomTarget, read_usage, write_csv, write_table

    if not args.spaces and args.from_export is None:
        raise UsageError("give rooms (SPACE…) or --from STACK_EXPORT")
    if args.json and args.csv:
        raise UsageError("--json and --csv exclude each other")
    targets = [RoomTarget(s.name) for s in args.spaces]
    if args.from_export is not None:
        stack = _read_json(args.from_export, read_stack_rooms)
        targets = [RoomTarget(r.space, r.owner, r.meeting_code) for r in stack] + targets
    # A room named twice (in the stack and on the line) is read once, as the stack's owner.
    distinct: dict[str, RoomTarget] = {}
    for target in targets:
        distinct.setdefault(target.reference, target)
    targets = list(distinct.values())
    if args.chart is not None:
        from pulumi_meet.cli.usage_chart import require_matplotlib

        require_matplotlib()  # said before any call, not after the whole report
    rows = read_usage(_client_for(options), targets, err)
    if args.json:
        out.write(json.dumps([row.as_json() for row in rows], indent=2) + "\n")
    elif args.csv:
        write_csv(rows, out)
    else:
        write_table(rows, out)
    if args.json or args.csv:
        from pulumi_meet.cli.usage_report import summary_line

        err.write(f"pulumi-meet: {summary_line(rows)}\n")
    if args.chart is not None:
        from pulumi_meet.cli.usage_chart import draw_chart

        draw_chart(rows, args.chart)
        err.write(f"pulumi-meet: chart written to {args.chart}\n")
    if any(row.error is not None for row in rows):
        return 1
    return UNUSED_EXIT if args.fail_on_unused and any(row.unused for row in rows) else 0


def _discover(args: argparse.Namespace, options: ClientOptions, out: TextIO, err: TextIO) -> int:
    from pulumi_meet.cli.discover import (
        discover,
        read_users,
        write_adopt_csv,
        write_discover_table,
    )
    from pulumi_meet.cli.parser import UsageError
    from pulumi_meet.cli.stack_export import read_stack_rooms

    if args.json and args.csv:
        raise UsageError("--json and --csv exclude each other")
    if args.users is sys.stdin and args.managed is sys.stdin:
        raise UsageError("--users and --managed cannot both read stdin (-)")
    with args.users as handle:
        users = read_users(handle)
    if not users:
        raise UsageError(f"--users {args.users.name}: no e-mail address in it (one a line)")
    managed: set[str] = set()
    if args.managed is not None:
        managed = {room.space for room in _read_json(args.managed, read_stack_rooms)}
    findings = discover(_client_for(options), users, args.since, managed, err)
    if args.json:
        out.write(json.dumps([f.as_json() for f in findings], indent=2) + "\n")
    elif args.csv:
        write_adopt_csv(findings, out, err)
    else:
        write_discover_table(findings, out)
    return 1 if any(f.error is not None for f in findings) else 0


# ---------------------------------------------------------------------------------- parsers

_SINCE_HELP = "only conferences that started at or after DATE (2030-01-01, or RFC 3339)"


def _parser(
    parent: argparse._SubParsersAction[Any], name: str, summary: str, example: str, note: str = ""
) -> argparse.ArgumentParser:
    epilog = (note + "\n\n" if note else "") + f"example:\n  {example}"
    parser: argparse.ArgumentParser = parent.add_parser(
        name,
        help=summary,
        description=summary[0].upper() + summary[1:] + ".",
        epilog=epilog,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    return parser


def _conferences(top: argparse._SubParsersAction[Any], connection: Callable[[Any], None]) -> None:
    group = top.add_parser(
        "conferences",
        help="list a room's conferences or show one",
        description="List a room's conferences or show one.",
    )
    commands = group.add_subparsers(dest="conferences_command", metavar="COMMAND", required=True)
    listing = _parser(
        commands,
        "list",
        "list the conferences of a room that still have a record (newest first)",
        "pulumi-meet conferences list abc-mnop-xyz --since 2030-01-01",
        "Meet keeps a record for 30 days after its conference ended, and lists a room's\n"
        "records only to its owner (--as OWNER). --json prints the API's records.",
    )
    listing.set_defaults(handler=_conferences_list)
    listing.add_argument("space", metavar="SPACE", type=space_argument, help=ACCEPTED_FORMS)
    listing.add_argument("--since", metavar="DATE", type=_since, help=_SINCE_HELP)
    listing.add_argument("--json", action="store_true", help="print the API's JSON (an array)")
    connection(listing)
    show = _parser(
        commands,
        "show",
        "show one conference: participants and their sessions, recordings, transcripts",
        "pulumi-meet conferences show conferenceRecords/abc123",
        "Recordings link to Drive, transcripts and smart notes to Docs.",
    )
    show.set_defaults(handler=_conferences_show)
    show.add_argument("record", metavar="RECORD", type=_record, help="conferenceRecords/<id>")
    show.add_argument("--entries", action="store_true", help="also what was said (transcripts)")
    show.add_argument("--json", action="store_true", help="print the API's JSON")
    connection(show)


def _usage_parser(top: argparse._SubParsersAction[Any], connection: Callable[[Any], None]) -> None:
    usage = _parser(
        top,
        "usage",
        "report how each room of a stack (or each room named) was used in the last 30 days",
        "pulumi stack export | pulumi-meet usage --from - --fail-on-unused",
        "Per room: conferences, last conference end, distinct participants, minutes in\n"
        "conference, and when its meeting code expires at the latest (a year after its last\n"
        "use). Each stack room is read as its recorded owner, the others as --as. A room that\n"
        "cannot be read is a row with the reason (exit status 1).",
    )
    usage.set_defaults(handler=_usage)
    usage.add_argument(
        "spaces", metavar="SPACE", nargs="*", type=space_argument, help=ACCEPTED_FORMS
    )
    usage.add_argument(
        "--from",
        dest="from_export",
        metavar="STACK_EXPORT",
        type=_input,
        help="the rooms of a `pulumi stack export` file (- for stdin): meet:index:Space and "
        "pulumi_meet.Space resources alike",
    )
    usage.add_argument("--json", action="store_true", help="a JSON array, one object per room")
    usage.add_argument("--csv", action="store_true", help="CSV with the --json columns")
    usage.add_argument(
        "--chart", metavar="FILE.png", help="also draw the rooms' use (needs pulumi-meet[chart])"
    )
    usage.add_argument(
        "--fail-on-unused",
        action="store_true",
        help=f"exit with status {UNUSED_EXIT} when a room had no conference in the window",
    )
    connection(usage)


def _discover_parser(
    top: argparse._SubParsersAction[Any], connection: Callable[[Any], None]
) -> None:
    found = _parser(
        top,
        "discover",
        "find the rooms your users met in, and which of them no stack manages",
        "pulumi-meet discover --users team.txt --managed stack.json --csv > rooms.csv",
        "Acts as each user (domain-wide delegation) and reads their conference records:\n"
        "rooms without a conference in the last 30 days, or owned by someone not listed,\n"
        "cannot be seen. --csv writes the unmanaged rooms for `pulumi-meet adopt --from`.",
    )
    found.set_defaults(handler=_discover)
    found.add_argument(
        "--users", metavar="FILE", type=_input, required=True, help="one e-mail a line (- stdin)"
    )
    found.add_argument("--since", metavar="DATE", type=_since, help=_SINCE_HELP)
    found.add_argument(
        "--managed",
        metavar="STACK_EXPORT",
        type=_input,
        help="a `pulumi stack export` file (- for stdin) whose rooms count as managed",
    )
    found.add_argument("--json", action="store_true", help="a JSON array, one object per user")
    found.add_argument(
        "--csv", action="store_true", help="the unmanaged rooms as `adopt --from` reads them"
    )
    connection(found)


def add_commands(top: argparse._SubParsersAction[Any], connection: Callable[[Any], None]) -> None:
    """Add ``conferences``, ``usage`` and ``discover``; ``connection(parser)`` adds the
    connection flags to a command's parser."""
    _conferences(top, connection)
    _usage_parser(top, connection)
    _discover_parser(top, connection)
