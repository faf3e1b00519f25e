"""The server as a product: lifecycle, persistence, concurrency, and the command line."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import requests

from pulumi_meet.emulator import Emulator, start_emulator
from tests.conftest import REPO_ROOT
from tests.control import Control, MeetHttp, mint_token


def test_lifecycle_and_addresses() -> None:
    emulator = start_emulator()
    try:
        assert emulator.base_url == f"http://127.0.0.1:{emulator.port}"
        assert emulator.host_port == f"127.0.0.1:{emulator.port}"
        assert emulator.port > 0
        assert emulator.start() is emulator  # already running: no second server
        assert requests.get(f"{emulator.base_url}/emulator/v1/quotas", timeout=5).ok
    finally:
        emulator.stop()
    emulator.stop()  # idempotent
    with pytest.raises(requests.ConnectionError):
        requests.get(f"{emulator.base_url}/emulator/v1/quotas", timeout=5)


def test_stop_does_not_wait_for_idle_or_half_sent_connections() -> None:
    emulator = Emulator().start()
    idle = socket.create_connection(("127.0.0.1", emulator.port), timeout=5)
    partial = socket.create_connection(("127.0.0.1", emulator.port), timeout=5)
    partial.sendall(b"POST /v2/spaces HTTP/1.1\r\nContent-Length: 100\r\n\r\n{")
    session = requests.Session()  # a keep-alive connection that stays open
    assert session.get(f"{emulator.base_url}/emulator/v1/quotas", timeout=5).ok
    time.sleep(0.1)
    started = time.monotonic()
    emulator.stop()
    assert time.monotonic() - started < 2
    for connection in (idle, partial):
        connection.settimeout(2)
        assert connection.recv(1024) == b""  # the server closed it
        connection.close()
    session.close()


def test_state_survives_a_restart_with_the_same_database(tmp_path: Path) -> None:
    database = tmp_path / "state" / "emulator.db"
    with Emulator(db=database) as first:
        token = mint_token(first.base_url, "owner@example.com")
        control = Control(first.base_url)
        control.put("users/owner@example.com", {"spaceConfigDefaults": {"accessType": "OPEN"}})
        owner = MeetHttp(first.base_url, token)
        space = owner.post("spaces", json={}).json()
        member = owner.post(f"{space['name']}/members", json={"email": "a@x.com"}).json()
        owner.close()
    with Emulator(db=database) as second:
        owner = MeetHttp(second.base_url, token)  # the token is still valid
        try:
            assert owner.get(space["name"]).json() == space
            assert owner.get(f"{space['name']}/members").json() == {"members": [member]}
            assert owner.post("spaces", json={}).json()["config"]["accessType"] == "OPEN"
        finally:
            owner.close()
    with Emulator(db=":memory:") as fresh:
        assert Control(fresh.base_url).get("spaces") == {"spaces": []}


def test_concurrent_writers_get_distinct_names_and_codes(
    emulator: Emulator, control: Control
) -> None:
    control.put("quotas", {"perUser": {"create": 1000}, "perProject": {"create": 1000}})
    token = control.token("owner@example.com")
    results: list[dict] = []
    failures: list[str] = []
    lock = threading.Lock()

    def create_many() -> None:
        caller = MeetHttp(emulator.base_url, token)
        try:
            for _ in range(25):
                response = caller.post("spaces", json={})
                with lock:
                    if response.status_code == 200:
                        results.append(response.json())
                    else:
                        failures.append(response.text)
        finally:
            caller.close()

    threads = [threading.Thread(target=create_many) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert failures == []
    assert len(results) == 200
    assert len({space["name"] for space in results}) == 200
    assert len({space["meetingCode"] for space in results}) == 200
    assert len(control.get("spaces")["spaces"]) == 200


def _start_cli(*arguments: str, cwd: Path) -> tuple[subprocess.Popen[str], str]:
    process = subprocess.Popen(
        [sys.executable, "-m", "pulumi_meet", "emulator", *arguments],
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(REPO_ROOT)},
    )
    assert process.stdout is not None
    first_line = process.stdout.readline().strip()
    return process, first_line


def _stop_cli(process: subprocess.Popen[str], stop_signal: signal.Signals) -> str:
    """Signal the emulator, wait for it, and return its stderr; kill it if it hangs."""
    try:
        process.send_signal(stop_signal)
        _, stderr = process.communicate(timeout=10)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate(timeout=10)
    return stderr


@pytest.mark.parametrize("stop_signal", [signal.SIGTERM, signal.SIGINT], ids=["TERM", "INT"])
def test_command_line(tmp_path: Path, stop_signal: signal.Signals) -> None:
    process, base_url = _start_cli("--port", "0", "--db", ":memory:", cwd=tmp_path)
    try:
        assert base_url.startswith("http://127.0.0.1:")
        caller = MeetHttp(base_url, mint_token(base_url, "owner@example.com"))
        assert caller.post("spaces", json={}).status_code == 200
        caller.close()
    finally:
        stderr = _stop_cli(process, stop_signal)
    assert process.returncode == 0, stderr
    assert not (tmp_path / ".pulumi-meet").exists()


def test_command_line_default_database(tmp_path: Path) -> None:
    process, base_url = _start_cli("--port", "0", cwd=tmp_path)
    stderr = _stop_cli(process, signal.SIGTERM)
    assert base_url.startswith("http://127.0.0.1:")
    assert process.returncode == 0, stderr
    assert (tmp_path / ".pulumi-meet" / "emulator.db").is_file()


def test_command_line_reports_a_busy_port(tmp_path: Path) -> None:
    with Emulator() as running:
        result = subprocess.run(
            [sys.executable, "-m", "pulumi_meet", "emulator", "--port", str(running.port)],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=30,
            env={**os.environ, "PYTHONPATH": str(REPO_ROOT)},
            check=False,
        )
    assert result.returncode == 1
    assert result.stdout == ""
    assert "cannot serve" in result.stderr


def test_cli_usage_error_is_one_line_and_exit_2() -> None:
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "-m", "pulumi_meet", "emulator", "--bogus"],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0
    assert result.stderr.startswith("pulumi-meet emulator: error: unrecognized arguments: --bogus")


def test_a_database_path_under_the_home_directory_is_expanded(tmp_path, monkeypatch) -> None:
    from pulumi_meet.emulator.store import Store

    monkeypatch.setenv("HOME", str(tmp_path))
    store = Store("~/state/emulator.db")
    try:
        with store.transaction() as db:
            db.execute("CREATE TABLE t (x)")
    finally:
        store.close()
    assert (tmp_path / "state" / "emulator.db").is_file()
