"""The benchmark's environment: an emulator process, its control API, provider hosts, programs.

The emulator runs in its own process (``pulumi-meet emulator --port 0``) so that the work of
the benchmark process (gRPC client, Google's client) never competes with it for the GIL.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import requests

import pulumi_meet as meet
from bench._engine import EngineClient, served_provider
from pulumi_meet.pacing.quota import BUCKETS
from tests.engine import CapturedResource, ProviderHost, capture_program
from tests.process import ServedProcess

__all__ = [
    "PLUGIN",
    "PROJECT",
    "STACK",
    "USER",
    "EmulatorProcess",
    "capture_rooms",
    "client_config",
    "ledger_env",
    "plugin_config",
    "provider_host",
    "rooms_program",
    "running_emulator",
    "served_plugin",
]

USER = "bench@example.com"
PROJECT = "meet-bench"
STACK = "bench"
_UNLIMITED = 1_000_000
_TIMEOUT_SECONDS = 30
_START_TIMEOUT_SECONDS = 30


class EmulatorProcess:
    """``pulumi-meet emulator`` in a child process, with its control API."""

    def __init__(self) -> None:
        self._process: subprocess.Popen[str] | None = None
        self.base_url = ""
        self.host_port = ""
        self._session = requests.Session()
        self._tokens: dict[str, str] = {}

    def start(self) -> EmulatorProcess:
        command = [
            sys.executable,
            "-m",
            "pulumi_meet",
            "emulator",
            "--port",
            "0",
            "--db",
            ":memory:",
        ]
        self._process = subprocess.Popen(
            command, stdout=subprocess.PIPE, stdin=subprocess.DEVNULL, text=True
        )
        assert self._process.stdout is not None
        first_line = self._process.stdout.readline().strip()
        if not first_line.startswith("http://"):
            self.stop()
            raise RuntimeError(f"the emulator did not print its URL (got {first_line!r})")
        self.base_url = first_line
        self.host_port = first_line.removeprefix("http://")
        return self

    def stop(self) -> None:
        """SIGINT (a clean stop), then kill after 5 s. Idempotent."""
        self._session.close()
        process, self._process = self._process, None
        if process is None:
            return
        if process.poll() is None:
            process.send_signal(2)
            try:
                process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=5)
        if process.stdout is not None:
            process.stdout.close()

    # ---------------------------------------------------------------- control API

    def control(self, method: str, path: str, body: Any = None) -> Any:
        """A control API call (``path`` relative to ``/emulator/v1/``); its JSON answer."""
        response = self._session.request(
            method, f"{self.base_url}/emulator/v1/{path}", json=body, timeout=_TIMEOUT_SECONDS
        )
        response.raise_for_status()
        return response.json() if response.content else {}

    def reset(self) -> None:
        self.control("POST", "reset")

    def raise_quotas(self) -> None:
        """Quotas far above anything the benchmark sends: pacing is not measured."""
        limits = dict.fromkeys(("create", "write", "read"), _UNLIMITED)
        self.control("PUT", "quotas", {"perUser": limits, "perProject": limits})

    def google_quotas(self, window_seconds: float) -> dict[str, Any]:
        """Google's default per-user and per-project counts, over a window of this length."""
        answer: dict[str, Any] = self.control("PUT", "quotas", {"windowSeconds": window_seconds})
        return answer

    def requests_log(self) -> list[dict[str, Any]]:
        entries: list[dict[str, Any]] = self.control("GET", "requests")["requests"]
        return entries

    def clear_log(self) -> None:
        self.control("DELETE", "requests")

    def token(self, email: str = USER) -> str:
        token: str = self.control("POST", "token", {"email": email})["access_token"]
        return token

    def create_space(self, owner: str) -> dict[str, Any]:
        """A room created by `owner` straight over HTTP (setting up a benchmark)."""
        response = self._session.post(
            f"{self.base_url}/v2/spaces",
            json={},
            headers={
                "Authorization": f"Bearer {self._tokens.setdefault(owner, self.token(owner))}"
            },
            timeout=_TIMEOUT_SECONDS,
        )
        response.raise_for_status()
        space: dict[str, Any] = response.json()
        return space


