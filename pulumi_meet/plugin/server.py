"""The plugin's process: a gRPC ``ResourceProvider`` server with pulumi-meet's errors as statuses.

``pulumi-resource-meet <engine address>`` serves :class:`~pulumi_meet.plugin.provider.MeetProvider`
on 127.0.0.1 and prints the port on stdout, as the engine expects of a plugin.
``pulumi-resource-meet --schema`` prints the package schema (the committed ``schema.json``);
``--version`` and ``--help`` print the version and what the program is.

A synchronous ``grpc.server``, not the SDK's asyncio servicer (``pulumi.provider.experimental``):
every call runs on a thread of the server's pool from start to end, so an operation that blocks
(a call may wait a minute for quota) holds only its own thread, with no hop from an event loop to
a worker thread and back, and no ``PropertyValue`` layer between the wire and the operations (the
two were over a third of the plugin's own time per call). The pool grows with the calls in flight
(the engine sends up to ``--parallel`` at once), so the engine's ``Cancel`` is always served, and
stops the calls that wait; the provider bounds the calls to the API.

What the engine sees is what the SDK's servicer answered, with four departures:

- A resource request's ``type`` field (the resource's own type, which the SDK's request
  objects drop) picks its operations, so a room inside a component is served.
- An operation's :class:`~pulumi_meet.exceptions.MeetError` is answered with the matching gRPC
  status and the error's own message (the SDK would send UNKNOWN with a Python traceback).
- Read of a resource that is gone answers with NO properties: the engine takes only absent
  properties to mean "deleted", and the SDK always sends a (possibly empty) Struct.
- DiffConfig answers its change as the enum (the SDK put a bool there: a change read as
  DIFF_NONE).
"""

from __future__ import annotations

import importlib.metadata
import os
import signal
import sys
import threading
import traceback
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Final

import grpc
from google.protobuf import empty_pb2
from pulumi.runtime import proto
from pulumi.runtime.proto import provider_pb2_grpc

import pulumi_meet
from pulumi_meet import exceptions as errors
from pulumi_meet.operations.registry import UnknownToken
from pulumi_meet.plugin.names import camel_text

__all__ = ["MeetServicer", "grpc_status", "installed_version", "main"]

# Most specific first: the first matching class decides the status.
_STATUSES: Final[tuple[tuple[type[errors.MeetError], grpc.StatusCode], ...]] = (
    (errors.InvalidArgument, grpc.StatusCode.INVALID_ARGUMENT),
    (errors.ConfigurationError, grpc.StatusCode.INVALID_ARGUMENT),
    (errors.FailedPrecondition, grpc.StatusCode.FAILED_PRECONDITION),
    (errors.Unauthenticated, grpc.StatusCode.UNAUTHENTICATED),
    (errors.CredentialsError, grpc.StatusCode.UNAUTHENTICATED),
    (errors.PermissionDenied, grpc.StatusCode.PERMISSION_DENIED),
    (errors.NotFound, grpc.StatusCode.NOT_FOUND),
    (errors.AlreadyExists, grpc.StatusCode.ALREADY_EXISTS),
    (errors.ResourceExhausted, grpc.StatusCode.RESOURCE_EXHAUSTED),
    (errors.Unavailable, grpc.StatusCode.UNAVAILABLE),
    (errors.TransportError, grpc.StatusCode.UNAVAILABLE),
    (errors.Internal, grpc.StatusCode.INTERNAL),
    # The create was sent and may have happened. INTERNAL, as Google maps the HTTP 500 that
    # causes it: not UNAVAILABLE or ABORTED, which invite a blind retry (a duplicate room), and
    # not UNKNOWN, which is what an unhandled exception (a bug) gets. The message says what to do.
    (errors.CreateOutcomeUnknown, grpc.StatusCode.INTERNAL),
    # The engine cancelled (Ctrl-C, `pulumi cancel`) while the call waited to retry.
    (errors.Cancelled, grpc.StatusCode.CANCELLED),
    # A resource type or function this package does not have (a newer program, an older plugin).
    (UnknownToken, grpc.StatusCode.UNIMPLEMENTED),
)


def grpc_status(error: errors.MeetError) -> grpc.StatusCode:
    """The gRPC status an error is answered with (UNKNOWN when no class matches)."""
    return next(
        (code for cls, code in _STATUSES if isinstance(error, cls)), grpc.StatusCode.UNKNOWN
    )


def _meet_error(error: BaseException) -> errors.MeetError | None:
    """The MeetError an exception is, or was raised while handling."""
    seen: BaseException | None = error
    while seen is not None:
        if isinstance(seen, errors.MeetError):
            return seen
        seen = seen.__cause__ or seen.__context__
    return None


def installed_version() -> str:
    """The installed distribution's version, the one ``pip show pulumi-meet`` prints.

    The engine records it in the state and picks the plugin by it next time. A source tree
    without installed metadata answers the package's own ``__version__``.
    """
    try:
        return importlib.metadata.version("pulumi-meet")
    except importlib.metadata.PackageNotFoundError:
        return pulumi_meet.__version__


# Most calls at once; threads are started only as calls arrive, and ended when idle.
_MAX_THREADS: Final = 1024


