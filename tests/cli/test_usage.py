"""Help, version, usage errors and SPACE parsing: exit 2 with one line, never a usage dump."""

from __future__ import annotations

import argparse
from collections.abc import Callable

import pytest

from pulumi_meet import __version__
from pulumi_meet.cli.config import space_argument
from tests.cli.conftest import Result

COMMANDS = [
    [],
    ["spaces"],
    ["spaces", "get"],
    ["spaces", "end-conference"],
    ["members"],
    ["members", "list"],
    ["adopt"],
    ["emulator"],
]


def test_help_as_typed_in_a_shell(cli: Callable[..., Result]) -> None:
    result = cli("--help")
    assert result.code == 0
    for command in ("emulator", "spaces", "members", "adopt", "--emulator-host", "--as"):
        assert command in result.out
    assert result.err == ""


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c) or "top")
def test_every_command_has_help(command: list[str], run_main: Callable[..., Result]) -> None:
    result = run_main(*command, "--help")
    assert result.code == 0
    assert result.out.startswith(f"usage: pulumi-meet {' '.join(command)}".rstrip())
    assert result.err == ""


@pytest.mark.parametrize(
    "command",
    [["spaces", "get"], ["spaces", "end-conference"], ["members", "list"], ["adopt"]],
    ids=" ".join,
)
def test_help_of_leaf_commands_names_the_accepted_space_forms(
    command: list[str], run_main: Callable[..., Result]
) -> None:
    help_text = " ".join(run_main(*command, "--help").out.split())
    assert "SPACE" in help_text
    assert "meeting code" in help_text
    assert "--emulator-host" in help_text
    assert "example:" in help_text


def test_version(cli: Callable[..., Result]) -> None:
    result = cli("--version")
    assert (result.code, result.out.strip()) == (0, f"pulumi-meet {__version__}")


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        ([], "the following arguments are required: COMMAND"),
        (["spaces"], "the following arguments are required: COMMAND"),
        (["spaces", "get"], "the following arguments are required: SPACE"),
        (["adopt"], "the following arguments are required: SPACE"),
        (["rooms"], "invalid choice: 'rooms'"),
        (["spaces", "delete", "x"], "invalid choice: 'delete'"),
        (["spaces", "get", "abc-mnop-xyz", "--bogus"], "unrecognized arguments: --bogus"),
        (["--as", "not-an-email", "spaces", "get", "abc-mnop-xyz"], "is not an e-mail address"),
        (["spaces", "get", "abc-mnop-xyz", "--max-retry-seconds", "0"], "positive number"),
        (["members", "list", "abc-mnop-xyz", "--max-retry-seconds", "x"], "positive number"),
    ],
)
def test_usage_errors_exit_2_with_one_line(
    args: list[str], fragment: str, run_main: Callable[..., Result]
) -> None:
    result = run_main(*args)
    assert result.code == 2
    assert result.out == ""
    assert len(result.err_lines) == 1, result.err
    assert result.err.startswith("pulumi-meet: error: ")
    assert fragment in result.err
    assert "usage:" not in result.err


@pytest.mark.parametrize(
    "space",
    [
        "",
        "   ",
        "spaces/",
        "spaces/a/b",
        "spaces/abc def",
        "hello",
        "abc-mnop",
        "abc-mnop-xyz-uvw",
        "abc_mnop_xyz",
        "https://example.com/abc-mnop-xyz",
        "https://meet.google.com.evil.example/abc-mnop-xyz",
        "https://meet.google.com/",
        "https://meet.google.com/abc-mnop-xyz/extra",
        "ftp://meet.google.com/abc-mnop-xyz",
    ],
)
@pytest.mark.parametrize("command", [["spaces", "get"], ["spaces", "end-conference"], ["adopt"]])
def test_malformed_space_exits_2_naming_the_accepted_forms(
    command: list[str], space: str, run_main: Callable[..., Result]
) -> None:
    result = run_main(*command, space)
    assert result.code == 2
    assert len(result.err_lines) == 1, result.err
    assert f"{space!r} is not a space" in result.err
    for form in ("spaces/<id>", "meeting code", "https://meet.google.com/abc-mnop-xyz"):
        assert form in result.err


def test_malformed_space_in_a_subprocess(cli: Callable[..., Result]) -> None:
    result = cli("members", "list", "spaces/a/b")
    assert (result.code, result.out) == (2, "")
    assert result.err_lines == [
        "pulumi-meet: error: argument SPACE: 'spaces/a/b' is not a space; use spaces/<id>, a "
        "meeting code (abc-mnop-xyz, any case) or a meeting URL "
        "(https://meet.google.com/abc-mnop-xyz) (see 'pulumi-meet members list --help')"
    ]


def test_one_bad_room_among_many_is_a_usage_error_before_any_call(
    run_main: Callable[..., Result],
) -> None:
    result = run_main("adopt", "abc-mnop-xyz", "nonsense")
    assert result.code == 2
    assert "'nonsense' is not a space" in result.err


@pytest.mark.parametrize(
    ("text", "name", "is_alias"),
    [
        ("spaces/jQCFfuBOdN5z", "spaces/jQCFfuBOdN5z", False),
        (" spaces/jQCFfuBOdN5z ", "spaces/jQCFfuBOdN5z", False),
        ("abc-mnop-xyz", "spaces/abc-mnop-xyz", True),
        ("ABC-mnop-XYZ", "spaces/abc-mnop-xyz", True),
        ("https://meet.google.com/abc-mnop-xyz", "spaces/abc-mnop-xyz", True),
        ("https://meet.google.com/ABC-MNOP-XYZ/", "spaces/abc-mnop-xyz", True),
        ("https://meet.google.com/abc-mnop-xyz?authuser=1&hs=122", "spaces/abc-mnop-xyz", True),
        ("http://meet.google.com/abc-mnop-xyz/?pli=1", "spaces/abc-mnop-xyz", True),
        ("meet.google.com/abc-mnop-xyz", "spaces/abc-mnop-xyz", True),
        ("spaces/abc-mnop-xyz", "spaces/abc-mnop-xyz", True),
        ("spaces/ABC-mnop-xyz", "spaces/ABC-mnop-xyz", True),
        ("spaces/-hoIZfHYRWIN", "spaces/-hoIZfHYRWIN", False),
    ],
)
def test_space_forms(text: str, name: str, is_alias: bool) -> None:
    parsed = space_argument(text)
    assert (parsed.name, parsed.is_alias, parsed.text) == (name, is_alias, text)


def test_space_argument_error_is_an_argparse_type_error() -> None:
    with pytest.raises(argparse.ArgumentTypeError, match="is not a space"):
        space_argument("spaces/")