@contextmanager
def running_emulator() -> Iterator[EmulatorProcess]:
    emulator = EmulatorProcess().start()
    try:
        yield emulator
    finally:
        emulator.stop()


def client_config(
    *,
    window_seconds: float | None = None,
    per_window: Mapping[str, int] | None = None,
    project_per_window: Mapping[str, int] | None = None,
) -> dict[str, str]:
    """Stack config of the provider: the emulator user and the client-side pace.

    Without arguments the pace is unlimited. With ``per_window`` (counts per bucket) the pace
    admits exactly those counts per ``window_seconds``: the client's knobs are per minute, so
    each count is scaled by ``60 / window_seconds``. ``project_per_window`` does the same for the
    per-project pace (default: unlimited, so that only the per-user pace is measured).
    """
    config = {"meet:user": USER}
    if per_window is None or window_seconds is None:
        for bucket in BUCKETS:
            config[f"meet:{bucket.user_key}"] = str(_UNLIMITED)
            config[f"meet:{bucket.project_key}"] = str(_UNLIMITED)
        return config
    scale = 60.0 / window_seconds
    for bucket in BUCKETS:
        config[f"meet:{bucket.user_key}"] = repr(per_window[bucket.name] * scale)
        project = (project_per_window or {}).get(bucket.name)
        config[f"meet:{bucket.project_key}"] = (
            str(_UNLIMITED) if project is None else repr(project * scale)
        )
    config["meet:quotaWindowSeconds"] = repr(float(window_seconds))
    return config


@contextmanager
def provider_host(
    emulator: EmulatorProcess, workdir: Path, ledger: Path | None = None
) -> Iterator[ProviderHost]:
    """A real ``python -u -m pulumi.dynamic`` host pointed at the emulator; always stopped.

    Its quota ledger is `ledger` (hosts given the same file share the quota), else a file of its
    own: calls of an earlier benchmark must not pace this one.
    """
    env = ledger_env(emulator, workdir)
    if ledger is not None:
        env["MEET_QUOTA_LEDGER"] = str(ledger)
    host = ProviderHost(env, workdir)
    host.start()
    try:
        yield host
    finally:
        host.stop()


def ledger_env(emulator: EmulatorProcess, workdir: Path) -> dict[str, str]:
    """The environment of a provider process: the emulator, and a quota ledger of its own."""
    ledger = Path(tempfile.mkdtemp(prefix="ledger-", dir=workdir)) / "quota-ledger.sqlite"
    return {"MEET_EMULATOR_HOST": emulator.host_port, "MEET_QUOTA_LEDGER": str(ledger)}


def plugin_config() -> dict[str, str]:
    """:func:`client_config` as the plugin's ``Configure`` carries it (keys without ``meet:``)."""
    return {key.removeprefix("meet:"): value for key, value in client_config().items()}


PLUGIN = Path(sys.executable).parent / "pulumi-resource-meet"
"""The console script ``pip install`` put beside this interpreter."""


@contextmanager
def served_plugin(
    emulator: EmulatorProcess,
    workdir: Path,
    argv: list[str] | None = None,
    env: Mapping[str, str] | None = None,
) -> Iterator[tuple[ServedProcess, EngineClient]]:
    """A real ``pulumi-resource-meet`` (or ``argv`` serving it), configured like
    :func:`provider_host` and driven as the engine drives it; always stopped."""
    command = argv or [str(PLUGIN)]
    environment = {**ledger_env(emulator, workdir), **(env or {})}
    with served_provider(command, environment, workdir) as (process, client):
        client.configure(plugin_config())
        yield process, client


def rooms_program(count: int, access_type: str = "OPEN") -> Any:
    """A Pulumi program declaring ``count`` rooms ``room-0`` … with one managed setting."""

    def program() -> None:
        for index in range(count):
            meet.Space(f"room-{index}", config={"access_type": access_type})

    return program


def capture_rooms(count: int, access_type: str = "OPEN") -> list[CapturedResource]:
    """The registrations of :func:`rooms_program`, as the engine would receive them."""
    return capture_program(rooms_program(count, access_type), project=PROJECT, stack=STACK)
