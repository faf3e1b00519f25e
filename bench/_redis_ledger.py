"""Benchmark 7: the quota ledgers — what an admission costs, and an organisation on one Redis.

- **Admission cost.** One call's pacing as the transport does it (`Pacer.admit`, then the
  ticket's ``done``), N times with room to spare, through each ledger: none (``off``), the SQLite
  file, and a Redis on loopback; beside them the ledger's own ``admit`` alone, and its ``admit``
  + ``finish`` (one call's whole cost to the ledger). Median and p95. The SQLite ledger's
  ``finish`` is deferred: it records the answer's time in memory, and the next ``admit``'s
  transaction writes it, so there its ``admit`` carries the previous call's stamp and its
  ``finish`` costs microseconds; Redis's ``finish`` is a round trip of its own. The bench is the
  SQLite file's only writer: its admissions are decided by the in-memory window (no count);
  `bench.sqlite_window` measures the cost against the rows in the window, alone and shared.
- **Organisation on Redis.** R rooms over O owners (the project's create bucket binds: O x U > P
  per window) created by two provider hosts that share no file (each its own ``HOME``) through
  one Redis: achieved rate ÷ the project's rate, and 429s; then the same two hosts without a
  shared ledger, to count the 429s it avoids.
"""

from __future__ import annotations

import contextlib
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pulumi_meet as meet
from bench._env import PROJECT, STACK, EmulatorProcess, client_config
from bench._organisation import Run, _create_all, _run
from pulumi_meet.pacing.ledger import Ledger, LedgerRefusal, NoLedger
from pulumi_meet.pacing.pacer import Pacer, QuotaCall
from pulumi_meet.pacing.quota import CREATE
from pulumi_meet.pacing.redis_ledger import RedisLedger
from pulumi_meet.pacing.sqlite_ledger import SqliteLedger
from tests.engine import ProviderHost, capture_program
from tests.redis_server import RedisServer

__all__ = ["FULL", "QUICK", "LedgerOptions", "measure_ledgers"]

_UNLIMITED = {"create": 100_000, "write": 100_000, "read": 100_000}


@dataclass(frozen=True)
class LedgerOptions:
    """The sizes of benchmark 7."""

    admissions: int = 2000
    window_seconds: float = 4.0
    rooms: int = 200
    owners: int = 20
    owner_creates_per_window: int = 5
    project_creates_per_window: int = 50


FULL = LedgerOptions()
QUICK = LedgerOptions(
    admissions=200,
    window_seconds=1.0,
    rooms=24,
    owners=6,
    owner_creates_per_window=3,
    project_creates_per_window=8,
)


def _percentiles(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    return {
        "median_ms": statistics.median(ordered) * 1000,
        "p95_ms": ordered[int(len(ordered) * 0.95) - 1] * 1000,
        "samples": len(ordered),
    }


def _admission_cost(ledger: Ledger, admissions: int) -> dict[str, Any]:
    """Pacer admission + done through `ledger`; the ledger's admit alone, and admit + finish."""
    pacer = Pacer()  # a fresh process's: no waiters, no turns, no announcements
    call = QuotaCall("http://bench", "cost@example.com", "bench-project", CREATE, 1e9, 1e9, 60.0)
    paced, alone, whole = [], [], []
    for _ in range(admissions):
        started = time.perf_counter()
        ticket = pacer.admit(call, ledger)
        ticket.done()
        paced.append(time.perf_counter() - started)
    keys = call.ledger_keys()
    for _ in range(admissions):
        started = time.perf_counter()
        slot = ledger.admit(keys)
        alone.append(time.perf_counter() - started)
        assert not isinstance(slot, LedgerRefusal)
        ledger.finish(slot)
        whole.append(time.perf_counter() - started)
    return {
        "paced_call": _percentiles(paced),
        "ledger_admit": _percentiles(alone),
        "ledger_call": _percentiles(whole),
    }


def _costs(redis_url: str, workdir: Path, admissions: int) -> dict[str, Any]:
    sqlite = SqliteLedger(workdir / "cost-ledger.sqlite")
    failures: list[str] = []
    redis = RedisLedger(redis_url, "loopback", failures.append, NoLedger)
    try:
        costs = {
            "none": _admission_cost(NoLedger(), admissions),
            "sqlite": _admission_cost(sqlite, admissions),
            "redis": _admission_cost(redis, admissions),
        }
    finally:
        sqlite.close()
        redis.close()
    if failures:
        raise RuntimeError(f"the Redis ledger failed during the bench: {failures}")
    return costs


def _owners_of(first: int, rooms: int, owners: int) -> Callable[[], None]:
    def program() -> None:
        for index in range(first, first + rooms):
            meet.Space(f"room-{index}", owner=f"owner{index % owners}@example.com")

    return program


@contextlib.contextmanager
def _runner(emulator: EmulatorProcess, workdir: Path, name: str) -> Iterator[ProviderHost]:
    """A provider host with a ``HOME`` of its own: it shares no file with another runner."""
    home = Path(tempfile.mkdtemp(prefix=f"{name}-home-", dir=workdir))
    env = {"MEET_EMULATOR_HOST": emulator.host_port, "HOME": str(home), "MEET_QUOTA_LEDGER": ""}
    host = ProviderHost(env, workdir)
    host.start()
    try:
        yield host
    finally:
        host.stop()


def _organisation(
    emulator: EmulatorProcess, workdir: Path, redis_url: str, options: LedgerOptions
) -> list[Run]:
    window = options.window_seconds
    half = options.rooms // 2
    programs = [
        capture_program(_owners_of(n * half, half, options.owners), project=PROJECT, stack=STACK)
        for n in range(2)
    ]
    runs = []
    for ledger in (redis_url, None):
        emulator.reset()
        emulator.control("PUT", "quotas", {
            "windowSeconds": window,
            "perUser": {"create": options.owner_creates_per_window},
            "perProject": {"create": options.project_creates_per_window},
        })  # fmt: skip
        config = client_config(
            window_seconds=window,
            per_window={**_UNLIMITED, "create": options.owner_creates_per_window},
            project_per_window={"create": options.project_creates_per_window},
        )
        if ledger is not None:
            config["meet:quotaLedger"] = ledger
        with contextlib.ExitStack() as stack:
            hosts = [stack.enter_context(_runner(emulator, workdir, f"r{n}")) for n in range(2)]

            def work(hosts: list[ProviderHost] = hosts, config: dict[str, str] = config) -> int:
                with contextlib.ExitStack() as threads:
                    from concurrent.futures import ThreadPoolExecutor

                    pool = threads.enter_context(ThreadPoolExecutor(max_workers=2))
                    futures = [
                        pool.submit(_create_all, host, config, rooms)
                        for host, rooms in zip(hosts, programs, strict=True)
                    ]
                    return sum(future.result() for future in futures)

            name = "two runners, one Redis" if ledger else "two runners, no shared ledger"
            limit = options.project_creates_per_window
            runs.append(
                _run(emulator, name, ("spaces.create",), limit, window, options.rooms, work)
            )
    return runs


def measure_ledgers(
    emulator: EmulatorProcess, workdir: Path, options: LedgerOptions
) -> dict[str, Any]:
    """Benchmark 7 (starts and stops its own ``redis-server``)."""
    with RedisServer(password="bench-ledger-pass") as server:
        version = server.client().info("server")["redis_version"]  # type: ignore[attr-defined]
        return {
            "options": options.__dict__,
            "redis_version": version,
            "admission_cost": _costs(server.url(), workdir, options.admissions),
            "organisation": [
                run.to_dict() for run in _organisation(emulator, workdir, server.url(), options)
            ],
        }
