"""The benchmark suite in miniature: ``python -m bench --quick`` produces a sane report."""

from __future__ import annotations

import json
import math
import struct
from pathlib import Path
from typing import Any

import pytest

from bench._breakdown import COMPONENTS
from bench._chart import quota_curve
from bench._engine import ENGINE_CALLS
from bench._throughput import Phase
from bench.run import CHART_NAME, PER_OPERATION_CHART_NAME, main, parse_options


@pytest.fixture(scope="module")
def quick_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    out = tmp_path_factory.mktemp("bench")
    assert main(["--quick", "--out", str(out)]) == 0
    return out, json.loads((out / "latest.json").read_text())


def _positive(value: Any) -> bool:
    return isinstance(value, float) and math.isfinite(value) and value > 0


def test_the_report_has_every_section_and_the_chart(quick_run: tuple[Path, dict[str, Any]]) -> None:
    out, _ = quick_run
    report = (out / "latest.md").read_text()
    for heading in (
        "## Headline",
        "## 1. Per-operation cost",
        "## 2. Quota-bound throughput (12 rooms, window 1 s)",
        "## 3. API calls per lifecycle command (3-room stack)",
        "## 4. State cost",
        "## 5. Start-up",
        "## 6. Organisation scale (window 1 s)",
    ):
        assert heading in report
    assert "python -m bench --quick" in report
    for chart in (CHART_NAME, PER_OPERATION_CHART_NAME):
        assert f"]({chart})" in report
        png = (out / chart).read_bytes()
        assert png.startswith(b"\x89PNG\r\n\x1a\n")
        width, height = struct.unpack(">II", png[16:24])
        assert width >= 800 and height >= 300
    assert "plugin overhead beyond google-apps-meet + n x gRPC floor" in report
    assert "Where the plugin's own time goes" in report


def test_per_operation_ratios_are_measured_without_failures(
    quick_run: tuple[Path, dict[str, Any]],
) -> None:
    _, results = quick_run
    per_op = results["per_operation"]
    assert per_op["failures"] == 0
    assert set(per_op["operations"]) == {"create", "get", "patch"}
    assert all(_positive(cost["ratio"]) for cost in per_op["operations"].values())
    assert _positive(per_op["overall_ratio"]) and _positive(per_op["grpc_round_trip_ms"])
    assert all(_positive(cost["plugin_ratio"]) for cost in per_op["operations"].values())
    for name, cost in per_op["operations"].items():
        assert cost["engine_calls"] == list(ENGINE_CALLS[name])
        assert _positive(cost["floor_median_ms"]) and _positive(cost["direct_median_ms"])
        # The floor is n empty calls: cheaper than the plugin's n calls that do the work.
        assert cost["floor_median_ms"] < cost["plugin_median_ms"]
        assert cost["overhead_median_ms"] == pytest.approx(
            cost["plugin_median_ms"] - cost["direct_median_ms"] - cost["floor_median_ms"]
        )
    assert _positive(per_op["plugin_overall_ratio"]) and _positive(per_op["plugin_vs_provider"])
    assert per_op["plugin_peak_rss_kib"] is None or per_op["plugin_peak_rss_kib"] > 10_000
    starts = results["host_starts"]
    assert starts["repeats"] == 3
    assert _positive(starts["plugin_ms"]) and _positive(starts["dynamic_host_ms"])


def test_throughput_stays_within_the_quota_and_nothing_fails(
    quick_run: tuple[Path, dict[str, Any]],
) -> None:
    _, results = quick_run
    throughput = results["throughput"]
    assert throughput["failed_operations"] == 0
    create, update, refresh = throughput["phases"]
    assert [p["requests"] for p in throughput["phases"]] == [12, 12, 12]
    assert create["peak_in_window"] <= create["limit_per_window"] == 10
    assert create["minimum_span_seconds"] == 1.0
    # The sliding window cannot be beaten, and pacing must not waste half of it.
    assert 0.5 < create["quota_ratio"] <= 1.01
    assert update["quota_ratio"] is None and refresh["quota_ratio"] is None
    assert len(create["offsets"]) == 12 and create["offsets"] == sorted(create["offsets"])
    assert throughput["peak_rss_kib"] is None or throughput["peak_rss_kib"] > 10_000


