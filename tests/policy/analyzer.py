"""Drive a Python policy pack the way the Pulumi engine does, with no Pulumi CLI.

The engine starts ``python -u -m pulumi.policy <engine-address> <pack-dir>`` in the pack's
directory. ``pulumi.policy``'s ``__main__`` runs the pack's ``__main__.py``, whose
``PolicyPack(...)`` starts a gRPC ``pulumirpc.Analyzer`` server on a free loopback port, prints
the port as the first stdout line and blocks. The engine then calls ``GetPluginInfo``,
``GetAnalyzerInfo`` and ``Configure`` (the stack's policy config, validated against each policy's
schema by the CLI), and, during a preview or an update, ``Analyze`` once per resource and
``AnalyzeStack`` at the end.

What the engine sends (pkg/resource/plugin/analyzer_plugin.go): the resource's type, URN and name,
its properties marshalled with unknowns and secrets kept and **top-level keys starting with ``__``
dropped** (so no ``__provider``), its options, and its provider resource. ``Analyze`` gets the
checked inputs; ``AnalyzeStack`` the final outputs of every resource (for a resource a preview
would create: its inputs).

The interpreter: like the CLI, the analyzer runs in the pack's own virtualenv (PulumiPolicy.yaml's
``runtime.options.virtualenv``), created and filled from the pack's requirements.txt on first use
(:func:`pack_python`). It must be separate: pulumi-policy pins protobuf 5.29, while the test
environment's google-apps-meet needs protobuf 6.

The engine address: pulumi-policy 1.21 parses it and never dials it (its log calls go to stderr),
but :class:`Analyzer` passes the address of a real :class:`tests.process.EngineLog` that records
``Log`` calls, so a pack that logged through the engine would be seen too.
"""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from google.protobuf import empty_pb2, json_format, struct_pb2
from pulumi.output import Unknown
from pulumi.runtime import rpc
from pulumi.runtime.proto import analyzer_pb2, analyzer_pb2_grpc

from tests.process import EngineLog, ProcessHost

__all__ = [
    "PACK_DIR",
    "Analyzer",
    "Diagnostic",
    "EngineResource",
    "engine_properties",
    "pack_python",
]

PACK_DIR = Path(__file__).resolve().parents[2] / "policy-pack"
_INSTALL_TIMEOUT_SECONDS = 600.0
_CALL_TIMEOUT_SECONDS = 30.0
_LEVELS = {
    "advisory": analyzer_pb2.ADVISORY,
    "mandatory": analyzer_pb2.MANDATORY,
    "remediate": analyzer_pb2.REMEDIATE,
    "disabled": analyzer_pb2.DISABLED,
}
LEVEL_NAMES = {value: name for name, value in _LEVELS.items()}


def pack_python(pack_dir: Path = PACK_DIR) -> Path:
    """The pack's virtualenv interpreter, set up as ``pulumi`` sets up a Python policy pack.

    ``python -m venv <virtualenv>`` and ``pip install -r requirements.txt``, redone only when
    requirements.txt changed (a marker file keeps its hash).
    """
    manifest = yaml.safe_load((pack_dir / "PulumiPolicy.yaml").read_text())
    venv = pack_dir / str(manifest["runtime"]["options"]["virtualenv"])
    python = venv / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    requirements = pack_dir / "requirements.txt"
    digest = hashlib.sha256(requirements.read_bytes()).hexdigest()
    marker = venv / ".requirements.sha256"
    if python.is_file() and marker.is_file() and marker.read_text() == digest:
        return python
    for command in (
        [sys.executable, "-m", "venv", "--clear", str(venv)],
        [str(python), "-m", "pip", "install", "-q", "-r", str(requirements)],
    ):
        result = subprocess.run(
            command,
            capture_output=True,
            text=True,
            check=False,
            timeout=_INSTALL_TIMEOUT_SECONDS,
        )
        if result.returncode != 0:
            raise RuntimeError(f"{' '.join(command)} failed:\n{result.stdout}{result.stderr}")
    marker.write_text(digest)
    return python


@dataclass(frozen=True)
class EngineResource:
    """One resource as the engine describes it to an analyzer."""

    type: str
    name: str
    properties: Mapping[str, Any]
    """Plain values; unknowns as the SDK's sentinel strings, secrets as the wire's wrapped form."""
    project: str = "meet-test"
    stack: str = "dev"
    parent: str = ""
    dependencies: tuple[str, ...] = ()
    protect: bool = False

    @property
    def urn(self) -> str:
        return f"urn:pulumi:{self.stack}::{self.project}::{self.type}::{self.name}"

    @property
    def provider_type(self) -> str:
        if self.type.startswith("pulumi-python:dynamic"):
            return "pulumi:providers:pulumi-python"
        return f"pulumi:providers:{self.type.split(':', 1)[0]}"

    def _provider(self) -> analyzer_pb2.AnalyzerProviderResource:
        return analyzer_pb2.AnalyzerProviderResource(
            type=self.provider_type,
            urn=f"urn:pulumi:{self.stack}::{self.project}::{self.provider_type}::default",
            name="default",
            properties=struct_pb2.Struct(),
        )

    def _options(self) -> analyzer_pb2.AnalyzerResourceOptions:
        return analyzer_pb2.AnalyzerResourceOptions(
            protect=self.protect,
            parent=self.parent,
            customTimeouts=analyzer_pb2.AnalyzerResourceOptions.CustomTimeouts(),
        )

    def analyze_request(self) -> analyzer_pb2.AnalyzeRequest:
        return analyzer_pb2.AnalyzeRequest(
            type=self.type,
            properties=engine_properties(self.properties),
            urn=self.urn,
            name=self.name,
            options=self._options(),
            provider=self._provider(),
        )

    def stack_resource(self) -> analyzer_pb2.AnalyzerResource:
        return analyzer_pb2.AnalyzerResource(
            type=self.type,
            properties=engine_properties(self.properties),
            urn=self.urn,
            name=self.name,
            options=self._options(),
            provider=self._provider(),
            parent=self.parent,
            dependencies=list(self.dependencies),
        )


