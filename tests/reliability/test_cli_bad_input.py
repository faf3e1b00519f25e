"""The CLI under malformed arguments and malformed SPACE values: exit 2 (usage) or 1 (the API or
the configuration refused), one line on stderr, never a traceback, nothing on stdout.

Typed as a user would (subprocesses) for a fixed list of mistakes; fuzzed in-process (the same
``main``) for SPACE values, where hypothesis needs thousands of runs, not a process each.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pulumi_meet.emulator import Emulator
from tests.cli.conftest import Result, cli_env, emulator_host_env, run_main

__all__ = ["cli_env", "emulator_host_env", "run_main"]

SPACE_COMMANDS = (["spaces", "get"], ["spaces", "end-conference"], ["members", "list"], ["adopt"])
LONG = "x" * 20_000


def _malformed(tmp: Path) -> list[list[str]]:
    not_json = tmp / "not.json"
    not_json.write_text("{this is not json")
    wrong_type = tmp / "wrong.json"
    wrong_type.write_text('{"type": "nonsense"}')
    return [
        ["frobnicate"],
        ["spaces", "delete", "spaces/abcDEF123456"],
        ["--no-such-flag", "spaces", "get", "spaces/abcDEF123456"],
        ["spaces", "get"],
        ["spaces", "get", "spaces/abcDEF123456", "extra"],
        ["spaces", "get", ""],
        ["spaces", "get", "spaces/"],
        ["spaces", "get", "spaces/../../etc/passwd"],
        ["spaces", "get", "https://evil.example.com/abc-mnop-xyz"],
        ["spaces", "get", "abc-mnop"],
        ["spaces", "get", "😀-😀-😀"],
        ["spaces", "get", LONG],
        ["members", "list", "spaces/abc def"],
        ["adopt", "spaces/abcDEF123456", ""],
        ["--max-retry-seconds", "-1", "spaces", "get", "abc-mnop-xyz"],
        ["--max-retry-seconds", "nan", "spaces", "get", "abc-mnop-xyz"],
        ["--emulator-host", "ftp://x:1/path", "spaces", "get", "abc-mnop-xyz"],
        ["--as", "not an email", "spaces", "get", "abc-mnop-xyz"],
        ["--scopes", " , ", "spaces", "get", "abc-mnop-xyz"],
        ["--credentials", str(tmp / "missing.json"), "spaces", "get", "abc-mnop-xyz"],
        ["--credentials", str(not_json), "spaces", "get", "abc-mnop-xyz"],
        ["--credentials", str(wrong_type), "spaces", "get", "abc-mnop-xyz"],
        ["spaces", "get", "spaces/abcDEF123456"],  # well-formed, unknown: the API's 403
        ["spaces", "end-conference", "abc-mnop-xyz"],
    ]


def _assert_one_line_error(result: Result, argv: list[str]) -> None:
    shown = [arg if len(arg) < 60 else arg[:20] + "…" for arg in argv]
    where = f"{shown} -> {result.code}: {result.err[:300]!r}"
    assert result.code in (1, 2), where
    assert "Traceback" not in result.err, where
    assert result.out == "", where
    lines = result.err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("pulumi-meet: "), where


def _run(argv: list[str], env: dict[str, str]) -> Result:
    done = subprocess.run(
        [sys.executable, "-m", "pulumi_meet", *argv],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    return Result(done.returncode, done.stdout, done.stderr)


def test_malformed_command_lines_exit_1_or_2_with_one_line(
    cli_env: dict[str, str], tmp_path: Path
) -> None:
    env = dict(cli_env)
    cases = _malformed(tmp_path)
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        results = list(pool.map(lambda argv: _run(argv, env), cases))
    for argv, result in zip(cases, results, strict=True):
        _assert_one_line_error(result, argv)
    assert results[0].code == 2 and results[-2].code == 1  # usage vs. the API's refusal


_space_values = (
    st.text(max_size=60)
    | st.text(alphabet="abcdefghijklmnopqrstuvwxyz-/:.ABC_0123", max_size=40)
    | st.builds(lambda head, tail: head + tail, st.sampled_from(["spaces/", "https://"]), st.text())
    | st.sampled_from(["", "-", "--", "-h-", LONG, "spaces/x/members/y", "ABC-MNOP-XYZ "])
)


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(command=st.sampled_from(SPACE_COMMANDS), space=_space_values)
def test_any_space_value_is_refused_in_one_line(
    run_main: Callable[..., Result], emulator: Emulator, command: list[str], space: str
) -> None:
    if space.startswith("-") and space not in ("-",):
        argv = [*command, "--", space]  # how a user passes an argument that looks like a flag
    else:
        argv = [*command, space]
    try:
        result = run_main("--max-retry-seconds", "1", *argv)
    except SystemExit as exit_:  # pragma: no cover - main() must return, not exit
        pytest.fail(f"main() raised SystemExit({exit_.code}) for {argv}")
    _assert_one_line_error(result, argv)
