"""Import of rooms the identity cannot manage, the deletion policy an import records, and every
error class reaching the engine as its own gRPC status (never UNKNOWN for a known failure)."""

from __future__ import annotations

from typing import Any

import grpc
import pytest
from pulumi.runtime.proto import provider_pb2

from pulumi_meet.plugin.schema import SPACE, SPACE_MEMBER
from tests.control import DEFAULT_USER, Control
from tests.plugin.conftest import PluginFactory
from tests.plugin.host import UNKNOWN, PluginError, PluginHost, to_struct, urn

ROOM = urn(SPACE, "room")
COHOST = urn(SPACE_MEMBER, "cohost")
SOMEONE_ELSE = "someone-else@example.com"


def _room_of(control: Control, owner: str, config: dict[str, Any] | None = None) -> Any:
    room = control.as_user(owner, "POST", "/v2/spaces", json={"config": config or {}})
    control.clear()
    return room


def _failure(call: Any) -> PluginError:
    with pytest.raises(PluginError) as failed:
        call()
    assert "Traceback" not in failed.value.details
    return failed.value


def test_importing_a_room_the_identity_does_not_own_is_refused(
    control: Control, plugin: PluginHost
) -> None:
    room = _room_of(control, SOMEONE_ELSE)
    error = _failure(lambda: plugin.read(ROOM, room["meetingCode"]))
    assert error.code is grpc.StatusCode.PERMISSION_DENIED
    assert f"{DEFAULT_USER} does not own it" in error.details
    assert "Set `owner` (or meet:impersonateUser)" in error.details
    assert control.methods() == ["spaces.get"]


def test_an_imported_room_is_handed_back_untouched_on_destroy(
    control: Control, plugin: PluginHost
) -> None:
    room = _room_of(control, DEFAULT_USER, {"accessType": "OPEN"})
    found = plugin.read(ROOM, room["name"])
    assert found is not None
    id_, outputs, inputs = found
    assert outputs["deletionPolicy"] == inputs["deletionPolicy"] == "ABANDON"
    assert outputs["owner"] == DEFAULT_USER
    # The program written from the inputs is a no-op, and destroying it makes no call.
    checked, failures = plugin.check(ROOM, inputs, inputs)
    assert failures == []
    assert plugin.diff(ROOM, id_, outputs, checked).changes == 1  # DIFF_NONE
    plugin.delete(ROOM, id_, outputs)
    assert control.methods() == ["spaces.get"]
    assert control.space(id_)["config"]["accessType"] == "OPEN"


@pytest.mark.parametrize("reference", ["owned", "missing"])
def test_adopting_what_cannot_be_managed_is_permission_denied(
    control: Control, plugin: PluginHost, reference: str
) -> None:
    target = _room_of(control, SOMEONE_ELSE)["name"] if reference == "owned" else "abc-defg-hij"
    checked, failures = plugin.check(ROOM, {}, {"adopt": target})
    assert failures == []
    error = _failure(lambda: plugin.create(ROOM, checked))
    # A code that names no room is NOT_FOUND (it may have expired or been reused); a room of
    # someone else is PERMISSION_DENIED.
    expected = "PERMISSION_DENIED" if reference == "owned" else "NOT_FOUND"
    assert error.code is getattr(grpc.StatusCode, expected)
    assert error.details.startswith("cannot adopt")


def test_adopting_another_persons_member_is_invalid_argument(
    control: Control, plugin: PluginHost
) -> None:
    space = _room_of(control, DEFAULT_USER)["name"]
    member = control.as_user(
        DEFAULT_USER, "POST", f"/v2/{space}/members", json={"email": "a@example.com"}
    )
    news = {"space": space, "email": "b@example.com", "adopt": member["name"]}
    checked, failures = plugin.check(COHOST, {}, news)
    assert failures == []
    error = _failure(lambda: plugin.create(COHOST, checked))
    assert error.code is grpc.StatusCode.INVALID_ARGUMENT
    assert "it is a@example.com, not b@example.com" in error.details


