"""The plugin reports waits for quota to the engine's log, as the dynamic provider host does."""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor

from pulumi_meet.plugin.schema import SPACE
from tests.control import DEFAULT_USER, Control
from tests.plugin.conftest import PluginFactory
from tests.plugin.host import urn

WINDOW = 2.0


def test_a_wait_for_quota_reaches_the_engine_log(
    control: Control, start_plugin: PluginFactory
) -> None:
    control.put("quotas", {"windowSeconds": WINDOW, "perUser": {"create": 2}, "perProject": {}})
    plugin = start_plugin()
    plugin.configure(
        {
            "emulatorHost": control.host_port,
            "createsPerMinute": str(2 * 60 / WINDOW),
            "quotaWindowSeconds": str(WINDOW),
        }
    )

    def create(index: int) -> str:
        room = urn(SPACE, f"room-{index}")
        checked, failures = plugin.check(room, {}, {})
        assert failures == []
        return plugin.create(room, checked)[0]

    with ThreadPoolExecutor(max_workers=4) as pool:
        assert len(set(pool.map(create, range(4)))) == 4
    statuses = [c["status"] for c in control.calls() if c["apiMethod"] == "spaces.create"]
    assert statuses == [200] * 4  # paced: no 429
    waits = [m for m in plugin.engine.messages() if "waiting" in m]
    assert waits, plugin.engine.messages()
    assert re.fullmatch(
        rf"pulumi-meet: waiting \d+ s for {re.escape(DEFAULT_USER)}'s create quota "
        r"\(2 per 2 s\); \d+ rooms queued",
        waits[0],
    ), waits[0]
