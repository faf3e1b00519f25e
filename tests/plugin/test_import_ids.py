"""``pulumi import`` hands the plugin's Read the ID exactly as the user typed it. An ID of the
wrong shape is INVALID_ARGUMENT naming the accepted forms, before any call; never UNKNOWN with a
Python traceback."""

from __future__ import annotations

import grpc
import pytest

from pulumi_meet.core.tokens import SPACE, SPACE_MEMBER
from tests.control import Control
from tests.plugin.host import PluginError, PluginHost, urn

ROOM = urn(SPACE, "room", ("my:index:TeamRooms",))
COHOST = urn(SPACE_MEMBER, "cohost")


@pytest.mark.parametrize(
    "typed", ["/spaces/x", "spaces/..", "spaces/", "spaces/a/b", "", " ", "https://example.com/x"]
)
def test_a_space_id_of_the_wrong_shape_is_invalid_argument(
    control: Control, plugin: PluginHost, typed: str
) -> None:
    with pytest.raises(PluginError) as refused:
        plugin.read(ROOM, typed)
    assert refused.value.code is grpc.StatusCode.INVALID_ARGUMENT
    assert "Traceback" not in refused.value.details
    assert "spaces/<id>, a meeting code such as abc-mnop-xyz, or a meeting URL" in (
        refused.value.details
    )
    assert control.calls() == []


@pytest.mark.parametrize("typed", ["spaces/x", "spaces/x/members/..", "/spaces/x/members/y"])
def test_a_member_id_of_the_wrong_shape_is_invalid_argument(
    control: Control, plugin: PluginHost, typed: str
) -> None:
    with pytest.raises(PluginError) as refused:
        plugin.read(COHOST, typed)
    assert refused.value.code is grpc.StatusCode.INVALID_ARGUMENT
    assert "spaces/<space>/members/<member>" in refused.value.details
    assert control.calls() == []


def test_every_accepted_form_still_imports(control: Control, plugin: PluginHost) -> None:
    room = control.as_user("developer@example.com", "POST", "/v2/spaces", json={"config": {}})
    for typed in (room["name"], room["meetingCode"], room["meetingUri"], f" {room['name']} "):
        found = plugin.read(ROOM, typed)
        assert found is not None and found[0] == room["name"]
