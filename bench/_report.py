"""``latest.md``: the benchmark's tables, the machine, the date and the command."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bench._report_per_op import overhead_rows, per_operation_section

__all__ = ["GOOGLE_CREATES_PER_MINUTE", "google_create_seconds", "render_report", "targets"]

_RATIO_TARGET = 1.25
_QUOTA_TARGET = 0.9


def _ms(value: float) -> str:
    return f"{value:.2f}"


def targets(results: Mapping[str, Any]) -> list[tuple[str, str, str, bool | None]]:
    """(figure, value, target, met) for the headline table."""
    per_op = results["per_operation"]
    throughput = results["throughput"]
    create = throughput["phases"][0]
    rows: list[tuple[str, str, str, bool | None]] = [
        (
            "provider ÷ google-apps-meet time, create+get+patch (emulator, loopback)",
            f"{per_op['overall_ratio']:.2f}",
            f"≤ {_RATIO_TARGET}",
            per_op["overall_ratio"] <= _RATIO_TARGET,
        ),
        (
            "plugin ÷ google-apps-meet time, create+get+patch (emulator, loopback)",
            f"{per_op['plugin_overall_ratio']:.2f}",
            f"≤ {_RATIO_TARGET}",
            per_op["plugin_overall_ratio"] <= _RATIO_TARGET,
        ),
        (
            "plugin ÷ dynamic provider time, create+get+patch",
            f"{per_op['plugin_vs_provider']:.2f}",
            "< 1",
            per_op["plugin_vs_provider"] < 1,
        ),
        *overhead_rows(per_op),
    ]
    latency = results.get("per_operation_latency")
    if latency:
        rows.append(
            (
                f"the same with {latency['latency_ms']:g} ms added to every Meet call",
                f"{latency['overall_ratio']:.2f}",
                f"≤ {_RATIO_TARGET}",
                latency["overall_ratio"] <= _RATIO_TARGET,
            )
        )
        rows.append(
            (
                f"plugin with {latency['latency_ms']:g} ms added to every Meet call",
                f"{latency['plugin_overall_ratio']:.2f}",
                f"≤ {_RATIO_TARGET}",
                latency["plugin_overall_ratio"] <= _RATIO_TARGET,
            )
        )
    quota_ratio = create["quota_ratio"]
    rows += [
        (
            f"creates: achieved rate ÷ quota rate ({create['requests']} creates)",
            "n/a" if quota_ratio is None else f"{quota_ratio:.3f}",
            f"≥ {_QUOTA_TARGET}",
            None if quota_ratio is None else quota_ratio >= _QUOTA_TARGET,
        ),
        (
            "failed operations (create + update + refresh)",
            str(throughput["failed_operations"]),
            "0",
            throughput["failed_operations"] == 0,
        ),
        (
            "429 answers absorbed by the client",
            str(sum(phase["rejected"] for phase in throughput["phases"])),
            "—",
            None,
        ),
        (
            "`from pulumi_meet import Space` ÷ `import pulumi` (import time)",
            f"{results['imports']['ratio']:.2f}",
            "—",
            None,
        ),
    ]
    rows += _organisation_targets(results.get("organisation"))
    memory = throughput["peak_rss_kib"]
    plugin_memory = per_op["plugin_peak_rss_kib"]
    starts = results["host_starts"]
    rows += [
        (
            "provider host peak RSS during the apply",
            "n/a" if memory is None else f"{memory / 1024:.1f} MiB",
            "—",
            None,
        ),
        (
            "plugin start-up to its first answer (dynamic provider host)",
            f"{starts['plugin_ms']:.0f} ms ({starts['dynamic_host_ms']:.0f} ms)",
            "—",
            None,
        ),
        (
            "plugin peak RSS after the per-operation run",
            "n/a" if plugin_memory is None else f"{plugin_memory / 1024:.1f} MiB",
            "—",
            None,
        ),
    ]
    return rows


def _ratio(run: Mapping[str, Any]) -> tuple[str, bool | None]:
    ratio = run["quota_ratio"]
    return ("n/a", None) if ratio is None else (f"{ratio:.3f}", ratio >= _QUOTA_TARGET)


def _organisation_targets(
    organisation: Mapping[str, Any] | None,
) -> list[tuple[str, str, str, bool | None]]:
    """Benchmark 6's headline rows (none when it was not run)."""
    if not organisation:
        return []
    options = organisation["options"]
    paced, unpaced = organisation["owners"]
    shared, alone = organisation["processes"]
    adopt = organisation["adopt"]
    owners = f"{options['rooms']} rooms over {options['owners']} owners"
    hosts = f"{options['hosts']} provider hosts, one owner"
    rows: list[tuple[str, str, str, bool | None]] = [
        (f"{owners}: achieved ÷ project create rate", *_target(_ratio(paced))),
        (
            f"{owners}: failed operations / 429 answers",
            f"{paced['failed_operations']} / {paced['rejected']}",
            "0 / 0",
            paced["failed_operations"] == 0 and paced["rejected"] == 0,
        ),
        (f"{owners}, per-project pacing off: 429 answers", str(unpaced["rejected"]), "—", None),
        (f"{hosts}: achieved ÷ create quota", *_target(_ratio(shared))),
        (
            f"{hosts}: failed operations / 429 answers",
            f"{shared['failed_operations']} / {shared['rejected']}",
            "0 / 0",
            shared["failed_operations"] == 0 and shared["rejected"] == 0,
        ),
        (f"{hosts}, no ledger: 429 answers", str(alone["rejected"]), "—", None),
        (
            f"adopt --from CSV, {options['adopt_rooms']} rooms over {options['adopt_owners']} "
            "owners: spaces.get / members.list calls / 429 answers",
            f"{adopt['by_method']['spaces.get']} / {adopt['by_method']['spaces.members.list']} "
            f"/ {adopt['rejected']}",
            f"{options['adopt_rooms']} / {options['adopt_rooms']} / 0",
            adopt["by_method"]["spaces.get"] == options["adopt_rooms"]
            and adopt["by_method"]["spaces.members.list"] == options["adopt_rooms"]
            and adopt["rejected"] == 0,
        ),
        (
            "adopt --from CSV: achieved ÷ project read rate (bound by the client's CPU here)",
            _ratio(adopt)[0],
            "—",
            None,
        ),
    ]
    return rows


