"""A Space through the plugin's process: lifecycle with exact API calls, detailed diff, deletion
policies, import, previews, getSpace. Every call goes over gRPC as the engine sends it."""

from __future__ import annotations

from typing import Any

import pytest

from pulumi_meet.plugin.schema import GET_SPACE, SPACE
from tests.control import DEFAULT_USER, Control
from tests.plugin.conftest import PluginFactory
from tests.plugin.host import UNKNOWN, PluginHost, urn

ROOM = urn(SPACE, "standup")
CONFIG = {"accessType": "TRUSTED", "moderation": "ON"}


def _create(
    plugin: PluginHost, inputs: dict[str, Any]
) -> tuple[str, dict[str, Any], dict[str, Any]]:
    """Check + Create, as ``pulumi up`` sends them for a new room: (ID, checked inputs, outputs)."""
    checked, failures = plugin.check(ROOM, {}, inputs)
    assert failures == []
    id_, outputs = plugin.create(ROOM, checked)
    return id_, checked, outputs


def test_full_lifecycle_with_exact_calls(control: Control, plugin: PluginHost) -> None:
    checked, failures = plugin.check(ROOM, {}, {"config": CONFIG})
    assert failures == []
    assert checked == {"config": CONFIG}
    assert control.methods() == []

    id_, outputs = plugin.create(ROOM, checked)
    assert control.methods() == ["spaces.create"]
    assert id_.startswith("spaces/") and outputs["name"] == id_
    assert outputs["config"]["accessType"] == "TRUSTED"
    assert outputs["meetingUri"].startswith("https://meet.google.com/")
    assert outputs["owner"] == DEFAULT_USER and outputs["deletionPolicy"] == "RESTRICT"
    assert outputs["declaredConfig"] == CONFIG
    control.clear()

    # An unchanged program: Check and Diff, no call, no change.
    same, _ = plugin.check(ROOM, checked, {"config": CONFIG})
    assert plugin.diff(ROOM, id_, outputs, same).changes == 1  # DIFF_NONE
    # One leaf changes: an update naming exactly that leaf.
    news, _ = plugin.check(ROOM, checked, {"config": {**CONFIG, "accessType": "OPEN"}})
    diff = plugin.diff(ROOM, id_, outputs, news)
    assert (diff.changes, diff.replaces, diff.detailed) == (2, [], {"config.accessType": "UPDATE"})
    assert control.methods() == []
    outputs = plugin.update(ROOM, id_, outputs, news)
    calls = control.calls()
    assert [(c["apiMethod"], c["query"]["updateMask"]) for c in calls] == [
        ("spaces.patch", "config.accessType")
    ]
    assert outputs["config"]["accessType"] == "OPEN"
    control.clear()

    found = plugin.read(ROOM, id_, outputs, news)
    assert found is not None
    assert found[0] == id_
    assert found[2] == {"config": {**CONFIG, "accessType": "OPEN"}, "deletionPolicy": "RESTRICT"}
    assert control.methods() == ["spaces.get"]
    control.clear()

    plugin.delete(ROOM, id_, outputs)
    assert control.methods() == ["spaces.endActiveConference", "spaces.patch"]
    assert control.space(id_)["config"]["accessType"] == "RESTRICTED"


@pytest.mark.parametrize(
    ("policy", "expected"),
    [
        ("RESTRICT", ["spaces.endActiveConference", "spaces.patch"]),
        ("END_CONFERENCE", ["spaces.endActiveConference"]),
        ("ABANDON", []),
    ],
)
def test_every_deletion_policy(
    control: Control, plugin: PluginHost, policy: str, expected: list[str]
) -> None:
    id_, _checked, outputs = _create(
        plugin, {"config": {"accessType": "OPEN"}, "deletionPolicy": policy}
    )
    control.start_conference(id_, ["guest@example.com"])
    control.clear()
    plugin.delete(ROOM, id_, outputs)
    assert control.methods() == expected
    space = control.space(id_)
    assert ("activeConference" in space) is (policy == "ABANDON")
    assert space["config"]["accessType"] == ("RESTRICTED" if policy == "RESTRICT" else "OPEN")


