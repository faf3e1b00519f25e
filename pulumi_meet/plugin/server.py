"""The plugin's process: the SDK's gRPC server with pulumi-meet's errors as gRPC statuses.

``pulumi-resource-meet <engine address>`` serves :class:`~pulumi_meet.plugin.provider.MeetProvider`
on 127.0.0.1 and prints the port on stdout, as the engine expects of a plugin.
``pulumi-resource-meet --schema`` prints the package schema (the committed ``schema.json``);
``--version`` and ``--help`` print the version and what the program is.

Four departures from the SDK's servicer, all small overrides:

- Each resource request's ``type`` field (the resource's own type, which the SDK's request
  objects drop) reaches the provider through
  :data:`~pulumi_meet.plugin.provider.REQUEST_TYPE`.
- The resource calls (Check, Diff, Create, Read, Update, Delete) build the SDK's own request
  objects and answers, but convert property maps with :mod:`pulumi_meet.plugin.wire` (the same
  values, several times faster than the SDK's ``PropertyValue.unmarshal_map``/``marshal_map``,
  which were a third of the plugin's own time per call).
- An operation's :class:`~pulumi_meet.exceptions.MeetError` is answered with the matching gRPC
  status and the error's own message (the SDK would send UNKNOWN with a Python traceback).
- Read of a resource that is gone answers with NO properties: the engine takes only absent
  properties to mean "deleted", and the SDK always sends a (possibly empty) Struct.
"""

from __future__ import annotations

import asyncio
import importlib.metadata
import os
import signal
import sys
import traceback
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, Final

import grpc
from google.protobuf import empty_pb2
from pulumi.provider.experimental import provider as provider_api
from pulumi.provider.experimental.property_value import PropertyValue
from pulumi.provider.experimental.server import ProviderServicer
from pulumi.runtime import proto

import pulumi_meet
from pulumi_meet import exceptions as errors
from pulumi_meet.plugin.names import camel_text
from pulumi_meet.plugin.provider import REQUEST_TYPE, UnknownToken
from pulumi_meet.plugin.wire import marshal_map, unmarshal_map

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
    """The MeetError an exception wraps: the SDK re-raises ours as ``Exception(text)``."""
    seen: BaseException | None = error
    while seen is not None:
        if isinstance(seen, errors.MeetError):
            return seen
        seen = seen.__cause__ or seen.__context__
    return None


_Handler = Callable[[Any, Any], Awaitable[Any]]


def installed_version() -> str:
    """The installed distribution's version, the one ``pip show pulumi-meet`` prints.

    The engine records it in the state and picks the plugin by it next time. A source tree
    without installed metadata answers the package's own ``__version__``.
    """
    try:
        return importlib.metadata.version("pulumi-meet")
    except importlib.metadata.PackageNotFoundError:
        return pulumi_meet.__version__


