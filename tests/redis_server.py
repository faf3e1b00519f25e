"""A real ``redis-server`` (Debian's package, from PATH) on a free loopback port, for tests.

No persistence (``--save '' --appendonly no``), nothing written outside its temporary directory;
stopped by the test that started it. Outside CI a machine without ``redis-server`` skips the
tests that need it, with a reason naming it; with ``CI=true`` a missing server fails them
(``.ci/run`` installs it).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

__all__ = ["RedisServer", "free_port", "require_redis_server"]

_START_TIMEOUT_SECONDS = 10.0


def free_port() -> int:
    """A loopback port nothing listens on (now)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def require_redis_server() -> str:
    """The path of ``redis-server``; skips (fails in CI) when it is not installed."""
    path = shutil.which("redis-server")
    if path is None:
        reason = (
            "redis-server is not installed (Debian/Ubuntu: apt-get install redis-server); the "
            "Redis quota ledger tests need a real one"
        )
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    return path


class RedisServer:
    """One ``redis-server``: `start`, `stop`, `start` again on the same port, `url`."""

    def __init__(self, password: str | None = None, port: int | None = None) -> None:
        self.binary = require_redis_server()
        self.password = password
        self.port = port or free_port()
        self._dir = Path(tempfile.mkdtemp(prefix="pulumi-meet-redis-"))
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def host_port(self) -> str:
        return f"127.0.0.1:{self.port}"

    def url(self, password: str | None = None, db: int = 0) -> str:
        """``redis://[:password@]127.0.0.1:PORT/DB`` (the server's password unless given)."""
        secret = self.password if password is None else password
        auth = f":{secret}@" if secret else ""
        return f"redis://{auth}{self.host_port}/{db}"

    def start(self) -> RedisServer:
        argv = [
            self.binary, "--port", str(self.port), "--bind", "127.0.0.1",
            "--save", "", "--appendonly", "no", "--dir", str(self._dir),
            "--logfile", str(self._dir / "redis.log"), "--daemonize", "no",
        ]  # fmt: skip
        if self.password:
            argv += ["--requirepass", self.password]
        self._process = subprocess.Popen(
            argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=self._dir
        )
        deadline = time.monotonic() + _START_TIMEOUT_SECONDS
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                log = (self._dir / "redis.log").read_text(errors="replace")
                raise RuntimeError(f"redis-server exited at start: {log[-2000:]}")
            if self._answers():
                return self
            time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"redis-server did not answer on {self.host_port}")

    def _answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as connection:
                connection.sendall(b"PING\r\n")
                reply = connection.recv(64)
        except OSError:
            return False
        return reply.startswith((b"+PONG", b"-NOAUTH"))

    def stop(self) -> None:
        """SIGTERM (a kill after 5 s); idempotent. The port stays this server's for `start`."""
        process, self._process = self._process, None
        if process is None:
            return
        process.terminate()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)

    def client(self) -> object:
        """A redis-py client to it (tests inspect keys with it)."""
        import redis

        return redis.Redis(host="127.0.0.1", port=self.port, password=self.password)

    def close(self) -> None:
        self.stop()
        shutil.rmtree(self._dir, ignore_errors=True)

    def __enter__(self) -> RedisServer:
        return self.start()

    def __exit__(self, *_exc: object) -> None:
        self.close()
