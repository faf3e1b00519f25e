"""Progress messages into the Pulumi engine's log, so ``pulumi up`` shows why a call waits.

How a provider reaches the engine's log: the engine starts every provider plugin with its own
gRPC address as the first argument that is not a flag (``pulumi-resource-<name> [flags]
<engine address>``). The Python dynamic host (``python -u -m pulumi.dynamic``, started by the
``pulumi-resource-pulumi-python`` shim with the same arguments) ignores that argument and configures
the SDK without an engine, so ``pulumi.log`` there prints to stderr; the address is still in
``sys.argv``. A ``pulumirpc.Engine`` stub on it sends ``Log`` requests that the CLI shows like
``pulumi.log`` output of a program (not attached to a resource: a provider does not learn the
URN of a ``create``).

The plugin front-end (``pulumi.provider.experimental``) receives the same address: its
``main(args, ...)`` parses it and hands it to ``ProviderServicer`` (``engine_address``). The
plugin installs the same sink: ``progress.install(EngineLogSink(engine_address))``, e.g. in its
provider's ``configure``; `engine_address_from_argv(sys.argv)` gives the address there too.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Sequence

import grpc
from pulumi.runtime.proto import engine_pb2, engine_pb2_grpc

from pulumi_meet.client import progress

__all__ = [
    "EngineLogSink",
    "engine_address_from_argv",
    "in_dynamic_host",
    "install_in_dynamic_host",
]

_LOG_TIMEOUT_SECONDS = 5.0
_FLAGS_WITH_VALUE = frozenset({"--tracing", "--root", "--logtostderr-level"})
_DYNAMIC_HOST_MAIN = "pulumi.dynamic.__main__"


def engine_address_from_argv(argv: Sequence[str]) -> str | None:
    """The engine's address among a plugin's arguments (``argv[0]`` is the program), or None.

    Flags come first (``--logtostderr``, ``-v=9``, ``--tracing URL``); the address is the first
    argument that is not a flag and looks like ``host:port``.
    """
    arguments = iter(argv[1:])
    for argument in arguments:
        if argument.startswith("-"):
            if argument in _FLAGS_WITH_VALUE:
                next(arguments, None)
            continue
        host, _, port = argument.rpartition(":")
        if host and port.isdigit():
            return argument
    return None


class EngineLogSink:
    """A `progress` sink sending each message to the engine's ``Log`` (INFO; warnings WARNING).

    An engine that stops answering (the CLI went away) is not retried: the message goes to
    stderr, which the engine shows as the provider's error output.
    """

    def __init__(self, address: str) -> None:
        self.address = address
        self._channel = grpc.insecure_channel(address)
        self._stub = engine_pb2_grpc.EngineStub(self._channel)
        self._broken = False
        self._lock = threading.Lock()

    def __call__(self, event: progress.ProgressEvent) -> None:
        severity = engine_pb2.WARNING if event.kind == "warning" else engine_pb2.INFO
        text = f"pulumi-meet: {event.message}"
        if not self._broken:
            try:
                self._stub.Log(
                    engine_pb2.LogRequest(severity=severity, message=text, urn="", ephemeral=False),
                    timeout=_LOG_TIMEOUT_SECONDS,
                )
                return
            except grpc.RpcError:
                with self._lock:
                    self._broken = True
        print(text, file=sys.stderr, flush=True)

    def close(self) -> None:
        """Close the channel (tests)."""
        self._channel.close()


_INSTALLED: dict[str, EngineLogSink] = {}  # address → the sink (at most one: the engine's)
_INSTALL_LOCK = threading.Lock()


def in_dynamic_host() -> bool:
    """Whether this process is a dynamic provider host (``python -m pulumi.dynamic``)."""
    spec = getattr(sys.modules.get("__main__"), "__spec__", None)
    return getattr(spec, "name", None) == _DYNAMIC_HOST_MAIN


def install_in_dynamic_host() -> EngineLogSink | None:
    """In a dynamic provider host started by the engine: progress goes to its log (once).

    Anywhere else (a test calling a provider in-process, a program) nothing changes.
    """
    with _INSTALL_LOCK:
        if not _INSTALLED and in_dynamic_host():
            address = engine_address_from_argv(sys.argv)
            if address is not None:
                _INSTALLED[address] = EngineLogSink(address)
                progress.install(_INSTALLED[address])
        return next(iter(_INSTALLED.values()), None)