def test_detailed_diff_kinds(control: Control, plugin: PluginHost) -> None:
    id_, checked, outputs = _create(plugin, {"config": {"moderation": "ON"}})
    news = {
        "config": {
            "moderation": "ON",
            "accessType": "OPEN",
            "moderationRestrictions": {"chatRestriction": "HOSTS_ONLY"},
        },
        "deletionPolicy": "ABANDON",
    }
    diff = plugin.diff(ROOM, id_, outputs, plugin.check(ROOM, checked, news)[0])
    assert diff.detailed == {
        "config.accessType": "UPDATE",
        "config.moderationRestrictions.chatRestriction": "UPDATE",
        "deletionPolicy": "UPDATE",
    }
    assert diff.replaces == [] and diff.diffs == ["config", "deletionPolicy"]

    diff = plugin.diff(ROOM, id_, outputs, {"owner": "someone.else@example.com"})
    assert (diff.replaces, diff.detailed) == (["owner"], {"owner": "UPDATE_REPLACE"})
    diff = plugin.diff(ROOM, id_, outputs, {"adopt": "abc-mnop-xyz"})
    assert (diff.replaces, diff.detailed) == (["adopt"], {"adopt": "ADD_REPLACE"})
    # Adopting the room itself (by its own code) is no change.
    assert plugin.diff(ROOM, id_, outputs, {"adopt": outputs["meetingCode"]}).changes == 1
    assert not diff.delete_before_replace
    assert control.methods() == ["spaces.create"]


def test_preview_with_unknowns_makes_no_call_and_needs_no_credentials(
    start_plugin: PluginFactory,
) -> None:
    # No emulator, no credentials, no environment: any API call would fail.
    plugin = start_plugin({})
    plugin.configure({})
    news = {"config": {"accessType": UNKNOWN, "moderation": "ON"}, "owner": UNKNOWN}
    checked, failures = plugin.check(ROOM, {}, news)
    assert failures == []
    id_, outputs = plugin.create(ROOM, checked, preview=True)
    assert id_ == ""
    assert outputs["name"] == UNKNOWN and outputs["meetingUri"] == UNKNOWN
    assert outputs["owner"] == UNKNOWN and outputs["deletionPolicy"] == "RESTRICT"
    olds = {
        "name": "spaces/abc",
        "config": {"accessType": "OPEN", "moderation": "ON"},
        "owner": DEFAULT_USER,
        "deletionPolicy": "RESTRICT",
    }
    diff = plugin.diff(ROOM, "spaces/abc", olds, checked)
    assert diff.changes == 2 and diff.replaces == ["owner"]
    assert diff.detailed["config.accessType"] == "UPDATE"
    updated = plugin.update(
        ROOM, "spaces/abc", olds, {"config": {"accessType": "TRUSTED"}}, preview=True
    )
    assert updated["config"] == {"accessType": "TRUSTED", "moderation": "ON"}


def test_import_by_id_reads_once_and_the_next_up_is_a_no_op(
    control: Control, plugin: PluginHost
) -> None:
    room = control.as_user(
        DEFAULT_USER, "POST", "/v2/spaces", json={"config": {"accessType": "OPEN"}}
    )
    control.clear()
    found = plugin.read(ROOM, room["name"])
    assert found is not None
    id_, outputs, inputs = found
    assert id_ == room["name"]
    # The live config as inputs, less what check refuses: restrictions while moderation is OFF.
    assert outputs["config"]["moderation"] == "OFF"
    live = {k: v for k, v in outputs["config"].items() if k != "moderationRestrictions"}
    assert inputs == {"config": live, "deletionPolicy": "ABANDON"}
    assert live["accessType"] == "OPEN"
    assert outputs["owner"] == DEFAULT_USER
    # The program `pulumi import` writes from the inputs changes nothing on the next up.
    checked, failures = plugin.check(ROOM, inputs, inputs)
    assert failures == []
    assert plugin.diff(ROOM, id_, outputs, checked).changes == 1
    assert control.methods() == ["spaces.get"]


