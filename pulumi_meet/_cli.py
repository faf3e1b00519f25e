"""The ``pulumi-meet`` command line.

Usage errors exit 2 with one line on stderr, API and configuration errors exit 1 with the
error's message, an interrupt exits 130; a traceback is shown only with ``--debug``.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import sys
import traceback
from collections.abc import Callable, Iterator, Sequence
from typing import NoReturn, TextIO

from pulumi_meet import __version__
from pulumi_meet._cli_config import (
    ACCEPTED_FORMS,
    CLI_RETRY_SECONDS,
    ClientOptions,
    email_argument,
    space_argument,
)
from pulumi_meet.exceptions import MeetError

__all__ = ["UsageError", "main"]

_PROG = "pulumi-meet"
_SIGINT_EXIT = 130
_SIGPIPE_EXIT = 141
Handler = Callable[[argparse.Namespace, ClientOptions, TextIO, TextIO], int]


class UsageError(Exception):
    """The command line itself is wrong (exit status 2)."""


class _Parser(argparse.ArgumentParser):
    """An ArgumentParser whose errors are one line, raised instead of printed with the usage."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{message} (see '{self.prog} --help')")


def _positive_seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0 < value < float("inf"):
        raise argparse.ArgumentTypeError(f"{text!r} is not a positive number of seconds")
    return value


def _add_common_options(parser: argparse.ArgumentParser) -> None:
    """Connection flags, accepted before or after the command (defaults: not set at all)."""
    group = parser.add_argument_group(
        "connection", "Defaults come from the environment, as for the provider."
    )
    unset = argparse.SUPPRESS
    group.add_argument(
        "--emulator-host",
        metavar="HOST:PORT",
        default=unset,
        help="talk to an emulator: host:port, an http:// URL or 'embedded' "
        "(default: $MEET_EMULATOR_HOST, else Google)",
    )
    group.add_argument(
        "--as",
        "--impersonate-user",
        dest="acting_as",
        metavar="EMAIL",
        type=email_argument,
        default=unset,
        help="act as this user: the delegated user of a service account, or the emulator's "
        "user (default: $MEET_IMPERSONATE_USER for a service account; the login's user)",
    )
    group.add_argument(
        "--credentials",
        metavar="FILE",
        default=unset,
        help="a service-account key or authorized_user JSON file "
        "(default: $GOOGLE_APPLICATION_CREDENTIALS, else Application Default Credentials)",
    )
    group.add_argument(
        "--scopes",
        default=unset,
        help="OAuth scopes to request, comma-separated, short names allowed (default: "
        "meetings.space.created; a user login has the scopes granted at login)",
    )
    group.add_argument(
        "--max-retry-seconds",
        metavar="SECONDS",
        type=_positive_seconds,
        default=unset,
        help=f"give up retrying transient failures after this long (default: "
        f"{CLI_RETRY_SECONDS:g})",
    )
    group.add_argument(
        "--debug",
        action="store_true",
        default=unset,
        help="log every request to stderr and show tracebacks",
    )


def _space_positional(parser: argparse.ArgumentParser, many: bool = False) -> None:
    parser.add_argument(
        "spaces" if many else "space",
        metavar="SPACE",
        nargs="+" if many else None,
        type=space_argument,
        help=ACCEPTED_FORMS,
    )


def _json_flag(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="print the API's JSON")


