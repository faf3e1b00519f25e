"""The engine's side of a provider plugin, as ``pulumi up`` and ``pulumi refresh`` drive it.

:class:`EngineClient` speaks ``pulumirpc.ResourceProvider`` to a process the way Pulumi's engine
does (pulumi/pulumi ``sdk/go/common/resource/plugin/provider_plugin.go``): one insecure channel
to ``127.0.0.1:<port>`` with the receive limit raised to 400 MiB (``rpcutil.GrpcChannelOptions``,
``providerPluginDialOptions``), and requests filled field by field as the engine fills them:
``urn``, ``name``, ``type`` on every call, a 32-byte ``randomSeed`` on Check, the old inputs
*and* the old outputs on Diff and Update, a resource-status address and token on Create, Read
and Update. The same client drives the plugin and the empty floor servicer, so that whatever
this (Python) client costs is in both figures and cancels out of their difference.

:data:`ENGINE_CALLS` is how many of these calls the engine makes per operation, counted from the
engine's source (the lines are cited in docs/benchmarks.md).
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Final

import grpc
from pulumi.runtime.proto import provider_pb2, provider_pb2_grpc

from tests.plugin.host import from_struct, to_struct
from tests.process import EngineLog, ServedProcess, safe_environment

__all__ = ["ENGINE_CALLS", "ENGINE_CHANNEL_OPTIONS", "EngineClient", "served_provider"]

ENGINE_CHANNEL_OPTIONS: Final = (("grpc.max_receive_message_length", 400 * 1024 * 1024),)
"""``rpcutil.GrpcChannelOptions()``: the engine raises the receive limit to 400 MiB."""

ENGINE_CALLS: Final[Mapping[str, tuple[str, ...]]] = {
    # step_generator.go: Check of every registration, then case 4 (no old state) -> CreateStep;
    # step.go CreateStep.Apply -> prov.Create. No Diff for a resource without old state.
    "create": ("Check", "Create"),
    # step.go RefreshStep.Apply -> prov.Read, then diffResource (-> prov.Diff) to show the
    # refresh diff, unless PULUMI_ENABLE_LEGACY_REFRESH_DIFF or an external resource.
    "get": ("Read", "Diff"),
    # step_generator.go: Check, then case 3 (old state) -> sg.diff -> diffResource -> prov.Diff;
    # a change -> UpdateStep; step.go UpdateStep.Apply -> prov.Update.
    "patch": ("Check", "Diff", "Update"),
}
"""The provider calls the engine makes per operation (the apply pass, not the preview)."""

_STATUS_ADDRESS: Final = "127.0.0.1:45123"  # the shape of the engine's resource-status server
_CALL_TIMEOUT_SECONDS: Final = 120.0


def _name(urn: str) -> str:
    return urn.rsplit("::", 1)[1]


def _type(urn: str) -> str:
    """``URN.Type()``: the last ``$`` segment of the URN's type (the resource's own type)."""
    return urn.split("::")[2].rsplit("$", 1)[-1]


class EngineClient:
    """One engine -> provider channel; each method is one gRPC call shaped as the engine's."""

    def __init__(self, port: int) -> None:
        self._channel = grpc.insecure_channel(f"127.0.0.1:{port}", options=ENGINE_CHANNEL_OPTIONS)
        self._stub = provider_pb2_grpc.ResourceProviderStub(self._channel)
        self.responses: dict[str, Any] = {}
        """The last answer of each method (the floor servicer replays them)."""

    def close(self) -> None:
        self._channel.close()

    def _call(self, method: str, request: Any) -> Any:
        response = getattr(self._stub, method)(request, timeout=_CALL_TIMEOUT_SECONDS)
        self.responses[method] = response
        return response

    def configure(self, config: Mapping[str, str]) -> None:
        variables = {f"meet:config:{key}": value for key, value in config.items()}
        request = provider_pb2.ConfigureRequest(
            variables=variables, args=to_struct(config), acceptSecrets=True, acceptResources=True
        )
        self._call("Configure", request)

    def check(
        self, urn: str, olds: Mapping[str, Any], news: Mapping[str, Any]
    ) -> tuple[dict[str, Any], list[str]]:
        request = provider_pb2.CheckRequest(
            urn=urn,
            name=_name(urn),
            type=_type(urn),
            olds=to_struct(olds),
            news=to_struct(news),
            randomSeed=secrets.token_bytes(32),
        )
        response = self._call("Check", request)
        return from_struct(response.inputs), [f.reason for f in response.failures]

    def diff(
        self,
        urn: str,
        id_: str,
        old_inputs: Mapping[str, Any],
        old_outputs: Mapping[str, Any],
        news: Mapping[str, Any],
    ) -> list[str]:
        request = provider_pb2.DiffRequest(
            id=id_,
            urn=urn,
            name=_name(urn),
            type=_type(urn),
            old_inputs=to_struct(old_inputs),
            olds=to_struct(old_outputs),
            news=to_struct(news),
        )
        return list(self._call("Diff", request).diffs)

    def create(self, urn: str, properties: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
        request = provider_pb2.CreateRequest(
            urn=urn,
            name=_name(urn),
            type=_type(urn),
            properties=to_struct(properties),
            resource_status_address=_STATUS_ADDRESS,
            resource_status_token=secrets.token_hex(16),
        )
        response = self._call("Create", request)
        return response.id, from_struct(response.properties)

    def read(
        self, urn: str, id_: str, state: Mapping[str, Any], inputs: Mapping[str, Any]
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        request = provider_pb2.ReadRequest(
            id=id_,
            urn=urn,
            name=_name(urn),
            type=_type(urn),
            properties=to_struct(state),
            inputs=to_struct(inputs),
            resource_status_address=_STATUS_ADDRESS,
            resource_status_token=secrets.token_hex(16),
        )
        response = self._call("Read", request)
        return from_struct(response.properties), from_struct(response.inputs)

    def update(
        self,
        urn: str,
        id_: str,
        old_inputs: Mapping[str, Any],
        old_outputs: Mapping[str, Any],
        news: Mapping[str, Any],
    ) -> dict[str, Any]:
        request = provider_pb2.UpdateRequest(
            id=id_,
            urn=urn,
            name=_name(urn),
            type=_type(urn),
            olds=to_struct(old_outputs),
            news=to_struct(news),
            old_inputs=to_struct(old_inputs),
            resource_status_address=_STATUS_ADDRESS,
            resource_status_token=secrets.token_hex(16),
        )
        return from_struct(self._call("Update", request).properties)


@contextmanager
def served_provider(
    argv: Sequence[str | os.PathLike[str]], env: Mapping[str, str], cwd: Path
) -> Iterator[tuple[ServedProcess, EngineClient]]:
    """Start ``argv + [engine address]`` as the engine starts a plugin; always stopped."""
    engine = EngineLog().start()
    process = ServedProcess(
        [*argv, engine.address],
        env={**safe_environment(), **env},
        cwd=cwd,
        stop_signal=15,  # SIGTERM, as the engine stops a plugin
        stop_timeout=10,
    )
    try:
        client = EngineClient(process.start())
        try:
            yield process, client
        finally:
            client.close()
    finally:
        if process.running:
            process.stop()
        engine.stop()
