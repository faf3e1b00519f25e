"""A create answered by a burst of 429s is retried through it, never stalled."""

from __future__ import annotations

from pulumi_meet.client.meet import get_client
from pulumi_meet.emulator import Emulator
from tests.client.conftest import emulator_settings
from tests.reliability.conftest import Control


def test_a_burst_of_429s_on_a_create_does_not_stall_it(
    emulator: Emulator, control: Control, fast_retries: None
) -> None:
    client = get_client(emulator_settings(emulator, maxRetryDurationSeconds="10"))
    control.faults({"method": "spaces.create", "status": 429, "times": 3})
    client.create_space({})
    assert [r["status"] for r in control.calls()] == [429, 429, 429, 200]
