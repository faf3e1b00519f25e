"""Two plugin processes that share no file pace one owner's quota through one Redis.

The scenario of a pipeline's matrix: two runners (here two ``pulumi-resource-meet`` processes
with different ``HOME``s, so no SQLite ledger in common) create rooms for the same owner, at
the engine's parallelism, against the emulator's per-user create quota of 10 per 6 s window.
"""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from pulumi_meet.plugin.schema import SPACE
from tests.control import Control
from tests.plugin.conftest import PluginFactory
from tests.plugin.host import PluginHost, urn
from tests.process import INFO
from tests.redis_server import RedisServer

ROOM = urn(SPACE, "standup")
WINDOW, PER_WINDOW, ROOMS = 6.0, 10, 40
PASSWORD = "runner-shared-pass"


def _create(plugin: PluginHost, count: int) -> list[str]:
    checked, _ = plugin.check(ROOM, {}, {})
    with ThreadPoolExecutor(10) as pool:  # the engine's default --parallel
        return [id_ for id_, _ in pool.map(lambda _: plugin.create(ROOM, checked), range(count))]


@pytest.mark.slow
def test_two_runners_make_40_rooms_for_one_owner_without_a_429(
    control: Control, start_plugin: PluginFactory, tmp_path: Path
) -> None:
    control.quotas(windowSeconds=WINDOW, perUser={"create": PER_WINDOW})
    with RedisServer(password=PASSWORD) as redis_server:
        runners = []
        for name in ("runner-a", "runner-b"):
            home = tmp_path / name
            home.mkdir()
            runner = start_plugin({"HOME": str(home), "MEET_QUOTA_LEDGER": ""})
            runner.configure({
                "emulatorHost": control.host_port,
                "quotaLedger": redis_server.url(),
                "quotaWindowSeconds": str(WINDOW),
                "createsPerMinute": str(PER_WINDOW * 60 / WINDOW),
            })  # fmt: skip
            runners.append(runner)
        started = time.monotonic()
        with ThreadPoolExecutor(2) as pool:
            made = list(pool.map(lambda runner: _create(runner, ROOMS // 2), runners))
        elapsed = time.monotonic() - started
    assert len({room for rooms in made for room in rooms}) == ROOMS
    statuses = [e["status"] for e in control.calls() if e["apiMethod"] == "spaces.create"]
    assert statuses == [200] * ROOMS  # 0 x 429
    # The quota's least time: 10 at once, then 10 per window. Timed as the emulator saw the
    # creates (first to last), without the processes' start-up (first token, first import).
    least = (ROOMS - PER_WINDOW) / PER_WINDOW * WINDOW
    times = [e["time"] for e in control.calls() if e["apiMethod"] == "spaces.create"]
    assert least <= times[-1] - times[0] <= least / 0.9, times
    assert elapsed < least / 0.9 + 5, elapsed
    for runner in runners:
        assert not [m for m in runner.engine.messages() if "Redis" in m], runner.engine.entries
        assert runner.engine.messages(INFO), "the waits are said in the engine's log"
        assert not any(PASSWORD in m for m in runner.engine.messages())
        assert not (Path(runner.env["HOME"]) / ".pulumi-meet").exists()  # no file shared