class MeetServicer(ProviderServicer):
    """The SDK's servicer, answering pulumi-meet's errors with statuses (see the module doc)."""

    async def _guarded(self, handler: _Handler, request: Any, context: Any) -> Any:
        # The resource's own type, when the engine sends it (every request of a resource has
        # the field; an older engine leaves it empty). Set in this call's task, read below it.
        REQUEST_TYPE.set(getattr(request, "type", "") or "")
        try:
            return await handler(request, context)
        except NotImplementedError:
            raise
        except Exception as raised:
            error = _meet_error(raised)
            if error is None:
                # A bug: UNKNOWN with the traceback in the message, as the SDK answers it.
                stack = "".join(traceback.format_list(traceback.extract_tb(raised.__traceback__)))
                raise Exception(f"{raised}:\n{stack}") from raised
            await context.abort(grpc_status(error), camel_text(str(error)))

    async def CheckConfig(self, request: Any, context: Any) -> Any:
        return await self._guarded(super().CheckConfig, request, context)

    async def DiffConfig(self, request: Any, context: Any) -> Any:
        # Not the SDK's: it puts the bool `changes` in the enum field (True reads as DIFF_NONE)
        # and reads a detailed diff's `inputDiff` where the attribute is `input_diff`.
        return await self._guarded(self._diff_config, request, context)

    async def _diff_config(self, request: Any, _context: Any) -> Any:
        diff = await self._provider.diff_config(
            provider_api.DiffRequest(
                request.urn,
                request.id,
                PropertyValue.unmarshal_map(request.olds),
                PropertyValue.unmarshal_map(request.news),
                list(request.ignoreChanges),
            )
        )
        return proto.DiffResponse(
            changes=proto.DiffResponse.DIFF_SOME if diff.changes else proto.DiffResponse.DIFF_NONE,
            diffs=diff.diffs,
            detailedDiff={
                key: proto.PropertyDiff(
                    kind=proto.PropertyDiff.Kind.Value(value.kind.name), inputDiff=value.input_diff
                )
                for key, value in diff.detailed_diff.items()
            },
            hasDetailedDiff=True,
        )

    async def Configure(self, request: Any, context: Any) -> Any:
        return await self._guarded(super().Configure, request, context)

    async def Check(self, request: Any, context: Any) -> Any:
        return await self._guarded(self._check, request, context)

    async def _check(self, request: Any, _context: Any) -> Any:
        answer = await self._provider.check(
            provider_api.CheckRequest(
                request.urn,
                unmarshal_map(request.olds),
                unmarshal_map(request.news),
                request.randomSeed,
            )
        )
        failures = [
            proto.CheckFailure(property=f.property, reason=f.reason) for f in answer.failures or ()
        ]
        inputs = marshal_map(answer.inputs) if answer.inputs is not None else None
        return proto.CheckResponse(inputs=inputs, failures=failures or None)

    async def Diff(self, request: Any, context: Any) -> Any:
        return await self._guarded(self._diff, request, context)

    async def _diff(self, request: Any, _context: Any) -> Any:
        diff = await self._provider.diff(
            provider_api.DiffRequest(
                request.urn,
                request.id,
                unmarshal_map(request.olds),
                unmarshal_map(request.news),
                list(request.ignoreChanges),
            )
        )
        changes = proto.DiffResponse.DIFF_UNKNOWN
        if diff.changes is not None:
            changes = proto.DiffResponse.DIFF_SOME if diff.changes else proto.DiffResponse.DIFF_NONE
        return proto.DiffResponse(
            replaces=diff.replaces,
            stables=diff.stables,
            deleteBeforeReplace=diff.delete_before_replace,
            changes=changes,
            diffs=diff.diffs,
            detailedDiff={
                key: proto.PropertyDiff(
                    kind=proto.PropertyDiff.Kind.Value(value.kind.name), inputDiff=value.input_diff
                )
                for key, value in diff.detailed_diff.items()
            },
            hasDetailedDiff=True,
        )

    async def Create(self, request: Any, context: Any) -> Any:
        return await self._guarded(self._create, request, context)

    async def _create(self, request: Any, _context: Any) -> Any:
        created = await self._provider.create(
            provider_api.CreateRequest(
                request.urn, unmarshal_map(request.properties), request.timeout, request.preview
            )
        )
        return proto.CreateResponse(
            id=created.resource_id or "", properties=marshal_map(created.properties or {})
        )

    async def Update(self, request: Any, context: Any) -> Any:
        return await self._guarded(self._update, request, context)

    async def _update(self, request: Any, _context: Any) -> Any:
        updated = await self._provider.update(
            provider_api.UpdateRequest(
                request.urn,
                request.id,
                unmarshal_map(request.olds),
                unmarshal_map(request.news),
                timeout=request.timeout,
                ignore_changes=list(request.ignoreChanges),
                preview=request.preview,
            )
        )
        return proto.UpdateResponse(properties=marshal_map(updated.properties or {}))

    async def Delete(self, request: Any, context: Any) -> Any:
        return await self._guarded(self._delete, request, context)

    async def _delete(self, request: Any, _context: Any) -> Any:
        await self._provider.delete(
            provider_api.DeleteRequest(
                request.urn, request.id, unmarshal_map(request.properties), timeout=request.timeout
            )
        )
        return empty_pb2.Empty()

    async def Invoke(self, request: Any, context: Any) -> Any:
        return await self._guarded(super().Invoke, request, context)

    async def Read(self, request: Any, context: Any) -> Any:
        return await self._guarded(self._read, request, context)

    async def _read(self, request: Any, _context: Any) -> Any:
        found = await self._provider.read(
            provider_api.ReadRequest(
                request.urn,
                request.id,
                unmarshal_map(request.properties),
                unmarshal_map(request.inputs),
            )
        )
        if not found.resource_id:
            return proto.ReadResponse()  # gone: no properties at all
        return proto.ReadResponse(
            id=found.resource_id,
            properties=marshal_map(found.properties or {}),
            inputs=marshal_map(found.inputs or {}),
        )


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
    """The SDK's ``server.main``, serving :class:`MeetServicer`; SIGTERM stops it cleanly too."""
    from pulumi.runtime._grpc_settings import _GRPC_CHANNEL_OPTIONS
    from pulumi.runtime.proto import provider_pb2_grpc

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

    async def serve() -> None:
        server = grpc.aio.server(options=_GRPC_CHANNEL_OPTIONS)
        servicer = MeetServicer(args, installed_version(), MeetProvider(), engine)
        provider_pb2_grpc.add_ResourceProviderServicer_to_server(servicer, server)
        port = server.add_insecure_port("127.0.0.1:0")
        await server.start()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(signum, lambda: asyncio.ensure_future(server.stop(1.0)))
        sys.stdout.write(f"{port}\n")
        sys.stdout.flush()
        await server.wait_for_termination()

    asyncio.run(serve())
    # Stopped by the engine (SIGTERM / SIGINT): calls still sleeping between retries or waiting
    # for quota run on worker threads that interpreter shutdown would join, for up to
    # meet:maxRetryDurationSeconds. The engine has given up on them; leave now. (Nothing is lost:
    # the emulator and the quota ledger commit per call, and stdio is flushed here.)
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)
