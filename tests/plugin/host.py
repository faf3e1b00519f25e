"""A harness that drives the ``pulumi-resource-meet`` plugin the way the Pulumi engine does.

``PluginHost(env, cwd)`` starts the installed console script (from this interpreter's
environment) with the address of a :class:`tests.process.EngineLog` (a real gRPC
``pulumirpc.Engine`` that records ``Log`` calls), reads the port from the first stdout line,
and speaks ``pulumirpc.ResourceProvider`` to it: GetPluginInfo, GetSchema,
CheckConfig/Configure (config as ``variables`` keyed ``meet:config:<key>`` and as ``args``),
Check, Diff, Create, Read, Update, Delete, Invoke. Property values cross as
``google.protobuf.Struct`` with the engine's wire forms (the unknown sentinel, the secret
wrapper). Every call is recorded; stdout and stderr are kept.

Requests carry what pulumi/pulumi's ``provider_plugin.go`` puts in them: ``urn``, ``name``
(``URN.Name()``) and ``type`` (``URN.Type()``: the last ``$`` segment of the URN's type, the
resource's own type even inside components). ``PluginHost(sends_type=False)`` leaves ``type``
empty, as an older engine does. Configure's ``variables`` are built as the engine builds them
(strings kept, other values JSON-encoded, secrets unwrapped, ``version`` left out) while ``args``
keep the secret wrappers.
"""

from __future__ import annotations

import json
import os
import signal
import sys
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import grpc
from google.protobuf import empty_pb2, struct_pb2
from pulumi.runtime import rpc
from pulumi.runtime.proto import provider_pb2, provider_pb2_grpc

from tests.process import EngineLog, ServedProcess, safe_environment

__all__ = [
    "PLUGIN",
    "PROVIDER_URN",
    "UNKNOWN",
    "DiffOutcome",
    "PluginError",
    "PluginHost",
    "engine_type",
    "engine_variables",
    "secret",
    "urn",
]

PLUGIN = Path(sys.executable).parent / "pulumi-resource-meet"
"""The console script ``pip install`` put beside this interpreter."""
UNKNOWN = rpc.UNKNOWN
"""The engine's wire form of an unknown value."""
_SECRET_SIG = rpc._special_sig_key
_SECRET_VALUE = rpc._special_secret_sig
_CALL_TIMEOUT_SECONDS = 120.0


def urn(type_: str, name: str, parents: tuple[str, ...] = ()) -> str:
    """The URN of a resource of stack ``dev``, project ``rooms``.

    ``parents``: the types of the components it is declared in, outermost first; the engine
    writes the whole chain (``my:index:Office$my:index:TeamRooms$meet:index:Space``).
    """
    return f"urn:pulumi:dev::rooms::{'$'.join((*parents, type_))}::{name}"


PROVIDER_URN = urn("pulumi:providers:meet", "default_0_1_0")
"""The URN of the default ``meet`` provider."""


def engine_type(urn_: str) -> str:
    """``URN.Type()`` of pulumi/pulumi: the last ``$`` segment of the URN's type component."""
    qualified = urn_.removeprefix("urn:pulumi:").split("::", 3)[2]
    return qualified.rsplit("$", 1)[-1]


def engine_name(urn_: str) -> str:
    """``URN.Name()`` of pulumi/pulumi: everything after the type component."""
    return urn_.removeprefix("urn:pulumi:").split("::", 3)[3]


def _unwrapped(value: Any) -> Any:
    """``removeSecrets`` of the engine: every secret wrapper replaced by its value."""
    if isinstance(value, Mapping):
        if value.get(_SECRET_SIG) == _SECRET_VALUE:
            return _unwrapped(value["value"])
        return {key: _unwrapped(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_unwrapped(item) for item in value]
    return value


def _go_json(value: Any) -> str:
    """``json.Marshal`` of Go: compact, and a whole float64 without a fraction (``5``)."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return json.dumps(value, separators=(",", ":"))


def engine_variables(inputs: Mapping[str, Any]) -> dict[str, str]:
    """Configure's ``variables`` as the engine builds them from the provider's inputs."""
    variables = {}
    for key, value in inputs.items():
        if key == "version":
            continue
        plain = _unwrapped(value)
        text = plain if isinstance(plain, str) else _go_json(plain)
        variables[f"meet:config:{key}"] = text
    return variables


def secret(value: Any) -> dict[str, Any]:
    """``value`` in the engine's secret wrapper."""
    return {_SECRET_SIG: _SECRET_VALUE, "value": value}


def to_struct(properties: Mapping[str, Any]) -> struct_pb2.Struct:
    struct = struct_pb2.Struct()
    struct.update(dict(properties))
    return struct


def _plain(value: Any) -> Any:
    if isinstance(value, struct_pb2.Struct):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, struct_pb2.ListValue):
        return [_plain(item) for item in value]
    return value


