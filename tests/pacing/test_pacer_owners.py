"""Pacing across owners: the project's bucket caps everyone, and owners take turns at it.

The emulator's quotas are compressed to a 1 s window; every figure is counted in its request log.
"""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from pulumi_meet.client.meet import get_client
from pulumi_meet.emulator import Emulator
from tests.client.conftest import emulator_settings
from tests.control import Control

WINDOW = 1.0


def _paced(emulator: Emulator, control: Control, *, per_user: int, per_project: int) -> object:
    control.quotas(
        windowSeconds=WINDOW,
        perUser={"create": per_user},
        perProject={"create": per_project},
    )
    return emulator_settings(
        emulator,
        createsPerMinute=str(per_user * 60 / WINDOW),
        projectCreatesPerMinute=str(per_project * 60 / WINDOW),
        quotaWindowSeconds=str(WINDOW),
    )


def _creates(control: Control) -> list[int]:
    return [e["status"] for e in control.calls() if e["apiMethod"] == "spaces.create"]


@pytest.mark.slow
def test_owners_in_parallel_stay_under_the_project_cap(
    emulator: Emulator, control: Control
) -> None:
    # Each owner alone could create 4 rooms per window; together they may create 4.
    settings = _paced(emulator, control, per_user=4, per_project=4)
    owners = [f"owner{n}@example.com" for n in range(4)]
    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=16) as pool:
        names = list(
            pool.map(
                lambda n: get_client(settings, owners[n % 4]).create_space({})["name"], range(16)
            )
        )
    elapsed = time.monotonic() - started
    assert len(set(names)) == 16
    assert _creates(control) == [200] * 16  # not one 429 from the project's bucket
    windows = 16 / 4 - 1  # the first window's four go at once
    assert windows * WINDOW <= elapsed < (windows + 2) * WINDOW * 1.5
    owners_seen = {e["principal"] for e in control.calls()}
    assert owners_seen == set(owners)


@pytest.mark.slow
def test_a_small_owner_is_not_starved_by_a_big_one(emulator: Emulator, control: Control) -> None:
    # The project allows 3 per window and so does each user: the big owner alone fills it.
    settings = _paced(emulator, control, per_user=3, per_project=3)
    big, small = "big@example.com", "small@example.com"
    finished: dict[str, list[float]] = {big: [], small: []}
    lock = threading.Lock()
    started = time.monotonic()

    def create(owner: str) -> None:
        get_client(settings, owner).create_space({})
        with lock:
            finished[owner].append(time.monotonic() - started)

    with ThreadPoolExecutor(max_workers=14) as pool:
        for _ in range(12):
            pool.submit(create, big)
        time.sleep(0.2)  # the big owner's twelve are queued first
        futures = [pool.submit(create, small) for _ in range(2)]
        for future in futures:
            future.result(timeout=30)
    assert _creates(control) == [200] * 14
    # Queued behind the big owner, the small one would finish in the fourth or fifth window;
    # taking turns, both of its rooms go in the second.
    assert max(finished[small]) < 2 * WINDOW + 0.5, finished
    assert max(finished[big]) >= 4 * WINDOW, finished
