"""Benchmark 1: what create / get / patch cost through the plugin, the dynamic provider, the
empty gRPC floor and Google's own client, in one run.

Each room is handled the way the engine handles it in the apply pass of ``pulumi up`` and in
``pulumi refresh`` (:data:`bench._engine.ENGINE_CALLS`): create = Check + Create, get = Read +
Diff (the refresh diff), patch = Check + Diff + Update. The paths:

- ``plugin``: a real ``pulumi-resource-meet``, driven by :class:`bench._engine.EngineClient`;
- ``floor``: the same calls, same client, same messages, to the empty servicer of
  :mod:`bench._floor` (what any Python provider pays before doing anything);
- ``provider``: a real dynamic provider host (``python -u -m pulumi.dynamic``);
- ``direct``: ``google-apps-meet`` (REST transport), the same API calls.

The paths alternate room by room so that any drift of the machine hits all alike. Quotas are
raised on every side: pacing is not measured here. The plugin's *overhead* is what is left of
its time once Google's client's time and the floor's are taken away:
``plugin - (google-apps-meet + floor)``, the floor being the n calls of the operation.
"""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from google.apps import meet_v2
from google.oauth2.credentials import Credentials
from google.protobuf import field_mask_pb2

from bench import _floor
from bench._engine import ENGINE_CALLS, EngineClient, served_provider
from bench._env import (
    PROJECT,
    STACK,
    EmulatorProcess,
    capture_rooms,
    client_config,
    provider_host,
    served_plugin,
)
from pulumi_meet.plugin.schema import SPACE
from tests.engine import CapturedResource, ProviderHost, make_urn
from tests.plugin.host import urn

__all__ = [
    "OPERATIONS",
    "OperationCost",
    "PerOperationResult",
    "PluginPath",
    "measure_per_operation",
]

OPERATIONS = ("create", "get", "patch")
WARM_UP_ROOMS = 2  # first calls fetch a token and open connections on every path
_FOREVER = 1_000_000_000
_PATHS = ("provider", "plugin", "floor", "direct")


def _ms(samples: list[float], average: Callable[[list[float]], float]) -> float:
    return average(samples) * 1000


@dataclass
class OperationCost:
    """Seconds per call of one operation on every path."""

    provider: list[float] = field(default_factory=list)
    direct: list[float] = field(default_factory=list)
    plugin: list[float] = field(default_factory=list)
    floor: list[float] = field(default_factory=list)

    def summary(self, name: str) -> dict[str, Any]:
        median, mean = statistics.median, statistics.fmean
        calls = len(ENGINE_CALLS[name])
        values: dict[str, Any] = {
            f"{path}_{kind}_ms": _ms(getattr(self, path), average)
            for path in _PATHS
            for kind, average in (("median", median), ("mean", mean))
        }
        values.update(
            engine_calls=list(ENGINE_CALLS[name]),
            grpc_calls=calls,
            floor_per_call_median_ms=values["floor_median_ms"] / calls,
            overhead_median_ms=values["plugin_median_ms"]
            - values["direct_median_ms"]
            - values["floor_median_ms"],
            overhead_mean_ms=values["plugin_mean_ms"]
            - values["direct_mean_ms"]
            - values["floor_mean_ms"],
            ratio=sum(self.provider) / sum(self.direct),
            ratio_of_medians=median(self.provider) / median(self.direct),
            plugin_ratio=sum(self.plugin) / sum(self.direct),
            plugin_vs_provider=sum(self.plugin) / sum(self.provider),
        )
        return values


