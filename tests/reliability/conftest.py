"""Fixtures for the reliability tests: a fresh emulator, its control API, fast retries."""

from __future__ import annotations

import types
from typing import Any

import pytest

from pulumi_meet.client.state import ClientState
from tests.client.conftest import Control, control, emulator
from tests.provider.conftest import start_host

# The emulator and control fixtures are the client tests' own (same lifecycle: a fresh in-memory
# emulator per test, the client caches reset around it).
__all__ = ["Control", "control", "emulator", "start_host"]


@pytest.fixture
def fast_retries(mocker: Any, client_state: ClientState) -> None:
    """Zero backoff waits: ours (full jitter's lower bound) and google-auth's token retries.

    Only the waits are removed; every attempt still crosses the wire, so the attempt counts and
    outcomes are those of a real run.
    """
    import google.auth._exponential_backoff as auth_backoff

    mocker.patch.object(client_state.rng, "uniform", return_value=0.0)
    mocker.patch.object(auth_backoff, "time", types.SimpleNamespace(sleep=lambda _s: None))
