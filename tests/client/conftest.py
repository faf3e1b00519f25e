"""Fixtures for the client tests: a fresh in-process emulator and its control API."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from pulumi_meet.client.settings import Settings
from pulumi_meet.client.state import ClientState
from pulumi_meet.emulator import Emulator
from tests.control import Control

CREATED = "https://www.googleapis.com/auth/meetings.space.created"


@pytest.fixture
def emulator() -> Iterator[Emulator]:
    with Emulator(db=":memory:") as running:
        yield running


@pytest.fixture
def control(emulator: Emulator) -> Iterator[Control]:
    api = Control(emulator)
    yield api
    api.close()


def emulator_settings(emulator: Emulator, **config: str) -> Settings:
    """Settings for `emulator` from `meet:` keys given as keyword arguments (no environment)."""
    values = {"meet:emulatorHost": emulator.host_port}
    values.update({f"meet:{key}": value for key, value in config.items()})
    return Settings.from_config(values.get, {})


@pytest.fixture
def no_jitter(mocker: Any, client_state: ClientState) -> Any:
    """Backoff waits of zero (full jitter's lower bound) so retry tests do not sleep."""
    return mocker.patch.object(client_state.rng, "uniform", return_value=0.0)
