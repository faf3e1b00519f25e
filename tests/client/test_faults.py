"""Retries against the emulator's fault rules; creates are never sent twice."""

from __future__ import annotations

import logging
import socket
import time
from pathlib import Path
from typing import Any

import pytest

from pulumi_meet import exceptions
from pulumi_meet.client.meet import get_client
from pulumi_meet.client.settings import Settings
from pulumi_meet.client.state import ClientState, use_state
from pulumi_meet.client.transport import CREATE_REUSE_IDLE_SECONDS
from pulumi_meet.emulator import Emulator
from tests.client.conftest import emulator_settings
from tests.clock import FakeClock
from tests.control import Control


def statuses(control: Control, method: str) -> list[int | None]:
    return [e["status"] for e in control.calls() if e["apiMethod"] == method]


@pytest.mark.parametrize("status", [429, 500, 502, 503, 504])
def test_reads_and_writes_are_retried_on_transient_statuses(
    emulator: Emulator, control: Control, no_jitter: Any, status: int
) -> None:
    client = get_client(emulator_settings(emulator))
    name = client.create_space({})["name"]
    control.faults({"method": "spaces.get", "status": status, "times": 2})
    assert client.get_space(name)["name"] == name
    assert statuses(control, "spaces.get") == [status, status, 200]
    control.faults({"method": "spaces.patch", "status": status, "times": 1})
    client.patch_space(name, {"config": {"accessType": "OPEN"}}, ["config.accessType"])
    assert statuses(control, "spaces.patch") == [status, 200]


@pytest.mark.parametrize("status", [400, 403, 404, 409])
def test_permanent_statuses_are_not_retried(
    emulator: Emulator, control: Control, status: int
) -> None:
    client = get_client(emulator_settings(emulator))
    control.faults({"method": "spaces.get", "status": status, "times": 3})
    with pytest.raises(exceptions.ApiError) as caught:
        client.get_space("spaces/abc")
    assert caught.value.http_status == status
    assert statuses(control, "spaces.get") == [status]


@pytest.mark.parametrize("status", [429, 503])
def test_a_create_is_resent_only_when_the_server_cannot_have_acted(
    emulator: Emulator, control: Control, no_jitter: Any, status: int
) -> None:
    client = get_client(emulator_settings(emulator))
    control.faults({"method": "spaces.create", "status": status, "times": 1})
    client.create_space({})
    assert statuses(control, "spaces.create") == [status, 200]
    assert len(control.spaces()) == 1


@pytest.mark.parametrize("status", [500, 502, 504])
def test_a_create_answered_with_a_server_error_is_outcome_unknown(
    emulator: Emulator, control: Control, status: int
) -> None:
    client = get_client(emulator_settings(emulator))
    control.faults({"method": "spaces.create", "status": status, "times": 1})
    with pytest.raises(exceptions.CreateOutcomeUnknown) as caught:
        client.create_space({})
    assert f"HTTP {status}" in str(caught.value)
    assert statuses(control, "spaces.create") == [status]


def test_a_create_whose_connection_drops_after_commit_leaves_exactly_one_space(
    emulator: Emulator, control: Control
) -> None:
    client = get_client(emulator_settings(emulator, user="lead@example.com"))
    control.faults({"method": "spaces.create", "dropConnection": "after", "times": 1})
    with pytest.raises(exceptions.CreateOutcomeUnknown) as caught:
        client.create_space({"config": {"accessType": "TRUSTED"}})
    message = str(caught.value)
    assert "may have been created" in message and "adopt=" in message
    assert "lead@example.com" in message
    assert len(control.spaces()) == 1
    assert len(statuses(control, "spaces.create")) == 1


def test_a_dropped_members_create_is_not_resent(emulator: Emulator, control: Control) -> None:
    client = get_client(emulator_settings(emulator))
    parent = client.create_space({})["name"]
    control.faults({"method": "spaces.members.create", "dropConnection": "after", "times": 1})
    with pytest.raises(exceptions.CreateOutcomeUnknown, match="member may have been created"):
        client.create_member(parent, {"email": "cohost@example.com", "role": "COHOST"})
    assert len(list(client.iter_members(parent))) == 1
    assert len(statuses(control, "spaces.members.create")) == 1


def test_dropped_connections_of_other_methods_are_retried(
    emulator: Emulator, control: Control, no_jitter: Any
) -> None:
    client = get_client(emulator_settings(emulator))
    name = client.create_space({})["name"]
    control.faults(
        {"method": "spaces.patch", "dropConnection": "after", "times": 1},
        {"method": "spaces.get", "dropConnection": "before", "times": 1},
    )
    client.patch_space(name, {"config": {"accessType": "OPEN"}}, ["config.accessType"])
    assert client.get_space(name)["config"]["accessType"] == "OPEN"
    assert len(statuses(control, "spaces.patch")) == 2


