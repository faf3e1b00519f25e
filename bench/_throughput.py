"""Benchmark 2: quota-bound throughput of one user with Google's default per-user quotas.

The emulator's quota window is compressed (``windowSeconds`` W) with Google's per-window counts
unchanged (10 creates, 100 writes, 600 reads per user); the client paces over the same window
with the same counts. Then, through the engine: ``up`` of N new rooms, ``up`` changing one field
of every room, ``refresh``. Every Meet request's timestamp comes from the emulator's request log.

A sliding window of L admissions per W seconds lets the first L requests through at once and
each later one only when an earlier one has left the window, so N requests cannot span less than
``(ceil(N / L) - 1) * W`` from the first to the last: 60 creates at 10 per window need 5 full
windows after the first burst. The achieved rate ÷ quota rate is that minimum ÷ the measured
span (1.0 = the quota is used to the last slot). A phase whose N fits in one window is not
quota-bound: its minimum is 0 and the ratio does not apply.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench._env import PROJECT, STACK, EmulatorProcess, client_config, provider_host, rooms_program
from tests.engine import Engine, EngineError

__all__ = ["GOOGLE_PER_USER", "Phase", "ThroughputResult", "measure_throughput", "peak_rss_kib"]

GOOGLE_PER_USER = {"create": 10, "write": 100, "read": 600}
_PHASES = (("create", "spaces.create", "create"), ("update", "spaces.patch", "write"))
_REFRESH = ("refresh", "spaces.get", "read")


@dataclass
class Phase:
    """One engine command of the throughput run and the requests it sent."""

    name: str
    api_method: str
    bucket: str
    limit: int
    window_seconds: float
    started_at: float  # epoch seconds, when the command began
    wall_seconds: float
    times: list[float]  # epoch seconds of each successful request, sorted
    rejected: int  # answers other than 200 (429s the client absorbed, or worse)
    error: str | None  # the engine's error, if the command failed

    @property
    def span_seconds(self) -> float:
        return self.times[-1] - self.times[0] if len(self.times) > 1 else 0.0

    @property
    def minimum_span_seconds(self) -> float:
        """The least time from first to last request the sliding window allows."""
        return (math.ceil(len(self.times) / self.limit) - 1) * self.window_seconds

    @property
    def quota_ratio(self) -> float | None:
        """Achieved rate ÷ quota rate, for quota-bound phases (None otherwise)."""
        if self.minimum_span_seconds <= 0:
            return None
        return self.minimum_span_seconds / self.span_seconds if self.span_seconds else None

    @property
    def peak_in_window(self) -> int:
        """The most requests admitted within any W seconds (must not exceed the limit)."""
        peak, first = 0, 0
        for last, moment in enumerate(self.times):
            while moment - self.times[first] >= self.window_seconds:
                first += 1
            peak = max(peak, last - first + 1)
        return peak

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "api_method": self.api_method,
            "bucket": self.bucket,
            "limit_per_window": self.limit,
            "window_seconds": self.window_seconds,
            "requests": len(self.times),
            "rejected": self.rejected,
            "error": self.error,
            "wall_seconds": self.wall_seconds,
            "span_seconds": self.span_seconds,
            "minimum_span_seconds": self.minimum_span_seconds,
            "quota_ratio": self.quota_ratio,
            "peak_in_window": self.peak_in_window,
            "offsets": [moment - self.started_at for moment in self.times],
        }


@dataclass
class ThroughputResult:
    rooms: int
    window_seconds: float
    phases: list[Phase]
    peak_rss_kib: int | None

    @property
    def failed_operations(self) -> int:
        """Rooms a command did not finish (requests missing, or the command failed)."""
        missing = sum(max(0, self.rooms - len(phase.times)) for phase in self.phases)
        return missing + sum(1 for phase in self.phases if phase.error)

    def to_dict(self) -> dict[str, Any]:
        return {
            "rooms": self.rooms,
            "window_seconds": self.window_seconds,
            "failed_operations": self.failed_operations,
            "peak_rss_kib": self.peak_rss_kib,
            "phases": [phase.to_dict() for phase in self.phases],
        }


def peak_rss_kib(pid: int | None) -> int | None:
    """The RSS high-water mark (VmHWM) of a live process, in KiB; None where /proc has none."""
    if pid is None:
        return None
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    for line in status.splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return None


def _run_phase(
    emulator: EmulatorProcess,
    engine: Engine,
    spec: tuple[str, str, str],
    command: Any,
    window: float,
) -> Phase:
    name, api_method, bucket = spec
    emulator.clear_log()
    started_at, started = time.time(), time.perf_counter()
    error = None
    try:
        command()
    except EngineError as failure:
        error = str(failure).splitlines()[0]
    wall = time.perf_counter() - started
    entries = [entry for entry in emulator.requests_log() if entry["apiMethod"] == api_method]
    times = sorted(entry["time"] for entry in entries if entry["status"] == 200)
    rejected = sum(1 for entry in entries if entry["status"] != 200)
    limit = GOOGLE_PER_USER[bucket]
    return Phase(name, api_method, bucket, limit, window, started_at, wall, times, rejected, error)


def measure_throughput(
    emulator: EmulatorProcess, workdir: Path, rooms: int, window_seconds: float
) -> ThroughputResult:
    """Create, update, refresh ``rooms`` rooms at Google's per-user quotas over a short window."""
    emulator.reset()
    emulator.google_quotas(window_seconds)
    config = client_config(window_seconds=window_seconds, per_window=GOOGLE_PER_USER)
    phases = []
    with provider_host(emulator, workdir) as host:
        engine = Engine(host, config=config, project=PROJECT, stack=STACK)
        programs = (rooms_program(rooms, "OPEN"), rooms_program(rooms, "TRUSTED"))
        for spec, program in zip(_PHASES, programs, strict=True):
            phases.append(
                _run_phase(emulator, engine, spec, lambda p=program: engine.up(p), window_seconds)
            )
        memory = peak_rss_kib(host.pid)  # the high-water mark of the apply (create + update)
        phases.append(_run_phase(emulator, engine, _REFRESH, engine.refresh, window_seconds))
    return ThroughputResult(rooms, window_seconds, phases, memory)
