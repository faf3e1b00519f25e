"""The argument parser of ``pulumi-meet``: commands, their options, and the handler of each.

Parsing errors raise :class:`UsageError` (one line, no usage dump) instead of exiting. The
connection flags are accepted before or after the command; they default to "not given" so the
environment applies, as it does for the provider.
"""

from __future__ import annotations

import argparse
import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, NoReturn, TextIO

from pulumi_meet import __version__
from pulumi_meet.cli.config import (
    ACCEPTED_FORMS,
    CONNECTION_FLAGS,
    ClientOptions,
    email_argument,
    emulator_host_argument,
    quota_ledger_argument,
    scopes_argument,
    space_argument,
)

__all__ = ["PROG", "Handler", "InputError", "UsageError", "build_parser", "flag_given_double_dash"]

PROG = "pulumi-meet"
Handler = Callable[[argparse.Namespace, ClientOptions, TextIO, TextIO], int]
"""A command: (arguments, connection options, stdout, stderr) → exit status."""


class UsageError(Exception):
    """The command line itself is wrong (exit status 2)."""


class InputError(UsageError):
    """What an argument names cannot be used (a file missing, not UTF-8, not a CSV): exit 2, and
    the message says why; ``--help`` would not help."""


class _Parser(argparse.ArgumentParser):
    """An ArgumentParser whose errors are one line, raised instead of printed with the usage."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{message} (see '{self.prog} --help')")


def flag_given_double_dash(argv: Sequence[str]) -> str | None:
    """The option of an ``--option=--`` argument, if any.

    Python 3.11's argparse turns that value into an empty list without calling the option's
    type (``--port=--`` reached ``bind`` as ``[]``); no option here takes ``--`` as a value.
    """
    for argument in argv:
        if argument == "--":
            return None
        if argument.startswith("--") and argument.endswith("=--"):
            return argument[:-3]
    return None


def _database_file(text: str) -> str:
    """``--db``: an SQLite file, a new file in an existing directory, or ``:memory:``."""
    from pulumi_meet.emulator.store import database_path

    try:
        return database_path(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _positive_seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0 < value < float("inf"):
        raise argparse.ArgumentTypeError(f"{text!r} is not a positive number of seconds")
    return value


_FLAG_TYPES: dict[str, Callable[[str], Any]] = {
    "emulatorHost": emulator_host_argument,
    "impersonateUser": email_argument,
    "scopes": scopes_argument,
    "maxRetryDurationSeconds": _positive_seconds,
    "quotaLedger": quota_ledger_argument,
}
"""The check of each key's flag at parse time, by key (a key absent here is checked when the
settings are built: ``--credentials`` names a file, read then)."""

_CONNECTION_OPTIONS: tuple[tuple[tuple[str, ...], dict[str, Any]], ...] = (
    *(
        (
            flag.names,
            {
                "dest": flag.dest,
                "metavar": flag.metavar,
                "type": _FLAG_TYPES.get(key.name),
                "help": flag.help,
            },
        )
        for key, flag in CONNECTION_FLAGS
    ),
    (
        ("--db",),
        {
            "metavar": "PATH",
            "type": _database_file,
            "help": "with --emulator-host embedded: the emulator's database (default: "
            ".pulumi-meet/emulator.db if it exists, else nothing is kept)",
        },
    ),
    (
        ("--debug",),
        {"action": "store_true", "help": "log every request to stderr and show tracebacks"},
    ),
)
"""The connection flags: one per key of the config table that has one, then the CLI's own."""


def _add_connection_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group(
        "connection", "Defaults come from the environment, as for the provider."
    )
    for flags, options in _CONNECTION_OPTIONS:
        # SUPPRESS: an option not given leaves no attribute, so a value given before the
        # command is not overwritten by the sub-command's default.
        group.add_argument(*flags, default=argparse.SUPPRESS, **options)


# ---------------------------------------------------------------------------------- handlers


def _spaces_get(args: argparse.Namespace, options: ClientOptions, out: TextIO, err: TextIO) -> int:
    from pulumi_meet.cli.spaces import get_space, get_spaces

    if len(args.spaces) == 1:
        return get_space(options.client(), args.spaces[0], args.json, out)
    return get_spaces(options.client(), args.spaces, args.json, out, err)


def _spaces_end_conference(
    args: argparse.Namespace, options: ClientOptions, out: TextIO, _: TextIO
) -> int:
    from pulumi_meet.cli.spaces import end_conference

    return end_conference(options.client(), args.space, out)


def _members_list(args: argparse.Namespace, options: ClientOptions, out: TextIO, _: TextIO) -> int:
    from pulumi_meet.cli.spaces import list_members

    return list_members(options.client(), args.space, args.json, out)


def _adopt(args: argparse.Namespace, options: ClientOptions, out: TextIO, err: TextIO) -> int:
    if not args.spaces and args.from_csv is None:
        raise UsageError("the following arguments are required: SPACE (or --from CSV)")
    if args.spaces and args.from_csv is not None:
        raise UsageError("give SPACE arguments or --from CSV, not both")
    if args.from_csv is not None:
        from pulumi_meet.cli.adopt_csv import adopt_from_csv
        from pulumi_meet.cli.adopt_rows import read_csv

        text, source = read_csv(args.from_csv)
        return adopt_from_csv(
            options.settings(),
            io.StringIO(text, newline=""),
            source,
            output_format=args.format,
            out=out,
            err=err,
        )
    if args.format != "python":
        raise UsageError("--format yaml needs --from CSV")
    from pulumi_meet.cli.adopt import adopt

    return adopt(options.client(), args.spaces, out, err)


