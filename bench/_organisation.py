"""Benchmark 6: organisation scale — many owners, many processes, bulk onboarding, at the quota.

Compressed windows (W seconds) with the emulator enforcing the same per-window counts the client
paces at; every figure comes from the emulator's request log.

- **Owners.** One provider host creates R rooms spread over O owners; the project's create bucket
  (P per window) binds, not the owners' (U per window each, O x U > P). Achieved rate ÷ project
  rate as in benchmark 2; then the same run with the per-project pacing off, to count the 429s
  it avoids.
- **Processes.** H provider hosts create rooms for the same owner at once, sharing the quota
  through one ledger file; then the same without the ledger (each host believes it has the whole
  quota), to count the 429s the ledger avoids.
- **Bulk adopt.** ``adopt --from CSV`` of N rooms over O owners at the read quota: calls made
  (one ``spaces.get`` and one ``members.list`` per room), 429s, achieved rate ÷ the binding read
  rate.
"""

from __future__ import annotations

import contextlib
import functools
import io
import math
import time
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pulumi_meet as meet
from bench._env import PROJECT, STACK, EmulatorProcess, client_config, provider_host
from pulumi_meet.cli.adopt_csv import adopt_from_csv
from pulumi_meet.client.settings import Settings
from pulumi_meet.client.state import ClientState, use_state
from tests.engine import (
    CapturedResource,
    Engine,
    EngineError,
    ProviderHost,
    capture_program,
    make_urn,
)

__all__ = ["FULL", "QUICK", "OrganisationOptions", "measure_organisation"]

_ENGINE_PARALLELISM = 4  # what the dynamic provider host serves at once
_UNLIMITED = {"create": 100_000, "write": 100_000, "read": 100_000}


@dataclass(frozen=True)
class OrganisationOptions:
    """The sizes of benchmark 6."""

    window_seconds: float = 4.0
    rooms: int = 200
    owners: int = 20
    owner_creates_per_window: int = 5
    project_creates_per_window: int = 50
    hosts: int = 3
    rooms_per_host: int = 10
    host_creates_per_window: int = 10
    adopt_rooms: int = 300
    adopt_owners: int = 15
    owner_reads_per_window: int = 20
    project_reads_per_window: int = 100


FULL = OrganisationOptions()
QUICK = OrganisationOptions(
    window_seconds=1.0,
    rooms=24,
    owners=6,
    owner_creates_per_window=3,
    project_creates_per_window=8,
    hosts=3,
    rooms_per_host=3,
    host_creates_per_window=3,
    adopt_rooms=30,
    adopt_owners=3,
    owner_reads_per_window=6,
    project_reads_per_window=10,
)


@dataclass(frozen=True)
class Run:
    """The requests of one method in one run, read from the emulator's log."""

    name: str
    requests: int
    rejected: int
    limit: int
    window_seconds: float
    span_seconds: float
    wall_seconds: float
    failed_operations: int
    by_method: dict[str, int]
    """Successful requests per API method."""

    @property
    def quota_ratio(self) -> float | None:
        """Achieved rate ÷ the binding rate (the sliding-window minimum ÷ the measured span)."""
        least = (math.ceil(self.requests / self.limit) - 1) * self.window_seconds
        return least / self.span_seconds if least > 0 and self.span_seconds else None

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "requests": self.requests,
            "rejected": self.rejected,
            "limit_per_window": self.limit,
            "window_seconds": self.window_seconds,
            "span_seconds": self.span_seconds,
            "wall_seconds": self.wall_seconds,
            "quota_ratio": self.quota_ratio,
            "failed_operations": self.failed_operations,
            "by_method": self.by_method,
        }


def _run(  # noqa: PLR0917 (a run is these seven facts)
    emulator: EmulatorProcess,
    name: str,
    api_methods: tuple[str, ...],
    limit: int,
    window: float,
    expected: int,
    work: Callable[[], int],
) -> Run:
    """Run `work` (returns its failed operations); read the requests of `api_methods` (one
    bucket's) from the log."""
    emulator.clear_log()
    started = time.perf_counter()
    failed = work()
    wall = time.perf_counter() - started
    entries = [e for e in emulator.requests_log() if e["apiMethod"] in api_methods]
    by_method = {
        method: sum(1 for e in entries if e["apiMethod"] == method and e["status"] == 200)
        for method in api_methods
    }
    times = sorted(e["time"] for e in entries if e["status"] == 200)
    rejected = sum(1 for e in entries if e["status"] != 200)
    span = times[-1] - times[0] if len(times) > 1 else 0.0
    failed += max(0, expected - len(times))
    return Run(name, len(times), rejected, limit, window, span, wall, failed, by_method)


def _owners_program(rooms: int, owners: int) -> Callable[[], None]:
    def program() -> None:
        for index in range(rooms):
            meet.Space(f"room-{index}", owner=f"owner{index % owners}@example.com")

    return program


def _rooms_of(prefix: str, rooms: int) -> Callable[[], None]:
    def program() -> None:
        for index in range(rooms):
            meet.Space(f"{prefix}-room-{index}")

    return program


def _up(engine: Engine, program: Callable[[], None]) -> int:
    try:
        engine.up(program)
    except EngineError:
        return 1
    return 0


