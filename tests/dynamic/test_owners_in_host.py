"""One provider host, many owners: calls waiting for one owner's quota do not hold the host.

The engine sends many calls at once; the dynamic host serves only four unless widened
(`pulumi_meet.dynamic.host_threads`). Rooms are declared grouped by owner, the worst order.
"""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

import pytest

import pulumi_meet as meet
from tests.dynamic.conftest import SPACE_TYPE, Control, HostFactory
from tests.engine import ProviderHost, capture_program, make_urn

WINDOW = 1.5
OWNERS = 6
ROOMS_PER_OWNER = 2


@pytest.mark.slow
def test_owners_take_turns_in_one_host(control: Control, start_host: HostFactory) -> None:
    # One create per owner per window, six per project: all six owners at once is the pace.
    control.put(
        "quotas",
        {"windowSeconds": WINDOW, "perUser": {"create": 1}, "perProject": {"create": OWNERS}},
    )
    host: ProviderHost = start_host({"MEET_EMULATOR_HOST": control.host_port})
    host.configure(
        {
            "meet:quotaWindowSeconds": str(WINDOW),
            "meet:createsPerMinute": str(60 / WINDOW),
            "meet:projectCreatesPerMinute": str(OWNERS * 60 / WINDOW),
        }
    )
    owners = [f"owner{n}@example.com" for n in range(OWNERS)]
    rooms = [(owner, n) for owner in owners for n in range(ROOMS_PER_OWNER)]  # grouped by owner

    def program() -> None:
        meet.Space("probe")

    provider = capture_program(program)[0].inputs["__provider"]

    def create(room: tuple[str, int]) -> None:
        owner, number = room
        urn = make_urn(SPACE_TYPE, f"{owner}-{number}", project="meet-test", stack="dev")
        inputs, failures = host.check(urn, {}, {"owner": owner, "__provider": provider})
        assert failures == []
        host.create(urn, inputs)

    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=len(rooms)) as pool:  # the engine: all at once
        list(pool.map(create, rooms))
    elapsed = time.monotonic() - started
    creates = [c for c in control.calls() if c["apiMethod"] == "spaces.create"]
    assert [c["status"] for c in creates] == [200] * len(rooms)
    # One window after the first burst when the six owners go side by side; two when the four
    # worker threads are held by the first owners' waiting calls (measured: 1.8 s and 3.3 s).
    assert elapsed < (ROOMS_PER_OWNER - 1) * (WINDOW + 0.1) + 1.0, elapsed