def test_import_by_meeting_code_resolves_the_canonical_name(
    control: Control, plugin: PluginHost
) -> None:
    room = control.as_user(DEFAULT_USER, "POST", "/v2/spaces", json={})
    found = plugin.read(ROOM, room["meetingCode"].upper())
    assert found is not None
    assert found[0] == room["name"] and found[1]["meetingCode"] == room["meetingCode"]


def test_adopt_by_url_gets_once_and_patches_the_difference(
    control: Control, plugin: PluginHost
) -> None:
    room = control.as_user(
        DEFAULT_USER, "POST", "/v2/spaces", json={"config": {"accessType": "OPEN"}}
    )
    control.clear()
    id_, _checked, outputs = _create(
        plugin, {"adopt": room["meetingUri"], "config": {"accessType": "TRUSTED"}}
    )
    assert id_ == room["name"] and outputs["adopt"] == room["meetingUri"]
    assert [(c["apiMethod"], c["query"].get("updateMask")) for c in control.calls()] == [
        ("spaces.get", None),
        ("spaces.patch", "config.accessType"),
    ]


def test_get_space_by_code_and_url(control: Control, plugin: PluginHost) -> None:
    room = control.as_user(
        DEFAULT_USER, "POST", "/v2/spaces", json={"config": {"accessType": "OPEN"}}
    )
    control.clear()
    for reference in (room["meetingCode"], room["meetingUri"], room["name"]):
        returned, failures = plugin.invoke(GET_SPACE, {"space": reference})
        assert failures == []
        assert returned["name"] == room["name"]
        assert returned["meetingUri"] == room["meetingUri"]
        assert returned["config"]["accessType"] == "OPEN"
    assert control.methods() == ["spaces.get"] * 3
    returned, failures = plugin.invoke(GET_SPACE, {"space": "not a room", "owner": "x"})
    assert [p for p, _ in failures] == ["owner", "space"]
    assert control.methods() == ["spaces.get"] * 3


def test_parallel_calls_overlap_as_the_engine_sends_them(
    control: Control, plugin: PluginHost
) -> None:
    """The engine sends up to `--parallel` calls at once; blocking calls must not queue."""
    import time
    from concurrent.futures import ThreadPoolExecutor

    delay, rooms = 0.6, 6
    rule = {"path": "^/v2/spaces$", "delaySeconds": delay, "times": rooms}
    control.faults(rule)
    checked, _ = plugin.check(ROOM, {}, {})
    started = time.monotonic()
    with ThreadPoolExecutor(rooms) as pool:
        created = list(pool.map(lambda _: plugin.create(ROOM, checked), range(rooms)))
    elapsed = time.monotonic() - started
    assert len({id_ for id_, _ in created}) == rooms
    assert control.methods() == ["spaces.create"] * rooms
    assert delay <= elapsed < delay * rooms / 2, elapsed  # serial would take delay * rooms


def test_pacing_and_retries_apply_as_in_the_dynamic_provider(
    control: Control, start_plugin: PluginFactory
) -> None:
    import time

    plugin = start_plugin()
    # 2 creates per 1-s window (createsPerMinute is scaled to the window).
    plugin.configure(
        {"emulatorHost": control.host_port, "createsPerMinute": 120, "quotaWindowSeconds": 1}
    )
    checked, _ = plugin.check(ROOM, {}, {})
    started = time.monotonic()
    created = [plugin.create(ROOM, checked) for _ in range(3)]
    assert time.monotonic() - started >= 0.9  # the third waited for the window
    control.clear()
    rule = {"method": "spaces.get", "status": 503, "times": 1}
    control.faults(rule)
    id_, outputs = created[0]
    found = plugin.read(ROOM, id_, outputs)
    assert found is not None and found[0] == id_
    assert [(c["apiMethod"], c["status"]) for c in control.calls()] == [
        ("spaces.get", 503),
        ("spaces.get", 200),
    ]
