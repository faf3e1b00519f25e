"""The report's charts, drawn with matplotlib (the ``bench`` extra).

- :func:`draw_throughput_chart`: requests over time against the quota line, one panel per phase;
- :func:`draw_per_operation_chart`: milliseconds per operation on every path (google-apps-meet,
  the gRPC floor, google-apps-meet + floor, the plugin, the dynamic provider).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")  # files only: no display, no GUI toolkit

import matplotlib.pyplot as plt

__all__ = ["draw_per_operation_chart", "draw_throughput_chart"]

_TITLES = {"create": "create", "update": "update (patch)", "refresh": "refresh (get)"}
_REQUESTS, _QUOTA = "#1f77b4", "#d62728"
_DPI = 100


def quota_curve(
    offsets: Sequence[float], limit: int, window: float, x_max: float
) -> tuple[list[float], list[float]]:
    """The most requests the sliding window admits by each moment, from the first request on:
    ``limit`` at once, then ``limit`` more each window (a step line)."""
    start = offsets[0] if offsets else 0.0
    xs, ys = [start], [float(limit)]
    moment = start
    for _ in range(1000):  # bounded: at most 1000 windows drawn
        moment += window
        if moment > x_max:
            break
        xs.append(moment)
        ys.append(ys[-1] + limit)
    return xs, ys


def _draw_phase(axes: Any, phase: Mapping[str, Any]) -> None:
    offsets: list[float] = phase["offsets"]
    limit, window = int(phase["limit_per_window"]), float(phase["window_seconds"])
    count = len(offsets)
    x_max = max([*offsets, 1.0]) * 1.05
    axes.step(
        [0.0, *offsets, x_max],
        [0, *range(1, count + 1), count],
        where="post",
        color=_REQUESTS,
        label="requests admitted (cumulative, emulator log)",
    )
    if limit <= 2 * max(count, 1):
        xs, ys = quota_curve(offsets, limit, window, x_max)
        axes.step(
            [*xs, x_max],
            [*ys, ys[-1]],
            where="post",
            color=_QUOTA,
            label="quota: the most the sliding window admits",
        )
        axes.set_ylim(0, max(count, limit) * 1.1)
    else:
        axes.text(
            0.02,
            0.95,
            f"quota {limit} per {window:g} s: above the chart",
            transform=axes.transAxes,
            color=_QUOTA,
            va="top",
        )
        axes.set_ylim(0, max(count, 1) * 1.1)
    axes.set_xlim(0, x_max)
    axes.set_title(f"{_TITLES.get(phase['name'], phase['name'])}: {count} requests")
    axes.set_xlabel("seconds since the command began")
    axes.grid(True, color="#e0e0e0")


def draw_throughput_chart(throughput: Mapping[str, Any], path: Path) -> None:
    """Write the chart of a throughput result (as from ``ThroughputResult.to_dict()``)."""
    phases = throughput["phases"]
    figure, panels = plt.subplots(1, len(phases), figsize=(4.4 * len(phases), 3.9), squeeze=False)
    for axes, phase in zip(panels[0], phases, strict=True):
        _draw_phase(axes, phase)
    panels[0][0].set_ylabel("requests")
    panels[0][0].legend(loc="lower right", fontsize="small")
    figure.suptitle(
        f"{throughput['rooms']} rooms, one user, Google's per-user quotas, "
        f"{float(throughput['window_seconds']):g} s window"
    )
    figure.tight_layout()
    figure.savefig(path, dpi=_DPI)
    plt.close(figure)


PER_OPERATION_BARS = (
    ("google-apps-meet", "direct_median_ms", "#2ca02c"),
    ("gRPC floor (n calls)", "floor_median_ms", "#7f7f7f"),
    ("google-apps-meet + floor", None, "#bcbd22"),
    ("plugin", "plugin_median_ms", "#1f77b4"),
    ("dynamic provider", "provider_median_ms", "#ff7f0e"),
)
"""(label, figure of an operation's summary, colour) of each bar of the per-operation chart."""


def _bar_value(cost: Mapping[str, Any], key: str | None) -> float:
    if key is None:
        return float(cost["direct_median_ms"] + cost["floor_median_ms"])
    return float(cost[key])


def draw_per_operation_chart(per_op: Mapping[str, Any], path: Path) -> None:
    """Median milliseconds per operation on every path (``PerOperationResult.to_dict()``)."""
    operations = list(per_op["operations"])
    width = 0.8 / len(PER_OPERATION_BARS)
    figure, axes = plt.subplots(figsize=(9.0, 4.2))
    for index, (label, key, colour) in enumerate(PER_OPERATION_BARS):
        values = [_bar_value(per_op["operations"][name], key) for name in operations]
        positions = [
            place + (index - (len(PER_OPERATION_BARS) - 1) / 2) * width
            for place in range(len(operations))
        ]
        bars = axes.bar(positions, values, width, label=label, color=colour)
        axes.bar_label(bars, fmt="%.1f", fontsize="x-small", padding=1)
    axes.set_xticks(
        range(len(operations)),
        [
            f"{name}\n({' + '.join(per_op['operations'][name]['engine_calls'])})"
            for name in operations
        ],
    )
    axes.set_ylabel("median ms per operation")
    axes.set_title(
        f"Median ms per operation, loopback, {per_op['rooms']} rooms\nplugin overhead beyond "
        f"google-apps-meet + floor: {per_op['overhead_median_ms']:.2f} ms (mean of the three)",
        fontsize="medium",
    )
    axes.legend(fontsize="small", ncols=3, loc="upper left")
    axes.set_ylim(0, axes.get_ylim()[1] * 1.15)
    axes.grid(True, axis="y", color="#e0e0e0")
    axes.set_axisbelow(True)
    figure.tight_layout()
    figure.savefig(path, dpi=_DPI)
    plt.close(figure)