@dataclass
class PerOperationResult:
    rooms: int
    latency_ms: float
    costs: dict[str, OperationCost]
    failures: int
    round_trips: list[float]
    """Seconds of a Check that makes no API call: the price of one engine -> host gRPC call."""
    plugin_peak_rss_kib: int | None
    """The plugin process's VmHWM after the run."""

    def to_dict(self) -> dict[str, Any]:
        def total(path: str) -> float:
            return sum(sum(getattr(cost, path)) for cost in self.costs.values())

        round_trip_ms = statistics.median(self.round_trips) * 1000
        operations = {}
        for name, cost in self.costs.items():
            summary = cost.summary(name)
            summary["provider_without_grpc_ms"] = (
                summary["provider_median_ms"] - summary["grpc_calls"] * round_trip_ms
            )
            operations[name] = summary
        overheads = [cost["overhead_median_ms"] for cost in operations.values()]
        return {
            "rooms": self.rooms,
            "latency_ms": self.latency_ms,
            "failures": self.failures,
            "grpc_round_trip_ms": round_trip_ms,
            "operations": operations,
            "overall_ratio": total("provider") / total("direct"),
            "plugin_overall_ratio": total("plugin") / total("direct"),
            "plugin_vs_provider": total("plugin") / total("provider"),
            "overhead_median_ms": statistics.fmean(overheads),
            "overhead_max_ms": max(overheads),
            "plugin_peak_rss_kib": self.plugin_peak_rss_kib,
        }


def _timed(samples: list[float], action: Callable[[], Any]) -> Any:
    started = time.perf_counter()
    result = action()
    samples.append(time.perf_counter() - started)
    return result


class _ProviderPath:
    """One room through the dynamic provider host, step by step as the engine sends them."""

    def __init__(self, host: ProviderHost, resource: CapturedResource) -> None:
        self.host = host
        self.resource = resource
        self.urn = make_urn(resource.type, resource.name, project=PROJECT, stack=STACK)
        self.inputs: dict[str, Any] = {}
        self.outputs: dict[str, Any] = {}
        self.id = ""

    def create(self) -> None:
        checked, failures = self.host.check(self.urn, {}, self.resource.inputs)
        if failures:
            raise RuntimeError(f"check failed: {failures}")
        self.id, self.outputs = self.host.create(self.urn, checked)
        self.inputs = checked

    def check_again(self) -> None:
        """The Check of an unchanged program: no API call, only the gRPC round trip."""
        self.host.check(self.urn, self.inputs, self.resource.inputs)

    def get(self) -> None:
        outcome = self.host.read(self.urn, self.id, self.outputs, self.inputs)
        self.outputs = outcome.outputs
        self.host.diff(self.urn, self.id, self.outputs, self.inputs)  # the refresh diff

    def patch(self, access_type: str) -> None:
        news = {**self.resource.inputs, "config": {"access_type": access_type}}
        checked, failures = self.host.check(self.urn, self.inputs, news)
        if failures:
            raise RuntimeError(f"check failed: {failures}")
        diff = self.host.diff(self.urn, self.id, self.outputs, checked)
        if not diff.changes:
            raise RuntimeError(f"{self.urn}: the provider saw no change")
        self.outputs = self.host.update(self.urn, self.id, self.outputs, checked)
        self.inputs = checked


class PluginPath:
    """One room through a ``ResourceProvider`` (the plugin or the floor), step by step as the
    engine sends them (camelCase inputs). ``strict`` checks the answers make sense."""

    def __init__(self, client: EngineClient, name: str, *, strict: bool = True) -> None:
        self.client = client
        self.urn = urn(SPACE, name)
        self.strict = strict
        self.declared = {"config": {"accessType": "OPEN"}}
        self.inputs: dict[str, Any] = {}
        self.outputs: dict[str, Any] = {}
        self.id = ""

    def create(self) -> None:
        checked, failures = self.client.check(self.urn, {}, self.declared)
        if failures and self.strict:
            raise RuntimeError(f"check failed: {failures}")
        self.id, self.outputs = self.client.create(self.urn, checked)
        self.inputs = checked

    def get(self) -> None:
        outputs, inputs = self.client.read(self.urn, self.id, self.outputs, self.inputs)
        if not outputs and self.strict:
            raise RuntimeError(f"{self.urn}: the plugin says the room is gone")
        # The refresh diff: the refreshed state as "old", the recorded inputs as "new".
        self.client.diff(self.urn, self.id, inputs, outputs, self.inputs)
        self.outputs = outputs

    def patch(self, access_type: str) -> None:
        news = {"config": {"accessType": access_type}}
        checked, failures = self.client.check(self.urn, self.inputs, news)
        if failures and self.strict:
            raise RuntimeError(f"check failed: {failures}")
        changed = self.client.diff(self.urn, self.id, self.inputs, self.outputs, checked)
        if not changed and self.strict:
            raise RuntimeError(f"{self.urn}: the plugin saw no change")
        self.outputs = self.client.update(self.urn, self.id, self.inputs, self.outputs, checked)
        self.inputs = checked


