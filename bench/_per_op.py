"""Benchmark 1: the cost of create / get / patch through the dynamic provider and the plugin vs
Google's own client.

Each room is handled the way the engine handles it in the update pass of ``pulumi up`` and in
``pulumi refresh``: create = Check + Create, get = Read, patch = Check + Diff + Update, over gRPC
to a real dynamic provider host and to a real ``pulumi-resource-meet`` plugin. The direct path
is ``google-apps-meet`` (REST transport), the same calls on an equal number of rooms. The three
paths alternate room by room so that any drift of the machine hits all alike. Quotas are raised
on every side: pacing is not measured here.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from google.apps import meet_v2
from google.oauth2.credentials import Credentials
from google.protobuf import field_mask_pb2

from bench._env import (
    PROJECT,
    STACK,
    EmulatorProcess,
    capture_rooms,
    client_config,
    plugin_host,
    provider_host,
)
from pulumi_meet.plugin.schema import SPACE
from tests.engine import CapturedResource, ProviderHost, make_urn
from tests.plugin.host import PluginHost, urn

__all__ = ["OPERATIONS", "OperationCost", "PerOperationResult", "measure_per_operation"]

OPERATIONS = ("create", "get", "patch")
# Provider calls (engine -> host, over gRPC) per operation: Check+Create, Read, Check+Diff+Update.
GRPC_CALLS = {"create": 2, "get": 1, "patch": 3}
_WARM_UP_ROOMS = 2  # first calls fetch a token and open connections on both paths
_FOREVER = 1_000_000_000


@dataclass
class OperationCost:
    """Seconds per call of one operation on every path."""

    provider: list[float] = field(default_factory=list)
    direct: list[float] = field(default_factory=list)
    plugin: list[float] = field(default_factory=list)

    def summary(self) -> dict[str, float]:
        return {
            "provider_median_ms": statistics.median(self.provider) * 1000,
            "direct_median_ms": statistics.median(self.direct) * 1000,
            "plugin_median_ms": statistics.median(self.plugin) * 1000,
            "provider_mean_ms": statistics.fmean(self.provider) * 1000,
            "direct_mean_ms": statistics.fmean(self.direct) * 1000,
            "plugin_mean_ms": statistics.fmean(self.plugin) * 1000,
            "ratio": sum(self.provider) / sum(self.direct),
            "ratio_of_medians": statistics.median(self.provider) / statistics.median(self.direct),
            "plugin_ratio": sum(self.plugin) / sum(self.direct),
            "plugin_vs_provider": sum(self.plugin) / sum(self.provider),
        }


@dataclass
class PerOperationResult:
    rooms: int
    latency_ms: float
    costs: dict[str, OperationCost]
    failures: int
    round_trips: list[float]
    """Seconds of a Check that makes no API call: the price of one engine -> host gRPC call."""
    plugin_round_trips: list[float]
    """The same through the plugin."""
    plugin_peak_rss_kib: int | None
    """The plugin process's VmHWM after the run."""

    def to_dict(self) -> dict[str, Any]:
        provider_total = sum(sum(cost.provider) for cost in self.costs.values())
        direct_total = sum(sum(cost.direct) for cost in self.costs.values())
        plugin_total = sum(sum(cost.plugin) for cost in self.costs.values())
        round_trip_ms = statistics.median(self.round_trips) * 1000
        operations = {}
        for name, cost in self.costs.items():
            summary = cost.summary()
            summary["grpc_calls"] = GRPC_CALLS[name]
            summary["provider_without_grpc_ms"] = (
                summary["provider_median_ms"] - GRPC_CALLS[name] * round_trip_ms
            )
            operations[name] = summary
        return {
            "rooms": self.rooms,
            "latency_ms": self.latency_ms,
            "failures": self.failures,
            "grpc_round_trip_ms": round_trip_ms,
            "operations": operations,
            "overall_ratio": provider_total / direct_total,
            "plugin_grpc_round_trip_ms": statistics.median(self.plugin_round_trips) * 1000,
            "plugin_overall_ratio": plugin_total / direct_total,
            "plugin_vs_provider": plugin_total / provider_total,
            "plugin_peak_rss_kib": self.plugin_peak_rss_kib,
        }


