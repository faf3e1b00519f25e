"""A test harness that drives Pulumi dynamic providers the way the Pulumi engine does.

No Pulumi CLI is needed. Three layers, usable separately:

``capture_program(program, config)``
    Runs a Pulumi program under ``pulumi.runtime.set_mocks``: the real SDK serializes every
    resource (``__provider`` included) and the mocks record what the engine would receive, as
    :class:`CapturedResource` (``Resource.get`` calls are captured with their ``id``).

``ProviderHost(env, cwd)``
    Starts a real ``python -u -m pulumi.dynamic`` process (this interpreter), reads its port from
    the first stdout line, and speaks ``pulumirpc.ResourceProvider`` gRPC to it with the SDK's own
    ``serialize_properties``/``deserialize_properties``: ``configure``, ``check``, ``diff``,
    ``create``, ``read``, ``update``, ``delete``. It captures the process's stdout and stderr and
    logs every call in :attr:`ProviderHost.calls`.

``Engine(host)``
    The command sequences of ``pulumi preview``, ``up`` (a preview pass, then the update pass:
    Check and Diff run twice per resource), ``refresh`` and ``destroy``, with replacement ordering
    (create-before-delete unless the provider asks for delete-before-replace) and the state (ID,
    inputs and outputs per URN) kept between commands. A command takes the program itself,
    which runs under mocks whose answers come from the provider, so one resource's outputs reach
    the inputs of another as in a real deployment (and registrations run concurrently, as the
    engine runs them).

URNs are the engine's: a resource declared inside components has the whole parent chain in its
type (``urn:pulumi:dev::proj::my:index:TeamRooms$pulumi-python:dynamic/meet:Space::standup``).
Component resources (``custom=False``) are registered with no provider call and kept out of the
state and the steps. Simplifications: resource options other than ``id`` and
``retain_on_delete`` (protect, ignore_changes, delete_before_replace...) are not seen by mocks
and are not applied.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeAlias

import grpc
import pulumi
import pulumi.runtime
from google.protobuf import struct_pb2
from pulumi.runtime import rpc
from pulumi.runtime.mocks import MockMonitor
from pulumi.runtime.proto import engine_pb2, provider_pb2, provider_pb2_grpc
from pulumi.runtime.settings import ROOT, SETTINGS, _get_rpc_manager
from pulumi.runtime.stack import run_pulumi_func
from pulumi.runtime.sync_await import _ensure_event_loop, _sync_await

from tests.process import ProcessHost, unwrap_secrets

__all__ = [
    "Aborted",
    "CapturedResource",
    "CheckFailed",
    "DiffOutcome",
    "Engine",
    "EngineError",
    "ProviderError",
    "ProviderHost",
    "ReadOutcome",
    "ResourceState",
    "Step",
    "capture_program",
    "make_urn",
]

PROVIDER_KEY = "__provider"
# The engine puts no deadline on provider calls (paced creates can queue for minutes); this
# bound only keeps a hung test from hanging forever.
_CALL_TIMEOUT_SECONDS = 600.0

Program: TypeAlias = Callable[[], None]


# ============================================================================ errors


class EngineError(Exception):
    """A deployment step failed as the engine would report it."""


class CheckFailed(EngineError):
    """``Check`` returned failures; ``failures`` holds (property, reason) pairs."""

    def __init__(self, urn: str, failures: list[tuple[str, str]]) -> None:
        lines = "; ".join(f"{prop}: {reason}" for prop, reason in failures)
        super().__init__(f"{urn}: check failed: {lines}")
        self.urn = urn
        self.failures = failures


class Aborted(EngineError):
    """A registration refused because an earlier step failed (the engine stops there too)."""


class ProviderError(EngineError):
    """A provider call failed; ``details`` is what the engine shows (the provider's traceback)."""

    def __init__(self, method: str, urn: str, details: str) -> None:
        super().__init__(f"{method} {urn} failed:\n{details}")
        self.method = method
        self.urn = urn
        self.details = details


# ============================================================================ capture


@dataclass(frozen=True)
class CapturedResource:
    """One resource registration as the engine receives it (inputs include ``__provider``)."""

    type: str
    name: str
    inputs: dict[str, Any]
    id: str | None = None
    """Set for ``Resource.get`` (a read of an existing resource)."""
    retain_on_delete: bool = False
    """The ``retain_on_delete`` resource option: deleting drops it from state, with no call."""
    urn: str = ""
    """The URN the engine gives it (the parent chain in its type)."""
    custom: bool = True
    """False for a component resource: no provider manages it."""


def make_urn(type_: str, name: str, *, project: str, stack: str) -> str:
    """The URN of a top-level resource."""
    return f"urn:pulumi:{stack}::{project}::{type_}::{name}"


class _Mocks(pulumi.runtime.Mocks):
    """Mocks whose answers come from a handler (the recorder or the engine)."""

    def __init__(self, handler: Callable[[CapturedResource], tuple[str, dict[str, Any]]]) -> None:
        self._handler = handler
        self.registering = threading.local()
        """What the monitor saw of the registration this thread is answering."""

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str, dict[str, Any]]:
        resource_id = args.resource_id or None
        retain = bool(getattr(self.registering, "retain_on_delete", False))
        urn = str(getattr(self.registering, "urn", ""))
        # A read (`Resource.get`) leaves `custom` unset: only custom resources can be read.
        custom = args.custom is not False
        captured = CapturedResource(
            args.typ, args.name, dict(args.inputs), resource_id, retain, urn, custom
        )
        return self._handler(captured)

    def call(self, args: pulumi.runtime.MockCallArgs) -> tuple[dict[str, Any], None]:
        return {}, None


