"""Fixtures for the Space provider tests: an emulator, its control API, provider hosts."""

from __future__ import annotations

import socket
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest
import requests

from pulumi_meet.emulator import Emulator
from tests.engine import Engine, ProviderHost

SPACE_TYPE = "pulumi-python:dynamic/meet:Space"
DEFAULT_USER = "developer@example.com"
SA_PROJECT = "acme-meet"
_TIMEOUT = 10


class Control:
    """The emulator seen from a test: its control API and direct Meet API calls as any user."""

    def __init__(self, emulator: Emulator) -> None:
        self.emulator = emulator
        self.base_url = emulator.base_url
        self.host_port = emulator.host_port

    def _send(self, method: str, path: str, **kwargs: Any) -> Any:
        response = requests.request(method, self.base_url + path, timeout=_TIMEOUT, **kwargs)
        response.raise_for_status()
        return response.json() if response.content else {}

    def emulator_json(self, method: str, path: str, body: Any = None) -> dict[str, Any]:
        """A control API call (``path`` relative to ``/emulator/v1/``), its JSON answer."""
        result: dict[str, Any] = self._send(method, f"/emulator/v1/{path}", json=body)
        return result

    def calls(self) -> list[dict[str, Any]]:
        """The Meet API requests served since the last :meth:`clear` (control calls excluded)."""
        entries: list[dict[str, Any]] = self._send("GET", "/emulator/v1/requests")["requests"]
        return entries

    def methods(self) -> list[str]:
        """The API method ids of :meth:`calls`, e.g. ``["spaces.create"]``."""
        return [entry["apiMethod"] for entry in self.calls()]

    def clear(self) -> None:
        self._send("DELETE", "/emulator/v1/requests")

    def token(self, email: str, app: str | None = None) -> str:
        body = {"email": email, **({"app": app} if app else {})}
        token: str = self._send("POST", "/emulator/v1/token", json=body)["access_token"]
        return token

    def as_user(
        self, email: str, method: str, path: str, app: str | None = None, **kwargs: Any
    ) -> dict[str, Any]:
        """A Meet API call made directly by ``email`` of ``app`` (not through the provider)."""
        headers = {"Authorization": f"Bearer {self.token(email, app)}"}
        result: dict[str, Any] = self._send(method, path, headers=headers, **kwargs)
        return result

    def space(self, name: str, email: str = DEFAULT_USER, app: str | None = None) -> dict[str, Any]:
        return self.as_user(email, "GET", f"/v2/{name}", app)

    def start_conference(self, name: str, participants: list[str]) -> str:
        body = {"participants": participants}
        record: str = self._send("POST", f"/emulator/v1/{name}:startConference", json=body)[
            "conferenceRecord"
        ]
        return record

    def service_account_key(self, scopes: list[str]) -> dict[str, Any]:
        body = {"project": SA_PROJECT, "domainWideDelegationScopes": scopes}
        key: dict[str, Any] = self._send("POST", "/emulator/v1/serviceAccounts", json=body)
        return key


@pytest.fixture
def emulator() -> Iterator[Emulator]:
    with Emulator() as running:
        yield running


@pytest.fixture
def control(emulator: Emulator) -> Control:
    return Control(emulator)


HostFactory = Callable[..., ProviderHost]


@pytest.fixture
def start_host(tmp_path: Path) -> Iterator[HostFactory]:
    """Start provider hosts (``start_host(env)``); every host is stopped at teardown."""
    hosts: list[ProviderHost] = []

    def start(env: Mapping[str, str] | None = None) -> ProviderHost:
        host = ProviderHost(env or {}, tmp_path)
        hosts.append(host)
        return host.start()

    yield start
    for host in hosts:
        host.stop()


@pytest.fixture
def engine(control: Control, start_host: HostFactory) -> Engine:
    """An engine whose provider host talks to the emulator as the default emulator user."""
    return Engine(start_host({"MEET_EMULATOR_HOST": control.host_port}))


def closed_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port
