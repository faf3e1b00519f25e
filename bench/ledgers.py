"""``python -m bench.ledgers``: benchmark 7, the quota ledgers (SQLite and Redis), on its own.

Needs ``redis-server`` on PATH (Debian: ``apt-get install redis-server``) and the ``redis``
package (in the ``test`` extra). Writes ``redis-ledger.md`` and ``redis-ledger.json`` into
``--out`` (default ``bench/results``), beside the main run's ``latest.*``.
"""

from __future__ import annotations

import argparse
import datetime
import json
import sys
import tempfile
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from bench._env import running_emulator
from bench._redis_ledger import FULL, QUICK, measure_ledgers
from bench.run import DEFAULT_OUT, _machine, _source

__all__ = ["main", "render", "targets"]

ADMISSION_TARGET_MS = 1.0
RATE_TARGET = 0.9


def targets(results: Mapping[str, Any]) -> list[tuple[str, str, str, bool]]:
    """(figure, value, target, met) of benchmark 7."""
    redis = results["admission_cost"]["redis"]["ledger_admit"]["median_ms"]
    shared = results["organisation"][0]
    ratio = shared["quota_ratio"] or 0.0
    return [
        ("Redis ledger admission, median", f"{redis:.2f} ms", "≤ 1 ms",
         redis <= ADMISSION_TARGET_MS),
        ("two runners on one Redis: achieved ÷ project rate", f"{ratio:.3f}", "≥ 0.9",
         ratio >= RATE_TARGET),
        ("two runners on one Redis: 429s", str(shared["rejected"]), "0", shared["rejected"] == 0),
    ]  # fmt: skip


def render(results: Mapping[str, Any]) -> str:
    """The Markdown report of benchmark 7."""
    options = results["options"]
    lines = [
        "# Benchmark 7: the quota ledgers (SQLite and Redis)",
        "",
        f"{results['date']} · `{results['command']}` · commit "
        f"`{(results['source']['commit'] or '?')[:10]}` · {results['machine']['cpu']}, "
        f"{results['machine']['cores']} cores · Python {results['machine']['python']} · "
        f"redis-server {results['redis_version']} on loopback",
        "",
        "| figure | value | target | met |",
        "|---|---|---|---|",
        *(f"| {f} | {v} | {t} | {'yes' if m else 'NO'} |" for f, v, t, m in targets(results)),
        "",
        f"## Admission cost ({options['admissions']} calls each, room to spare)",
        "",
        "| ledger | pacer admit + done, median | p95 | ledger admit alone, median | p95 "
        "| ledger admit + finish, median | p95 |",
        "|---|---|---|---|---|---|---|",
    ]
    for name, label in (("none", "none (`off`)"), ("sqlite", "SQLite file"), ("redis", "Redis")):
        cost = results["admission_cost"][name]
        paced, alone, whole = cost["paced_call"], cost["ledger_admit"], cost["ledger_call"]
        lines.append(
            f"| {label} | {paced['median_ms']:.3f} ms | {paced['p95_ms']:.3f} ms | "
            f"{alone['median_ms']:.3f} ms | {alone['p95_ms']:.3f} ms | "
            f"{whole['median_ms']:.3f} ms | {whole['p95_ms']:.3f} ms |"
        )
    lines += [
        "",
        "The SQLite ledger's `finish` is deferred (the next `admit`'s transaction writes its "
        "stamp): its `admit` carries the previous call's stamp, and admit + finish is one call's "
        "whole cost. This process is the file's only writer, so the SQLite rows are its "
        "in-memory window's cost (no count); with another process writing between calls, every "
        "admission counts in SQL: `python -m bench.sqlite_window` measures both.",
        "",
        f"## Organisation on one Redis ({options['rooms']} rooms over {options['owners']} owners,"
        f" window {options['window_seconds']:g} s)",
        "",
        f"Per owner {options['owner_creates_per_window']} creates per window, per project "
        f"{options['project_creates_per_window']}: the project binds. Two provider hosts, each "
        "with its own HOME (no file in common), half the rooms each.",
        "",
        "| run | creates | 429s | span | achieved ÷ project rate | wall |",
        "|---|---|---|---|---|---|",
    ]
    for run in results["organisation"]:
        ratio = run["quota_ratio"]
        lines.append(
            f"| {run['name']} | {run['requests']} | {run['rejected']} | "
            f"{run['span_seconds']:.1f} s | {'—' if ratio is None else f'{ratio:.3f}'} | "
            f"{run['wall_seconds']:.1f} s |"
        )
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.ledgers", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="small sizes, a 1 s window")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    options = QUICK if args.quick else FULL
    started = time.perf_counter()
    results: dict[str, Any] = {
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "command": "python -m bench.ledgers" + (" --quick" if args.quick else ""),
        "machine": _machine(),
        "source": _source(),
    }
    with (
        tempfile.TemporaryDirectory(prefix="pulumi-meet-bench-ledgers-") as workdir,
        running_emulator() as emulator,
    ):
        results.update(measure_ledgers(emulator, Path(workdir), options))
    results["total_seconds"] = time.perf_counter() - started
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "redis-ledger.json").write_text(
        json.dumps(results, indent=2, sort_keys=True) + "\n"
    )
    (args.out / "redis-ledger.md").write_text(render(results))
    for figure, value, target, met in targets(results):
        print(f"{figure}: {value} (target {target}) {'ok' if met else 'MISSED'}")
    print(f"report: {args.out / 'redis-ledger.md'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
