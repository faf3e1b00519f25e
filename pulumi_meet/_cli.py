"""The ``pulumi-meet`` command line.

Usage errors exit 2 with a one-line message, API errors exit 1 with the error's message; a
traceback is never shown.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

__all__ = ["main"]


def _build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="pulumi-meet",
        description="Operate Google Meet meeting spaces managed with pulumi-meet.",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    commands.required = True
    emulator = commands.add_parser(
        "emulator",
        help="run the local emulator of the Google Meet REST API",
        add_help=False,
    )
    emulator.add_argument("args", nargs=argparse.REMAINDER)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the process exit code."""
    arguments = list(sys.argv[1:] if argv is None else argv)
    if arguments[:1] == ["emulator"]:
        from pulumi_meet.emulator import main as emulator_main

        return emulator_main(arguments[1:])
    parser = _build_parser()
    parser.parse_args(arguments)
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
