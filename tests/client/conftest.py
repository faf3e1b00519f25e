"""Fixtures for the client tests: a fresh in-process emulator and its control API."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import requests

from pulumi_meet.client.meet import reset_clients
from pulumi_meet.client.settings import Settings
from pulumi_meet.emulator import Emulator

CREATED = "https://www.googleapis.com/auth/meetings.space.created"


class Control:
    """The emulator's /emulator/v1 control API."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self._http = requests.Session()

    def call(self, verb: str, path: str, body: Any = None) -> Any:
        response = self._http.request(
            verb, f"{self.base_url}/emulator/v1/{path}", json=body, timeout=10
        )
        assert response.status_code == 200, response.text
        return response.json()

    def token(self, email: str, **fields: Any) -> str:
        return str(self.call("POST", "token", {"email": email, **fields})["access_token"])

    def service_account(self, scopes: list[str] | None = None, **fields: Any) -> dict[str, Any]:
        body = {"domainWideDelegationScopes": [CREATED] if scopes is None else scopes, **fields}
        return dict(self.call("POST", "serviceAccounts", body))

    def authorized_user(self, email: str, **fields: Any) -> dict[str, Any]:
        return dict(self.call("POST", "authorizedUsers", {"email": email, **fields}))

    def requests(self) -> list[dict[str, Any]]:
        return list(self.call("GET", "requests")["requests"])

    def api_methods(self) -> list[str]:
        return [entry["apiMethod"] for entry in self.requests()]

    def spaces(self) -> list[dict[str, Any]]:
        return list(self.call("GET", "spaces")["spaces"])

    def faults(self, *rules: dict[str, Any]) -> None:
        self.call("PUT", "faults", {"rules": list(rules)})

    def quotas(self, **body: Any) -> None:
        self.call("PUT", "quotas", body)

    def close(self) -> None:
        self._http.close()


@pytest.fixture
def emulator() -> Iterator[Emulator]:
    reset_clients()
    with Emulator(db=":memory:") as running:
        yield running
    reset_clients()


@pytest.fixture
def control(emulator: Emulator) -> Iterator[Control]:
    api = Control(emulator.base_url)
    yield api
    api.close()


def emulator_settings(emulator: Emulator, **config: str) -> Settings:
    """Settings for `emulator` from `meet:` keys given as keyword arguments (no environment)."""
    values = {"meet:emulatorHost": emulator.host_port}
    values.update({f"meet:{key}": value for key, value in config.items()})
    return Settings.from_config(values.get, {})


@pytest.fixture
def no_jitter(mocker: Any) -> Any:
    """Backoff waits of zero (full jitter's lower bound) so retry tests do not sleep."""
    from pulumi_meet.client import transport as _transport

    return mocker.patch.object(_transport.JITTER, "uniform", return_value=0.0)
