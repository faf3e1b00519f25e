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
from collections.abc import Iterator, Sequence
from typing import TextIO

from pulumi_meet.cli.config import ClientOptions, cli_wording
from pulumi_meet.cli.parser import (
    PROG,
    Handler,
    InputError,
    UsageError,
    build_parser,
    flag_given_double_dash,
)
from pulumi_meet.cli.progress import LineSink
from pulumi_meet.client import progress
from pulumi_meet.exceptions import MeetError

__all__ = ["main"]

_SIGINT_EXIT = 130
_SIGPIPE_EXIT = 141


def _fail(err: TextIO, message: str, debug: bool) -> None:
    if debug:
        traceback.print_exc(file=err)
    err.write(f"{PROG}: error: {cli_wording(message)}\n")


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
        # Waits for quota and retries after faults: said on stderr, not silent.
        with _debug_logging(err, debug), progress.installed(LineSink(err)):
            return handler(args, ClientOptions.from_namespace(args), out, err)
    except UsageError as error:  # found by the handler (options that exclude each other)
        see = "" if isinstance(error, InputError) else f" (see '{PROG} --help')"
        err.write(f"{PROG}: error: {error}{see}\n")
        return 2
    except MeetError as error:
        _fail(err, str(error), debug)
        return 1
    except KeyboardInterrupt:
        err.write(f"{PROG}: interrupted\n")
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
        bare = flag_given_double_dash(arguments)
        if bare is not None:
            raise UsageError(f"argument {bare}: expected one argument (see '{PROG} --help')")
        args = build_parser().parse_args(arguments)
        problem = ClientOptions.from_namespace(args).usage_problem()
        if problem is not None:
            raise UsageError(problem)
    except UsageError as error:
        err.write(f"{PROG}: error: {error}\n")
        return 2
    except SystemExit as done:  # --help and --version print, then exit 0
        return _exit_status(done)
    except KeyboardInterrupt:
        return _SIGINT_EXIT
    return _run(args, out, err)
