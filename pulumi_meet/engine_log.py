"""How a provider process talks back to the Pulumi engine: its address, and its log.

Shared by both front-ends (the dynamic provider host and the plugin). The engine starts every
provider plugin with its own gRPC address as the first argument that is not a flag
(``pulumi-resource-<name> [flags] <engine address>``); a ``pulumirpc.Engine`` stub on it sends
``Log`` requests that ``pulumi up`` shows like ``pulumi.log`` output of a program (not attached to
a resource: a provider does not learn the URN of a ``create``). :class:`EngineLogSink` is the
:mod:`pulumi_meet.client.progress` sink that does so.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Sequence

import grpc
from pulumi.runtime.proto import engine_pb2, engine_pb2_grpc

from pulumi_meet.client import progress

__all__ = ["EngineLogSink", "engine_address_from_argv"]

_LOG_TIMEOUT_SECONDS = 5.0
_FLAGS_WITH_VALUE = frozenset({"--tracing", "--root", "--logtostderr-level"})


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
