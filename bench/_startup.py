"""Benchmark 5: import time of ``pulumi_meet`` vs ``pulumi`` alone; start-up of the provider
processes (the plugin and the dynamic provider host).

Each sample is a fresh interpreter that times its own ``import`` with ``perf_counter`` (so the
interpreter's start-up is not counted); the figure is the median of the samples.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = ["HostStartTimes", "ImportTimes", "measure_host_starts", "measure_imports"]

# What each sample imports: ``pulumi_meet`` alone loads the Pulumi SDK lazily, so the figure
# that matters for a program is the import of ``Space`` (which brings the SDK in).
_STATEMENTS = {
    "pulumi": "import pulumi",
    "pulumi_meet": "import pulumi_meet",
    "pulumi_meet.Space": "from pulumi_meet import Space",
}
_SNIPPET = (
    "import time; started = time.perf_counter(); {statement}; print(time.perf_counter() - started)"
)
_TIMEOUT_SECONDS = 60


@dataclass
class ImportTimes:
    samples: dict[str, list[float]]

    def median_ms(self, module: str) -> float:
        return statistics.median(self.samples[module]) * 1000

    @property
    def ratio(self) -> float:
        """``from pulumi_meet import Space`` ÷ ``import pulumi``."""
        return self.median_ms("pulumi_meet.Space") / self.median_ms("pulumi")

    def to_dict(self) -> dict[str, Any]:
        return {
            "repeats": len(self.samples["pulumi"]),
            "pulumi_ms": self.median_ms("pulumi"),
            "pulumi_meet_ms": self.median_ms("pulumi_meet"),
            "pulumi_meet_space_ms": self.median_ms("pulumi_meet.Space"),
            "ratio": self.ratio,
        }


def _import_seconds(statement: str) -> float:
    completed = subprocess.run(
        [sys.executable, "-c", _SNIPPET.format(statement=statement)],
        capture_output=True,
        text=True,
        check=True,
        timeout=_TIMEOUT_SECONDS,
    )
    return float(completed.stdout.strip().splitlines()[-1])


def measure_imports(repeats: int) -> ImportTimes:
    """``repeats`` fresh interpreters per statement, alternating so drift hits both alike."""
    samples: dict[str, list[float]] = {name: [] for name in _STATEMENTS}
    for _ in range(repeats):
        for name, statement in _STATEMENTS.items():
            samples[name].append(_import_seconds(statement))
    return ImportTimes(samples)


@dataclass
class HostStartTimes:
    """Seconds from starting a provider process to its first answer (GetPluginInfo)."""

    plugin: list[float]
    dynamic: list[float]

    def to_dict(self) -> dict[str, Any]:
        return {
            "repeats": len(self.plugin),
            "plugin_ms": statistics.median(self.plugin) * 1000,
            "dynamic_host_ms": statistics.median(self.dynamic) * 1000,
        }


def measure_host_starts(repeats: int, workdir: Path) -> HostStartTimes:
    """Start ``pulumi-resource-meet`` and the dynamic provider host ``repeats`` times each,
    alternating; each sample ends at the first GetPluginInfo answer, as the engine waits."""
    from tests.engine import ProviderHost
    from tests.plugin.host import PluginHost

    times = HostStartTimes([], [])
    for _ in range(repeats):
        started = time.perf_counter()
        with PluginHost({}, workdir) as plugin:
            plugin.plugin_info()
            times.plugin.append(time.perf_counter() - started)
        started = time.perf_counter()
        with ProviderHost({}, workdir):  # start() waits for GetPluginInfo
            times.dynamic.append(time.perf_counter() - started)
    return times
