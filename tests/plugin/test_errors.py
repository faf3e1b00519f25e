"""Errors through the plugin: gRPC statuses carrying the same actionable messages, check
failures in the schema's camelCase, configuration checked before any call."""

from __future__ import annotations

import json

import grpc
import pytest
from pulumi.runtime.proto import provider_pb2

from pulumi_meet.client.settings import Settings
from pulumi_meet.plugin.config import CONFIG_KEYS
from pulumi_meet.plugin.schema import SPACE
from tests.control import Control
from tests.plugin.conftest import PluginFactory
from tests.plugin.host import PluginError, PluginHost, to_struct, urn

ROOM = urn(SPACE, "room")
GONE = "spaces/AAAAAAAAAAAA"


def test_check_failures_name_schema_properties_and_make_no_call(
    control: Control, plugin: PluginHost
) -> None:
    news = {
        "config": {
            "accessTyp": "OPEN",
            "moderation": "OFF",
            "moderationRestrictions": {"chatRestriction": "HOSTS_ONLY"},
        },
        "deletionPolicy": "DELETE",
        "adopt": "nothing",
        "owner": "not-an-email",
    }
    _inputs, failures = plugin.check(ROOM, {}, news)
    reasons = dict(failures)
    assert list(reasons) == [
        "config.accessTyp",
        "config.moderationRestrictions",
        "deletionPolicy",
        "adopt",
        "owner",
    ]
    assert "did you mean 'accessType'?" in reasons["config.accessTyp"]
    assert "allowed: accessType, entryPointAccess" in reasons["config.accessTyp"]
    assert (
        "Set config.moderation to ON or remove config.moderationRestrictions"
        in reasons["config.moderationRestrictions"]
    )
    assert reasons["deletionPolicy"] == "'DELETE' is not one of RESTRICT, END_CONFERENCE, ABANDON"
    _inputs, failures = plugin.check(ROOM, {}, {"config": {"accessType": "OPNE"}})
    assert failures == [("config.accessType", "'OPNE' is not one of OPEN, TRUSTED, RESTRICTED")]
    assert control.methods() == []


def test_reading_a_room_that_is_gone_is_permission_denied_with_what_to_do(
    plugin: PluginHost,
) -> None:
    with pytest.raises(PluginError) as failed:
        plugin.read(ROOM, GONE, {"name": GONE, "owner": "developer@example.com"})
    assert failed.value.code is grpc.StatusCode.PERMISSION_DENIED
    assert failed.value.details.startswith(
        f"spaces.get: cannot read {GONE} as developer@example.com"
    )
    assert "`pulumi state delete <urn>`" in failed.value.details
    assert "Traceback" not in failed.value.details


def test_deleting_a_room_that_is_gone_advises_deletion_policy_in_camel_case(
    plugin: PluginHost,
) -> None:
    with pytest.raises(PluginError) as failed:
        plugin.delete(ROOM, GONE, {"name": GONE, "deletionPolicy": "END_CONFERENCE"})
    assert failed.value.code is grpc.StatusCode.PERMISSION_DENIED
    assert "set deletionPolicy='ABANDON', run `pulumi up`" in failed.value.details


def test_a_disabled_api_passes_through_as_it_is(control: Control, plugin: PluginHost) -> None:
    checked, _ = plugin.check(ROOM, {}, {})
    id_, outputs = plugin.create(ROOM, checked)
    control.put("apps/emulator-project", {"meetApiEnabled": False})
    for call in (
        lambda: plugin.read(ROOM, id_, outputs),
        lambda: plugin.delete(ROOM, id_, outputs),
        lambda: plugin.create(ROOM, checked),
    ):
        with pytest.raises(PluginError) as failed:
            call()
        assert failed.value.code is grpc.StatusCode.PERMISSION_DENIED
        # Not re-worded into "gone or no access": the message says which switch to flip.
        assert "no longer exists" not in failed.value.details
        assert "enable" in failed.value.details.lower()


