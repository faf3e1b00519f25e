"""Engine-side plumbing shared by every harness that starts a plugin process as the engine does.

:class:`ServedProcess` starts a process that prints its gRPC port on its first stdout line (the
dynamic provider host, ``pulumi-resource-meet``, a policy pack's analyzer), collects the rest of
its output, and stops it with a signal (kill after a timeout). :class:`EngineLog` is the engine's
side of ``pulumirpc.Engine``: its address is what the engine passes a plugin, and it records the
``Log`` calls a plugin makes to it (``pulumi up``'s output).
"""

from __future__ import annotations

import os
import queue
import signal
import subprocess
import threading
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import grpc
from google.protobuf import empty_pb2
from pulumi.runtime.proto import engine_pb2, engine_pb2_grpc

__all__ = ["INFO", "EngineLog", "LogEntry", "ServedProcess", "safe_environment"]

INFO = engine_pb2.INFO
_SAFE_ENV_KEYS = ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "SYSTEMROOT")
_START_TIMEOUT_SECONDS = 30.0


def safe_environment(*extra_keys: str) -> dict[str, str]:
    """The few variables of this process a child may see (no credentials, no Meet settings)."""
    return {k: os.environ[k] for k in (*_SAFE_ENV_KEYS, *extra_keys) if k in os.environ}


class ServedProcess:
    """A process serving gRPC on the port it prints first, with its output kept for assertions."""

    def __init__(
        self,
        argv: Sequence[str | os.PathLike[str]],
        *,
        env: Mapping[str, str],
        cwd: str | os.PathLike[str],
        stop_signal: int = signal.SIGINT,
        stop_timeout: float = 5.0,
    ) -> None:
        self.argv = [str(arg) for arg in argv]
        self.env = dict(env)
        self.cwd = Path(cwd)
        self.stop_signal = stop_signal
        self.stop_timeout = stop_timeout
        self.returncode: int | None = None
        self._stdout: list[str] = []
        self._stderr: list[str] = []
        self._lock = threading.Lock()
        self._pumps: list[threading.Thread] = []
        self._process: subprocess.Popen[str] | None = None

    def start(self) -> int:
        """Start the process; its port once printed (RuntimeError with its stderr otherwise)."""
        if self._process is not None:
            # A second process would replace the first, which would then never be stopped.
            raise RuntimeError(f"{Path(self.argv[0]).name} is already started")
        self._process = subprocess.Popen(
            self.argv,
            cwd=self.cwd,
            env=self.env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        assert self._process.stdout is not None and self._process.stderr is not None
        first_line: queue.Queue[str] = queue.Queue()
        self._pump(self._process.stdout, self._stdout, first_line)
        self._pump(self._process.stderr, self._stderr, None)
        try:
            return int(first_line.get(timeout=_START_TIMEOUT_SECONDS).strip())
        except (queue.Empty, ValueError):
            # A process that failed to start exits on its own: collect all it said on stderr.
            self.stop()
            raise RuntimeError(
                f"{Path(self.argv[0]).name} did not print its port:\n{self.stderr}"
            ) from None

    def _pump(self, stream: IO[str], sink: list[str], first: queue.Queue[str] | None) -> None:
        def run() -> None:
            for number, line in enumerate(stream):
                if first is not None and number == 0:
                    first.put(line)
                    continue
                with self._lock:
                    sink.append(line)

        pump = threading.Thread(target=run, daemon=True, name=f"{self.argv[0]}-output")
        pump.start()
        self._pumps.append(pump)

    def stop(self) -> None:
        """Send the stop signal, kill after the timeout, and keep the return code. Idempotent."""
        process, self._process = self._process, None
        if process is None:
            return
        if process.poll() is None:
            process.send_signal(self.stop_signal)
            try:
                process.wait(timeout=self.stop_timeout)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=5)
        self.returncode = process.returncode
        for pump in self._pumps:  # the pipes are closed now: the last lines are in
            pump.join(timeout=2)

    @property
    def running(self) -> bool:
        return self._process is not None

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process is not None else None

    @property
    def stdout(self) -> str:
        """Everything the process printed on stdout after its port line."""
        with self._lock:
            return "".join(self._stdout)

    @property
    def stderr(self) -> str:
        with self._lock:
            return "".join(self._stderr)


@dataclass(frozen=True)
class LogEntry:
    """One ``Log`` request the engine received."""

    severity: int
    message: str
    urn: str
    ephemeral: bool


class EngineLog(engine_pb2_grpc.EngineServicer):
    """The engine's side of ``pulumirpc.Engine``, recording ``Log`` requests.

    The real engine starts a plugin with its address as the first argument; give this one's
    :attr:`address` to a plugin to see what it logs.
    """

    def __init__(self) -> None:
        self.entries: list[LogEntry] = []
        self._lock = threading.Lock()
        self._server: grpc.Server | None = None
        self.address = ""

    def start(self) -> EngineLog:
        """Serve on a loopback port (:attr:`address`)."""
        server = grpc.server(ThreadPoolExecutor(max_workers=2))
        engine_pb2_grpc.add_EngineServicer_to_server(self, server)
        port = server.add_insecure_port("127.0.0.1:0")
        server.start()
        self._server = server
        self.address = f"127.0.0.1:{port}"
        return self

    def stop(self) -> None:
        """Stop serving (idempotent)."""
        server, self._server = self._server, None
        if server is not None:
            server.stop(grace=None).wait(timeout=5)

    def __enter__(self) -> EngineLog:
        return self.start() if self._server is None else self

    def __exit__(self, *_exc: object) -> None:
        self.stop()

    def Log(self, request: Any, context: Any) -> Any:
        with self._lock:
            self.entries.append(
                LogEntry(request.severity, request.message, request.urn, request.ephemeral)
            )
        return empty_pb2.Empty()

    def GetRootResource(self, request: Any, context: Any) -> Any:
        return engine_pb2.GetRootResourceResponse(urn="")

    def SetRootResource(self, request: Any, context: Any) -> Any:
        return engine_pb2.SetRootResourceResponse()

    def messages(self, severity: int | None = None) -> list[str]:
        """The logged messages (of one severity, e.g. :data:`INFO`), in order."""
        with self._lock:
            return [e.message for e in self.entries if severity in (None, e.severity)]
