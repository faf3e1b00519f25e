"""A room's meeting code expires a year after its last use (the emulator clock moved on): the
plugin's refresh follows the new code with no replacement and says so once in the engine log,
and getSpace, import and adopt by the old code fail with one clear error."""

from __future__ import annotations

from typing import Any

import pytest

from pulumi_meet.plugin.schema import GET_SPACE, SPACE
from tests.control import Control
from tests.plugin.host import PluginError, PluginHost, urn

ROOM = urn(SPACE, "standup")
YEAR_AND_A_DAY = 366 * 86400


def _code_changes(plugin: PluginHost) -> list[str]:
    return [m for m in plugin.engine.messages() if "meeting code changed" in m]


@pytest.fixture
def expired(control: Control, plugin: PluginHost) -> tuple[str, dict[str, Any], dict[str, Any]]:
    """A room created through the plugin, then a year and a day of emulator time without use:
    (ID, its outputs as created, its checked inputs)."""
    checked, _ = plugin.check(ROOM, {}, {"config": {"accessType": "TRUSTED"}})
    id_, outputs = plugin.create(ROOM, checked)
    control.post("clock:advance", {"seconds": YEAR_AND_A_DAY})
    return id_, outputs, checked


def test_refresh_records_the_new_code_and_the_next_up_is_a_no_op(
    control: Control, plugin: PluginHost, expired: tuple[str, dict[str, Any], dict[str, Any]]
) -> None:
    id_, old, checked = expired
    found = plugin.read(ROOM, id_, old, checked)
    assert found is not None
    new_id, outputs, inputs = found
    assert new_id == id_  # the same room: the ID never follows the code
    assert outputs["meetingCode"] != old["meetingCode"]
    assert outputs["meetingUri"] == f"https://meet.google.com/{outputs['meetingCode']}"
    assert outputs["config"] == old["config"]
    # Said once, with both codes and what it means for links already shared.
    (said,) = _code_changes(plugin)
    assert f"from {old['meetingCode']} to {outputs['meetingCode']}" in said
    assert id_ in said and "no longer work" in said and old["meetingUri"] in said
    # The next `up`: Check + Diff against the refreshed state: no change, no replacement.
    news, failures = plugin.check(ROOM, inputs, {"config": {"accessType": "TRUSTED"}})
    assert failures == []
    diff = plugin.diff(ROOM, id_, outputs, news)
    assert (diff.changes, diff.replaces) == (1, [])  # DIFF_NONE
    # A second refresh sees nothing new: nothing more is said.
    again = plugin.read(ROOM, id_, outputs, inputs)
    assert again is not None and again[1]["meetingCode"] == outputs["meetingCode"]
    assert len(_code_changes(plugin)) == 1


def test_get_space_by_the_old_code_fails_clearly(
    control: Control, plugin: PluginHost, expired: tuple[str, dict[str, Any], dict[str, Any]]
) -> None:
    id_, old, _ = expired
    with pytest.raises(PluginError) as failed:
        plugin.invoke(GET_SPACE, {"space": old["meetingCode"]})
    assert failed.value.code.name == "NOT_FOUND"
    details = failed.value.details
    assert old["meetingCode"] in details
    assert "expired" in details and "reused" in details and "spaces/<id>" in details
    # By its name the room is still there, with its new code.
    returned, _ = plugin.invoke(GET_SPACE, {"space": id_})
    assert returned["meetingCode"] != old["meetingCode"]


@pytest.mark.parametrize("how", ["import", "adopt"])
def test_import_and_adopt_by_the_old_code_fail_clearly(
    control: Control,
    plugin: PluginHost,
    expired: tuple[str, dict[str, Any], dict[str, Any]],
    how: str,
) -> None:
    _, old, _ = expired
    other = urn(SPACE, "again")
    with pytest.raises(PluginError) as failed:
        if how == "import":
            plugin.read(other, old["meetingCode"])
        else:
            checked, _ = plugin.check(other, {}, {"adopt": old["meetingUri"]})
            plugin.create(other, checked)
    assert failed.value.code.name == "NOT_FOUND"
    assert "may have expired" in failed.value.details
    assert "spaces/<id>" in failed.value.details
    assert [c["apiMethod"] for c in control.calls()][-1] == "spaces.get"
