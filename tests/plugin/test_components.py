"""Rooms and members declared inside components, through the plugin's process.

A resource declared in a component has the whole parent chain in its URN's type
(``my:index:Office$my:index:TeamRooms$meet:index:Space``). Today's engine also sends the
resource's own type in every request's ``type`` field; an older one leaves it empty. Each
resource operation of both types must work either way, one and two components deep, making
exactly the API calls it makes at the top level.
"""

from __future__ import annotations

import grpc
import pytest

from pulumi_meet.core.tokens import SPACE, SPACE_MEMBER
from tests.control import Control
from tests.plugin.conftest import PluginFactory
from tests.plugin.host import PluginError, PluginHost, engine_type, urn

TEAM_ROOMS = "my:index:TeamRooms"
OFFICE = "my:index:Office"
DEPTHS = {"one component deep": (TEAM_ROOMS,), "two components deep": (OFFICE, TEAM_ROOMS)}


@pytest.fixture(params=[True, False], ids=["type set", "type empty"])
def sends_type(request: pytest.FixtureRequest) -> bool:
    return bool(request.param)


@pytest.fixture
def nested_plugin(control: Control, start_plugin: PluginFactory, sends_type: bool) -> PluginHost:
    host = start_plugin(sends_type=sends_type)
    host.configure({"emulatorHost": control.host_port})
    return host


def test_the_harness_sends_what_the_engine_sends() -> None:
    room = urn(SPACE, "standup", (OFFICE, TEAM_ROOMS))
    assert room == (
        "urn:pulumi:dev::rooms::my:index:Office$my:index:TeamRooms$meet:index:Space::standup"
    )
    assert engine_type(room) == SPACE  # URN.Type(): the last `$` segment


@pytest.mark.parametrize("parents", DEPTHS.values(), ids=DEPTHS.keys())
def test_a_room_and_its_member_inside_components_go_through_every_operation(
    control: Control, nested_plugin: PluginHost, parents: tuple[str, ...]
) -> None:
    plugin = nested_plugin
    room, cohost = urn(SPACE, "standup", parents), urn(SPACE_MEMBER, "standup-cohost", parents)

    # Check and Diff: no call. Create: one spaces.create, one members.create.
    checked, failures = plugin.check(room, {}, {"config": {"accessType": "TRUSTED"}})
    assert failures == []
    space_id, outputs = plugin.create(room, checked)
    member_inputs = {"space": space_id, "email": "deputy@example.com"}
    member_checked, failures = plugin.check(cohost, {}, member_inputs)
    assert failures == []
    member_id, member_outputs = plugin.create(cohost, member_checked)
    assert control.methods() == ["spaces.create", "spaces.members.create"]
    assert member_id.startswith(f"{space_id}/members/")
    control.clear()

    news = {"config": {"accessType": "OPEN"}}
    diff = plugin.diff(room, space_id, outputs, news)
    assert (diff.changes, diff.detailed) == (2, {"config.accessType": "UPDATE"})  # DIFF_SOME
    member_news = {**member_checked, "role": "ROLE_UNSPECIFIED"}
    member_diff = plugin.diff(cohost, member_id, member_outputs, member_news)
    assert member_diff.detailed == {"role": "UPDATE"}
    assert control.methods() == []

    # Update: one patch each, naming exactly the changed field.
    outputs = plugin.update(room, space_id, outputs, news)
    member_outputs = plugin.update(cohost, member_id, member_outputs, member_news)
    assert [(c["apiMethod"], c["query"].get("updateMask")) for c in control.calls()] == [
        ("spaces.patch", "config.accessType"),
        ("spaces.members.patch", "role"),
    ]
    assert (outputs["config"]["accessType"], member_outputs["role"]) == ("OPEN", "ROLE_UNSPECIFIED")
    control.clear()

    # Read (refresh, then import with only the ID): one get each.
    found = plugin.read(room, space_id, outputs, news)
    assert found is not None and found[0] == space_id
    imported = plugin.read(room, space_id)
    assert imported is not None and imported[2]["config"]["accessType"] == "OPEN"
    found_member = plugin.read(cohost, member_id, member_outputs, member_news)
    assert found_member is not None and found_member[1]["role"] == "ROLE_UNSPECIFIED"
    assert control.methods() == ["spaces.get", "spaces.get", "spaces.members.get"]
    control.clear()

    # Delete: the member is removed; the room is locked (deletion policy RESTRICT).
    plugin.delete(cohost, member_id, member_outputs)
    plugin.delete(room, space_id, outputs)
    assert control.methods() == [
        "spaces.members.delete",
        "spaces.endActiveConference",
        "spaces.patch",
    ]
    assert plugin.read(cohost, member_id, member_outputs, member_news) is None


@pytest.mark.parametrize("parents", DEPTHS.values(), ids=DEPTHS.keys())
def test_check_failures_inside_components_name_the_resource_type(
    nested_plugin: PluginHost, parents: tuple[str, ...]
) -> None:
    _, failures = nested_plugin.check(urn(SPACE, "room", parents), {}, {"deletion_policy": "X"})
    assert failures[0][0] == "deletion_policy"
    assert f"not a property of {SPACE}" in failures[0][1]


def test_a_component_type_the_package_lacks_is_unimplemented(nested_plugin: PluginHost) -> None:
    # A request for a type that is not ours, even under our own type as a parent.
    stray = urn("meet:index:Recording", "r", (SPACE,))
    with pytest.raises(PluginError) as raised:
        nested_plugin.check(stray, {}, {})
    assert raised.value.code == grpc.StatusCode.UNIMPLEMENTED
    assert "'meet:index:Recording'" in raised.value.details
    assert SPACE in raised.value.details and SPACE_MEMBER in raised.value.details