class _Monitor(MockMonitor):
    """The SDK's mock monitor, passing on what mocks do not see (``retain_on_delete``)."""

    def __init__(self, mocks: _Mocks) -> None:
        super().__init__(mocks)
        self._ours = mocks

    def make_urn(self, parent: str, type_: str, name: str) -> str:
        """The engine's URN: the parent's whole qualified type, then ``$`` and this type.

        (The SDK's mock keeps only the parent's last type segment; the engine keeps the chain.)
        """
        qualified = parent.split("::")[2] if parent else ""
        if qualified and qualified != "pulumi:pulumi:Stack":
            type_ = f"{qualified}${type_}"
        return "::".join([f"urn:pulumi:{pulumi.get_stack()}", pulumi.get_project(), type_, name])

    def RegisterResource(self, request: Any) -> Any:  # the gRPC method, by its name
        self._ours.registering.retain_on_delete = bool(request.retainOnDelete)
        self._ours.registering.urn = self.make_urn(request.parent, request.type, request.name)
        try:
            return super().RegisterResource(request)  # type: ignore[no-untyped-call]
        finally:
            self._ours.registering.retain_on_delete = False
            self._ours.registering.urn = ""

    def ReadResource(self, request: Any) -> Any:  # the gRPC method, by its name
        self._ours.registering.urn = self.make_urn(request.parent, request.type, request.name)
        try:
            return super().ReadResource(request)  # type: ignore[no-untyped-call]
        finally:
            self._ours.registering.urn = ""


def _run_under_mocks(
    program: Program,
    handler: Callable[[CapturedResource], tuple[str, dict[str, Any]]],
    *,
    config: Mapping[str, str],
    project: str,
    stack: str,
    preview: bool,
) -> dict[str, Any]:
    """Run ``program`` with ``handler`` answering registrations; returns the stack's exports."""
    _quiet_engine_errors()
    ROOT.set(None)  # a fresh root Stack for every run
    SETTINGS.outputs.clear()  # tasks of an earlier run are not this run's
    pulumi.runtime.set_all_config(dict(config), [])
    mocks = _Mocks(handler)
    pulumi.runtime.set_mocks(
        mocks, project=project, stack=stack, preview=preview, monitor=_Monitor(mocks)
    )
    root = pulumi.runtime.get_root_resource()
    exports: dict[str, Any] = {}

    def body() -> None:
        program()
        outputs = getattr(root, "outputs", {})
        resolved = _sync_await(pulumi.Output.from_input(dict(outputs)).future())
        exports.update(resolved or {})

    try:
        _sync_await(run_pulumi_func(body))
    except BaseException:
        _sync_await(_drain())
        raise
    return exports