def _target(value: tuple[str, bool | None]) -> tuple[str, str, bool | None]:
    return value[0], f"≥ {_QUOTA_TARGET}", value[1]


def _organisation(organisation: Mapping[str, Any]) -> list[str]:
    options = organisation["options"]
    lines = [
        "| run | requests | binding quota per window | span s | achieved ÷ quota | 429s "
        "| failed operations | wall s |",
        "|---|---|---|---|---|---|---|---|",
    ]
    runs = [
        *(("owners: " + r["name"], r) for r in organisation["owners"]),
        *(("processes: " + r["name"], r) for r in organisation["processes"]),
        (organisation["adopt"]["name"], organisation["adopt"]),
    ]
    for label, run in runs:
        ratio = run["quota_ratio"]
        lines.append(
            f"| {label} | {run['requests']} | {run['limit_per_window']} / "
            f"{run['window_seconds']:g} s | {run['span_seconds']:.2f} "
            f"| {'n/a' if ratio is None else f'{ratio:.3f}'} | {run['rejected']} "
            f"| {run['failed_operations']} | {run['wall_seconds']:.2f} |"
        )
    lines += [
        "",
        f"Owners: {options['rooms']} rooms over {options['owners']} owners through one provider "
        f"host; {options['owner_creates_per_window']} creates per owner and "
        f"{options['project_creates_per_window']} per project per window (the project binds). "
        f"Processes: {options['hosts']} hosts x {options['rooms_per_host']} rooms of one owner "
        f"at {options['host_creates_per_window']} creates per window. Adopt: "
        f"{options['owner_reads_per_window']} reads per owner and "
        f"{options['project_reads_per_window']} per project per window.",
    ]
    return lines


def _headline(results: Mapping[str, Any]) -> list[str]:
    lines = ["| figure | value | target | met |", "|---|---|---|---|"]
    for figure, value, target, met in targets(results):
        mark = "—" if met is None else ("yes" if met else "**no**")
        lines.append(f"| {figure} | {value} | {target} | {mark} |")
    return lines


