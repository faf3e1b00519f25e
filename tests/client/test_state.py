"""The client state: the one owner of the caches, the clock, sleep and randomness clients share."""

from __future__ import annotations

import random

import pytest

from pulumi_meet import exceptions
from pulumi_meet.client.meet import get_client
from pulumi_meet.client.state import ClientState, default_state, install_state, use_state
from pulumi_meet.emulator import Emulator
from tests.client.conftest import emulator_settings
from tests.control import Control


class _QuarterJitter(random.Random):
    """Full jitter's draw fixed at a quarter of its ceiling."""

    def uniform(self, a: float, b: float) -> float:
        return a + (b - a) * 0.25


class _FakeTime:
    """A clock that moves only when the client sleeps."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.slept: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def _state(client_state: ClientState, fake: _FakeTime | None = None) -> ClientState:
    """A fresh state (the test's ledger file); on `fake` time with quarter jitter if given."""
    path = client_state.ledgers.default_path
    if fake is None:
        return ClientState(ledger_path=path)
    return ClientState(clock=fake.clock, sleep=fake.sleep, rng=_QuarterJitter(), ledger_path=path)


def test_a_client_retries_on_its_states_clock_sleep_and_randomness(
    emulator: Emulator, control: Control, client_state: ClientState
) -> None:
    fake = _FakeTime()
    state = _state(client_state, fake)
    client = state.client(emulator_settings(emulator))
    name = client.create_space({})["name"]
    control.faults({"method": "spaces.get", "status": 503, "times": 2})
    assert client.get_space(name)["name"] == name
    # Backoff ceilings 1 s and 2 s, a quarter of each; slept on the state's sleep, not the wall.
    assert fake.slept == [0.25, 0.5]
    state.close()


def test_the_retry_deadline_is_read_on_the_states_clock(
    emulator: Emulator, control: Control, client_state: ClientState
) -> None:
    fake = _FakeTime()
    state = _state(client_state, fake)
    client = state.client(emulator_settings(emulator, maxRetryDurationSeconds="1"))
    control.faults({"method": "spaces.get", "status": 503, "times": 100})
    with pytest.raises(exceptions.Unavailable):
        client.get_space("spaces/abc")
    # 0.25 s and 0.5 s fit the one-second deadline of the fake clock; 1 s more would not (on a
    # wall clock that the fake sleeps do not move, it would still fit).
    assert fake.slept == [0.25, 0.5]
    assert [e["status"] for e in control.calls()] == [503, 503, 503]
    state.close()


def test_one_state_keeps_one_client_and_one_authorization_per_identity(
    emulator: Emulator, control: Control, client_state: ClientState
) -> None:
    settings = emulator_settings(emulator)
    client = client_state.client(settings, "Bob@Example.com")
    assert client_state.client(settings, "bob@example.com") is client
    assert client_state.client(settings) is not client
    client.create_space({})
    client_state.client(settings, "bob@example.com").create_space({})
    shared = client_state.credentials.authorization_for(settings, "bob@example.com").credentials
    assert shared.refresh_count == 1  # one token for every call of the identity
    limiter = client_state.limiters.get(emulator.base_url, "bob@example.com", "create", 10, 60)
    assert client_state.limiters.get(emulator.base_url, "BOB@example.com", "create", 10, 60) is (
        limiter
    )


def test_a_fresh_state_shares_nothing_with_another(
    emulator: Emulator, client_state: ClientState
) -> None:
    settings = emulator_settings(emulator)
    other = _state(client_state)
    assert other.client(settings) is not client_state.client(settings)
    client_state.client(settings).create_space({})
    other.client(settings).create_space({})
    mine = client_state.credentials.authorization_for(settings, None)
    theirs = other.credentials.authorization_for(settings, None)
    assert mine is not theirs and mine.credentials is not theirs.credentials
    assert other.limiters.get("e", "a@x.com", "read", 600, 60) is not (
        client_state.limiters.get("e", "a@x.com", "read", 600, 60)
    )
    other.close()


def test_get_client_is_the_process_states_and_use_state_replaces_it_for_a_block(
    emulator: Emulator, client_state: ClientState
) -> None:
    settings = emulator_settings(emulator)
    assert default_state() is client_state  # tests/conftest.py installs a fresh one per test
    assert get_client(settings) is client_state.client(settings)
    inner = _state(client_state)
    with use_state(inner):
        assert default_state() is inner
        get_client(settings).create_space({})
        assert inner.ledgers._ledgers  # it opened the default ledger file
    assert default_state() is client_state
    assert not inner.ledgers._ledgers  # closed on leaving the block


def test_without_a_state_the_process_builds_one_on_first_use(client_state: ClientState) -> None:
    previous = install_state(None)
    try:
        built = default_state()
        assert built is not client_state and default_state() is built
    finally:
        install_state(previous)
    assert default_state() is client_state
