"""A preview through the plugin's process: unknowns in Check and Diff, Create and Update with
``preview=true`` (pulumi/pulumi ``step.go`` passes ``Preview: DryRun``), as the engine sends
them for rooms inside a component. Check passes, Diff says what it can, and nothing reaches the
API or the credentials: the emulator's request log stays empty, and a credentials path that
fails when read is never read (the first real call proves it would fail).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import grpc
import pytest

from pulumi_meet.core.tokens import SPACE, SPACE_MEMBER
from tests.control import Control
from tests.plugin.conftest import PluginFactory
from tests.plugin.host import UNKNOWN, PluginError, PluginHost, urn

PARENTS = ("my:index:TeamRooms",)
ROOM = urn(SPACE, "standup", PARENTS)
COHOST = urn(SPACE_MEMBER, "standup-cohost", PARENTS)
OWNER = "lead@example.com"
OLD_ROOM = {
    "name": "spaces/abc",
    "meetingUri": "https://meet.google.com/abc-mnop-xyz",
    "meetingCode": "abc-mnop-xyz",
    "config": {"accessType": "OPEN"},
    "declaredConfig": {"accessType": "OPEN"},
    "owner": OWNER,
    "deletionPolicy": "RESTRICT",
}
OLD_MEMBER = {
    "name": "spaces/abc/members/m1",
    "space": "spaces/abc",
    "email": "deputy@example.com",
    "role": "COHOST",
    "owner": OWNER,
}


def _preview(plugin: PluginHost) -> None:
    """Every request of a preview, with unknowns, asserting what each answers."""
    inputs, failures = plugin.check(ROOM, {}, {"config": {"accessType": UNKNOWN}, "owner": UNKNOWN})
    assert failures == []
    assert inputs == {"config": {"accessType": UNKNOWN}, "owner": UNKNOWN}
    id_, outputs = plugin.create(ROOM, inputs, preview=True)
    assert id_ == ""
    assert outputs["name"] == outputs["meetingUri"] == outputs["owner"] == UNKNOWN
    assert outputs["declaredConfig"] == {"accessType": UNKNOWN}

    member, failures = plugin.check(COHOST, {}, {"space": UNKNOWN, "email": "deputy@example.com"})
    assert failures == []
    id_, outputs = plugin.create(COHOST, member, preview=True)
    assert (id_, outputs["name"], outputs["space"], outputs["role"]) == (
        "",
        UNKNOWN,
        UNKNOWN,
        "COHOST",
    )

    # Diff says what it can: an unknown leaf or config updates, an unknown owner may replace.
    leaf = plugin.diff(ROOM, "spaces/abc", OLD_ROOM, {"config": {"accessType": UNKNOWN}})
    assert (leaf.replaces, leaf.detailed) == ([], {"config.accessType": "UPDATE"})
    whole = plugin.diff(ROOM, "spaces/abc", OLD_ROOM, {"config": UNKNOWN})
    assert whole.detailed == {"config": "UPDATE"}
    owner = plugin.diff(
        ROOM, "spaces/abc", OLD_ROOM, {**OLD_ROOM["declaredConfig"], "owner": UNKNOWN}
    )
    assert owner.replaces == ["owner"]
    space = plugin.diff(COHOST, OLD_MEMBER["name"], OLD_MEMBER, {**OLD_MEMBER, "space": UNKNOWN})
    assert space.replaces == ["space"]
    role = plugin.diff(COHOST, OLD_MEMBER["name"], OLD_MEMBER, {**OLD_MEMBER, "role": UNKNOWN})
    assert (role.replaces, role.detailed) == ([], {"role": "UPDATE"})

    news: dict[str, Any] = {"config": {"accessType": UNKNOWN}}
    updated = plugin.update(ROOM, "spaces/abc", OLD_ROOM, news, preview=True)
    assert updated["config"] == {"accessType": UNKNOWN}
    assert updated["meetingUri"] == OLD_ROOM["meetingUri"]
    updated = plugin.update(
        COHOST,
        OLD_MEMBER["name"],
        OLD_MEMBER,
        {**OLD_MEMBER, "role": "ROLE_UNSPECIFIED"},
        preview=True,
    )
    assert updated["role"] == "ROLE_UNSPECIFIED"


def test_a_preview_makes_no_api_call(control: Control, start_plugin: PluginFactory) -> None:
    plugin = start_plugin()
    plugin.configure({"emulatorHost": control.host_port, "impersonateUser": OWNER})
    _preview(plugin)
    assert control.calls() == []


def test_a_preview_looks_up_no_credentials(start_plugin: PluginFactory, tmp_path: Path) -> None:
    key = tmp_path / "never-read.json"  # absent: reading it fails
    plugin = start_plugin({"GOOGLE_APPLICATION_CREDENTIALS": str(key)})
    config_news = {"credentials": UNKNOWN, "impersonateUser": OWNER, "version": "0.1.0"}
    _, failures = plugin.check_config(config_news)
    assert failures == []  # an unknown credential (an explicit provider's output) passes
    plugin.configure({"impersonateUser": OWNER, "version": "0.1.0"})
    _preview(plugin)
    # The first real call does look the credentials up, and fails on that path.
    with pytest.raises(PluginError) as failed:
        plugin.create(ROOM, {"config": {"accessType": "OPEN"}})
    assert failed.value.code is grpc.StatusCode.UNAUTHENTICATED
    assert str(key) in failed.value.details
