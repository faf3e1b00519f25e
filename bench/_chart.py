"""The throughput chart: requests over time against the quota line, one panel per phase."""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from bench._png import Canvas, Color, text_width

__all__ = ["draw_throughput_chart"]

_PANEL_WIDTH, _PANEL_HEIGHT = 440, 330
_MARGIN_LEFT, _MARGIN_RIGHT, _MARGIN_TOP, _MARGIN_BOTTOM = 56, 20, 44, 46
_HEADER = 64
_INK: Color = (40, 40, 40)
_GRID: Color = (225, 225, 225)
_REQUESTS: Color = (31, 119, 180)
_QUOTA: Color = (214, 39, 40)
_TITLES = {"create": "CREATE", "update": "UPDATE (PATCH)", "refresh": "REFRESH (GET)"}


def _nice_step(span: float, ticks: int = 5) -> float:
    raw = span / ticks if span > 0 else 1.0
    magnitude = 10.0 ** math.floor(math.log10(raw))
    return next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= raw)


def _quota_curve(
    offsets: Sequence[float], limit: int, window: float, x_max: float
) -> list[tuple[float, float]]:
    """The most requests the sliding window admits by each moment, from the first request on."""
    start = offsets[0] if offsets else 0.0
    points = [(start, float(limit))]
    moment = start
    for _ in range(1000):  # bounded: at most 1000 windows drawn
        moment += window
        if moment > x_max:
            break
        points += [(moment, points[-1][1]), (moment, points[-1][1] + limit)]
    points.append((x_max, points[-1][1]))
    return points


class _Panel:
    """One phase's axes: maps seconds and counts to pixels."""

    def __init__(self, canvas: Canvas, left: int, top: int, x_max: float, y_max: float) -> None:
        self.canvas = canvas
        self.x0, self.y0 = left + _MARGIN_LEFT, top + _MARGIN_TOP
        self.x1 = left + _PANEL_WIDTH - _MARGIN_RIGHT
        self.y1 = top + _PANEL_HEIGHT - _MARGIN_BOTTOM
        self.x_max, self.y_max = x_max, y_max

    def point(self, seconds: float, count: float) -> tuple[int, int]:
        x = self.x0 + (self.x1 - self.x0) * min(seconds, self.x_max) / self.x_max
        y = self.y1 - (self.y1 - self.y0) * min(count, self.y_max) / self.y_max
        return round(x), round(y)

    def axes(self) -> None:
        canvas = self.canvas
        x_step, y_step = _nice_step(self.x_max), _nice_step(self.y_max)
        for index in range(int(self.x_max / x_step) + 1):
            x, _ = self.point(index * x_step, 0)
            canvas.line(x, self.y0, x, self.y1, _GRID)
            label = f"{index * x_step:g}"
            canvas.text(x - text_width(label) // 2, self.y1 + 6, label, _INK)
        for index in range(int(self.y_max / y_step) + 1):
            _, y = self.point(0, index * y_step)
            canvas.line(self.x0, y, self.x1, y, _GRID)
            label = f"{index * y_step:g}"
            canvas.text(self.x0 - 6 - text_width(label), y - 3, label, _INK)
        canvas.line(self.x0, self.y1, self.x1, self.y1, _INK)
        canvas.line(self.x0, self.y0, self.x0, self.y1, _INK)
        caption = "SECONDS SINCE THE COMMAND BEGAN"
        middle = (self.x0 + self.x1) // 2
        canvas.text(middle - text_width(caption) // 2, self.y1 + 22, caption, _INK)

    def polyline(self, points: Sequence[tuple[float, float]], color: Color) -> None:
        pixels = [self.point(seconds, count) for seconds, count in points]
        for (xa, ya), (xb, yb) in itertools.pairwise(pixels):
            self.canvas.line(xa, ya, xb, yb, color, width=2)


def _draw_phase(canvas: Canvas, left: int, phase: Mapping[str, Any]) -> None:
    offsets: list[float] = phase["offsets"]
    limit, window = int(phase["limit_per_window"]), float(phase["window_seconds"])
    count = len(offsets)
    x_max = max([*offsets, 1.0]) * 1.05
    quota_shown = limit <= 2 * max(count, 1)
    y_max = max(count, limit if quota_shown else 0, 1) * 1.1
    panel = _Panel(canvas, left, _HEADER, x_max, y_max)
    title = f"{_TITLES.get(phase['name'], phase['name'])}: {count} REQUESTS"
    canvas.text(left + _MARGIN_LEFT, _HEADER + 8, title, _INK, scale=2)
    panel.axes()
    if quota_shown:
        panel.polyline(_quota_curve(offsets, limit, window, x_max), _QUOTA)
    else:
        note = f"QUOTA {limit} PER {window:g} S: ABOVE THE CHART"
        canvas.text(panel.x0 + 8, panel.y0 + 4, note, _QUOTA)
    steps: list[tuple[float, float]] = [(0.0, 0.0)]
    for number, moment in enumerate(offsets, start=1):
        steps += [(moment, number - 1.0), (moment, float(number))]
    steps.append((x_max, float(count)))
    panel.polyline(steps, _REQUESTS)


def draw_throughput_chart(throughput: Mapping[str, Any], path: Path) -> None:
    """Write the chart of a throughput result (as from ``ThroughputResult.to_dict()``)."""
    phases = throughput["phases"]
    canvas = Canvas(_PANEL_WIDTH * len(phases), _HEADER + _PANEL_HEIGHT)
    window = float(throughput["window_seconds"])
    heading = f"{throughput['rooms']} ROOMS, ONE USER, GOOGLE PER-USER QUOTAS, {window:g} S WINDOW"
    canvas.text(12, 10, heading, _INK, scale=2)
    canvas.rect(12, 38, 30, 41, _REQUESTS)
    canvas.text(36, 36, "REQUESTS ADMITTED (CUMULATIVE, FROM THE EMULATOR LOG)", _INK)
    canvas.rect(400, 38, 418, 41, _QUOTA)
    canvas.text(424, 36, "QUOTA: THE MOST THE SLIDING WINDOW ADMITS", _INK)
    for index, phase in enumerate(phases):
        _draw_phase(canvas, index * _PANEL_WIDTH, phase)
    canvas.save(path)
