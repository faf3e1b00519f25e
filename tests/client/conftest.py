"""Helpers of the client tests: settings for the test's emulator, backoff without waits (the
emulator and its control API are the shared fixtures of tests/conftest.py)."""

from __future__ import annotations

from typing import Any

import pytest

from pulumi_meet.client.settings import Settings
from pulumi_meet.client.state import ClientState
from pulumi_meet.emulator import Emulator

CREATED = "https://www.googleapis.com/auth/meetings.space.created"


def emulator_settings(emulator: Emulator, **config: str) -> Settings:
    """Settings for `emulator` from `meet:` keys given as keyword arguments (no environment)."""
    values = {"meet:emulatorHost": emulator.host_port}
    values.update({f"meet:{key}": value for key, value in config.items()})
    return Settings.from_config(values.get, {})


@pytest.fixture
def no_jitter(mocker: Any, client_state: ClientState) -> Any:
    """Backoff waits of zero (full jitter's lower bound) so retry tests do not sleep."""
    return mocker.patch.object(client_state.rng, "uniform", return_value=0.0)
