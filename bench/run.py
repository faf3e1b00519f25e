"""``python -m bench``: every benchmark against the emulator, side by side in one run.

Writes ``latest.md`` (the tables), ``latest.json`` (every figure and timestamp),
``throughput.png`` (requests over time against the quota) and ``per_operation.png`` (each
operation on every path) into ``--out``.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

from bench._breakdown import measure_breakdown
from bench._chart import draw_per_operation_chart, draw_throughput_chart
from bench._env import running_emulator
from bench._lifecycle import measure_lifecycle
from bench._organisation import FULL as FULL_ORGANISATION
from bench._organisation import QUICK, OrganisationOptions, measure_organisation
from bench._per_op import measure_per_operation
from bench._report import render_report, targets
from bench._startup import measure_host_starts, measure_imports
from bench._throughput import measure_throughput

__all__ = [
    "CHART_NAME",
    "PER_OPERATION_CHART_NAME",
    "Options",
    "main",
    "parse_options",
    "run_benchmarks",
]

DEFAULT_OUT = Path(__file__).resolve().parent / "results"
CHART_NAME = "throughput.png"
PER_OPERATION_CHART_NAME = "per_operation.png"


@dataclass(frozen=True)
class Options:
    rooms: int = 50
    throughput_rooms: int = 60
    window_seconds: float = 6.0
    latency_ms: float = 50.0
    import_repeats: int = 7
    out: Path = DEFAULT_OUT
    command: str = "python -m bench"
    organisation: OrganisationOptions = FULL_ORGANISATION


def parse_options(argv: Sequence[str]) -> Options:
    parser = argparse.ArgumentParser(
        prog="python -m bench", description="Benchmark pulumi-meet against its emulator."
    )
    parser.add_argument("--rooms", type=int, help="rooms for benchmarks 1 and 3 (default 50)")
    parser.add_argument(
        "--throughput-rooms", type=int, help="rooms of the quota-bound run (default 60)"
    )
    parser.add_argument(
        "--window", type=float, help="compressed quota window in seconds (default 6; Google: 60)"
    )
    parser.add_argument(
        "--latency-ms",
        type=float,
        help="also compare per-operation cost with this delay on every Meet call (default 50; "
        "0 = skip)",
    )
    parser.add_argument("--import-repeats", type=int, help="fresh interpreters per module (7)")
    parser.add_argument("--out", type=Path, help=f"output directory (default {DEFAULT_OUT})")
    parser.add_argument(
        "--quick",
        action="store_true",
        help="a smoke run: 3 rooms, 12 quota-bound rooms over a 1 s window, 3 import samples, "
        "a small organisation run",
    )
    arguments = parser.parse_args(list(argv))
    base = (
        Options(
            rooms=3,
            throughput_rooms=12,
            window_seconds=1.0,
            latency_ms=0,
            import_repeats=3,
            organisation=QUICK,
        )
        if arguments.quick
        else Options()
    )
    chosen = {
        "rooms": arguments.rooms,
        "throughput_rooms": arguments.throughput_rooms,
        "window_seconds": arguments.window,
        "latency_ms": arguments.latency_ms,
        "import_repeats": arguments.import_repeats,
        "out": arguments.out,
    }
    values = {**base.__dict__, **{k: v for k, v in chosen.items() if v is not None}}
    values["command"] = " ".join(["python -m bench", *argv])
    options = Options(**values)
    if min(options.rooms, options.throughput_rooms, options.import_repeats) < 1:
        parser.error("room counts and --import-repeats must be at least 1")
    if options.window_seconds <= 0 or options.latency_ms < 0:
        parser.error("--window must be positive and --latency-ms not negative")
    return options


def _machine() -> dict[str, Any]:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "pulumi": metadata.version("pulumi"),
        "google_apps_meet": metadata.version("google-apps-meet"),
    }


def _source() -> dict[str, Any]:
    """The code measured: the commit, whether the tree differed from it, the package version."""
    from pulumi_meet import __version__

    root = Path(__file__).resolve().parents[1]

    def git(*args: str) -> str | None:
        try:
            done = subprocess.run(
                ["git", *args], cwd=root, capture_output=True, text=True, timeout=10, check=True
            )
        except (OSError, subprocess.SubprocessError):
            return None
        return done.stdout.strip()

    status = git("status", "--porcelain", "--untracked-files=no", "--", "pulumi_meet", "bench")
    return {
        "commit": git("rev-parse", "HEAD"),
        "uncommitted_changes": bool(status) if status is not None else None,
        "version": __version__,
    }


def _progress(message: str) -> None:
    print(f"[bench] {message}", file=sys.stderr, flush=True)


def run_benchmarks(options: Options) -> dict[str, Any]:
    """Run every benchmark; write the report, the JSON and the chart; return the results."""
    started = time.perf_counter()
    results: dict[str, Any] = {
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "command": options.command,
        "machine": _machine(),
        "source": _source(),
    }
    with (
        tempfile.TemporaryDirectory(prefix="pulumi-meet-bench-") as workdir,
        running_emulator() as emulator,
    ):
        work = Path(workdir)
        _progress(f"1. per-operation cost, {options.rooms} rooms")
        results["per_operation"] = measure_per_operation(emulator, work, options.rooms).to_dict()
        _progress(f"1. where the plugin's time goes (timed layers), {options.rooms} rooms")
        results["plugin_layers"] = measure_breakdown(emulator, work, options.rooms)
        if options.latency_ms > 0:
            _progress(f"1. per-operation cost with {options.latency_ms:g} ms latency")
            results["per_operation_latency"] = measure_per_operation(
                emulator, work, options.rooms, options.latency_ms
            ).to_dict()
        _progress(
            f"2. throughput, {options.throughput_rooms} rooms, window {options.window_seconds:g} s"
        )
        results["throughput"] = measure_throughput(
            emulator, work, options.throughput_rooms, options.window_seconds
        ).to_dict()
        _progress(f"3-4. lifecycle and state, {options.rooms} rooms")
        results["lifecycle"] = measure_lifecycle(emulator, work, options.rooms).to_dict()
        _progress(f"5. provider process start-up, {options.import_repeats} samples each")
        results["host_starts"] = measure_host_starts(options.import_repeats, work).to_dict()
        organisation = options.organisation
        _progress(
            f"6. organisation scale: {organisation.rooms} rooms over {organisation.owners} "
            f"owners, {organisation.hosts} hosts, adopt of {organisation.adopt_rooms} rooms; "
            f"window {organisation.window_seconds:g} s"
        )
        results["organisation"] = measure_organisation(emulator, work, organisation)
    _progress(f"5. import times, {options.import_repeats} samples each")
    results["imports"] = measure_imports(options.import_repeats).to_dict()
    results["total_seconds"] = time.perf_counter() - started
    _write(results, options.out)
    return results


def _write(results: dict[str, Any], out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    draw_throughput_chart(results["throughput"], out / CHART_NAME)
    draw_per_operation_chart(results["per_operation"], out / PER_OPERATION_CHART_NAME)
    (out / "latest.json").write_text(json.dumps(results, indent=2, sort_keys=True) + "\n")
    (out / "latest.md").write_text(render_report(results, CHART_NAME, PER_OPERATION_CHART_NAME))


def main(argv: Sequence[str] | None = None) -> int:
    options = parse_options(sys.argv[1:] if argv is None else argv)
    results = run_benchmarks(options)
    for figure, value, target, met in targets(results):
        verdict = "" if met is None else ("  ok" if met else "  MISSED")
        print(f"{figure}: {value}" + (f" (target {target}){verdict}" if target != "—" else ""))
    print(f"report: {options.out / 'latest.md'}")
    return 0