def _timed(samples: list[float], action: Callable[[], Any]) -> Any:
    started = time.perf_counter()
    result = action()
    samples.append(time.perf_counter() - started)
    return result


class _ProviderPath:
    """One room through the provider host, step by step as the engine sends them."""

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


class _PluginPath:
    """One room through the plugin, step by step as the engine sends them (camelCase inputs)."""

    def __init__(self, host: PluginHost, resource: CapturedResource) -> None:
        self.host = host
        self.urn = urn(SPACE, resource.name)
        self.declared = {"config": {"accessType": "OPEN"}}
        self.inputs: dict[str, Any] = {}
        self.outputs: dict[str, Any] = {}
        self.id = ""

    def create(self) -> None:
        checked, failures = self.host.check(self.urn, {}, self.declared)
        if failures:
            raise RuntimeError(f"check failed: {failures}")
        self.id, self.outputs = self.host.create(self.urn, checked)
        self.inputs = checked

    def check_again(self) -> None:
        self.host.check(self.urn, self.inputs, self.declared)

    def get(self) -> None:
        found = self.host.read(self.urn, self.id, self.outputs, self.inputs)
        if found is None:
            raise RuntimeError(f"{self.urn}: the plugin says the room is gone")
        self.outputs = found[1]

    def patch(self, access_type: str) -> None:
        news = {"config": {"accessType": access_type}}
        checked, failures = self.host.check(self.urn, self.inputs, news)
        if failures:
            raise RuntimeError(f"check failed: {failures}")
        if not self.host.diff(self.urn, self.id, self.outputs, checked).detailed:
            raise RuntimeError(f"{self.urn}: the plugin saw no change")
        self.outputs = self.host.update(self.urn, self.id, self.outputs, checked)
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


def _one_room(
    provider: _ProviderPath,
    plugin: _PluginPath,
    direct: _DirectPath,
    costs: dict[str, OperationCost],
) -> None:
    _timed(costs["create"].provider, provider.create)
    _timed(costs["create"].plugin, plugin.create)
    _timed(costs["create"].direct, direct.create)
    _timed(costs["get"].provider, provider.get)
    _timed(costs["get"].plugin, plugin.get)
    _timed(costs["get"].direct, direct.get)
    _timed(costs["patch"].provider, lambda: provider.patch("TRUSTED"))
    _timed(costs["patch"].plugin, lambda: plugin.patch("TRUSTED"))
    _timed(costs["patch"].direct, lambda: direct.patch("TRUSTED"))


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
    """Time ``rooms`` create/get/patch on both paths; ``latency_ms`` delays every Meet call."""
    emulator.reset()
    emulator.raise_quotas()
    if latency_ms > 0:
        rule = {"path": "^/v2/", "delaySeconds": latency_ms / 1000, "times": _FOREVER}
        emulator.control("PUT", "faults", {"rules": [rule]})
    resources = capture_rooms(rooms + _WARM_UP_ROOMS)
    try:
        with provider_host(emulator, workdir) as host, plugin_host(emulator, workdir) as plugin:
            host.configure(client_config())
            direct = _DirectPath(emulator)
            warm_up = {name: OperationCost() for name in OPERATIONS}
            for resource in resources[:_WARM_UP_ROOMS]:
                paths = (_ProviderPath(host, resource), _PluginPath(plugin, resource))
                _one_room(*paths, direct, warm_up)
            costs = {name: OperationCost() for name in OPERATIONS}
            round_trips: list[float] = []
            plugin_round_trips: list[float] = []
            for resource in resources[_WARM_UP_ROOMS:]:
                room, plugin_room = _ProviderPath(host, resource), _PluginPath(plugin, resource)
                _one_room(room, plugin_room, direct, costs)
                _timed(round_trips, room.check_again)
                _timed(plugin_round_trips, plugin_room.check_again)
            peak = _peak_rss_kib(plugin.pid)
    finally:
        emulator.control("PUT", "faults", {"rules": []})
    failed = [entry for entry in emulator.requests_log() if entry["status"] != 200]
    return PerOperationResult(
        rooms, latency_ms, costs, len(failed), round_trips, plugin_round_trips, peak
    )