_ADOPT_OPTIONS: tuple[tuple[tuple[str, ...], dict[str, Any]], ...] = (
    (
        ("--from",),
        {
            "dest": "from_csv",
            "metavar": "CSV",
            "help": "adopt the rooms listed in a CSV file (- for stdin; UTF-8, at most 16 MiB): "
            "space (meeting code, URL or spaces/<id>), owner e-mail, and optionally the resource "
            "name; the rooms of every owner are resolved as that owner, paced, and grouped by "
            "owner",
        },
    ),
    (
        ("--format",),
        {
            "choices": ("python", "yaml"),
            "default": "python",
            "help": "the program to write: Python (default) or, with --from, Pulumi YAML for "
            "the provider plugin (meet:index:Space)",
        },
    ),
)


# ---------------------------------------------------------------------------------- commands


@dataclass(frozen=True)
class _Command:
    """One runnable command: where it sits, what it says in --help, what runs it."""

    path: tuple[str, ...]
    summary: str
    handler: Handler
    example: str
    many_spaces: bool = False
    json_flag: bool = False
    note: str = ""
    options: tuple[tuple[tuple[str, ...], dict[str, Any]], ...] = ()
    """Options of this command only. With any, SPACE becomes optional (an option may replace
    it: `adopt --from CSV`); the handler checks that one of them was given."""


_GROUPS = {
    "spaces": "read a meeting space or end its conference",
    "members": "list the members (co-hosts) of a space",
}
_COMMANDS = (
    _Command(
        ("spaces", "get"),
        "show meeting spaces",
        _spaces_get,
        "pulumi-meet spaces get https://meet.google.com/abc-mnop-xyz",
        many_spaces=True,
        json_flag=True,
        note="Several SPACEs are read in parallel, paced by the read quota, with progress on\n"
        "stderr; --json then prints one JSON array. A room that cannot be read is reported\n"
        "and the others are still shown (exit status 1).",
    ),
    _Command(
        ("spaces", "end-conference"),
        "end the space's active conference (everyone leaves the call)",
        _spaces_end_conference,
        "pulumi-meet spaces end-conference abc-mnop-xyz",
        note="Without an active conference this says so and exits 0.",
    ),
    _Command(
        ("members", "list"),
        "list every member of a space (all pages)",
        _members_list,
        "pulumi-meet members list spaces/jQCFfuBOdN5z --json",
        json_flag=True,
    ),
    _Command(
        ("adopt",),
        "print a Pulumi program that adopts existing rooms with their current settings",
        _adopt,
        "pulumi-meet adopt abc-mnop-xyz https://meet.google.com/def-ghij-klm > rooms.py\n"
        "  pulumi-meet adopt --from rooms.csv > rooms.py",
        many_spaces=True,
        note="Paste the output into your program's __main__.py, then `pulumi up`: every room\n"
        "is adopted without a change. With --from, rooms that cannot be adopted are listed\n"
        "on stderr and left out (exit status 1).",
        options=_ADOPT_OPTIONS,
    ),
)


def _sentence(summary: str) -> str:
    return summary[0].upper() + summary[1:] + "."


def _add_command(parent: argparse._SubParsersAction[_Parser], command: _Command) -> None:
    epilog = (command.note + "\n\n" if command.note else "") + f"example:\n  {command.example}"
    parser = parent.add_parser(
        command.path[-1],
        help=command.summary,
        description=_sentence(command.summary),
        epilog=epilog,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.set_defaults(handler=command.handler)
    parser.add_argument(
        "spaces" if command.many_spaces else "space",
        metavar="SPACE",
        nargs=("*" if command.options else "+") if command.many_spaces else None,
        type=space_argument,
        help=ACCEPTED_FORMS,
    )
    for flags, options in command.options:
        parser.add_argument(*flags, **options)
    if command.json_flag:
        parser.add_argument("--json", action="store_true", help="print the API's JSON")
    _add_connection_options(parser)


def build_parser() -> argparse.ArgumentParser:
    """The whole command tree (``emulator`` is listed; `main` hands it its own arguments)."""
    parser = _Parser(
        prog=PROG,
        description="Operate Google Meet meeting spaces managed with pulumi-meet.",
        epilog="Run 'pulumi-meet COMMAND --help' for the options of a command.",
    )
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    _add_connection_options(parser)
    top = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    top.add_parser("emulator", help="run the local emulator of the Google Meet REST API")
    groups: dict[str, argparse._SubParsersAction[_Parser]] = {}
    for command in _COMMANDS:
        parent = top
        if len(command.path) > 1:
            group = command.path[0]
            if group not in groups:
                group_parser = top.add_parser(
                    group, help=_GROUPS[group], description=_sentence(_GROUPS[group])
                )
                groups[group] = group_parser.add_subparsers(
                    dest=f"{group}_command", metavar="COMMAND", required=True
                )
            parent = groups[group]
        _add_command(parent, command)
    from pulumi_meet.cli.records_commands import add_commands

    add_commands(top, _add_connection_options)  # conferences, usage, discover
    return parser
