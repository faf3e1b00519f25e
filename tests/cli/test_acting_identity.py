"""The installed ``pulumi-meet`` acts as the provider would: ``--as``, else
``MEET_IMPERSONATE_USER``, else (on an emulator without credentials) developer@example.com."""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.cli.conftest import Result, Rooms
from tests.control import DEFAULT_USER, Control
from tests.engine import capture_program

OWNER = "owner@example.com"
_TIMEOUT = 60

Cli = Callable[..., Result]


@pytest.fixture
def pulumi_meet(cli_env: dict[str, str]) -> Cli:
    """Run the console script installed beside this interpreter, with ``env`` added."""
    script = shutil.which("pulumi-meet", path=str(Path(sys.executable).parent))
    assert script is not None, "pulumi-meet is not installed in this environment"

    def run(*args: str, env: dict[str, str] | None = None) -> Result:
        completed = subprocess.run(
            [script, *args],
            env={**cli_env, **(env or {})},
            capture_output=True,
            text=True,
            timeout=_TIMEOUT,
            check=False,
        )
        assert "Traceback" not in completed.stderr, completed.stderr
        return Result(completed.returncode, completed.stdout, completed.stderr)

    return run


def _who(control: Control) -> list[tuple[str, str]]:
    return [(e["apiMethod"], e["principal"]) for e in control.calls()]


def test_end_conference_acts_as_meet_impersonate_user(
    pulumi_meet: Cli, rooms: Rooms, control: Control
) -> None:
    space = rooms.create(owner=OWNER)
    rooms.start_conference(space["name"], [OWNER, "guest@example.com"])
    control.clear()
    env = {"MEET_IMPERSONATE_USER": OWNER}
    result = pulumi_meet("spaces", "end-conference", space["meetingCode"], env=env)
    assert (result.code, result.err) == (0, "")
    assert result.out == f"Ended the active conference of {space['name']}.\n"
    assert _who(control) == [("spaces.get", OWNER), ("spaces.endActiveConference", OWNER)]
    assert "activeConference" not in rooms.meet(OWNER).get(space["name"]).json()


def test_adopt_acts_as_meet_impersonate_user_and_names_them_owner(
    pulumi_meet: Cli, rooms: Rooms, control: Control
) -> None:
    space = rooms.create({"accessType": "RESTRICTED"}, owner=OWNER)
    control.clear()
    result = pulumi_meet("adopt", space["name"], env={"MEET_IMPERSONATE_USER": OWNER})
    assert (result.code, result.err) == (0, "")
    # The room, then its members (adopted too), both read as the impersonated owner.
    assert _who(control) == [("spaces.get", OWNER), ("spaces.members.list", OWNER)]
    namespace: dict[str, object] = {"__name__": "__main__"}
    (resource,) = capture_program(lambda: exec(result.out, namespace))
    assert (resource.inputs["adopt"], resource.inputs["owner"]) == (space["name"], OWNER)


def test_as_comes_before_meet_impersonate_user(
    pulumi_meet: Cli, rooms: Rooms, control: Control
) -> None:
    space = rooms.create({"accessType": "RESTRICTED"}, owner=OWNER)
    control.clear()
    env = {"MEET_IMPERSONATE_USER": "someone@example.com"}
    result = pulumi_meet("spaces", "get", space["name"], "--json", "--as", OWNER, env=env)
    assert (result.code, result.err) == (0, "")
    assert '"accessType": "RESTRICTED"' in result.out  # only the owner sees the config
    assert _who(control) == [("spaces.get", OWNER)]


def test_without_either_the_emulators_default_user_is_refused_and_told_how(
    pulumi_meet: Cli, rooms: Rooms
) -> None:
    space = rooms.create(owner=OWNER)
    result = pulumi_meet("adopt", space["name"])
    assert (result.code, result.out) == (1, "")
    assert f"{DEFAULT_USER} does not own it" in result.err
    assert "--as OWNER (or MEET_IMPERSONATE_USER)" in result.err
