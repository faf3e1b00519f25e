"""``python -m bench.sqlite_window``: one SQLite ledger call's cost against the rows in the window.

One call (``admit`` of the user's and the project's key, then ``finish``), timed N times on a
fresh file whose keys each hold about R rows in their 60-s window (an injected clock steps
60 / R seconds per call, so as many leave the window as enter it), median and p95:

- ``alone``: this process is the file's only writer (the in-memory window decides);
- ``alone, SQL count``: the same with ``in_memory_window=False`` (what every call cost before);
- ``alternating``: another process (`tests.pacing.ledger_worker` ``alternate``) admits one call
  of its own between any two of this process's, so every admission counts in SQL (its wait for
  the other process is not timed).

Prints one line per case; part of benchmark 7 (docs/benchmarks.md, "The quota ledgers").
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from pulumi_meet.pacing.ledger import LedgerKey
from pulumi_meet.pacing.sqlite_ledger import SqliteLedger

__all__ = ["main", "measure"]

_WINDOW = 60.0
_REPO = Path(__file__).resolve().parent.parent


def measure(
    path: Path, rows: int, calls: int, *, in_memory: bool, between: Callable[[], None] | None
) -> tuple[float, float]:
    """(median, p95) in ms of one call's admit + finish with ~`rows` per key in the window."""
    now = [time.time()]
    step = _WINDOW / rows
    ledger = SqliteLedger(path, clock=lambda: now[0], in_memory_window=in_memory)
    keys = [LedgerKey("user", 10**9, _WINDOW), LedgerKey("project", 10**9, _WINDOW)]
    samples = []
    try:
        for n in range(rows + calls):
            now[0] += step
            if between is not None:
                between()
            started = time.perf_counter()
            slot = ledger.admit(keys)
            ledger.finish(slot)
            if n >= rows:  # the window is full from here on
                samples.append(time.perf_counter() - started)
    finally:
        ledger.close()
    samples.sort()
    return statistics.median(samples) * 1000, samples[int(len(samples) * 0.95) - 1] * 1000


def _other_process(path: Path) -> tuple[subprocess.Popen[str], Callable[[], None]]:
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.pacing.ledger_worker", "alternate", str(path), "other",
         str(10**9)],
        cwd=_REPO, env=dict(os.environ, PYTHONPATH=str(_REPO)), text=True,
        stdin=subprocess.PIPE, stdout=subprocess.PIPE,
    )  # fmt: skip
    assert process.stdin is not None and process.stdout is not None
    stdin, stdout = process.stdin, process.stdout

    def one_call() -> None:
        stdin.write("\n")
        stdin.flush()
        assert stdout.readline().strip() == "ok"

    return process, one_call


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.sqlite_window", description=__doc__)
    parser.add_argument("--calls", type=int, default=2000)
    parser.add_argument("--rows", type=int, nargs="+", default=[100, 2000])
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    with tempfile.TemporaryDirectory(prefix="pulumi-meet-bench-window-") as workdir:
        for rows in args.rows:
            for name, in_memory, shared in (
                ("alone", True, False),
                ("alone, SQL count", False, False),
                ("alternating", True, True),
            ):
                path = Path(workdir) / f"{rows}-{name}.sqlite"
                process = None
                between = None
                if shared:
                    SqliteLedger(path).close()
                    process, between = _other_process(path)
                try:
                    median, p95 = measure(
                        path, rows, args.calls, in_memory=in_memory, between=between
                    )
                finally:
                    if process is not None:
                        assert process.stdin is not None
                        process.stdin.close()
                        process.wait(timeout=30)
                print(f"~{rows} rows per key, {name}: median {median:.3f} ms, p95 {p95:.3f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