class MeetServicer(provider_pb2_grpc.ResourceProviderServicer):
    """The ``ResourceProvider`` service of the plugin, each call on a thread of the server's pool.

    Methods it does not define (Construct, Call, Parameterize, ...) answer UNIMPLEMENTED.
    """

    def __init__(self, version: str, provider: Any) -> None:
        self._version = version
        self._provider = provider

    def _guarded(self, handler: Callable[[Any], Any], request: Any, context: Any) -> Any:
        try:
            return handler(request)
        except Exception as raised:
            error = _meet_error(raised)
            if error is not None:
                context.abort(grpc_status(error), camel_text(str(error)))
            # A bug: UNKNOWN with the traceback in the message, as the SDK's servicer answers it.
            stack = "".join(traceback.format_list(traceback.extract_tb(raised.__traceback__)))
            context.abort(grpc.StatusCode.UNKNOWN, f"Unexpected {Exception}: {raised}:\n{stack}")
            raise  # not reached: abort raises

    def GetPluginInfo(self, request: Any, context: Any) -> Any:
        return proto.PluginInfo(version=self._version)

    def GetSchema(self, request: Any, context: Any) -> Any:
        return self._guarded(self._provider.get_schema, request, context)

    def CheckConfig(self, request: Any, context: Any) -> Any:
        return self._guarded(self._provider.check_config, request, context)

    def DiffConfig(self, request: Any, context: Any) -> Any:
        return self._guarded(self._provider.diff_config, request, context)

    def Configure(self, request: Any, context: Any) -> Any:
        return self._guarded(self._provider.configure, request, context)

    def Check(self, request: Any, context: Any) -> Any:
        return self._guarded(self._provider.check, request, context)

    def Diff(self, request: Any, context: Any) -> Any:
        return self._guarded(self._provider.diff, request, context)

    def Create(self, request: Any, context: Any) -> Any:
        return self._guarded(self._provider.create, request, context)

    def Read(self, request: Any, context: Any) -> Any:
        return self._guarded(self._provider.read, request, context)

    def Update(self, request: Any, context: Any) -> Any:
        return self._guarded(self._provider.update, request, context)

    def Delete(self, request: Any, context: Any) -> Any:
        self._guarded(self._provider.delete, request, context)
        return empty_pb2.Empty()

    def Invoke(self, request: Any, context: Any) -> Any:
        return self._guarded(self._provider.invoke, request, context)

    def Cancel(self, request: Any, context: Any) -> Any:
        self._provider.cancel()
        return empty_pb2.Empty()


_USAGE = """\
usage: pulumi-resource-meet [engine flags] ENGINE_ADDRESS
       pulumi-resource-meet --schema | --version | --help
"""
_HELP = f"""\
{_USAGE}
The `meet` provider plugin of pulumi-meet: Google Meet meeting spaces (meet:index:Space), their
co-hosts (meet:index:SpaceMember) and the data source meet:index:getSpace, for every Pulumi
language. The Pulumi engine starts it with its own gRPC address and talks to the port it prints;
you do not run it yourself.

  --schema   print the package schema (what `pulumi package add` generates an SDK from)
  --version  print the plugin's version
  --help     print this text

Docs: https://github.com/pulumi-meet/pulumi-meet/blob/main/docs/plugin.md
"""


def main(argv: Sequence[str] | None = None) -> None:
    """The console script ``pulumi-resource-meet``."""
    args = list(sys.argv[1:] if argv is None else argv)
    if args == ["--schema"]:
        from pulumi_meet.plugin.schema import schema_text

        sys.stdout.write(schema_text())
        return
    if args in (["--version"], ["-V"]):
        sys.stdout.write(f"pulumi-resource-meet {pulumi_meet.__version__}\n")
        return
    if args in (["--help"], ["-h"]):
        sys.stdout.write(_HELP)
        return
    _serve(args)


def _serve(args: list[str]) -> None:
    """Serve :class:`MeetServicer` until the engine stops the plugin (SIGTERM, or SIGINT)."""
    from pulumi.runtime._grpc_settings import _GRPC_CHANNEL_OPTIONS

    from pulumi_meet.client import progress
    from pulumi_meet.engine_log import EngineLogSink, engine_address_from_argv
    from pulumi_meet.plugin.provider import MeetProvider

    engine = engine_address_from_argv(["pulumi-resource-meet", *args])
    if engine is None:
        sys.stderr.write(
            f"{_USAGE}pulumi-resource-meet: error: no engine address (the Pulumi engine starts "
            "the plugin with one); see pulumi-resource-meet --help\n"
        )
        raise SystemExit(2)
    # Waits for quota and retries after faults: in `pulumi up`'s output, through the engine's log.
    progress.install(EngineLogSink(engine))

    pool = ThreadPoolExecutor(max_workers=_MAX_THREADS, thread_name_prefix="meet-call")
    server = grpc.server(pool, options=_GRPC_CHANNEL_OPTIONS)
    servicer = MeetServicer(installed_version(), MeetProvider())
    provider_pb2_grpc.add_ResourceProviderServicer_to_server(servicer, server)
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    stopping = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stopping.set())
    sys.stdout.write(f"{port}\n")
    sys.stdout.flush()
    stopping.wait()
    server.stop(1.0).wait()
    # Stopped by the engine (SIGTERM / SIGINT): calls still sleeping between retries or waiting
    # for quota run on pool threads that interpreter shutdown would join, for up to
    # meet:maxRetryDurationSeconds. The engine has given up on them; leave now. (Nothing is lost:
    # the emulator and the quota ledger commit per call, and stdio is flushed here.)
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)