def _quiet_engine_errors() -> None:
    """Keep asyncio from logging the EngineErrors that failed registrations leave in futures.

    The error is raised to the caller once; the SDK's own copies in resource outputs would
    otherwise be logged as "exception was never retrieved" when garbage collected.
    """
    loop = _ensure_event_loop()  # type: ignore[no-untyped-call]

    def handler(loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
        if not isinstance(context.get("exception"), EngineError):
            loop.default_exception_handler(context)

    loop.set_exception_handler(handler)


async def _drain() -> None:
    """Settle what a failed run left pending, so nothing leaks into the next run or the log."""
    for _ in range(100):  # bounded: each round settles everything scheduled so far
        pending = [*_get_rpc_manager().rpcs, *SETTINGS.outputs]
        _get_rpc_manager().rpcs.clear()
        SETTINGS.outputs.clear()
        if not pending:
            return
        await asyncio.gather(*pending, return_exceptions=True)


def capture_program(
    program: Program,
    config: Mapping[str, str] | None = None,
    *,
    project: str = "meet-test",
    stack: str = "dev",
    preview: bool = False,
) -> list[CapturedResource]:
    """Run ``program`` under mocks and return its resources, in registration order.

    The mocks answer every registration with the inputs as outputs and the ID ``<name>-id`` (a
    ``get`` keeps its ID). ``config`` holds stack config such as ``{"meet:user": "a@b.c"}``.
    """
    captured: list[CapturedResource] = []
    lock = threading.Lock()

    def record(resource: CapturedResource) -> tuple[str, dict[str, Any]]:
        with lock:
            captured.append(resource)
        return resource.id or f"{resource.name}-id", dict(resource.inputs)

    _run_under_mocks(
        program, record, config=config or {}, project=project, stack=stack, preview=preview
    )
    return captured


# ============================================================================ wire helpers


def _to_struct(properties: Mapping[str, Any]) -> struct_pb2.Struct:
    """The SDK's serialization, secrets unwrapped (the engine does: dynamic providers refuse
    secrets)."""
    loop = asyncio.new_event_loop()
    try:
        return loop.run_until_complete(rpc.serialize_properties(unwrap_secrets(properties), {}))
    finally:
        loop.close()


def _from_struct(struct: struct_pb2.Struct) -> dict[str, Any]:
    result: dict[str, Any] = rpc.deserialize_properties(struct, keep_unknowns=True)
    return result


# ============================================================================ provider host


@dataclass(frozen=True)
class DiffOutcome:
    """A ``DiffResponse`` as the engine reads it (``changes`` None = DIFF_UNKNOWN)."""

    changes: bool | None
    replaces: list[str]
    delete_before_replace: bool


@dataclass(frozen=True)
class ReadOutcome:
    """A ``ReadResponse``: an empty ``id`` means the resource is gone."""

    id: str
    outputs: dict[str, Any]
    inputs: dict[str, Any] | None


WARNING = engine_pb2.WARNING


class ProviderHost(ProcessHost[provider_pb2_grpc.ResourceProviderStub]):
    """A real ``python -u -m pulumi.dynamic`` process driven over gRPC.

    ``env`` is the whole environment of the process beyond a few harmless variables (PATH,
    HOME, locale, PYTHONPATH): nothing else leaks in from the test process. ``engine`` is the
    address of a :class:`tests.process.EngineLog`, passed as the real engine passes its own
    (the first argument). Use as a context manager, or call :meth:`stop`.
    """

    stop_signal = signal.SIGINT  # the host stops its gRPC server cleanly

    def __init__(
        self,
        env: Mapping[str, str] | None = None,
        cwd: str | os.PathLike[str] | None = None,
        *,
        python: str = sys.executable,
        engine: str | None = None,
    ) -> None:
        from pulumi_meet.client.state import default_state

        # The ledger this process would use by default (a test's own, see tests/conftest.py).
        own = {"MEET_QUOTA_LEDGER": default_state().ledgers.default_path, **(env or {})}
        super().__init__(
            own,
            cwd,
            stub_type=provider_pb2_grpc.ResourceProviderStub,
            extra_keys=("PYTHONPATH",),
        )
        self.engine = engine
        self.python = python
        self.calls: list[tuple[str, str]] = []
        """Every gRPC call made: (method, urn)."""
        self.configured = False
        self._lock = threading.Lock()

    # ------------------------------------------------------------------ lifecycle

    def argv(self) -> list[str]:
        return [self.python, "-u", "-m", "pulumi.dynamic", *([self.engine] if self.engine else [])]

    def connected(self) -> None:
        self._call("GetPluginInfo", "", self.stub.GetPluginInfo, _empty())

    def start_failed(self, error: RuntimeError) -> Exception:
        return EngineError(str(error))

    # ------------------------------------------------------------------ calls

    def _call(self, method: str, urn: str, rpc_method: Any, request: Any) -> Any:
        with self._lock:
            self.calls.append((method, urn))
        try:
            return rpc_method(request, timeout=_CALL_TIMEOUT_SECONDS)
        except grpc.RpcError as error:
            details = error.details() if hasattr(error, "details") else str(error)
            raise ProviderError(method, urn, str(details)) from None

    def configure(self, config: Mapping[str, Any]) -> None:
        """Send ``Configure`` with stack config keyed ``namespace:key`` (e.g. ``meet:user``)."""
        variables = {k: v if isinstance(v, str) else str(v) for k, v in config.items()}
        request = provider_pb2.ConfigureRequest(
            variables=variables, args=_to_struct(config), acceptSecrets=False
        )
        self._call("Configure", "", self.stub.Configure, request)
        self.configured = True

    def check(
        self, urn: str, olds: Mapping[str, Any], news: Mapping[str, Any]
    ) -> tuple[dict[str, Any], list[tuple[str, str]]]:
        """``Check``: (checked inputs, failures as (property, reason))."""
        request = provider_pb2.CheckRequest(urn=urn, olds=_to_struct(olds), news=_to_struct(news))
        response = self._call("Check", urn, self.stub.Check, request)
        failures = [(f.property, f.reason) for f in response.failures]
        return _from_struct(response.inputs), failures

    def diff(
        self, urn: str, id_: str, olds: Mapping[str, Any], news: Mapping[str, Any]
    ) -> DiffOutcome:
        request = provider_pb2.DiffRequest(
            id=id_, urn=urn, olds=_to_struct(olds), news=_to_struct(news)
        )
        response = self._call("Diff", urn, self.stub.Diff, request)
        kinds = provider_pb2.DiffResponse
        changes = {kinds.DIFF_SOME: True, kinds.DIFF_NONE: False}.get(response.changes)
        return DiffOutcome(changes, list(response.replaces), bool(response.deleteBeforeReplace))

    def create(self, urn: str, properties: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
        request = provider_pb2.CreateRequest(urn=urn, properties=_to_struct(properties))
        response = self._call("Create", urn, self.stub.Create, request)
        return response.id, _from_struct(response.properties)

    def read(
        self,
        urn: str,
        id_: str,
        properties: Mapping[str, Any],
        inputs: Mapping[str, Any],
    ) -> ReadOutcome:
        request = provider_pb2.ReadRequest(
            id=id_, urn=urn, properties=_to_struct(properties), inputs=_to_struct(inputs)
        )
        response = self._call("Read", urn, self.stub.Read, request)
        new_inputs = _from_struct(response.inputs) if response.HasField("inputs") else None
        return ReadOutcome(response.id, _from_struct(response.properties), new_inputs)

    def update(
        self, urn: str, id_: str, olds: Mapping[str, Any], news: Mapping[str, Any]
    ) -> dict[str, Any]:
        request = provider_pb2.UpdateRequest(
            id=id_, urn=urn, olds=_to_struct(olds), news=_to_struct(news)
        )
        response = self._call("Update", urn, self.stub.Update, request)
        return _from_struct(response.properties)

    def delete(self, urn: str, id_: str, properties: Mapping[str, Any]) -> None:
        request = provider_pb2.DeleteRequest(id=id_, urn=urn, properties=_to_struct(properties))
        self._call("Delete", urn, self.stub.Delete, request)


def _empty() -> Any:
    from google.protobuf import empty_pb2

    return empty_pb2.Empty()


# ============================================================================ engine


@dataclass
class ResourceState:
    """What the engine stores per URN between commands."""

    urn: str
    type: str
    name: str
    id: str
    inputs: dict[str, Any]
    outputs: dict[str, Any]
    external: bool = False
    """Read with ``Resource.get``: refreshed, never updated or deleted."""
    retain_on_delete: bool = False
    """Deleting it (destroy, or gone from the program) only drops it from state: op ``retain``."""


@dataclass(frozen=True)
class Step:
    """One planned or executed step: ``op`` is create, same, update, replace, delete, retain
    (deleted from state only: ``retain_on_delete``), read, refresh or drop (refresh found the
    resource gone)."""

    op: str
    urn: str


Resources: TypeAlias = Program
"""What the engine commands run: a Pulumi program, registrations answered by the provider host."""


@dataclass
class _Run:
    """Book-keeping of one pass over the program."""

    preview: bool
    steps: list[Step] = field(default_factory=list)
    seen: set[str] = field(default_factory=set)
    replaced: list[ResourceState] = field(default_factory=list)
    error: BaseException | None = None


class Engine:
    """The Pulumi engine's command sequences over one :class:`ProviderHost`, holding state.

    ``config`` is the stack config (``{"meet:user": ...}``): sent with ``Configure`` to every
    host the engine uses, and visible to programs through ``pulumi.Config``. Swap the host with
    :meth:`use_host` to model a new CLI run with different configuration or environment.
    """

    def __init__(
        self,
        host: ProviderHost,
        *,
        config: Mapping[str, str] | None = None,
        project: str = "meet-test",
        stack: str = "dev",
    ) -> None:
        self.host = host
        self.config = dict(config or {})
        self.project = project
        self.stack = stack
        self.state: dict[str, ResourceState] = {}
        self.exports: dict[str, Any] = {}
        """The stack outputs of the last program run."""
        self._lock = threading.Lock()

    # ------------------------------------------------------------------ helpers

    def use_host(self, host: ProviderHost, config: Mapping[str, str] | None = None) -> None:
        """Continue with another host (and optionally another stack config)."""
        self.host = host
        if config is not None:
            self.config = dict(config)

    def _provider(self) -> ProviderHost:
        with self._lock:
            if not self.host.configured:
                self.host.configure(self.config)
        return self.host

    def urn(self, type_: str, name: str) -> str:
        return make_urn(type_, name, project=self.project, stack=self.stack)

    def resource(self, name: str) -> ResourceState:
        """The state of the resource with this logical name (any type)."""
        matches = [s for s in self.state.values() if s.name == name]
        if len(matches) != 1:
            raise KeyError(f"{len(matches)} resources named {name!r} in state")
        return matches[0]

    def _run(self, resources: Resources, run: _Run) -> None:
        def handler(captured: CapturedResource) -> tuple[str, dict[str, Any]]:
            if run.error is not None:
                raise Aborted(f"{captured.name}: not registered after an earlier failure")
            try:
                return self._step(captured, run)
            except BaseException as error:
                with self._lock:
                    run.error = run.error or error
                raise

        try:
            self.exports = _run_under_mocks(
                resources,
                handler,
                config=self.config,
                project=self.project,
                stack=self.stack,
                preview=run.preview,
            )
        except BaseException:
            if run.error is None:
                raise
        if run.error is not None:
            raise run.error

    def _record(self, run: _Run, op: str, urn: str) -> None:
        with self._lock:
            run.steps.append(Step(op, urn))
            run.seen.add(urn)

    def _store(self, state: ResourceState) -> None:
        with self._lock:
            self.state[state.urn] = state

    # ------------------------------------------------------------------ one registration

    def _step(self, res: CapturedResource, run: _Run) -> tuple[str, dict[str, Any]]:
        if not res.custom:
            return "", {}  # a component: the engine calls no provider for it
        urn = res.urn or self.urn(res.type, res.name)
        host = self._provider()
        if res.id is not None:
            outcome = host.read(urn, res.id, {}, res.inputs)
            self._record(run, "read", urn)
            if not run.preview:
                state = ResourceState(
                    urn, res.type, res.name, outcome.id, res.inputs, outcome.outputs, True
                )
                self._store(state)
            return outcome.id, outcome.outputs
        with self._lock:
            old = self.state.get(urn)
        checked, failures = host.check(urn, old.inputs if old else {}, res.inputs)
        if failures:
            raise CheckFailed(urn, failures)
        if old is None:
            return self._create(urn, res, checked, run)
        diff = host.diff(urn, old.id, old.outputs, checked)
        if diff.replaces:
            return self._replace(urn, res, old, diff, run)
        changes = diff.changes
        if changes is None:  # DIFF_UNKNOWN: the engine compares the inputs itself
            changes = _without_provider(old.inputs) != _without_provider(checked)
        if not changes:
            self._record(run, "same", urn)
            if not run.preview:
                self._store(
                    ResourceState(
                        urn,
                        res.type,
                        res.name,
                        old.id,
                        checked,
                        old.outputs,
                        retain_on_delete=res.retain_on_delete,
                    )
                )
            return old.id, old.outputs
        self._record(run, "update", urn)
        if run.preview:
            return old.id, {**old.outputs, **checked}
        outputs = host.update(urn, old.id, old.outputs, checked)
        self._store(
            ResourceState(
                urn,
                res.type,
                res.name,
                old.id,
                checked,
                outputs,
                retain_on_delete=res.retain_on_delete,
            )
        )
        return old.id, outputs

    def _create(
        self, urn: str, res: CapturedResource, checked: dict[str, Any], run: _Run
    ) -> tuple[str, dict[str, Any]]:
        self._record(run, "create", urn)
        if run.preview:
            return "", checked
        new_id, outputs = self._provider().create(urn, checked)
        self._store(
            ResourceState(
                urn,
                res.type,
                res.name,
                new_id,
                checked,
                outputs,
                retain_on_delete=res.retain_on_delete,
            )
        )
        return new_id, outputs

    def _replace(
        self, urn: str, res: CapturedResource, old: ResourceState, diff: DiffOutcome, run: _Run
    ) -> tuple[str, dict[str, Any]]:
        self._record(run, "replace", urn)
        host = self._provider()
        checked, failures = host.check(urn, {}, res.inputs)
        if failures:
            raise CheckFailed(urn, failures)
        if run.preview:
            return "", checked
        if diff.delete_before_replace:
            host.delete(urn, old.id, old.outputs)
        else:
            with self._lock:
                run.replaced.append(old)
        new_id, outputs = host.create(urn, checked)
        self._store(
            ResourceState(
                urn,
                res.type,
                res.name,
                new_id,
                checked,
                outputs,
                retain_on_delete=res.retain_on_delete,
            )
        )
        return new_id, outputs

    # ------------------------------------------------------------------ commands

    def preview(self, resources: Resources) -> list[Step]:
        """``pulumi preview``: Check (and Diff for existing resources); nothing changes."""
        run = _Run(preview=True)
        self._run(resources, run)
        gone = [s for s in self.state.values() if s.urn not in run.seen and not s.external]
        return run.steps + [Step("delete", s.urn) for s in reversed(gone)]

    def up(self, resources: Resources) -> list[Step]:
        """``pulumi up --yes``: the preview pass, then the update pass; returns its steps.

        Replaced resources are deleted after every create and update (create-before-delete),
        then resources no longer in the program, newest first.
        """
        self.preview(resources)
        run = _Run(preview=False)
        self._run(resources, run)
        host = self._provider()
        for old in run.replaced:
            host.delete(old.urn, old.id, old.outputs)
        gone = [s for s in self.state.values() if s.urn not in run.seen]
        for state in reversed(gone):
            if not state.external:
                run.steps.append(self._delete(host, state))
            del self.state[state.urn]
        return run.steps

    @staticmethod
    def _delete(host: ProviderHost, state: ResourceState) -> Step:
        """Delete one resource from the cloud, unless it is retained on delete."""
        if state.retain_on_delete:
            return Step("retain", state.urn)
        host.delete(state.urn, state.id, state.outputs)
        return Step("delete", state.urn)

    def refresh(self) -> list[Step]:
        """``pulumi refresh --yes``: Read every resource; an empty ID drops it from state."""
        steps = []
        host = self._provider()
        for state in list(self.state.values()):
            outcome = host.read(state.urn, state.id, state.outputs, state.inputs)
            if not outcome.id:
                del self.state[state.urn]
                steps.append(Step("drop", state.urn))
                continue
            state.id = outcome.id
            state.outputs = outcome.outputs
            if outcome.inputs is not None:
                state.inputs = outcome.inputs
            steps.append(Step("refresh", state.urn))
        return steps

    def destroy(self) -> list[Step]:
        """``pulumi destroy --yes``: Delete every managed resource, newest first."""
        steps = []
        host = self._provider()
        for state in reversed(list(self.state.values())):
            if not state.external:
                steps.append(self._delete(host, state))
            del self.state[state.urn]
        return steps


def _without_provider(properties: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in properties.items() if k != PROVIDER_KEY}
