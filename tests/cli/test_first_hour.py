"""What a new user meets in the first hour, through the installed ``pulumi-meet`` console script:
malformed addresses and scopes refused at once, a stopped emulator reported quickly, the login
command of the docs, messages in the command line's own words, no stray database file."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from pulumi_meet.client.settings import GCLOUD_LOGIN
from tests.cli.conftest import OWNER, Result, Rooms
from tests.emulator.conftest import Control

SCRIPT = Path(sys.executable).with_name("pulumi-meet")
CODE = "abc-mnop-xyz"


def run(*args: str, env: dict[str, str], cwd: Path | None = None) -> tuple[Result, float]:
    """The installed console script; its result and how long it took."""
    started = time.monotonic()
    done = subprocess.run(
        [str(SCRIPT), *args],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    result = Result(done.returncode, done.stdout, done.stderr)
    assert "Traceback" not in result.err, result.err
    return result, time.monotonic() - started


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


# ------------------------------------------------------------------ the emulator's address


@pytest.mark.parametrize("host", ["foo", "127.0.0.1:abc", "garbage::"])
@pytest.mark.parametrize("given_as", ["flag", "environment"])
def test_a_malformed_emulator_address_is_a_usage_error_at_once(
    host: str, given_as: str, cli_env: dict[str, str]
) -> None:
    env = dict(cli_env)
    if given_as == "flag":
        result, seconds = run("--emulator-host", host, "spaces", "get", CODE, env=env)
        prefix = "pulumi-meet: error: argument --emulator-host: "
    else:
        env["MEET_EMULATOR_HOST"] = host
        result, seconds = run("spaces", "get", CODE, env=env)
        prefix = "pulumi-meet: error: MEET_EMULATOR_HOST "
    assert (result.code, result.out) == (2, "")
    assert result.err.startswith(prefix + "must be host:port, an http:// URL or `embedded`")
    assert repr(host) in result.err
    assert seconds < 5  # not ~20 s of retries ending in a token TransportError


def test_nothing_listening_on_loopback_is_reported_within_seconds(
    cli_env: dict[str, str],
) -> None:
    host = f"127.0.0.1:{_closed_port()}"
    # The CLI's default retry budget (30 s) is in force: a refusal is not a flaky network.
    result, seconds = run("--emulator-host", host, "spaces", "get", CODE, env=cli_env)
    assert (result.code, result.out) == (1, "")
    assert f"nothing is listening at http://{host}" in result.err
    assert "pulumi-meet emulator --port" in result.err
    assert "--emulator-host / MEET_EMULATOR_HOST" in result.err
    assert seconds < 8


# ------------------------------------------------------------------ scopes and credentials


def test_an_unknown_scope_is_refused_before_any_call_with_the_valid_ones(
    cli_env: dict[str, str], control: Control
) -> None:
    result, _ = run("--scopes", "meetings.space.created,meetings.bogus", "adopt", CODE, env=cli_env)
    assert (result.code, result.out) == (2, "")
    assert result.err.startswith(
        "pulumi-meet: error: argument --scopes: 'meetings.bogus' is not a Google Meet scope; use "
        "one or more of meetings.space.created, meetings.space.readonly, meetings.space.settings"
    )
    assert control.get("requests")["requests"] == []


def test_no_credentials_names_the_login_command_of_the_docs(
    cli_env: dict[str, str], tmp_path: Path
) -> None:
    env = {k: v for k, v in cli_env.items() if k != "MEET_EMULATOR_HOST"}
    # No ADC anywhere: an empty home and gcloud config, and no metadata server to find.
    env.update(HOME=str(tmp_path), CLOUDSDK_CONFIG=str(tmp_path / "gcloud"), NO_GCE_CHECK="True")
    result, _ = run("spaces", "get", CODE, env=env)
    assert result.code == 1
    assert "no credentials found: pass --credentials FILE" in result.err
    assert f"`{GCLOUD_LOGIN}`" in result.err


def test_the_login_command_is_the_one_of_the_docs_and_gcloud_accepts_its_scopes(
    repo_root: Path,
) -> None:
    scopes = GCLOUD_LOGIN.split("--scopes=", 1)[1].split(",")
    # gcloud refuses --scopes without cloud-platform; openid + email tell who logged in.
    assert {"openid", "https://www.googleapis.com/auth/cloud-platform"} <= set(scopes)
    assert "https://www.googleapis.com/auth/meetings.space.created" in scopes
    for page in ("README.md", "docs/authentication.md"):
        text = (repo_root / page).read_text().replace("\\\n  ", "")
        assert GCLOUD_LOGIN in text, page


def test_messages_name_the_flags_not_the_stack_keys(
    cli_env: dict[str, str], control: Control, tmp_path: Path
) -> None:
    key = tmp_path / "key.json"
    key.write_text(json.dumps(control.post("serviceAccounts", {"domainWideDelegationScopes": []})))
    result, _ = run("--credentials", str(key), "spaces", "get", CODE, env=cli_env)
    assert result.code == 1
    assert "Pass --as (or set MEET_IMPERSONATE_USER)" in result.err
    assert "meet:impersonateUser" not in result.err


# ------------------------------------------------------------------ what messages show


def test_a_meeting_code_is_shown_as_typed(cli_env: dict[str, str]) -> None:
    result, _ = run("spaces", "get", CODE.upper(), env=cli_env)
    assert result.code == 1
    assert result.err.startswith(f"pulumi-meet: error: spaces.get {CODE}: 404 ")
    assert f"spaces/{CODE}" not in result.err


def test_a_refused_read_talks_about_reading(cli_env: dict[str, str], rooms: Rooms) -> None:
    space = rooms.create()
    result, _ = run("--as", "guest@example.com", "members", "list", space["name"], env=cli_env)
    assert result.code == 1
    assert "only the space's owner may see its members" in result.err
    assert "act as the owner: --as with domain-wide delegation" in result.err
    assert "end its conference" not in result.err and "change it" not in result.err
    unknown, _ = run("spaces", "get", "spaces/doesNotExist", env=cli_env)
    assert "meetings.space.readonly" in unknown.err
    assert "end its conference" not in unknown.err


# ------------------------------------------------------------------ the embedded emulator


def test_a_read_against_the_embedded_emulator_leaves_no_file(
    cli_env: dict[str, str], tmp_path: Path
) -> None:
    env = {k: v for k, v in cli_env.items() if k != "MEET_EMULATOR_HOST"}
    result, _ = run("--emulator-host", "embedded", "spaces", "get", CODE, env=env, cwd=tmp_path)
    assert result.code == 1 and "404 NOT_FOUND" in result.err
    assert list(tmp_path.iterdir()) == []

    kept, _ = run(
        "--emulator-host", "embedded", "--db", "rooms.db", "adopt", CODE, env=env, cwd=tmp_path
    )
    assert kept.code == 1
    assert (tmp_path / "rooms.db").is_file()


def test_the_embedded_emulator_reads_the_projects_database(
    cli_env: dict[str, str], tmp_path: Path
) -> None:
    """In a project that already has `.pulumi-meet/emulator.db`, the rooms are found there."""
    from pulumi_meet.emulator import DEFAULT_DB, Emulator

    with Emulator(db=tmp_path / DEFAULT_DB) as emulator:
        token = Control(emulator.base_url).token(OWNER)
        created = requests.post(
            f"{emulator.base_url}/v2/spaces",
            json={},
            headers={"Authorization": f"Bearer {token}"},
            timeout=10,
        ).json()
    env = {k: v for k, v in cli_env.items() if k != "MEET_EMULATOR_HOST"}
    result, _ = run(
        "--emulator-host",
        "embedded",
        "spaces",
        "get",
        created["meetingCode"],
        env=env,
        cwd=tmp_path,
    )
    assert result.code == 0, result.err
    assert created["name"] in result.out


def test_db_without_the_embedded_emulator_is_a_usage_error(cli_env: dict[str, str]) -> None:
    result, _ = run("--db", "x.db", "spaces", "get", CODE, env=cli_env)
    assert result.code == 2
    assert "--db applies only to the embedded emulator" in result.err