def test_a_read_timeout_is_retried_but_a_create_timeout_is_outcome_unknown(
    emulator: Emulator, control: Control, no_jitter: Any
) -> None:
    client = get_client(emulator_settings(emulator, requestTimeoutSeconds="0.3"))
    name = client.create_space({})["name"]
    control.faults({"method": "spaces.get", "delaySeconds": 1, "times": 1})
    assert client.get_space(name)["name"] == name
    control.faults({"method": "spaces.create", "delaySeconds": 0.6, "times": 1})
    with pytest.raises(exceptions.CreateOutcomeUnknown, match="timed out"):
        client.create_space({})
    deadline = time.monotonic() + 5
    while len(control.spaces()) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert len(control.spaces()) == 2  # the slow create did happen, once


def test_retries_are_bounded_in_total_time(
    emulator: Emulator, control: Control, mocker: Any, client_state: ClientState
) -> None:
    mocker.patch.object(client_state.rng, "uniform", return_value=0.4)
    client = get_client(emulator_settings(emulator, maxRetryDurationSeconds="1"))
    control.faults({"method": "spaces.get", "status": 503, "times": 100})
    started = time.monotonic()
    with pytest.raises(exceptions.Unavailable) as caught:
        client.get_space("spaces/abc")
    assert time.monotonic() - started < 2
    assert "gave up after 3 attempt(s)" in str(caught.value)
    assert caught.value.retryable
    assert len(statuses(control, "spaces.get")) == 3


def test_retries_are_bounded_in_attempts(
    emulator: Emulator, control: Control, no_jitter: Any
) -> None:
    client = get_client(emulator_settings(emulator))
    control.faults({"method": "spaces.get", "status": 500, "times": 100})
    with pytest.raises(exceptions.Internal, match="gave up after 8 attempt"):
        client.get_space("spaces/abc")
    assert len(statuses(control, "spaces.get")) == 8


def test_connection_refused_is_retried_then_a_transport_error(no_jitter: Any) -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings = Settings.from_config({"meet:emulatorHost": f"127.0.0.1:{port}"}.get, {})
    client = get_client(settings)
    with pytest.raises(exceptions.TransportError) as caught:
        client.create_space({})  # refused before sending: even a create may be retried
    assert "gave up after 8 attempt(s)" in str(caught.value)
    assert caught.value.method == "spaces.create"


def test_token_endpoint_faults_are_retried(
    emulator: Emulator, control: Control, no_jitter: Any
) -> None:
    import json

    key = control.service_account()
    settings = emulator_settings(
        emulator, credentials=json.dumps(key), impersonateUser="lead@example.com"
    )
    control.faults({"method": "oauth2.token", "dropConnection": "before", "times": 1})
    get_client(settings).create_space({})
    assert len(control.spaces()) == 1
    assert statuses(control, "spaces.create") == [200]


def _new_connections(caplog: pytest.LogCaptureFixture) -> int:
    return len([r for r in caplog.records if "Starting new" in r.getMessage()])


def test_a_create_goes_out_on_a_connection_that_answered_moments_ago(
    emulator: Emulator, caplog: pytest.LogCaptureFixture
) -> None:
    client = get_client(emulator_settings(emulator))
    name = client.create_space({})["name"]
    caplog.set_level(logging.DEBUG, logger="urllib3.connectionpool")
    caplog.clear()
    client.get_space(name)
    client.create_space({})
    client.create_space({})
    assert _new_connections(caplog) == 0


def test_a_create_after_an_idle_spell_goes_out_on_a_new_connection(
    emulator: Emulator, caplog: pytest.LogCaptureFixture
) -> None:
    clock = FakeClock(1000.0)
    with use_state(ClientState(clock=clock, sleep=clock.sleep)):
        client = get_client(emulator_settings(emulator))
        name = client.create_space({})["name"]
        caplog.set_level(logging.DEBUG, logger="urllib3.connectionpool")
        caplog.clear()
        clock.now += CREATE_REUSE_IDLE_SECONDS - 0.01
        client.create_space({})
        assert _new_connections(caplog) == 0
        clock.now += CREATE_REUSE_IDLE_SECONDS
        client.get_space(name)  # reads and patches keep the connection whatever its age
        assert _new_connections(caplog) == 0
        clock.now += CREATE_REUSE_IDLE_SECONDS
        client.create_space({})
        assert _new_connections(caplog) == 1


def test_a_create_right_after_the_server_cut_the_connection_is_made_once(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """The server closed the pooled connection (here: restarted) moments after an answer: the
    create does not go out on the dead connection, nor is it reported as of unknown outcome."""
    database = tmp_path / "emulator.db"
    with Emulator(db=database) as first:
        client = get_client(emulator_settings(first))
        name = client.create_space({})["name"]
        port = first.port
    with Emulator(db=database, port=port) as second:
        caplog.set_level(logging.DEBUG, logger="urllib3.connectionpool")
        caplog.clear()
        client.create_space({})
        dropped = [r for r in caplog.records if "Resetting dropped connection" in r.getMessage()]
        assert len(dropped) == 1  # urllib3 saw the close before sending; the create went anew
        assert len(Control(second).spaces()) == 2
        assert client.get_space(name)["name"] == name
