"""Benchmark 7 in miniature: ``python -m bench.ledgers --quick`` measures and reports."""

from __future__ import annotations

import json
from pathlib import Path

from bench.ledgers import main
from tests.redis_server import require_redis_server


def test_the_ledger_bench_reports_every_figure(tmp_path: Path) -> None:
    require_redis_server()
    assert main(["--quick", "--out", str(tmp_path)]) == 0
    results = json.loads((tmp_path / "redis-ledger.json").read_text())
    for ledger in ("none", "sqlite", "redis"):
        cost = results["admission_cost"][ledger]
        assert cost["paced_call"]["samples"] == results["options"]["admissions"]
        assert cost["paced_call"]["median_ms"] > 0
        assert cost["ledger_call"]["samples"] == results["options"]["admissions"]
    shared, alone = results["organisation"]
    assert shared["requests"] == alone["requests"] == results["options"]["rooms"]
    assert shared["rejected"] == 0 and shared["failed_operations"] == 0
    report = (tmp_path / "redis-ledger.md").read_text()
    assert "## Admission cost" in report and "## Organisation on one Redis" in report
    assert "Redis ledger admission, median" in report
