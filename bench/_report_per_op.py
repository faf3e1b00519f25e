"""``latest.md``'s section 1: each operation on every path, the plugin's overhead beyond the
gRPC floor, and where the plugin's own time goes."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = ["OVERHEAD_TARGET_MS", "overhead_rows", "per_operation_section"]

OVERHEAD_TARGET_MS = 0.3
"""The plugin's time beyond google-apps-meet + the floor of its n engine calls, per operation."""


def _ms(value: float) -> str:
    return f"{value:.2f}"


def overhead_rows(per_op: Mapping[str, Any]) -> list[tuple[str, str, str, bool | None]]:
    """The headline rows of benchmark 1's floor comparison."""
    operations = per_op["operations"]
    per_call = [cost["floor_per_call_median_ms"] for cost in operations.values()]
    each = ", ".join(
        f"{name} {_ms(cost['overhead_median_ms'])}" for name, cost in operations.items()
    )
    return [
        (
            "plugin overhead beyond google-apps-meet + n x gRPC floor, ms per operation "
            f"(median; {each})",
            _ms(per_op["overhead_median_ms"]),
            f"≤ {OVERHEAD_TARGET_MS}",
            per_op["overhead_max_ms"] <= OVERHEAD_TARGET_MS,
        ),
        (
            "gRPC floor: one engine call to an empty Python provider (median ms)",
            _ms(sum(per_call) / len(per_call)),
            "—",
            None,
        ),
    ]


def _paths(per_op: Mapping[str, Any]) -> list[str]:
    lines = [
        "| operation | engine calls (n) | google-apps-meet | floor (n calls) | google-apps-meet "
        "+ floor | plugin | **plugin overhead** | dynamic provider | plugin ÷ google-apps-meet "
        "| provider ÷ google-apps-meet |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for name, cost in per_op["operations"].items():
        calls = " + ".join(cost["engine_calls"])
        lines.append(
            f"| {name} | {calls} ({cost['grpc_calls']}) | {_ms(cost['direct_median_ms'])} "
            f"| {_ms(cost['floor_median_ms'])} "
            f"| {_ms(cost['direct_median_ms'] + cost['floor_median_ms'])} "
            f"| {_ms(cost['plugin_median_ms'])} | **{_ms(cost['overhead_median_ms'])}** "
            f"| {_ms(cost['provider_median_ms'])} | {cost['plugin_ratio']:.2f} "
            f"| {cost['ratio']:.2f} |"
        )
    lines += [
        f"| **all** | | | | | | **{_ms(per_op['overhead_median_ms'])}** (mean) | "
        f"| **{per_op['plugin_overall_ratio']:.2f}** | **{per_op['overall_ratio']:.2f}** |",
        "",
        "Median milliseconds per operation; the ratios are of total time. Means: "
        + "; ".join(
            f"{name} plugin {_ms(c['plugin_mean_ms'])}, google-apps-meet "
            f"{_ms(c['direct_mean_ms'])}, floor {_ms(c['floor_mean_ms'])}, overhead "
            f"{_ms(c['overhead_mean_ms'])}"
            for name, c in per_op["operations"].items()
        )
        + ".",
        "",
        f"{per_op['rooms']} rooms per path; requests answered other than 200: "
        f"{per_op['failures']}. The floor is the same engine calls, same messages, to an empty "
        "Python `ResourceProvider` served like the plugin. One engine → dynamic provider host "
        f"round trip (a Check, no API call): {_ms(per_op['grpc_round_trip_ms'])} ms median.",
    ]
    return lines


_COMPONENTS = (
    ("guard", "servicer guard"),
    ("provider_code", "plugin code around the operation"),
    ("operation", "operation + client"),
    ("admission", "pacing admission"),
    ("ledger", "of which the SQLite ledger"),
    ("decode", "JSON decode"),
)


# Results recorded before the plugin's synchronous servicer name its layers so.
_EARLIER_NAMES = {
    "guard": "sdk_bridge",
    "provider_code": "provider_loop",
    "slot_wait": "thread_hop",
}


def _current(split: Mapping[str, float]) -> dict[str, float]:
    """A layer split under today's names (an earlier run's JSON holds the earlier ones)."""
    named = dict(split)
    for name, earlier in _EARLIER_NAMES.items():
        named.setdefault(name, named.get(earlier, 0.0))
    return named


def _layers(layers: Mapping[str, Any]) -> list[str]:
    header = " | ".join(label for _, label in _COMPONENTS)
    lines = [
        f"| operation | {header} | slot wait (wall) | plugin's own, total | HTTP: client CPU "
        "/ wall (incl. the emulator) |",
        "|---|" + "---|" * (len(_COMPONENTS) + 3),
    ]
    for name, split in layers["operations"].items():
        cpu, wall = _current(split["cpu"]), _current(split["wall"])
        own = sum(cpu[key] for key in ("guard", "provider_code", "operation", "admission"))
        own += cpu["decode"] + max(wall["slot_wait"], 0.0)
        cells = " | ".join(_ms(cpu[key]) for key, _ in _COMPONENTS)
        lines.append(
            f"| {name} | {cells} | {_ms(wall['slot_wait'])} | **{_ms(own)}** "
            f"| {_ms(cpu['http'])} / {_ms(wall['http'])} |"
        )
    lines += [
        "",
        f"Milliseconds per operation, the median per engine call of each layer summed over the "
        f"operation's calls, {layers['rooms']} rooms, from timers inside a second plugin "
        "process (`bench/_layers.py`); CPU time of the call's thread, except the slot wait "
        "(waiting for one of the provider's operation slots). *Servicer guard*: the servicer "
        "around the provider (its error guard). *Plugin code around the operation*: property "
        "maps (`Struct`) ↔ plain snake_case data, check and diff, secret marking, the answer "
        "message. *Operation + "
        "client*: the operation and the client's bookkeeping around the HTTP call. *HTTP*: "
        "`requests`/`urllib3` (its CPU is client work google-apps-meet does too; its wall time "
        "includes the emulator).",
    ]
    return lines


def per_operation_section(
    per_op: Mapping[str, Any], layers: Mapping[str, Any] | None, chart_name: str | None
) -> list[str]:
    """Section 1's tables (and chart)."""
    lines = _paths(per_op)
    if chart_name:
        lines += ["", f"![median ms per operation on every path]({chart_name})"]
    if layers:
        lines += ["", "Where the plugin's own time goes:", "", *_layers(layers)]
    return lines
