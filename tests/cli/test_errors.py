"""API, configuration and unexpected errors: exit 1 with a message, 130 on ^C, no traceback."""

from __future__ import annotations

import io
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from pytest_mock import MockerFixture

from pulumi_meet.cli import spaces as _cli_spaces
from pulumi_meet.cli.main import main
from tests.cli.conftest import Result, Rooms
from tests.emulator.conftest import Control


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


class _ClosedPipe(io.StringIO):
    """stdout whose reader has gone away (like `pulumi-meet … | head -0`)."""

    def write(self, text: str) -> int:
        raise BrokenPipeError(32, "Broken pipe")


def test_unknown_space_exits_1_with_the_api_message(cli: Callable[..., Result]) -> None:
    result = cli("spaces", "get", "spaces/doesNotExist")
    assert (result.code, result.out) == (1, "")
    assert result.err.startswith("pulumi-meet: error: spaces.get spaces/doesNotExist: 403 ")
    assert "Permission denied on resource Space (or it might not exist)" in result.err
    assert len(result.err_lines) == 1


def test_unknown_code_for_end_conference_and_members(cli: Callable[..., Result]) -> None:
    for command in (("spaces", "end-conference"), ("members", "list")):
        result = cli(*command, "abc-mnop-xyz")
        assert result.code == 1
        # The code as typed, not the alias `spaces/abc-mnop-xyz` the API call uses.
        # 404: no room has this meeting code (any more).
        assert "spaces.get abc-mnop-xyz: 404 NOT_FOUND" in result.err
        assert "spaces/abc-mnop-xyz" not in result.err


def test_emulator_down_exits_1(cli: Callable[..., Result]) -> None:
    host = f"127.0.0.1:{_closed_port()}"
    result = cli(
        "spaces",
        "get",
        "abc-mnop-xyz",
        "--max-retry-seconds",
        "0.5",
        "--as",
        "a@b.co",
        env={"MEET_EMULATOR_HOST": host},
    )
    assert (result.code, result.out) == (1, "")
    *retries, error = result.err_lines
    # Each retry (if the 0.5 s budget allowed one) was said as it happened, then the error.
    assert all("retrying in" in line for line in retries), result.err
    assert error.startswith("pulumi-meet: error: spaces.get abc-mnop-xyz: ")
    assert f"nothing is listening at http://{host}" in error


def test_flag_overrides_the_environment(cli: Callable[..., Result], rooms: Rooms) -> None:
    space = rooms.create()
    down = f"127.0.0.1:{_closed_port()}"
    result = cli(
        "--emulator-host", down, "spaces", "get", space["name"], "--max-retry-seconds", "0.5"
    )
    assert result.code == 1
    assert down in result.err
    # ... and the environment is used without the flag (the fixture's emulator).
    assert cli("spaces", "get", space["name"]).code == 0


def test_bad_emulator_host_is_a_usage_error(run_main: Callable[..., Result]) -> None:
    result = run_main("spaces", "get", "abc-mnop-xyz", "--emulator-host", "ftp://x/y")
    assert result.code == 2
    assert result.err_lines == [
        "pulumi-meet: error: argument --emulator-host: must be host:port, an http:// URL or "
        "`embedded`, got 'ftp://x/y' (e.g. 127.0.0.1:8686) (see 'pulumi-meet spaces get --help')"
    ]


def test_unreadable_credentials_file(run_main: Callable[..., Result], tmp_path: Path) -> None:
    missing = tmp_path / "nope.json"
    result = run_main("spaces", "get", "abc-mnop-xyz", "--credentials", str(missing))
    assert result.code == 1
    assert f"--credentials: cannot read {missing} (no such file or directory)" in result.err


def test_credentials_that_are_not_json(run_main: Callable[..., Result], tmp_path: Path) -> None:
    key = tmp_path / "key.json"
    key.write_text("not json")
    result = run_main("spaces", "get", "abc-mnop-xyz", "--credentials", str(key))
    assert result.code == 1
    assert "--credentials is not valid JSON" in result.err
    # The command line's own way, not the provider's `pulumi config set --secret meet:credentials`.
    assert "e.g. `--credentials key.json`" in result.err and "config set" not in result.err
    assert "not json" not in result.err


def test_missing_scope_is_reported(run_main: Callable[..., Result], rooms: Rooms) -> None:
    space = rooms.create()
    result = run_main("members", "list", space["name"], "--scopes", "meetings.space.settings")
    assert result.code == 1
    assert result.err.startswith(
        f"pulumi-meet: error: members.list {space['name']}: 403 PERMISSION_DENIED: "
        "Request had insufficient authentication scopes."
    )


def test_unexpected_error_is_one_line_with_a_debug_hint(
    run_main: Callable[..., Result], mocker: MockerFixture
) -> None:
    mocker.patch.object(_cli_spaces, "get_space", side_effect=RuntimeError("boom"))
    result = run_main("spaces", "get", "abc-mnop-xyz")
    assert result.code == 1
    assert result.err_lines == [
        "pulumi-meet: error: unexpected RuntimeError: boom "
        "(re-run with --debug to see the traceback)"
    ]


def test_debug_shows_the_traceback(
    emulator_host_env: None, mocker: MockerFixture, capsys: pytest.CaptureFixture[str]
) -> None:
    mocker.patch.object(_cli_spaces, "get_space", side_effect=RuntimeError("boom"))
    assert main(["--debug", "spaces", "get", "abc-mnop-xyz"]) == 1
    err = capsys.readouterr().err
    assert "Traceback" in err
    assert err.splitlines()[-1] == "pulumi-meet: error: unexpected RuntimeError: boom"


def test_debug_logs_requests_to_stderr(
    emulator_host_env: None, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["spaces", "get", "spaces/nope", "--debug"]) == 1
    err = capsys.readouterr().err
    assert "pulumi_meet: DEBUG:" in err
    assert "Bearer" not in err


def test_keyboard_interrupt_exits_130(
    run_main: Callable[..., Result], mocker: MockerFixture
) -> None:
    mocker.patch.object(_cli_spaces, "list_members", side_effect=KeyboardInterrupt)
    result = run_main("members", "list", "spaces/abc")
    assert (result.code, result.err) == (130, "pulumi-meet: interrupted\n")


def test_a_closed_pipe_is_quiet(
    run_main: Callable[..., Result], rooms: Rooms, mocker: MockerFixture
) -> None:
    space = rooms.create()
    mocker.patch("sys.stdout", _ClosedPipe())
    result = run_main("spaces", "get", space["name"])
    assert (result.code, result.err) == (141, "")


def test_ctrl_c_during_a_call_exits_130_quietly(
    cli_env: dict[str, str], rooms: Rooms, control: Control
) -> None:
    space = rooms.create()
    control.put("faults", {"rules": [{"method": "spaces.get", "delaySeconds": 30}]})
    process = subprocess.Popen(
        [sys.executable, "-m", "pulumi_meet", "spaces", "get", space["name"]],
        env=cli_env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 20
        while control.get("faults")["rules"]:  # the rule is used up when the get arrives
            assert time.monotonic() < deadline, "the CLI never called spaces.get"
            time.sleep(0.05)
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=20)
    finally:
        process.kill()
        process.wait(timeout=10)
    assert (process.returncode, out, err) == (130, "", "pulumi-meet: interrupted\n")


def test_a_huge_space_argument_is_not_repeated_in_full(run_main: Callable[..., Result]) -> None:
    result = run_main("spaces", "get", "q" * 20_000)
    assert result.code == 2
    assert len(result.err) < 400
    assert result.err.count("\n") == 1
