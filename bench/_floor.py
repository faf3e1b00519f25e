"""The floor: an empty Python ``ResourceProvider`` that answers every call at once.

``python bench/_floor.py RESPONSES_JSON ENGINE_ADDRESS`` serves, on 127.0.0.1, a servicer whose
Configure, Check, Diff, Create, Read and Update return a canned answer at once: the plugin's own
answer to the same call, recorded by the benchmark (so the messages on the wire have the
plugin's sizes). It is served exactly as the plugin is (a synchronous ``grpc.server`` on a
thread pool, with the SDK's ``_GRPC_CHANNEL_OPTIONS`` and the SDK's generated
``add_ResourceProviderServicer_to_server``, so the requests are parsed and the answers
serialised by the same protobuf code), and it prints its port like a plugin. What a call costs
here is what any Python provider pays before doing anything: the gRPC floor.

Run as a file, not a module: it needs nothing of ``bench`` or ``pulumi_meet``.
"""

from __future__ import annotations

import base64
import json
import signal
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import grpc
from pulumi.runtime._grpc_settings import _GRPC_CHANNEL_OPTIONS
from pulumi.runtime.proto import provider_pb2, provider_pb2_grpc

__all__ = ["FloorServicer", "encode_responses"]

_RESPONSE_TYPES: dict[str, Any] = {
    "Configure": provider_pb2.ConfigureResponse,
    "Check": provider_pb2.CheckResponse,
    "Diff": provider_pb2.DiffResponse,
    "Create": provider_pb2.CreateResponse,
    "Read": provider_pb2.ReadResponse,
    "Update": provider_pb2.UpdateResponse,
}


def encode_responses(responses: dict[str, Any]) -> str:
    """The recorded answers as the JSON this process reads (method -> base64 of the message)."""
    return json.dumps(
        {
            method: base64.b64encode(message.SerializeToString()).decode()
            for method, message in responses.items()
            if method in _RESPONSE_TYPES
        }
    )


class FloorServicer(provider_pb2_grpc.ResourceProviderServicer):
    """Every resource call answered at once with its canned answer."""

    def __init__(self, responses: dict[str, Any]) -> None:
        self._responses = responses

    def Configure(self, request: Any, context: Any) -> Any:
        return self._responses["Configure"]

    def Check(self, request: Any, context: Any) -> Any:
        return self._responses["Check"]

    def Diff(self, request: Any, context: Any) -> Any:
        return self._responses["Diff"]

    def Create(self, request: Any, context: Any) -> Any:
        return self._responses["Create"]

    def Read(self, request: Any, context: Any) -> Any:
        return self._responses["Read"]

    def Update(self, request: Any, context: Any) -> Any:
        return self._responses["Update"]


_MAX_THREADS = 1024  # as the plugin's server (pulumi_meet/plugin/server.py)


def _serve(responses: dict[str, Any]) -> None:
    pool = ThreadPoolExecutor(max_workers=_MAX_THREADS, thread_name_prefix="floor-call")
    server = grpc.server(pool, options=_GRPC_CHANNEL_OPTIONS)
    provider_pb2_grpc.add_ResourceProviderServicer_to_server(FloorServicer(responses), server)
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    stopping = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stopping.set())
    sys.stdout.write(f"{port}\n")
    sys.stdout.flush()
    stopping.wait()
    server.stop(0).wait()


def main(argv: list[str]) -> None:
    encoded = json.loads(Path(argv[0]).read_text())
    responses = {
        method: _RESPONSE_TYPES[method].FromString(base64.b64decode(text))
        for method, text in encoded.items()
    }
    _serve(responses)


if __name__ == "__main__":
    main(sys.argv[1:])