def engine_properties(
    properties: Mapping[str, Any], *, skip_internal_keys: bool = True
) -> struct_pb2.Struct:
    """Marshal properties as the engine does for analyzers: top-level ``__`` keys dropped."""
    struct = struct_pb2.Struct()
    struct.update(
        {
            key: _wire(value)
            for key, value in properties.items()
            if value is not None and not (skip_internal_keys and key.startswith("__"))
        }
    )
    return struct


def _wire(value: Any) -> Any:
    """Unknowns (as a provider's Check returns them in a preview) in their wire form."""
    if isinstance(value, Unknown):
        return rpc.UNKNOWN
    if isinstance(value, Mapping):
        return {k: _wire(v) for k, v in value.items() if v is not None}
    if isinstance(value, list | tuple):
        return [_wire(v) for v in value]
    return value


@dataclass(frozen=True)
class Diagnostic:
    """One ``AnalyzeDiagnostic`` in plain form."""

    policy: str
    level: str
    message: str
    urn: str
    pack: str


@dataclass
class Analysis:
    """An ``AnalyzeResponse``: the diagnostics and the policies that said "not applicable"."""

    diagnostics: list[Diagnostic]
    not_applicable: dict[str, str] = field(default_factory=dict)

    def policies(self) -> list[str]:
        return [d.policy for d in self.diagnostics]


class Analyzer(ProcessHost[analyzer_pb2_grpc.AnalyzerStub]):
    """The pack's analyzer process, started as the engine starts it, and a gRPC client to it."""

    stop_signal = signal.SIGINT  # the pack's server loop stops on KeyboardInterrupt

    def __init__(
        self,
        pack_dir: Path = PACK_DIR,
        env: Mapping[str, str] | None = None,
        *,
        python: Path | None = None,
    ) -> None:
        self.engine = EngineLog()
        super().__init__(
            env,
            pack_dir,
            stub_type=analyzer_pb2_grpc.AnalyzerStub,
            extra_keys=("PYTHONPATH",),
            engine_log=self.engine,
        )
        self.pack_dir = pack_dir
        self.python = python or pack_python(pack_dir)

    def argv(self) -> list[str]:
        return [
            str(self.python),
            "-u",
            "-m",
            "pulumi.policy",
            self.engine.address,
            str(self.pack_dir),
        ]

    # ------------------------------------------------------------------ the engine's calls

    def plugin_info(self) -> Any:
        return self.stub.GetPluginInfo(empty_pb2.Empty(), timeout=_CALL_TIMEOUT_SECONDS)

    def analyzer_info(self) -> Any:
        return self.stub.GetAnalyzerInfo(empty_pb2.Empty(), timeout=_CALL_TIMEOUT_SECONDS)

    def configure(self, config: Mapping[str, Mapping[str, Any] | str]) -> None:
        """``Configure`` with policy config as in ``--policy-pack-config`` JSON files.

        ``{"policy": {"enforcementLevel": "mandatory", "key": value}}``; a bare level string per
        policy is accepted too, as the CLI accepts it. Without ``enforcementLevel`` a policy keeps
        the level it declares (``GetAnalyzerInfo``), as the CLI does.
        """
        defaults = {p.name: LEVEL_NAMES[p.enforcementLevel] for p in self.analyzer_info().policies}
        request = analyzer_pb2.ConfigureAnalyzerRequest()
        for policy, value in config.items():
            entry = {"enforcementLevel": value} if isinstance(value, str) else dict(value)
            level = str(entry.pop("enforcementLevel", defaults[policy]))
            properties = struct_pb2.Struct()
            properties.update(entry)
            request.policyConfig[policy].CopyFrom(
                analyzer_pb2.PolicyConfig(enforcementLevel=_LEVELS[level], properties=properties)
            )
        self.stub.Configure(request, timeout=_CALL_TIMEOUT_SECONDS)

    def analyze(self, resource: EngineResource) -> Analysis:
        response = self.stub.Analyze(resource.analyze_request(), timeout=_CALL_TIMEOUT_SECONDS)
        return _analysis(response)

    def analyze_raw(self, request: analyzer_pb2.AnalyzeRequest) -> Analysis:
        """``Analyze`` with a request built by the caller (e.g. properties with ``__provider``)."""
        return _analysis(self.stub.Analyze(request, timeout=_CALL_TIMEOUT_SECONDS))

    def analyze_stack(self, resources: Iterable[EngineResource]) -> Analysis:
        request = analyzer_pb2.AnalyzeStackRequest(
            resources=[resource.stack_resource() for resource in resources]
        )
        return _analysis(self.stub.AnalyzeStack(request, timeout=_CALL_TIMEOUT_SECONDS))


def _analysis(response: Any) -> Analysis:
    diagnostics = [
        Diagnostic(
            policy=d.policyName,
            level=LEVEL_NAMES[d.enforcementLevel],
            message=d.message,
            urn=d.urn,
            pack=d.policyPackName,
        )
        for d in response.diagnostics
    ]
    not_applicable = {n.policy_name: n.reason for n in response.not_applicable}
    return Analysis(diagnostics, not_applicable)


def struct_to_dict(struct: struct_pb2.Struct) -> dict[str, Any]:
    """A protobuf Struct as plain Python values."""
    result: dict[str, Any] = json_format.MessageToDict(struct)
    return result