def test_config_is_checked_per_key_and_credentials_stay_secret(
    start_plugin: PluginFactory,
) -> None:
    plugin = start_plugin()
    inputs, failures = plugin.check_config(
        {
            "emulatorHost": "ftp://nowhere/x",
            "readsPerMinute": "-3",
            "credentials": json.dumps({"type": "authorized_user"}),
            "version": "0.1.0",
        }
    )
    assert [p for p, _ in failures] == ["emulatorHost", "readsPerMinute"]
    assert "must be host:port" in dict(failures)["emulatorHost"]
    assert inputs["credentials"]["value"] == json.dumps({"type": "authorized_user"})
    assert set(inputs["credentials"]) == {"4dabf18193072939515e22adb298388d", "value"}
    assert inputs["version"] == "0.1.0"  # the engine's own keys pass through


def test_bad_config_fails_configure_with_invalid_argument(start_plugin: PluginFactory) -> None:
    plugin = start_plugin()
    with pytest.raises(PluginError) as failed:
        plugin.configure({"impersonateUser": "nobody"})
    assert failed.value.code is grpc.StatusCode.INVALID_ARGUMENT
    assert "meet:impersonateUser" in failed.value.details


def test_config_arrives_as_variables_alone_too(
    control: Control, start_plugin: PluginFactory
) -> None:
    plugin = start_plugin()
    request_config = {"user": "someone@example.com", "emulatorHost": control.host_port}
    variables = {f"meet:config:{k}": v for k, v in request_config.items()}
    plugin.call("Configure", provider_pb2.ConfigureRequest(variables=variables))
    checked, _ = plugin.check(ROOM, {}, {})
    _id, outputs = plugin.create(ROOM, checked)
    assert outputs["owner"] == "someone@example.com"


def test_the_config_table_names_exactly_the_keys_settings_reads() -> None:
    read: list[str] = []
    Settings.from_config(read.append, environ={})
    assert sorted(f"meet:{key.name}" for key in CONFIG_KEYS) == sorted(read)


def test_a_config_change_updates_the_provider_and_never_replaces_it(
    start_plugin: PluginFactory,
) -> None:
    plugin = start_plugin()
    olds = {"impersonateUser": "a@example.com", "version": "0.1.0"}
    news = {"impersonateUser": "b@example.com", "user": "u@example.com", "version": "0.1.0"}
    request = provider_pb2.DiffRequest(
        urn=urn("pulumi:providers:meet", "default"),
        olds=to_struct(olds),
        news=to_struct(news),
    )
    response = plugin.call("DiffConfig", request)
    assert response.changes == provider_pb2.DiffResponse.DIFF_SOME
    assert list(response.replaces) == [] and list(response.diffs) == ["impersonateUser", "user"]
    kinds = {
        k: provider_pb2.PropertyDiff.Kind.Name(v.kind) for k, v in response.detailedDiff.items()
    }
    assert kinds == {"impersonateUser": "UPDATE", "user": "ADD"}
    request = provider_pb2.DiffRequest(olds=to_struct(olds), news=to_struct(olds))
    assert plugin.call("DiffConfig", request).changes == provider_pb2.DiffResponse.DIFF_NONE


@pytest.mark.parametrize(
    ("scopes", "created"),
    [
        ('["meetings.space.created", "meetings.space.readonly"]', True),
        ('["meetings.space.readonly"]', False),
    ],
)
def test_a_list_of_scopes_arrives_json_encoded_in_variables(
    control: Control, start_plugin: PluginFactory, scopes: str, created: bool
) -> None:
    """The engine JSON-encodes a YAML list in ``variables``; the list is the scopes used."""
    plugin = start_plugin()
    variables = {"meet:config:emulatorHost": control.host_port, "meet:config:scopes": scopes}
    plugin.call("Configure", provider_pb2.ConfigureRequest(variables=variables))
    checked, _ = plugin.check(ROOM, {}, {})
    if created:
        _id, outputs = plugin.create(ROOM, checked)
        assert outputs["owner"]
    else:
        with pytest.raises(PluginError) as failed:
            plugin.create(ROOM, checked)
        assert failed.value.code is grpc.StatusCode.PERMISSION_DENIED
        assert "scope" in failed.value.details
