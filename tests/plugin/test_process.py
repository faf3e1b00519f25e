"""The plugin's process: started as the engine starts it, answered, stopped, nothing left."""

from __future__ import annotations

import json
import os
import subprocess
import threading
import time
from pathlib import Path

import grpc
import pytest
from google.protobuf import empty_pb2

import pulumi_meet
from pulumi_meet.engine_log import engine_address_from_argv
from pulumi_meet.plugin.schema import SPACE, schema_text
from tests.control import Control
from tests.plugin.conftest import PluginFactory
from tests.plugin.host import PLUGIN, PluginError, PluginHost, urn


def _processes_mentioning(text: str) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        if text in command:
            found.append(int(entry.name))
    return found


def test_the_console_script_is_installed_beside_the_interpreter() -> None:
    assert PLUGIN.is_file()
    assert os.access(PLUGIN, os.X_OK)


def test_plugin_info_and_schema_over_grpc(start_plugin: PluginFactory) -> None:
    host = start_plugin()
    assert host.plugin_info() == pulumi_meet.__version__
    served = host.schema()
    assert served == schema_text()
    assert json.loads(served)["name"] == "meet"


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="needs /proc to list processes")
def test_stopping_the_plugin_leaves_nothing_running(tmp_path: Path) -> None:
    host = PluginHost({}, tmp_path).start()
    pid = host.pid
    assert pid is not None
    engine_address = host.engine.address
    assert _processes_mentioning(engine_address) == [pid]
    host.plugin_info()
    host.stop()
    assert host.returncode == 0, host.stderr  # SIGTERM stops the server cleanly
    assert _processes_mentioning(engine_address) == []
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)
    assert "Traceback" not in host.stderr


def test_a_second_start_is_refused(start_plugin: PluginFactory) -> None:
    host = start_plugin()
    with pytest.raises(RuntimeError, match="already started"):
        host.start()


def test_the_engine_address_is_found_among_the_engines_flags() -> None:
    """The engine may pass `--logtostderr -v=9 --tracing URL` before its address."""
    args = ["--logtostderr", "-v=9", "--tracing", "http://t:1", "--logflow", "127.0.0.1:5555"]
    assert engine_address_from_argv([str(PLUGIN), *args]) == "127.0.0.1:5555"
    assert engine_address_from_argv([str(PLUGIN), "127.0.0.1:7"]) == "127.0.0.1:7"


@pytest.mark.parametrize("flag", ["--version", "--help"])
def test_version_and_help_exit_0(flag: str) -> None:
    finished = subprocess.run(
        [str(PLUGIN), flag], capture_output=True, text=True, timeout=30, check=False
    )
    assert (finished.returncode, finished.stderr) == (0, "")
    if flag == "--version":
        assert finished.stdout == f"pulumi-resource-meet {pulumi_meet.__version__}\n"
    else:
        assert finished.stdout.startswith("usage: pulumi-resource-meet")
        assert "--schema" in finished.stdout and "docs/plugin.md" in finished.stdout


def test_without_an_engine_address_the_plugin_says_how_it_is_started() -> None:
    finished = subprocess.run(
        [str(PLUGIN), "--logtostderr"], capture_output=True, text=True, timeout=30, check=False
    )
    assert finished.returncode == 2
    assert "usage: pulumi-resource-meet" in finished.stderr
    assert "Traceback" not in finished.stderr


def test_sigterm_stops_the_plugin_while_a_call_is_retrying(
    control: Control, start_plugin: PluginFactory
) -> None:
    """The engine stops a plugin with SIGTERM; a create sleeping between retries must not hold
    the process for meet:maxRetryDurationSeconds."""
    host = start_plugin()
    host.configure({"emulatorHost": control.host_port, "maxRetryDurationSeconds": "60"})
    control.faults({"method": "spaces.create", "status": 503, "times": 1000})
    room = urn(SPACE, "stuck")
    checked, _ = host.check(room, {}, {})
    outcome: list[BaseException] = []

    def create() -> None:
        try:
            host.create(room, checked)
        except BaseException as error:  # the channel closes under the call
            outcome.append(error)

    caller = threading.Thread(target=create, daemon=True)
    caller.start()
    deadline = time.monotonic() + 10
    while "spaces.create" not in control.methods() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert "spaces.create" in control.methods()
    started = time.monotonic()
    host.stop()  # SIGTERM, as the engine sends it
    assert time.monotonic() - started < 5
    assert host.returncode == 0, host.stderr
    caller.join(timeout=5)
    assert outcome, "the create cannot have succeeded"


@pytest.mark.parametrize("waiting_for", ["retry", "quota"])
def test_cancel_stops_a_call_that_waits(
    control: Control, start_plugin: PluginFactory, waiting_for: str
) -> None:
    """The engine's Cancel (Ctrl-C): a create sleeping between retries of 503s, or waiting for
    its quota, stops with CANCELLED at once instead of waiting for up to a minute."""
    host = start_plugin()
    config = {"emulatorHost": control.host_port, "maxRetryDurationSeconds": "60"}
    if waiting_for == "quota":
        config.update(createsPerMinute="1", quotaLedger="off")
    host.configure(config)
    room = urn(SPACE, "stuck")
    checked, _ = host.check(room, {}, {})
    if waiting_for == "retry":
        control.faults({"method": "spaces.create", "status": 503, "times": 1000})
    else:
        host.create(room, checked)  # spends the minute's only create
    sent = len(control.methods())
    outcome: list[BaseException] = []

    def create() -> None:
        try:
            host.create(room, checked)
        except BaseException as error:
            outcome.append(error)

    caller = threading.Thread(target=create, daemon=True)
    caller.start()
    deadline = time.monotonic() + 10
    while (waiting_for == "retry") and len(control.methods()) == sent:
        assert time.monotonic() < deadline
        time.sleep(0.05)
    time.sleep(0.5)  # now sleeping between retries, or waiting for quota
    assert caller.is_alive()
    started = time.monotonic()
    host.call("Cancel", empty_pb2.Empty())
    caller.join(timeout=5)
    assert not caller.is_alive(), "the create kept waiting after Cancel"
    assert time.monotonic() - started < 5
    [error] = outcome
    assert isinstance(error, PluginError)
    assert error.code is grpc.StatusCode.CANCELLED, error.details
    assert "spaces.create spaces: cancelled" in error.details
    assert "Traceback" not in error.details
    attempts = len(control.methods())
    time.sleep(1.5)  # longer than the first backoffs: nothing is sent after the cancel
    assert len(control.methods()) == attempts