def from_struct(struct: struct_pb2.Struct) -> dict[str, Any]:
    """A Struct as plain data (secret wrappers kept, so that tests can see them)."""
    plain: dict[str, Any] = _plain(struct)
    return plain


class PluginError(Exception):
    """A gRPC call failed: ``code`` and ``details`` are the status the plugin answered with."""

    def __init__(self, method: str, code: grpc.StatusCode, details: str) -> None:
        super().__init__(f"{method}: {code.name}: {details}")
        self.method = method
        self.code = code
        self.details = details


@dataclass
class DiffOutcome:
    changes: int
    replaces: list[str]
    diffs: list[str]
    detailed: dict[str, str]
    """Property path -> kind name (``UPDATE``, ``UPDATE_REPLACE``, ``ADD``...)."""
    delete_before_replace: bool


class PluginHost:
    """A running ``pulumi-resource-meet`` and a gRPC client to it (see the module doc).

    ``env`` is the whole environment of the process beyond PATH, HOME and the locale. Use as a
    context manager, or call :meth:`stop`.
    """

    def __init__(
        self,
        env: Mapping[str, str] | None = None,
        cwd: str | os.PathLike[str] | None = None,
        command: Sequence[str | os.PathLike[str]] = (PLUGIN,),
        *,
        sends_type: bool = True,
    ) -> None:
        """``command`` is what runs before the engine's address (the console script by default;
        ``python <plugin folder>`` as the Python language host starts a source-based plugin)."""
        from pulumi_meet.pacing import ledger

        self.env = safe_environment()
        # The ledger this process would use by default (a test's own, see tests/conftest.py).
        self.env["MEET_QUOTA_LEDGER"] = ledger.DEFAULT_PATH
        self.env.update(env or {})
        self.cwd = Path(cwd) if cwd is not None else Path.cwd()
        self.sends_type = sends_type
        """Whether resource requests carry ``type`` (today's engine) or leave it empty."""
        self.command = list(command)
        self.calls: list[str] = []
        self.engine = EngineLog()
        self.returncode: int | None = None
        self._lock = threading.Lock()
        self._process: ServedProcess | None = None
        self._channel: grpc.Channel | None = None
        self._stub: provider_pb2_grpc.ResourceProviderStub | None = None

    # ------------------------------------------------------------------ lifecycle

    def start(self) -> PluginHost:
        if self._process is not None and self._process.running:
            raise RuntimeError("this PluginHost is already started")
        self.engine.start()
        # SIGTERM, as the engine stops a plugin; a clean stop is quick, so a kill after 10 s.
        self._process = ServedProcess(
            [*self.command, self.engine.address],
            env=self.env,
            cwd=self.cwd,
            stop_signal=signal.SIGTERM,
            stop_timeout=10,
        )
        try:
            port = self._process.start()
        except RuntimeError:
            self.engine.stop()
            raise
        self.port = port
        self._channel = grpc.insecure_channel(f"127.0.0.1:{port}")
        self._stub = provider_pb2_grpc.ResourceProviderStub(self._channel)
        return self

    def stop(self) -> None:
        """Close the channel, SIGTERM the plugin (kill after 10 s), stop the engine. Idempotent."""
        if self._channel is not None:
            self._channel.close()
            self._channel = None
        if self._process is not None and self._process.running:
            self._process.stop()
            self.returncode = self._process.returncode
        self.engine.stop()

    def __enter__(self) -> PluginHost:
        return self.start() if self._process is None or not self._process.running else self

    def __exit__(self, *_exc: object) -> None:
        self.stop()

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process is not None else None

    @property
    def stdout(self) -> str:
        return self._process.stdout if self._process is not None else ""

    @property
    def stderr(self) -> str:
        return self._process.stderr if self._process is not None else ""

    # ------------------------------------------------------------------ calls

    @property
    def stub(self) -> provider_pb2_grpc.ResourceProviderStub:
        if self._stub is None:
            raise RuntimeError("the plugin is not started")
        return self._stub

    def call(self, method: str, request: Any) -> Any:
        """One gRPC call; a failure raises :class:`PluginError` with the status."""
        with self._lock:
            self.calls.append(method)
        try:
            return getattr(self.stub, method)(request, timeout=_CALL_TIMEOUT_SECONDS)
        except grpc.RpcError as error:
            raise PluginError(method, error.code(), error.details() or "") from None

    def plugin_info(self) -> str:
        version: str = self.call("GetPluginInfo", empty_pb2.Empty()).version
        return version

    def schema(self) -> str:
        text: str = self.call("GetSchema", provider_pb2.GetSchemaRequest(version=0)).schema
        return text

    def _type(self, urn_: str) -> str:
        """The ``type`` field the engine sets beside ``urn`` (and ``name``)."""
        return engine_type(urn_) if self.sends_type else ""

    def check_config(self, news: Mapping[str, Any]) -> tuple[dict[str, Any], list[tuple[str, str]]]:
        request = provider_pb2.CheckRequest(
            urn=PROVIDER_URN,
            name=engine_name(PROVIDER_URN),
            type=self._type(PROVIDER_URN),
            olds=to_struct({}),
            news=to_struct(news),
        )
        response = self.call("CheckConfig", request)
        failures = [(f.property, f.reason) for f in response.failures]
        return from_struct(response.inputs), failures

    def configure(self, config: Mapping[str, Any]) -> provider_pb2.ConfigureResponse:
        """Configure as the engine does: ``meet:config:<key>`` variables and ``args``."""
        request = provider_pb2.ConfigureRequest(
            urn=PROVIDER_URN,
            name=engine_name(PROVIDER_URN),
            type="pulumi:providers:meet",
            variables=engine_variables(config),
            args=to_struct(config),
            acceptSecrets=True,
            acceptResources=True,
            sends_old_inputs=True,
            sends_old_inputs_to_delete=True,
        )
        response: provider_pb2.ConfigureResponse = self.call("Configure", request)
        return response

    def check(
        self, urn_: str, olds: Mapping[str, Any], news: Mapping[str, Any]
    ) -> tuple[dict[str, Any], list[tuple[str, str]]]:
        request = provider_pb2.CheckRequest(
            urn=urn_,
            name=engine_name(urn_),
            type=self._type(urn_),
            olds=to_struct(olds),
            news=to_struct(news),
        )
        response = self.call("Check", request)
        return from_struct(response.inputs), [(f.property, f.reason) for f in response.failures]

    def diff(
        self, urn_: str, id_: str, olds: Mapping[str, Any], news: Mapping[str, Any]
    ) -> DiffOutcome:
        request = provider_pb2.DiffRequest(
            urn=urn_,
            name=engine_name(urn_),
            type=self._type(urn_),
            id=id_,
            olds=to_struct(olds),
            news=to_struct(news),
        )
        response = self.call("Diff", request)
        kinds = provider_pb2.PropertyDiff.Kind
        return DiffOutcome(
            changes=response.changes,
            replaces=list(response.replaces),
            diffs=list(response.diffs),
            detailed={k: kinds.Name(v.kind) for k, v in response.detailedDiff.items()},
            delete_before_replace=response.deleteBeforeReplace,
        )

    def create(
        self, urn_: str, properties: Mapping[str, Any], *, preview: bool = False
    ) -> tuple[str, dict[str, Any]]:
        request = provider_pb2.CreateRequest(
            urn=urn_,
            name=engine_name(urn_),
            type=self._type(urn_),
            properties=to_struct(properties),
            preview=preview,
        )
        response = self.call("Create", request)
        return response.id, from_struct(response.properties)

    def read(
        self,
        urn_: str,
        id_: str,
        properties: Mapping[str, Any] | None = None,
        inputs: Mapping[str, Any] | None = None,
    ) -> tuple[str, dict[str, Any], dict[str, Any]] | None:
        """(ID, outputs, inputs), or ``None`` when the plugin says the resource is gone."""
        request = provider_pb2.ReadRequest(
            urn=urn_,
            name=engine_name(urn_),
            type=self._type(urn_),
            id=id_,
            properties=to_struct(properties or {}),
            inputs=to_struct(inputs or {}),
        )
        response = self.call("Read", request)
        if not response.HasField("properties"):
            return None
        return response.id, from_struct(response.properties), from_struct(response.inputs)

    def update(
        self,
        urn_: str,
        id_: str,
        olds: Mapping[str, Any],
        news: Mapping[str, Any],
        *,
        preview: bool = False,
    ) -> dict[str, Any]:
        request = provider_pb2.UpdateRequest(
            urn=urn_,
            name=engine_name(urn_),
            type=self._type(urn_),
            id=id_,
            olds=to_struct(olds),
            news=to_struct(news),
            preview=preview,
        )
        return from_struct(self.call("Update", request).properties)

    def delete(self, urn_: str, id_: str, properties: Mapping[str, Any]) -> None:
        request = provider_pb2.DeleteRequest(
            urn=urn_,
            name=engine_name(urn_),
            type=self._type(urn_),
            id=id_,
            properties=to_struct(properties),
        )
        self.call("Delete", request)

    def invoke(
        self, token: str, args: Mapping[str, Any]
    ) -> tuple[dict[str, Any], list[tuple[str, str]]]:
        response = self.call("Invoke", provider_pb2.InvokeRequest(tok=token, args=to_struct(args)))
        returned = from_struct(getattr(response, "return"))
        return returned, [(f.property, f.reason) for f in response.failures]
