"""Waits for quota and retries after faults reach the engine's log (what ``pulumi up`` shows).

A real provider host is started the way the engine starts it — with the engine's address as its
first argument — next to a fake engine (:class:`tests.process.EngineLog`) recording ``Log``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

import pulumi_meet as meet
from pulumi_meet.engine_log import engine_address_from_argv
from tests.dynamic.conftest import DEFAULT_USER, Control
from tests.engine import Engine, ProviderHost
from tests.process import INFO, EngineLog

WINDOW = 2.0


@pytest.fixture
def engine_log() -> Iterator[EngineLog]:
    with EngineLog() as log:
        yield log


@pytest.fixture
def logged_host(control: Control, engine_log: EngineLog, tmp_path: Path) -> Iterator[ProviderHost]:
    env = {"MEET_EMULATOR_HOST": control.host_port}
    with ProviderHost(env, tmp_path, engine=engine_log.address) as host:
        yield host


def _rooms(count: int) -> Callable[[], None]:
    def program() -> None:
        for index in range(count):
            meet.Space(f"room-{index}")

    return program


def test_a_wait_for_quota_is_announced_in_the_engine_log(
    control: Control, engine_log: EngineLog, logged_host: ProviderHost
) -> None:
    # Two creates per 2 s window for the user: the third and later rooms wait a window.
    control.put("quotas", {"windowSeconds": WINDOW, "perUser": {"create": 2}, "perProject": {}})
    engine = Engine(
        logged_host,
        config={"meet:createsPerMinute": "60", "meet:quotaWindowSeconds": str(WINDOW)},
    )
    engine.up(_rooms(5))
    assert [c["status"] for c in control.calls() if c["apiMethod"] == "spaces.create"] == [200] * 5
    waits = [m for m in engine_log.messages(INFO) if "waiting" in m]
    assert waits, engine_log.entries
    pattern = (
        rf"pulumi-meet: waiting \d+ s for {re.escape(DEFAULT_USER)}'s create quota "
        r"\(2 per 2 s\); \d+ rooms queued"
    )
    assert re.fullmatch(pattern, waits[0]), waits[0]
    assert "waiting" not in logged_host.stderr  # the engine's log, not the error stream


def test_a_retry_after_a_fault_is_announced_in_the_engine_log(
    control: Control, engine_log: EngineLog, logged_host: ProviderHost
) -> None:
    control.put("faults", {"rules": [{"method": "spaces.create", "status": 503, "times": 1}]})
    engine = Engine(logged_host)
    engine.up(_rooms(1))
    retries = [m for m in engine_log.messages(INFO) if "retrying" in m]
    assert len(retries) == 1, engine_log.entries
    assert re.fullmatch(
        rf"pulumi-meet: spaces\.create spaces as {re.escape(DEFAULT_USER)}: HTTP 503; "
        r"retrying in \d+\.\d s \(attempt 2\)",
        retries[0],
    )


def test_without_an_engine_address_the_host_keeps_quiet(
    control: Control, start_host: object, tmp_path: Path
) -> None:
    control.put("faults", {"rules": [{"method": "spaces.create", "status": 503, "times": 1}]})
    with ProviderHost({"MEET_EMULATOR_HOST": control.host_port}, tmp_path) as host:
        Engine(host).up(_rooms(1))
        # The retry went to the pulumi_meet logger (INFO: not shown), not to the error stream.
        assert "retrying" not in host.stderr


@pytest.mark.parametrize(
    ("argv", "address"),
    [
        (["main.py", "127.0.0.1:4321"], "127.0.0.1:4321"),
        (["main.py", "--logtostderr", "-v=9", "127.0.0.1:4321"], "127.0.0.1:4321"),
        (["main.py", "--tracing", "http://t:1", "localhost:55"], "localhost:55"),
        (["main.py", "/plugin/dir", "127.0.0.1:9"], "127.0.0.1:9"),
        (["main.py"], None),
        (["main.py", "--logflow"], None),
    ],
)
def test_the_engine_address_is_the_first_host_port_argument(
    argv: list[str], address: str | None
) -> None:
    assert engine_address_from_argv(argv) == address
