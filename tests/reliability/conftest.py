"""Fixtures for the reliability tests: provider hosts and fast retries (the emulator and its
control API are the shared fixtures of tests/conftest.py)."""

from __future__ import annotations

import types
from typing import Any

import pytest

from pulumi_meet.client.state import ClientState
from tests.control import Control
from tests.dynamic.conftest import start_host

__all__ = ["Control", "start_host"]


@pytest.fixture
def fast_retries(mocker: Any, client_state: ClientState) -> None:
    """Zero backoff waits: ours (full jitter's lower bound) and google-auth's token retries.

    Only the waits are removed; every attempt still crosses the wire, so the attempt counts and
    outcomes are those of a real run.
    """
    import google.auth._exponential_backoff as auth_backoff

    mocker.patch.object(client_state.rng, "uniform", return_value=0.0)
    mocker.patch.object(auth_backoff, "time", types.SimpleNamespace(sleep=lambda _s: None))