def test_a_member_on_someone_elses_room_says_how_to_act_as_its_owner(
    control: Control, plugin: PluginHost
) -> None:
    space = _room_of(control, SOMEONE_ELSE)["name"]
    checked, _ = plugin.check(COHOST, {}, {"space": space, "email": "a@example.com"})
    error = _failure(lambda: plugin.create(COHOST, checked))
    assert error.code is grpc.StatusCode.PERMISSION_DENIED
    assert "`owner: ${room.owner}`" in error.details


@pytest.mark.parametrize(
    ("status", "code"),
    [
        (503, grpc.StatusCode.UNAVAILABLE),
        (429, grpc.StatusCode.RESOURCE_EXHAUSTED),
        (401, grpc.StatusCode.UNAUTHENTICATED),
        (400, grpc.StatusCode.INVALID_ARGUMENT),
    ],
)
def test_api_failures_reach_the_engine_as_their_status(
    control: Control, start_plugin: PluginFactory, status: int, code: grpc.StatusCode
) -> None:
    plugin = start_plugin()
    plugin.configure({"emulatorHost": control.host_port, "maxRetryDurationSeconds": "1"})
    room = _room_of(control, DEFAULT_USER)
    control.faults({"method": "spaces.get", "status": status, "times": 100})
    error = _failure(lambda: plugin.read(ROOM, room["name"], {"owner": DEFAULT_USER}))
    assert error.code is code


def test_a_space_the_api_calls_not_found_on_update_is_not_found(
    control: Control, plugin: PluginHost
) -> None:
    checked, _ = plugin.check(ROOM, {}, {"config": {"accessType": "OPEN"}})
    id_, outputs = plugin.create(ROOM, checked)
    control.faults({"method": "spaces.patch", "status": 404, "times": 1})
    news, _ = plugin.check(ROOM, checked, {"config": {"accessType": "TRUSTED"}})
    error = _failure(lambda: plugin.update(ROOM, id_, outputs, news))
    assert error.code is grpc.StatusCode.NOT_FOUND


def test_a_create_whose_answer_is_lost_is_internal_and_says_how_to_adopt(
    control: Control, plugin: PluginHost
) -> None:
    control.faults({"method": "spaces.create", "status": 500, "times": 1})
    checked, _ = plugin.check(ROOM, {}, {})
    error = _failure(lambda: plugin.create(ROOM, checked))
    # Not UNKNOWN (an unhandled exception), nor a status inviting a blind retry.
    assert error.code is grpc.StatusCode.INTERNAL
    assert "adopt" in error.details
    assert control.methods() == ["spaces.create"]  # never sent twice


def test_an_unknown_type_is_unimplemented(plugin: PluginHost) -> None:
    request = provider_pb2.CheckRequest(
        urn=urn("meet:index:Webinar", "w"), olds=to_struct({}), news=to_struct({})
    )
    error = _failure(lambda: plugin.call("Check", request))
    assert error.code is grpc.StatusCode.UNIMPLEMENTED
    assert "meet:index:Webinar" in error.details


def test_snake_case_keys_are_refused_with_the_schema_name(
    control: Control, plugin: PluginHost
) -> None:
    news = {"config": {"access_type": "OPEN"}, "deletion_policy": "ABANDON"}
    _inputs, failures = plugin.check(ROOM, {}, news)
    reasons = dict(failures)
    assert "did you mean 'config.accessType'?" in reasons["config.access_type"]
    assert "did you mean 'deletionPolicy'?" in reasons["deletion_policy"]
    assert control.methods() == []


def test_a_config_unknown_until_apply_is_one_entry_in_the_detailed_diff(
    control: Control, plugin: PluginHost
) -> None:
    checked, _ = plugin.check(ROOM, {}, {"config": {"accessType": "OPEN"}})
    id_, outputs = plugin.create(ROOM, checked)
    control.clear()
    diff = plugin.diff(ROOM, id_, outputs, {"config": UNKNOWN})
    assert diff.detailed == {"config": "UPDATE"}
    assert control.methods() == []