class _DirectPath:
    """The same calls made with Google's generated client."""

    def __init__(self, emulator: EmulatorProcess) -> None:
        self.client = meet_v2.SpacesServiceClient(
            credentials=Credentials(emulator.token()),  # type: ignore[no-untyped-call]
            transport="rest",
            client_options={"api_endpoint": emulator.base_url},
        )
        self.name = ""

    def create(self) -> None:
        space = {"config": {"access_type": meet_v2.SpaceConfig.AccessType.OPEN}}
        self.name = self.client.create_space(request={"space": space}).name

    def get(self) -> None:
        self.client.get_space(name=self.name)

    def patch(self, access_type: str) -> None:
        value = getattr(meet_v2.SpaceConfig.AccessType, access_type)
        self.client.update_space(
            request={
                "space": {"name": self.name, "config": {"access_type": value}},
                "update_mask": field_mask_pb2.FieldMask(paths=["config.access_type"]),
            }
        )


def _one_room(paths: dict[str, Any], costs: dict[str, OperationCost]) -> None:
    for operation in OPERATIONS:
        for name, path in paths.items():
            action = getattr(path, operation)
            step = (lambda a=action: a("TRUSTED")) if operation == "patch" else action
            _timed(getattr(costs[operation], name), step)


def _peak_rss_kib(pid: int | None) -> int | None:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    for line in status.splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return None


def measure_per_operation(
    emulator: EmulatorProcess, workdir: Path, rooms: int, latency_ms: float = 0.0
) -> PerOperationResult:
    """Time ``rooms`` create/get/patch on every path; ``latency_ms`` delays every Meet call."""
    emulator.reset()
    emulator.raise_quotas()
    if latency_ms > 0:
        rule = {"path": "^/v2/", "delaySeconds": latency_ms / 1000, "times": _FOREVER}
        emulator.control("PUT", "faults", {"rules": [rule]})
    resources = capture_rooms(rooms + WARM_UP_ROOMS)
    try:
        with (
            provider_host(emulator, workdir) as host,
            served_plugin(emulator, workdir) as (plugin_process, plugin),
        ):
            host.configure(client_config())
            direct = _DirectPath(emulator)
            for resource in resources[:WARM_UP_ROOMS]:
                paths = {
                    "provider": _ProviderPath(host, resource),
                    "plugin": PluginPath(plugin, resource.name),
                    "direct": direct,
                }
                _one_room(paths, {name: OperationCost() for name in OPERATIONS})
            canned = workdir / "floor-responses.json"
            canned.write_text(_floor.encode_responses(plugin.responses))
            floor_argv = [sys.executable, _floor.__file__, str(canned)]
            with served_provider(floor_argv, {}, workdir) as (_, floor):
                costs = {name: OperationCost() for name in OPERATIONS}
                round_trips: list[float] = []
                for index, resource in enumerate(resources):
                    room = _ProviderPath(host, resource)
                    paths = {
                        "provider": room,
                        "plugin": PluginPath(plugin, resource.name),
                        "floor": PluginPath(floor, resource.name, strict=False),
                        "direct": direct,
                    }
                    if index < WARM_UP_ROOMS:  # the floor's own warm-up
                        paths = {"floor": paths["floor"]}
                        _one_room(paths, {name: OperationCost() for name in OPERATIONS})
                        continue
                    _one_room(paths, costs)
                    _timed(round_trips, room.check_again)
            peak = _peak_rss_kib(plugin_process.pid)
    finally:
        emulator.control("PUT", "faults", {"rules": []})
    failed = [entry for entry in emulator.requests_log() if entry["status"] != 200]
    return PerOperationResult(rooms, latency_ms, costs, len(failed), round_trips, peak)
