"""Through the command line: network mistakes fail within 5 s, in one line naming the host;
``--debug`` adds the resolver's or the TLS library's own words (issue: retried for 15-28 s)."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from pulumi_meet.emulator import Emulator
from tests.cli.conftest import Result
from tests.client.test_emulator_secrets import google_key

BOUND_SECONDS = 5.0
# The interpreter's own start-up (imports) is not the network's delay: measured apart.
STARTUP_ALLOWANCE_SECONDS = 3.0


def _timed(run: Callable[[], Result]) -> tuple[Result, float]:
    started = time.monotonic()
    result = run()
    return result, time.monotonic() - started


def _startup(cli: Callable[..., Result]) -> float:
    _, elapsed = _timed(lambda: cli("--version"))
    return min(elapsed, STARTUP_ALLOWANCE_SECONDS)


def _key_file(tmp_path: Path) -> Path:
    path = tmp_path / "key.json"
    path.write_text(json.dumps(google_key(token_uri="https://oauth2.unresolvable-host.invalid/t")))
    return path


def test_an_unresolvable_token_endpoint(cli: Callable[..., Result], tmp_path: Path) -> None:
    startup = _startup(cli)
    key = str(_key_file(tmp_path))
    args = ("--credentials", key, "--as", "lead@example.com", "spaces", "get", "spaces/abc")
    result, elapsed = _timed(lambda: cli(*args, env={"MEET_EMULATOR_HOST": None}))
    assert elapsed - startup < BOUND_SECONDS
    assert result.code == 1
    (line,) = result.err_lines
    assert "cannot resolve the host oauth2.unresolvable-host.invalid" in line
    assert "token endpoint" in line and "meet.googleapis.com" not in line
    assert "retrying" not in result.err


def test_https_to_the_plain_http_emulator(cli: Callable[..., Result], emulator: Emulator) -> None:
    startup = _startup(cli)
    env = {"MEET_EMULATOR_HOST": f"https://{emulator.host_port}"}
    result, elapsed = _timed(lambda: cli("spaces", "get", "spaces/abc", env=env))
    assert elapsed - startup < BOUND_SECONDS
    assert result.code == 1
    (line,) = result.err_lines
    assert "speaks plain HTTP, not HTTPS" in line
    assert f"http://{emulator.host_port} or {emulator.host_port}" in line


def test_debug_shows_the_root_cause(cli_env: dict[str, str], emulator: Emulator) -> None:
    env = {**cli_env, "MEET_EMULATOR_HOST": f"https://{emulator.host_port}"}
    completed = subprocess.run(
        [sys.executable, "-m", "pulumi_meet", "--debug", "spaces", "get", "spaces/abc"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert completed.returncode == 1
    assert "root cause: [SSL" in completed.stderr  # e.g. [SSL: WRONG_VERSION_NUMBER] …
    assert completed.stderr.rstrip().splitlines()[-1].startswith("pulumi-meet: error: ")


def test_credentials_files_are_read_bounded_and_never_quoted(
    cli: Callable[..., Result], tmp_path: Path
) -> None:
    result = cli(
        "--credentials", "/dev/zero", "--as", "lead@example.com", "spaces", "get", "spaces/x"
    )
    assert result.code == 1
    (line,) = result.err_lines
    assert "--credentials /dev/zero: the file is larger than 1 MiB" in line
    key = google_key()
    pem = key["private_key"]
    path = tmp_path / "key.json"
    path.write_text(json.dumps({**key, "private_key": [pem]}))
    result = cli(
        "--credentials", str(path), "--as", "lead@example.com", "spaces", "get", "spaces/x"
    )
    assert result.code == 1
    (line,) = result.err_lines
    assert "'private_key' must be a string, not a JSON array" in line
    assert not [part for part in pem.splitlines()[1:-1] if part[:12] in line]
