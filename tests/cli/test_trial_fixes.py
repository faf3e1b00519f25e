"""What a new user met on a first trial of the command line (issue 17, section 5): each message
says what to do in the command line's own words, and each mistake gets its own reason."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.cli.conftest import Result
from tests.control import DEFAULT_USER, Control

Cli = Callable[..., Result]
_ANOTHER_APP = "another-app"


def _room_of_another_app(control: Control) -> str:
    """A room the default user created with another app (the Meet app, another tool)."""
    room = control.as_user(DEFAULT_USER, "POST", "/v2/spaces", _ANOTHER_APP, json={})
    return str(room["name"])


def test_members_of_another_apps_room_are_reached_with_the_readonly_scope(
    run_main: Cli, control: Control
) -> None:
    name = _room_of_another_app(control)
    refused = run_main("members", "list", name)
    assert refused.code == 1
    assert "add the scope meetings.space.readonly" in refused.err
    assert run_main("--scopes", "meetings.space.readonly", "members", "list", name).code == 0


def test_scope_advice_names_the_scope_that_reaches_the_room_once(
    run_main: Cli, control: Control
) -> None:
    name = _room_of_another_app(control)
    result = run_main("--scopes", "meetings.space.settings", "members", "list", name)
    assert result.code == 1
    assert "Add `meetings.space.readonly` to --scopes" in result.err
    assert result.err.count("meetings.space.created") == 2  # the accepted list, the login's own
    assert result.err.rstrip().endswith(
        "https://www.googleapis.com/auth/meetings.space.created,"
        "https://www.googleapis.com/auth/meetings.space.readonly`."
    )


@pytest.mark.parametrize("where", ["flag", "variable"])
def test_a_port_out_of_range_is_said_so(
    run_main: Cli, where: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    if where == "flag":
        result = run_main("--emulator-host", "localhost:99999", "spaces", "get", "abc-mnop-xyz")
    else:
        monkeypatch.setenv("MEET_EMULATOR_HOST", "localhost:99999")
        result = run_main("spaces", "get", "abc-mnop-xyz")
    assert result.code == 2
    assert "port 99999 is out of range (1-65535)" in result.err
    assert "must be host:port" not in result.err


@pytest.mark.parametrize("where", ["flag", "variable"])
def test_an_acting_user_that_is_not_an_email_is_a_usage_error_either_way(
    run_main: Cli, where: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    if where == "flag":
        result = run_main("--as", "bob", "spaces", "get", "abc-mnop-xyz")
    else:
        monkeypatch.setenv("MEET_IMPERSONATE_USER", "bob")
        result = run_main("spaces", "get", "abc-mnop-xyz")
    assert result.code == 2
    assert "'bob' is not an e-mail address" in result.err
    assert len(result.err_lines) == 1


def test_a_missing_file_has_one_wording_whatever_named_it(
    run_main: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    missing = str(tmp_path / "nothing-here.json")
    by_flag = run_main("--credentials", missing, "spaces", "get", "abc-mnop-xyz")
    by_csv = run_main("adopt", "--from", missing)
    monkeypatch.delenv("MEET_EMULATOR_HOST")
    monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", missing)
    by_variable = run_main("spaces", "get", "abc-mnop-xyz")
    reason = f"cannot read {missing} (no such file or directory)"
    assert by_flag.err == f"pulumi-meet: error: --credentials: {reason}\n"
    assert by_csv.err == f"pulumi-meet: error: --from: {reason}\n"
    assert by_variable.err == f"pulumi-meet: error: GOOGLE_APPLICATION_CREDENTIALS: {reason}\n"


def test_credentials_advice_is_in_the_command_lines_words(
    run_main: Cli, control: Control, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    not_json = tmp_path / "key.json"
    not_json.write_text("{")
    result = run_main("--credentials", str(not_json), "spaces", "get", "abc-mnop-xyz")
    assert result.code == 1
    assert "`--credentials key.json`" in result.err
    key = tmp_path / "service-account.json"
    key.write_text(json.dumps(control.service_account()))
    monkeypatch.delenv("MEET_IMPERSONATE_USER", raising=False)
    refused = run_main("--credentials", str(key), "spaces", "get", "abc-mnop-xyz")
    assert refused.code == 1
    assert "Pass --as (or set MEET_IMPERSONATE_USER) to that user's e-mail" in refused.err
    said = (result.err + refused.err).replace("pulumi-meet:", "")
    for provider_words in ("pulumi config set", "meet:", "owner=", "(a secret)"):
        assert provider_words not in said, provider_words


def test_no_credentials_at_all_is_said_in_the_command_lines_words(
    run_main: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("MEET_EMULATOR_HOST")
    monkeypatch.setenv("HOME", str(tmp_path))  # no gcloud login
    monkeypatch.setenv("CLOUDSDK_CONFIG", str(tmp_path / "gcloud"))
    monkeypatch.setenv("GCE_METADATA_HOST", "127.0.0.1:9")  # not on Google Cloud
    monkeypatch.setenv("GCE_METADATA_IP", "127.0.0.1:9")
    result = run_main("spaces", "get", "abc-mnop-xyz")
    assert result.code == 1
    assert (
        "no credentials found: pass --credentials FILE, or set GOOGLE_APPLICATION_CREDENTIALS"
        in (result.err)
    )
    assert "(--emulator-host)" in result.err
    said = result.err.replace("pulumi-meet:", "")
    assert "meet:" not in said and "(a secret)" not in said