def _owners(emulator: EmulatorProcess, workdir: Path, options: OrganisationOptions) -> list[Run]:
    window = options.window_seconds
    runs = []
    for paced in (True, False):
        emulator.reset()
        emulator.control(
            "PUT",
            "quotas",
            {
                "windowSeconds": window,
                "perUser": {"create": options.owner_creates_per_window},
                "perProject": {"create": options.project_creates_per_window},
            },
        )
        config = client_config(
            window_seconds=window,
            per_window={**_UNLIMITED, "create": options.owner_creates_per_window},
            project_per_window={"create": options.project_creates_per_window} if paced else None,
        )
        with provider_host(emulator, workdir) as host:
            engine = Engine(host, config=config, project=PROJECT, stack=STACK)
            program = _owners_program(options.rooms, options.owners)
            name = "project pacing on" if paced else "project pacing off"
            runs.append(
                _run(
                    emulator,
                    name,
                    ("spaces.create",),
                    options.project_creates_per_window,
                    window,
                    options.rooms,
                    functools.partial(_up, engine, program),
                )
            )
    return runs


def _create_all(
    host: ProviderHost, config: Mapping[str, str], rooms: list[CapturedResource]
) -> int:
    """Check and create every room through `host` as the engine does (4 at a time); failures."""
    host.configure(config)

    def create(resource: CapturedResource) -> int:
        urn = make_urn(resource.type, resource.name, project=PROJECT, stack=STACK)
        try:
            checked, failures = host.check(urn, {}, resource.inputs)
            if failures:
                return 1
            host.create(urn, checked)
        except EngineError:
            return 1
        return 0

    with ThreadPoolExecutor(max_workers=_ENGINE_PARALLELISM) as pool:
        return sum(pool.map(create, rooms))


def _processes(emulator: EmulatorProcess, workdir: Path, options: OrganisationOptions) -> list[Run]:
    window = options.window_seconds
    limit = options.host_creates_per_window
    config = client_config(window_seconds=window, per_window={**_UNLIMITED, "create": limit})
    # Captured one program at a time: the SDK's mocks are process-wide.
    programs = [
        capture_program(_rooms_of(f"host{n}", options.rooms_per_host), project=PROJECT, stack=STACK)
        for n in range(options.hosts)
    ]
    runs = []
    for shared in (True, False):
        emulator.reset()
        emulator.control("PUT", "quotas", {"windowSeconds": window, "perUser": {"create": limit}})
        ledger = workdir / f"shared-ledger-{shared}.sqlite" if shared else None
        with contextlib.ExitStack() as stack:
            hosts = [
                stack.enter_context(provider_host(emulator, workdir, ledger))
                for _ in range(options.hosts)
            ]

            def work(hosts: list[ProviderHost] = hosts) -> int:
                with ThreadPoolExecutor(max_workers=len(hosts)) as pool:
                    futures = [
                        pool.submit(_create_all, host, config, rooms)
                        for host, rooms in zip(hosts, programs, strict=True)
                    ]
                    return sum(future.result() for future in futures)

            name = "one ledger" if shared else "no ledger (each host alone)"
            total = options.hosts * options.rooms_per_host
            runs.append(_run(emulator, name, ("spaces.create",), limit, window, total, work))
    return runs


def _adopt(emulator: EmulatorProcess, workdir: Path, options: OrganisationOptions) -> Run:
    window = options.window_seconds
    emulator.reset()
    emulator.raise_quotas()
    owners = [f"member{n}@example.com" for n in range(options.adopt_owners)]
    lines = []
    for index in range(options.adopt_rooms):
        owner = owners[index % len(owners)]
        code = emulator.create_space(owner)["meetingCode"]
        lines.append(f"{code},{owner}")
    emulator.control(
        "PUT",
        "quotas",
        {
            "windowSeconds": window,
            "perUser": {"read": options.owner_reads_per_window},
            "perProject": {"read": options.project_reads_per_window},
        },
    )
    scale = 60.0 / window
    config: Mapping[str, str] = {
        "meet:emulatorHost": emulator.host_port,
        "meet:quotaWindowSeconds": repr(window),
        "meet:readsPerMinute": repr(options.owner_reads_per_window * scale),
        "meet:projectReadsPerMinute": repr(options.project_reads_per_window * scale),
        "meet:quotaLedger": str(workdir / "adopt-ledger.sqlite"),
    }
    settings = Settings.from_config(config.get, {})
    binding = min(
        options.project_reads_per_window, options.owner_reads_per_window * options.adopt_owners
    )
    out, err = io.StringIO(), io.StringIO()

    def work() -> int:
        with use_state(ClientState()):  # a fresh process's clients, limiters and ledgers
            code = adopt_from_csv(
                settings, lines, "rooms.csv", output_format="python", out=out, err=err
            )
        return 0 if code == 0 and out.getvalue().count("meet.Space(") == len(lines) else 1

    name = f"adopt --from CSV, {options.adopt_rooms} rooms over {options.adopt_owners} owners"
    # `adopt` reads each room and its members: two reads of the read bucket per room.
    reads = ("spaces.get", "spaces.members.list")
    return _run(emulator, name, reads, binding, window, 2 * len(lines), work)


def measure_organisation(
    emulator: EmulatorProcess, workdir: Path, options: OrganisationOptions
) -> dict[str, Any]:
    """Benchmark 6: owners under the project cap, processes sharing a ledger, bulk adopt."""
    return {
        "options": options.__dict__,
        "owners": [run.to_dict() for run in _owners(emulator, workdir, options)],
        "processes": [run.to_dict() for run in _processes(emulator, workdir, options)],
        "adopt": _adopt(emulator, workdir, options).to_dict(),
    }
