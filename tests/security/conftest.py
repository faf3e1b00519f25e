"""Fixtures for the security tests: those of the reliability tests (emulator, control, hosts).

``PULUMI_MEET_FUZZ_REPORT=FILE`` appends how many inputs each fuzz surface was given to FILE
when the session ends (the figures in docs/reliability.md come from it).
"""

from __future__ import annotations

import json
import os
from typing import Any

from tests.reliability.conftest import control, emulator, fast_retries, start_host
from tests.security.fuzz_counts import COUNTS

__all__ = ["control", "emulator", "fast_retries", "start_host"]


def pytest_sessionfinish(session: Any, exitstatus: int) -> None:
    report = os.environ.get("PULUMI_MEET_FUZZ_REPORT")
    if report and COUNTS:
        with open(report, "a", encoding="utf-8") as handle:
            handle.write(json.dumps(dict(sorted(COUNTS.items()))) + "\n")
