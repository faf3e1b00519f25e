"""A SpaceMember through the plugin's process: exact calls, diff kinds, gone members, errors."""

from __future__ import annotations

from typing import Any

import grpc
import pytest

from pulumi_meet.plugin.schema import SPACE, SPACE_MEMBER
from tests.control import DEFAULT_USER, Control
from tests.plugin.host import PluginError, PluginHost, urn

MEMBER = urn(SPACE_MEMBER, "cohost")


def _space(plugin: PluginHost) -> str:
    checked, _ = plugin.check(urn(SPACE, "room"), {}, {})
    id_, _outputs = plugin.create(urn(SPACE, "room"), checked)
    return id_


def _member(
    plugin: PluginHost, inputs: dict[str, Any]
) -> tuple[str, dict[str, Any], dict[str, Any]]:
    checked, failures = plugin.check(MEMBER, {}, inputs)
    assert failures == []
    id_, outputs = plugin.create(MEMBER, checked)
    return id_, checked, outputs


def test_member_lifecycle_with_exact_calls(control: Control, plugin: PluginHost) -> None:
    space = _space(plugin)
    control.clear()
    id_, checked, outputs = _member(plugin, {"space": space, "email": "Deputy@Example.com"})
    assert control.methods() == ["spaces.members.create"]
    assert id_.startswith(f"{space}/members/")
    assert outputs == {
        "name": id_,
        "space": space,
        "email": outputs["email"],
        "role": "COHOST",
        "owner": DEFAULT_USER,
        "declaredOwner": None,
    }
    control.clear()

    # Same person in another case: no change. Another role: an update. Another person: replace.
    assert (
        plugin.diff(MEMBER, id_, outputs, {**checked, "email": "deputy@example.com"}).changes == 1
    )
    diff = plugin.diff(MEMBER, id_, outputs, {**checked, "role": "ROLE_UNSPECIFIED"})
    assert (diff.replaces, diff.detailed) == ([], {"role": "UPDATE"})
    diff = plugin.diff(MEMBER, id_, outputs, {"space": "spaces/other", "email": "x@example.com"})
    assert diff.replaces == ["space", "email"]
    assert diff.detailed == {
        "space": "UPDATE_REPLACE",
        "email": "UPDATE_REPLACE",
        "role": "UPDATE",
    } or diff.detailed == {
        "space": "UPDATE_REPLACE",
        "email": "UPDATE_REPLACE",
    }
    assert control.methods() == []

    news = {**checked, "role": "ROLE_UNSPECIFIED"}
    outputs = plugin.update(MEMBER, id_, outputs, news)
    assert [(c["apiMethod"], c["query"]["updateMask"]) for c in control.calls()] == [
        ("spaces.members.patch", "role")
    ]
    assert outputs["role"] == "ROLE_UNSPECIFIED"
    control.clear()

    found = plugin.read(MEMBER, id_, outputs, news)
    assert found is not None and found[2]["role"] == "ROLE_UNSPECIFIED"
    plugin.delete(MEMBER, id_, outputs)
    assert control.methods() == ["spaces.members.get", "spaces.members.delete"]
    control.clear()

    # Gone: Read answers with no properties (the engine drops it from state); delete succeeds.
    assert plugin.read(MEMBER, id_, outputs, news) is None
    plugin.delete(MEMBER, id_, outputs)
    assert control.methods() == ["spaces.members.get", "spaces.members.delete"]


def test_import_a_member_by_id(control: Control, plugin: PluginHost) -> None:
    space = _space(plugin)
    id_, _checked, _outputs = _member(plugin, {"space": space, "email": "deputy@example.com"})
    control.clear()
    found = plugin.read(MEMBER, id_)
    assert found is not None
    assert found[2] == {"space": space, "email": "deputy@example.com", "role": "COHOST"}
    checked, failures = plugin.check(MEMBER, found[2], found[2])
    assert failures == []
    assert plugin.diff(MEMBER, id_, found[1], checked).changes == 1
    assert control.methods() == ["spaces.members.get"]


def test_a_duplicate_member_is_already_exists_naming_the_member(
    control: Control, plugin: PluginHost
) -> None:
    space = _space(plugin)
    first, _checked, _outputs = _member(plugin, {"space": space, "email": "deputy@example.com"})
    checked, _ = plugin.check(MEMBER, {}, {"space": space, "email": "DEPUTY@example.com"})
    with pytest.raises(PluginError) as failed:
        plugin.create(MEMBER, checked)
    assert failed.value.code is grpc.StatusCode.ALREADY_EXISTS
    assert f"already has the member {first}" in failed.value.details
    assert "Traceback" not in failed.value.details


def test_a_member_of_someone_elses_room_is_permission_denied_with_advice(
    control: Control, plugin: PluginHost
) -> None:
    room = control.as_user("other@example.com", "POST", "/v2/spaces", json={})
    checked, _ = plugin.check(MEMBER, {}, {"space": room["name"], "email": "d@example.com"})
    with pytest.raises(PluginError) as failed:
        plugin.create(MEMBER, checked)
    assert failed.value.code is grpc.StatusCode.PERMISSION_DENIED
    assert "only the owner manages members" in failed.value.details
    assert "set `owner` to the room's owner (`owner: ${room.owner}`)" in failed.value.details


def test_member_check_messages_name_the_schema_properties(plugin: PluginHost) -> None:
    _inputs, failures = plugin.check(
        MEMBER, {}, {"space": "abc-mnop-xyz", "email": "nobody", "role": "HOST", "extra": 1}
    )
    assert [p for p, _ in failures] == ["extra", "space", "email", "role"]
    reasons = dict(failures)
    assert "meeting code" in reasons["space"]
    assert "not an e-mail address" in reasons["email"]
    assert "COHOST" in reasons["role"]


def test_adopting_an_existing_member_is_one_get(control: Control, plugin: PluginHost) -> None:
    space = _space(plugin)
    existing = control.as_user(
        DEFAULT_USER,
        "POST",
        f"/v2/{space}/members",
        json={"email": "d@example.com", "role": "COHOST"},
    )
    control.clear()
    id_, _checked, outputs = _member(
        plugin, {"space": space, "email": "D@example.com", "adopt": existing["name"]}
    )
    assert id_ == existing["name"] and outputs["role"] == "COHOST"
    assert control.methods() == ["spaces.members.get"]
    diff = plugin.diff(
        MEMBER,
        id_,
        outputs,
        {"space": space, "email": "d@example.com", "adopt": f"{space}/members/other"},
    )
    assert (diff.replaces, diff.detailed) == (["adopt"], {"adopt": "ADD_REPLACE"})