def test_lifecycle_costs_match_the_minimum_and_state_is_measured(
    quick_run: tuple[Path, dict[str, Any]],
) -> None:
    _, results = quick_run
    lifecycle = results["lifecycle"]
    assert lifecycle["failures"] == 0
    assert [c["total"] for c in lifecycle["commands"]] == [0, 3, 0, 3, 1, 3, 6]
    assert all(c["total"] == c["minimum"] for c in lifecycle["commands"])
    state = lifecycle["state"]
    assert 0 < state["provider_chars"] < 200 and state["outputs_chars"] > 100
    assert state["provider_is_secret"] is False
    imports = results["imports"]
    assert imports["repeats"] == 3 and _positive(imports["ratio"])


def test_organisation_scale_stays_within_every_quota(
    quick_run: tuple[Path, dict[str, Any]],
) -> None:
    _, results = quick_run
    organisation = results["organisation"]
    options = organisation["options"]
    paced, unpaced = organisation["owners"]
    shared, alone = organisation["processes"]
    adopt = organisation["adopt"]
    assert paced["requests"] == unpaced["requests"] == options["rooms"]
    assert (paced["rejected"], paced["failed_operations"]) == (0, 0)
    assert (shared["rejected"], shared["failed_operations"]) == (0, 0)
    assert shared["requests"] == options["hosts"] * options["rooms_per_host"]
    assert alone["rejected"] > 0  # three hosts, each believing it has the whole quota
    calls = adopt["by_method"]  # adopt reads each room and its members
    rooms = options["adopt_rooms"]
    assert calls == {"spaces.get": rooms, "spaces.members.list": rooms}
    assert adopt["rejected"] == 0
    for run in (paced, shared):
        assert 0.5 < run["quota_ratio"] <= 1.01


def test_options_quick_and_overrides() -> None:
    quick = parse_options(["--quick", "--rooms", "5"])
    assert (quick.rooms, quick.throughput_rooms, quick.window_seconds) == (5, 12, 1.0)
    assert quick.command == "python -m bench --quick --rooms 5"
    full = parse_options([])
    assert (full.rooms, full.throughput_rooms, full.window_seconds) == (50, 60, 6.0)
    with pytest.raises(SystemExit):
        parse_options(["--rooms", "0"])


def _phase(times: list[float], limit: int = 10, window: float = 6.0) -> Phase:
    return Phase("create", "spaces.create", "create", limit, window, 0.0, 0.0, times, 0, None)


def test_the_sliding_window_minimum_counts_whole_windows_after_the_first_burst() -> None:
    # 60 creates at 10 per 6 s: bursts at 0, 6, 12, 18, 24, 30 -> 30 s, not 36 s.
    ideal = [6.0 * (index // 10) for index in range(60)]
    phase = _phase(ideal)
    assert phase.minimum_span_seconds == 30.0
    assert phase.quota_ratio == 1.0
    assert phase.peak_in_window == 10
    slow = _phase([moment * 1.25 for moment in ideal])
    assert slow.quota_ratio == pytest.approx(0.8)
    assert _phase([0.0, 0.1, 0.2]).quota_ratio is None  # fits in one window: not quota-bound
    assert _phase([0.0] * 11).peak_in_window == 11


def test_the_engine_calls_per_operation_are_the_engines() -> None:
    # pulumi/pulumi step_generator.go and step.go, cited in docs/benchmarks.md.
    assert ENGINE_CALLS == {
        "create": ("Check", "Create"),
        "get": ("Read", "Diff"),
        "patch": ("Check", "Diff", "Update"),
    }


def test_the_plugin_layers_are_measured(quick_run: tuple[Path, dict[str, Any]]) -> None:
    _, results = quick_run
    layers = results["plugin_layers"]["operations"]
    assert set(layers) == {"create", "get", "patch"}
    for split in layers.values():
        assert set(COMPONENTS) <= set(split["cpu"]) and set(COMPONENTS) <= set(split["wall"])
        assert split["wall"]["http"] > 0 and split["cpu"]["provider_code"] > 0
        assert split["wall"]["servicer"] >= split["wall"]["http"]


def test_the_quota_line_steps_once_per_window() -> None:
    xs, ys = quota_curve([0.5, 0.6], limit=10, window=6.0, x_max=20.0)
    assert xs == [0.5, 6.5, 12.5, 18.5]
    assert ys == [10.0, 20.0, 30.0, 40.0]
