"""Engine-side plumbing shared by every harness that starts a plugin process as the engine does.

:class:`ServedProcess` starts a process that prints its gRPC port on its first stdout line (the
dynamic provider host, ``pulumi-resource-meet``, a policy pack's analyzer), collects the rest of
its output, and stops it with a signal (kill after a timeout). :class:`ProcessHost` is the base
of the three harnesses that drive such a process over gRPC (``tests.engine.ProviderHost``,
``tests.plugin.host.PluginHost``, ``tests.policy.analyzer.Analyzer``): its environment, its
lifecycle and its channel. :class:`EngineLog` is the engine's side of ``pulumirpc.Engine``: its
address is what the engine passes a plugin, and it records the ``Log`` calls a plugin makes to it
(``pulumi up``'s output). :func:`stopped_after` is the fixture pattern that stops every host a
test started.
"""

from __future__ import annotations

import os
import queue
import signal
import subprocess
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Generic, Protocol, TypeVar

import grpc
from google.protobuf import empty_pb2
from pulumi.runtime import rpc
from pulumi.runtime.proto import engine_pb2, engine_pb2_grpc

__all__ = [
    "INFO",
    "EngineLog",
    "LogEntry",
    "ProcessHost",
    "ServedProcess",
    "safe_environment",
    "stopped_after",
    "unwrap_secrets",
]

INFO = engine_pb2.INFO
_SAFE_ENV_KEYS = ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "SYSTEMROOT")
_START_TIMEOUT_SECONDS = 30.0


def safe_environment(*extra_keys: str) -> dict[str, str]:
    """The few variables of this process a child may see (no credentials, no Meet settings)."""
    return {k: os.environ[k] for k in (*_SAFE_ENV_KEYS, *extra_keys) if k in os.environ}


def unwrap_secrets(value: Any) -> Any:
    """``removeSecrets`` of the engine: every secret wrapper of the wire replaced by its value."""
    if isinstance(value, Mapping):
        if value.get(rpc._special_sig_key) == rpc._special_secret_sig:
            return unwrap_secrets(value.get("value"))
        return {key: unwrap_secrets(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [unwrap_secrets(item) for item in value]
    return value


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


_Stub = TypeVar("_Stub")
_Host = TypeVar("_Host", bound="ProcessHost[Any]")


class ProcessHost(Generic[_Stub]):
    """A process the engine starts and then drives over gRPC, seen from the engine's side.

    ``env`` is the whole environment of the process beyond :func:`safe_environment` (and the
    ``extra_keys`` a subclass lets through): nothing else leaks in from the test process.
    ``stub_type`` builds the gRPC client (:attr:`stub`) once the process serves. ``engine_log``,
    when given, is started before the process (whose argv may then carry its address) and stopped
    after it. Subclasses say how the process is started (:meth:`argv`, the stop signal and
    timeout) and may make the engine's first calls in :meth:`connected`. Use as a context
    manager, or call :meth:`stop`.
    """

    stop_signal: int = signal.SIGINT
    stop_timeout: float = 5.0

    def __init__(
        self,
        env: Mapping[str, str] | None,
        cwd: str | os.PathLike[str] | None,
        *,
        stub_type: Callable[[grpc.Channel], _Stub],
        extra_keys: Sequence[str] = (),
        engine_log: EngineLog | None = None,
    ) -> None:
        self.env = safe_environment(*extra_keys)
        self.env.update(env or {})
        self.cwd = Path(cwd) if cwd is not None else Path.cwd()
        self.port: int | None = None
        self.returncode: int | None = None
        self._stub_type = stub_type
        self._stub: _Stub | None = None
        self._engine_log = engine_log
        self._process: ServedProcess | None = None
        self._channel: grpc.Channel | None = None

    def argv(self) -> list[str]:
        """The command line that starts the process."""
        raise NotImplementedError

    def connected(self) -> None:
        """Called once :attr:`stub` is ready: the engine's first calls, if any."""

    def start_failed(self, error: RuntimeError) -> Exception:
        """What :meth:`start` raises when the process does not serve (by default ``error``)."""
        return error

    def start(self: _Host) -> _Host:
        """Start the process and connect; returns self (:meth:`start_failed` on failure)."""
        if self.running:
            # A second process would replace the first, which would then never be stopped.
            raise RuntimeError(f"this {type(self).__name__} is already started")
        if self._engine_log is not None:
            self._engine_log.start()
        self._process = ServedProcess(
            self.argv(),
            env=self.env,
            cwd=self.cwd,
            stop_signal=self.stop_signal,
            stop_timeout=self.stop_timeout,
        )
        try:
            self.port = self._process.start()
        except RuntimeError as error:
            if self._engine_log is not None:
                self._engine_log.stop()
            raise self.start_failed(error) from None
        self._channel = grpc.insecure_channel(f"127.0.0.1:{self.port}")
        self._stub = self._stub_type(self._channel)
        self.connected()
        return self

    def stop(self) -> None:
        """Close the channel, stop the process (signal, kill after the timeout), then the engine
        log; the process's return code is kept. Idempotent."""
        if self._channel is not None:
            self._channel.close()
            self._channel = None
        if self._process is not None and self._process.running:
            self._process.stop()
            self.returncode = self._process.returncode
        if self._engine_log is not None:
            self._engine_log.stop()

    def __enter__(self: _Host) -> _Host:
        return self if self.running else self.start()

    def __exit__(self, *_exc: object) -> None:
        self.stop()

    @property
    def stub(self) -> _Stub:
        """The gRPC client of the process."""
        if self._stub is None:
            raise RuntimeError(f"this {type(self).__name__} is not started")
        return self._stub

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.running

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process is not None else None

    @property
    def stdout(self) -> str:
        """Everything the process printed on stdout after its port line."""
        return self._process.stdout if self._process is not None else ""

    @property
    def stderr(self) -> str:
        return self._process.stderr if self._process is not None else ""


class _Stoppable(Protocol):
    def start(self) -> Any: ...

    def stop(self) -> None: ...


_H = TypeVar("_H", bound=_Stoppable)


@contextmanager
def stopped_after(make: Callable[..., _H]) -> Iterator[Callable[..., _H]]:
    """A ``start(...)`` that builds a host with ``make(...)`` and starts it; on leaving, every
    host started is stopped (the body of the ``start_*`` fixtures)."""
    started: list[_H] = []

    def start(*args: Any, **kwargs: Any) -> _H:
        host = make(*args, **kwargs)
        started.append(host)
        host.start()
        return host

    try:
        yield start
    finally:
        for host in started:
            host.stop()


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
