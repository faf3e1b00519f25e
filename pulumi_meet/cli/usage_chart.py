"""``pulumi-meet usage --chart FILE.png``: the rooms' use at a glance (matplotlib, the ``chart``
extra).

Two panels side by side, one bar per room: conferences, and minutes in conference. Unused rooms
are drawn in red and labelled; the rooms whose code expires soonest are marked with the date;
rooms that could not be read are listed as such, with no bar.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Final

from pulumi_meet.cli.usage_report import UsageRow
from pulumi_meet.exceptions import ConfigurationError

__all__ = ["NEAREST_MARKED", "draw_chart", "require_matplotlib"]

NEAREST_MARKED: Final = 3
"""How many rooms whose code expires soonest are marked."""
_USED, _UNUSED, _UNREADABLE = "#4878a8", "#d0473a", "#b0b0b0"


def _pyplot() -> Any:
    """``matplotlib.pyplot`` on the file-only Agg backend; ConfigurationError naming the extra."""
    try:
        import matplotlib

        matplotlib.use("Agg")  # files only: no display needed, none opened
        import matplotlib.pyplot as plt
    except ImportError:
        raise ConfigurationError(
            "--chart needs matplotlib, which is an optional extra: "
            "pip install matplotlib (the `chart` extra of pulumi-meet), or leave out --chart"
        ) from None
    return plt


def require_matplotlib() -> None:
    """Fail now, before any call, when the ``chart`` extra is missing."""
    _pyplot()


def _label(row: UsageRow) -> str:
    return f"{row.meeting_code or '?'}  ({row.space.removeprefix('spaces/')})"


def draw_chart(rows: Sequence[UsageRow], path: str) -> None:
    """Write the chart of ``rows`` to ``path`` (PNG); ConfigurationError without matplotlib."""
    plt = _pyplot()
    readable = [row for row in rows if row.error is None]
    nearest = sorted(
        (row for row in readable if row.code_expires_by),
        key=lambda row: str(row.code_expires_by),
    )[:NEAREST_MARKED]
    labels = [_label(row) for row in rows]
    colours = [
        _UNREADABLE if row.error is not None else _UNUSED if row.unused else _USED for row in rows
    ]
    height = max(3.0, 0.35 * len(rows) + 1.5)
    figure, (left, right) = plt.subplots(1, 2, figsize=(13, height), sharey=True)
    positions = list(range(len(rows)))
    left.barh(positions, [row.conferences or 0 for row in rows], color=colours)
    right.barh(positions, [row.minutes or 0 for row in rows], color=colours)
    left.set_yticks(positions, labels, fontsize=8)
    left.invert_yaxis()
    left.set_xlabel("conferences in the last 30 days")
    right.set_xlabel("minutes in conference")
    for position, row in zip(positions, rows, strict=True):
        if row.error is not None:
            left.annotate("cannot read", (0, position), va="center", fontsize=7, color="#606060")
        elif row.unused:
            left.annotate("unused", (0, position), va="center", fontsize=7, color=_UNUSED)
        if row in nearest:
            right.annotate(
                f" code expires by {str(row.code_expires_by)[:10]}",
                (row.minutes or 0, position),
                va="center",
                fontsize=7,
                color="#805000",
            )
    unused = sum(1 for row in rows if row.unused)
    figure.suptitle(
        f"Room use: {len(rows)} rooms, {unused} unused in the last 30 days "
        f"(red); nearest code expiries marked"
    )
    figure.tight_layout()
    figure.savefig(path, dpi=100)
    plt.close(figure)