def _throughput(throughput: Mapping[str, Any]) -> list[str]:
    lines = [
        "| phase | requests | quota per window | span s | least span s | achieved ÷ quota "
        "| most in any window | 429s | command wall s |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for phase in throughput["phases"]:
        ratio = phase["quota_ratio"]
        ratio_text = "not quota-bound" if ratio is None else f"{ratio:.3f}"
        lines.append(
            f"| {phase['name']} (`{phase['api_method']}`) | {phase['requests']} "
            f"| {phase['limit_per_window']} / {phase['window_seconds']:g} s "
            f"| {phase['span_seconds']:.2f} | {phase['minimum_span_seconds']:.2f} | {ratio_text} "
            f"| {phase['peak_in_window']} | {phase['rejected']} | {phase['wall_seconds']:.2f} |"
        )
    lines += ["", f"Failed operations: **{throughput['failed_operations']}**."]
    errors = [phase["error"] for phase in throughput["phases"] if phase["error"]]
    lines += [f"- error: `{error}`" for error in errors]
    return lines


def _calls(counts: Mapping[str, int]) -> str:
    return ", ".join(f"{n} `{method}`" for method, n in sorted(counts.items())) or "none"


def _lifecycle(lifecycle: Mapping[str, Any]) -> list[str]:
    lines = [
        "| command | Meet API calls | least possible | provider calls (gRPC) "
        "| wall s (quotas raised) |",
        "|---|---|---|---|---|",
    ]
    for command in lifecycle["commands"]:
        api = f"{command['total']}: {_calls(command['api_calls'])}"
        least = f"{command['minimum']} ({command['minimum_note']})"
        grpc = ", ".join(f"{n} {m}" for m, n in sorted(command["provider_calls"].items()))
        lines.append(
            f"| {command['command']} | {api} | {least} | {grpc or 'none'} "
            f"| {command['wall_seconds']:.2f} |"
        )
    lines += [
        "",
        "Requests answered other than 200, besides the 400 `FAILED_PRECONDITION` of "
        f"`endActiveConference` on a room without a conference: {lifecycle['failures']}.",
    ]
    return lines


def _state(state: Mapping[str, Any]) -> list[str]:
    secret = "yes" if state["provider_is_secret"] else "no"
    return [
        "| per resource | characters |",
        "|---|---|",
        f"| `__provider` (base64 of the pickled provider) | {state['provider_chars']} |",
        f"| outputs, without `__provider` (compact JSON) | {state['outputs_chars']} |",
        f"| inputs, without `__provider` (compact JSON) | {state['inputs_chars']} |",
        "",
        f"`__provider` stored as a secret: **{secret}** (the SDK wraps it as a secret only when "
        "the provider class asks for it or captured a secret; "
        f"`SpaceProvider.serialize_as_secret_always = {state['provider_secret_flag']}`, and the "
        "pickle is a reference to the class, holding no configuration or credential).",
    ]


def _startup(results: Mapping[str, Any]) -> list[str]:
    imports = results["imports"]
    memory = results["throughput"]["peak_rss_kib"]
    memory_text = "n/a" if memory is None else f"{memory / 1024:.1f} MiB ({memory} KiB)"
    starts = results["host_starts"]
    plugin_memory = results["per_operation"]["plugin_peak_rss_kib"]
    plugin_memory_text = (
        "n/a" if plugin_memory is None else f"{plugin_memory / 1024:.1f} MiB ({plugin_memory} KiB)"
    )
    return [
        "| figure | value |",
        "|---|---|",
        f"| `import pulumi` (median of {imports['repeats']}) | {_ms(imports['pulumi_ms'])} ms |",
        f"| `import pulumi_meet` (median of {imports['repeats']}; loads the SDK lazily) "
        f"| {_ms(imports['pulumi_meet_ms'])} ms |",
        f"| `from pulumi_meet import Space` (median of {imports['repeats']}) "
        f"| {_ms(imports['pulumi_meet_space_ms'])} ms |",
        f"| ratio `Space` ÷ `pulumi` | {imports['ratio']:.2f} |",
        f"| provider host VmHWM after the {results['throughput']['rooms']}-room apply "
        f"(create + update) | {memory_text} |",
        f"| plugin start-up to its first answer (median of {starts['repeats']}) "
        f"| {starts['plugin_ms']:.0f} ms |",
        f"| dynamic provider host start-up to its first answer (median of {starts['repeats']}) "
        f"| {starts['dynamic_host_ms']:.0f} ms |",
        f"| plugin VmHWM after the per-operation run | {plugin_memory_text} |",
    ]


GOOGLE_CREATES_PER_MINUTE = 10
"""Google's default per-user quota of spaces.create, which the provider paces to by default."""


def google_create_seconds(rooms: int) -> int:
    """Seconds a user waits for `rooms` creates at Google's default quota: the pacing admits 10
    at once, then 10 more each minute (25 rooms: 10, 10 a minute later, 5 a minute after)."""
    return max(0, -(-rooms // GOOGLE_CREATES_PER_MINUTE) - 1) * 60


def _source_line(source: Mapping[str, Any] | None) -> str:
    if not source or not source.get("commit"):
        return "- code measured: unknown (the results predate the record of the commit)"
    dirty = " plus uncommitted changes" if source.get("uncommitted_changes") else ""
    return f"- code measured: commit `{source['commit']}`{dirty} (pulumi-meet {source['version']})"


def _wall_time_note(rooms: int) -> str:
    return (
        "The wall times above are measured with the emulator's quotas and the client's pacing "
        "**raised out of the way**: they show the provider's own overhead, not what a user waits "
        "for. Against Google, at the default quota of "
        f"{GOOGLE_CREATES_PER_MINUTE} creates a minute per user, creating these {rooms} rooms "
        f"takes ≈ {google_create_seconds(rooms)} s, and 25 rooms take ≈ "
        f"{google_create_seconds(25)} s (see section 2 and the README's Quotas and pacing)."
    )


def render_report(
    results: Mapping[str, Any], chart_name: str | None, per_op_chart_name: str | None = None
) -> str:
    """The whole Markdown report."""
    machine = results["machine"]
    per_op = results["per_operation"]
    throughput = results["throughput"]
    sections = [
        "# pulumi-meet benchmarks: latest results",
        "",
        f"- date: {results['date']}",
        f"- command: `{results['command']}` (total {results['total_seconds']:.0f} s)",
        f"- machine: {machine['cpu']}, {machine['cores']} cores, {machine['platform']}",
        _source_line(results.get("source")),
        f"- Python {machine['python']}, pulumi {machine['pulumi']}, "
        f"google-apps-meet {machine['google_apps_meet']}",
        "- against the emulator in its own process on 127.0.0.1; "
        "how each figure is measured: [docs/benchmarks.md](../../docs/benchmarks.md)",
        "",
        "## Headline",
        "",
        *_headline(results),
        "",
        "## 1. Per-operation cost: plugin, gRPC floor, dynamic provider, google-apps-meet",
        "",
        *per_operation_section(per_op, results.get("plugin_layers"), per_op_chart_name),
    ]
    latency = results.get("per_operation_latency")
    if latency:
        sections += [
            "",
            f"With {latency['latency_ms']:g} ms added to every Meet call (an emulator delay "
            "fault standing in for the network and Google's own service time):",
            "",
            *per_operation_section(latency, None, None),
        ]
    sections += [
        "",
        f"## 2. Quota-bound throughput ({throughput['rooms']} rooms, window "
        f"{throughput['window_seconds']:g} s)",
        "",
        *_throughput(throughput),
        "",
    ]
    if chart_name:
        sections += [f"![requests over time against the quota]({chart_name})", ""]
    sections += [
        f"## 3. API calls per lifecycle command ({results['lifecycle']['rooms']}-room stack)",
        "",
        *_lifecycle(results["lifecycle"]),
        "",
        _wall_time_note(results["lifecycle"]["rooms"]),
        "",
        "## 4. State cost",
        "",
        *_state(results["lifecycle"]["state"]),
        "",
        "## 5. Start-up",
        "",
        *_startup(results),
        "",
    ]
    organisation = results.get("organisation")
    if organisation:
        sections += [
            f"## 6. Organisation scale (window {organisation['options']['window_seconds']:g} s)",
            "",
            *_organisation(organisation),
            "",
        ]
    return "\n".join(sections)