def _leaf(
    commands: argparse._SubParsersAction[_Parser],
    name: str,
    summary: str,
    handler: Handler,
    epilog: str,
) -> _Parser:
    parser = commands.add_parser(
        name,
        help=summary,
        description=summary[0].upper() + summary[1:] + ".",
        epilog=epilog,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.set_defaults(handler=handler)
    _add_common_options(parser)
    return parser


def _group(
    commands: argparse._SubParsersAction[_Parser], name: str, summary: str
) -> argparse._SubParsersAction[_Parser]:
    description = summary[0].upper() + summary[1:] + "."
    parser = commands.add_parser(name, help=summary, description=description)
    children = parser.add_subparsers(dest=f"{name}_command", metavar="COMMAND", required=True)
    return children


def _build_parser() -> _Parser:
    parser = _Parser(
        prog=_PROG,
        description="Operate Google Meet meeting spaces managed with pulumi-meet.",
        epilog="Run 'pulumi-meet COMMAND --help' for the options of a command.",
    )
    parser.add_argument("--version", action="version", version=f"{_PROG} {__version__}")
    _add_common_options(parser)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    commands.add_parser(
        "emulator", help="run the local emulator of the Google Meet REST API", add_help=False
    )
    spaces = _group(commands, "spaces", "read a meeting space or end its conference")
    get = _leaf(
        spaces,
        "get",
        "show a meeting space",
        _spaces_get,
        "example:\n  pulumi-meet spaces get https://meet.google.com/abc-mnop-xyz",
    )
    _space_positional(get)
    _json_flag(get)
    end = _leaf(
        spaces,
        "end-conference",
        "end the space's active conference (everyone leaves the call)",
        _spaces_end_conference,
        "Without an active conference this says so and exits 0.\n\nexample:\n"
        "  pulumi-meet spaces end-conference abc-mnop-xyz",
    )
    _space_positional(end)
    members = _group(commands, "members", "list the members (co-hosts) of a space")
    listing = _leaf(
        members,
        "list",
        "list every member of a space (all pages)",
        _members_list,
        "example:\n  pulumi-meet members list spaces/jQCFfuBOdN5z --json",
    )
    _space_positional(listing)
    _json_flag(listing)
    adopt = _leaf(
        commands,
        "adopt",
        "print a Pulumi program that adopts existing rooms with their current settings",
        _adopt,
        "Paste the output into your program's __main__.py, then `pulumi up`: every room is\n"
        "adopted without a change.\n\nexample:\n"
        "  pulumi-meet adopt abc-mnop-xyz https://meet.google.com/def-ghij-klm > rooms.py",
    )
    _space_positional(adopt, many=True)
    return parser


def _spaces_get(args: argparse.Namespace, options: ClientOptions, out: TextIO, _: TextIO) -> int:
    from pulumi_meet._cli_spaces import get_space

    return get_space(options.client(), args.space, args.json, out)


def _spaces_end_conference(
    args: argparse.Namespace, options: ClientOptions, out: TextIO, _: TextIO
) -> int:
    from pulumi_meet._cli_spaces import end_conference

    return end_conference(options.client(), args.space, out)


def _members_list(args: argparse.Namespace, options: ClientOptions, out: TextIO, _: TextIO) -> int:
    from pulumi_meet._cli_spaces import list_members

    return list_members(options.client(), args.space, args.json, out)


def _adopt(args: argparse.Namespace, options: ClientOptions, out: TextIO, err: TextIO) -> int:
    from pulumi_meet._cli_adopt import adopt

    return adopt(options.client(), args.spaces, out, err)


def _fail(err: TextIO, message: str, debug: bool) -> None:
    if debug:
        traceback.print_exc(file=err)
    err.write(f"{_PROG}: error: {message}\n")


@contextlib.contextmanager
def _debug_logging(err: TextIO, enabled: bool) -> Iterator[None]:
    """With --debug, the ``pulumi_meet`` log (requests, retries, tokens fetched) on stderr.

    The log never holds a token or a key. The handler is removed afterwards, so ``main`` can run
    several times in one process.
    """
    if not enabled:
        yield
        return
    logger = logging.getLogger("pulumi_meet")
    handler = logging.StreamHandler(err)
    handler.setFormatter(logging.Formatter("%(name)s: %(levelname)s: %(message)s"))
    previous_level = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    try:
        yield
    finally:
        logger.removeHandler(handler)
        logger.setLevel(previous_level)


def _run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Run the parsed command; every failure becomes an exit status and a message."""
    debug = bool(getattr(args, "debug", False))
    handler: Handler = args.handler
    try:
        with _debug_logging(err, debug):
            return handler(args, ClientOptions.from_namespace(args), out, err)
    except MeetError as error:
        _fail(err, str(error), debug)
        return 1
    except KeyboardInterrupt:
        err.write(f"{_PROG}: interrupted\n")
        return _SIGINT_EXIT
    except BrokenPipeError:
        # The reader went away (`… | head`): say nothing, like other command-line tools.
        _silence_stdout()
        return _SIGPIPE_EXIT
    except Exception as error:  # the promise is: never a bare traceback
        hint = "" if debug else " (re-run with --debug to see the traceback)"
        _fail(err, f"unexpected {type(error).__name__}: {error}{hint}", debug)
        return 1


def _silence_stdout() -> None:
    """Point stdout at /dev/null so the interpreter's final flush cannot fail again."""
    try:
        stdout_fd = sys.stdout.fileno()
    except (AttributeError, OSError, ValueError):  # not a real file: nothing will be flushed
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, stdout_fd)
    finally:
        os.close(devnull)


def _exit_status(done: SystemExit) -> int:
    """The status ``sys.exit(code)`` would give the process."""
    if done.code is None or isinstance(done.code, int):
        return done.code or 0
    return 1


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the process exit code."""
    arguments = list(sys.argv[1:] if argv is None else argv)
    if arguments[:1] == ["emulator"]:
        from pulumi_meet.emulator import main as emulator_main

        try:
            return emulator_main(arguments[1:])
        except SystemExit as done:  # its --help and usage errors
            return _exit_status(done)
    out, err = sys.stdout, sys.stderr
    try:
        args = _build_parser().parse_args(arguments)
    except UsageError as error:
        err.write(f"{_PROG}: error: {error}\n")
        return 2
    except SystemExit as done:  # --help and --version print, then exit 0
        return _exit_status(done)
    except KeyboardInterrupt:
        return _SIGINT_EXIT
    return _run(args, out, err)


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
