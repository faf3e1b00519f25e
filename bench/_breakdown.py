"""Benchmark 1b: where one operation's time goes inside the plugin (per-layer timers).

The plugin is started through :mod:`bench._layers` (the real plugin, each layer wrapped in a
timer), driven with the engine's calls room after room, one operation's pass at a time, and asked
(SIGUSR1) for its samples after each pass. Each layer's median per gRPC call is summed over the
operation's calls (:data:`bench._engine.ENGINE_CALLS`), and the layers are taken apart:

- ``guard``: the servicer around the provider (its error guard);
- ``provider_code``: the plugin's own code around the operation (property maps <-> plain
  snake_case data, check and diff logic, secret marking, the answer's message);
- ``slot_wait``: waiting for one of the provider's operation slots (none in this benchmark);
- ``operation``: the operation and client code, outside the layers below;
- ``admission``: pacing (in-process windows) and the SQLite quota ledger (``ledger`` of it);
- ``http``: the request through ``requests`` to the emulator and its answer (the part
  google-apps-meet pays too);
- ``decode``: the JSON answer.
"""

from __future__ import annotations

import json
import os
import signal
import statistics
import sys
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from bench import _layers
from bench._engine import ENGINE_CALLS
from bench._env import EmulatorProcess, capture_rooms, served_plugin
from bench._per_op import OPERATIONS, WARM_UP_ROOMS, PluginPath

__all__ = ["COMPONENTS", "measure_breakdown", "split_layers"]

COMPONENTS = (
    "guard",
    "provider_code",
    "slot_wait",
    "operation",
    "admission",
    "ledger",
    "http",
    "decode",
)
_DUMP_TIMEOUT_SECONDS = 10.0


def _dump(pid: int, out: Path) -> dict[str, dict[str, list[float]]]:
    out.unlink(missing_ok=True)
    os.kill(pid, signal.SIGUSR1)
    deadline = time.monotonic() + _DUMP_TIMEOUT_SECONDS
    while not out.exists():
        if time.monotonic() > deadline:
            raise RuntimeError("the timed plugin wrote no samples")
        time.sleep(0.02)
    samples: dict[str, dict[str, list[float]]] = json.loads(out.read_text())
    return samples


def _median_ms(layers: Mapping[str, list[float]], layer: str) -> float:
    samples = layers.get(layer) or [0.0]
    return statistics.median(samples) * 1000


_LAYERS = ("servicer", "provider", "run", "operation", "admission", "ledger", "http", "decode")


def _components(totals: Mapping[str, float]) -> dict[str, float]:
    return {
        "servicer": totals["servicer"],
        "guard": totals["servicer"] - totals["provider"],
        "provider_code": totals["provider"] - totals["run"],
        "slot_wait": totals["run"] - totals["operation"],
        "operation": totals["operation"] - totals["admission"] - totals["http"] - totals["decode"],
        "admission": totals["admission"],
        "ledger": totals["ledger"],
        "http": totals["http"],
        "decode": totals["decode"],
    }


def split_layers(
    operation: str, samples: Mapping[str, Mapping[str, list[float]]]
) -> dict[str, dict[str, float]]:
    """Milliseconds per component (see the module doc) of one operation's engine calls: ``wall``
    (elapsed) and ``cpu`` (CPU time of the call's thread: what the code costs, whatever else the
    machine runs)."""
    split: dict[str, dict[str, float]] = {}
    for kind, suffix in (("wall", ""), ("cpu", "_cpu")):
        totals = dict.fromkeys(_LAYERS, 0.0)
        for method in ENGINE_CALLS[operation]:
            layers = samples.get(method, {})
            for layer in _LAYERS:
                totals[layer] += _median_ms(layers, layer + suffix)
        split[kind] = _components(totals)
    return split


def measure_breakdown(emulator: EmulatorProcess, workdir: Path, rooms: int) -> dict[str, Any]:
    """Per operation: the plugin's time per component, from its own timers."""
    emulator.reset()
    emulator.raise_quotas()
    out = workdir / "layers.json"
    argv = [sys.executable, _layers.__file__, str(out)]
    names = [resource.name for resource in capture_rooms(rooms + WARM_UP_ROOMS)]
    result: dict[str, Any] = {"rooms": rooms, "operations": {}}
    with served_plugin(emulator, workdir, argv) as (process, client):
        assert process.pid is not None
        for name in names[:WARM_UP_ROOMS]:
            room = PluginPath(client, f"warm-{name}")
            room.create()
            room.get()
            room.patch("TRUSTED")
        _dump(process.pid, out)  # forget the warm-up
        paths = [PluginPath(client, name) for name in names[WARM_UP_ROOMS:]]
        for operation in OPERATIONS:
            for path in paths:
                if operation == "patch":
                    path.patch("TRUSTED")
                else:
                    getattr(path, operation)()
            samples = _dump(process.pid, out)
            result["operations"][operation] = split_layers(operation, samples)
    return result
