"""Fixtures for the command-line tests: an emulator, rooms in it, and two ways to run the CLI.

- ``cli(*args)`` runs ``python -m pulumi_meet …`` as a user would type it, in a subprocess whose
  environment holds only ``MEET_EMULATOR_HOST`` (pointing at the test's emulator) beside PATH and
  the like: no credentials of the machine leak in.
- ``run_main(*args)`` calls ``pulumi_meet.cli.main.main`` in-process (fast; same environment rules).

Both return a :class:`Result` and assert that stderr never holds a traceback.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from pulumi_meet.cli.main import main
from pulumi_meet.client.state import default_state
from pulumi_meet.emulator import Emulator
from tests.conftest import REPO_ROOT
from tests.control import Control, MeetHttp

__all__ = ["OWNER", "Result"]

OWNER = "developer@example.com"
"""The emulator's default user: who the CLI acts as without --as."""

_ENV_KEEP = (
    "PATH",
    "HOME",
    "LANG",
    "LC_ALL",
    "TMPDIR",
    "SYSTEMROOT",
    "PYTHONPATH",
)
_ENV_DROP = ("MEET_EMULATOR_HOST", "MEET_IMPERSONATE_USER", "GOOGLE_APPLICATION_CREDENTIALS")
_SUBPROCESS_TIMEOUT = 60


@dataclass(frozen=True)
class Result:
    """What a command printed and its exit status."""

    code: int
    out: str
    err: str

    @property
    def err_lines(self) -> list[str]:
        return self.err.splitlines()


def _checked(result: Result) -> Result:
    assert "Traceback" not in result.err, result.err
    return result


@pytest.fixture
def cli_env(emulator: Emulator) -> dict[str, str]:
    """The environment of a CLI subprocess: the emulator, and nothing of the machine's config."""
    env = {key: os.environ[key] for key in _ENV_KEEP if key in os.environ}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO_ROOT), env.get("PYTHONPATH")]))
    env["MEET_EMULATOR_HOST"] = emulator.host_port
    env["MEET_QUOTA_LEDGER"] = default_state().ledgers.default_path  # the test's own
    return env


@pytest.fixture
def cli(cli_env: dict[str, str]) -> Callable[..., Result]:
    """Run ``python -m pulumi_meet *args``.

    ``env=`` overrides variables (None removes one); ``cwd=`` is the working directory.
    """

    def run(
        *args: str, env: dict[str, str | None] | None = None, cwd: Path | None = None
    ) -> Result:
        environment = dict(cli_env)
        for key, value in (env or {}).items():
            if value is None:
                environment.pop(key, None)
            else:
                environment[key] = value
        completed = subprocess.run(
            [sys.executable, "-m", "pulumi_meet", *args],
            env=environment,
            cwd=cwd,
            capture_output=True,
            text=True,
            timeout=_SUBPROCESS_TIMEOUT,
            check=False,
        )
        return _checked(Result(completed.returncode, completed.stdout, completed.stderr))

    return run


@pytest.fixture
def emulator_host_env(emulator: Emulator, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """This process's environment: the test's emulator, no other Meet or Google settings."""
    for key in _ENV_DROP:
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("MEET_EMULATOR_HOST", emulator.host_port)
    yield


@pytest.fixture
def run_main(emulator_host_env: None, capsys: pytest.CaptureFixture[str]) -> Callable[..., Result]:
    """Call ``main([...])`` in this process against the test's emulator."""

    def run(*args: str) -> Result:
        code = main(list(args))
        captured = capsys.readouterr()
        return _checked(Result(code, captured.out, captured.err))

    return run


@dataclass(frozen=True)
class Rooms:
    """Creates rooms and members in the emulator as users, straight over HTTP."""

    control: Control
    meet: Callable[..., MeetHttp]

    def create(self, config: dict[str, Any] | None = None, owner: str = OWNER) -> dict[str, Any]:
        response = self.meet(owner).post("spaces", json={"config": config or {}})
        assert response.status_code == 200, response.text
        space: dict[str, Any] = response.json()
        return space

    def add_members(self, space: str, emails: list[str], owner: str = OWNER) -> None:
        caller = self.meet(owner)
        for email in emails:
            response = caller.post(f"{space}/members", json={"email": email, "role": "COHOST"})
            assert response.status_code == 200, response.text

    def start_conference(self, space: str, participants: list[str]) -> str:
        answer = self.control.post(f"{space}:startConference", {"participants": participants})
        record: str = answer["conferenceRecord"]
        return record


@pytest.fixture
def rooms(control: Control, meet: Callable[..., MeetHttp]) -> Rooms:
    return Rooms(control, meet)
