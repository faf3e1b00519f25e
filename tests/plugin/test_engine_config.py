"""Provider configuration in every shape the engine sends it, through the plugin's process.

pulumi/pulumi ``GetPackageConfig`` gives a default provider every stack config value as a string
(a YAML list as its JSON text), marked secret when it was set with ``--secret``. CheckConfig's
``news`` carry those strings with the secret marker stripped; Configure's ``args`` keep the
marker and its ``variables`` hold plain strings (anything else JSON-encoded). An explicit
``meet.Provider(scopes=[...])`` sends typed values. Every shape must configure the same provider,
and no configuration error may quote a value that is, or may be, secret.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import grpc
import pytest
from pulumi.runtime.proto import provider_pb2

from pulumi_meet.core.tokens import SPACE
from tests.control import Control
from tests.plugin.conftest import PluginFactory
from tests.plugin.host import PluginError, PluginHost, engine_variables, secret, urn

ROOM = urn(SPACE, "room")
READONLY = ["meetings.space.readonly"]
VERSION = {"version": "0.1.0"}  # a default provider's inputs carry the plugin's version too


def _text(value: Any) -> str:
    """A stack config value as ``GetPackageConfig`` hands it over: JSON text unless a string."""
    return value if isinstance(value, str) else json.dumps(value, separators=(",", ":"))


def _configure_with_variables_only(plugin: PluginHost, config: dict[str, Any]) -> None:
    plugin.call("Configure", provider_pb2.ConfigureRequest(variables=engine_variables(config)))


def _same(value: Any) -> Any:
    return value


Shape = tuple[Callable[[Any], Any], Callable[[Any], Any], bool]
SHAPES: dict[str, Shape] = {
    # (the value in CheckConfig's news, in Configure's args, Configure with variables only)
    "default provider": (_text, _text, False),
    "default provider, secret": (_text, lambda v: secret(_text(v)), False),
    "explicit provider": (_same, _same, False),
    "explicit provider, secret": (_same, secret, False),
    "variables only (an older engine)": (_text, _text, True),
}


def _configured(
    control: Control, start_plugin: PluginFactory, shape: Shape, **typed: Any
) -> PluginHost:
    """A plugin checked and configured with ``typed`` config values in ``shape``."""
    in_news, in_args, variables_only = shape
    plugin = start_plugin()
    base = {"emulatorHost": control.host_port, **VERSION}
    news = {**base, **{key: in_news(value) for key, value in typed.items()}}
    checked, failures = plugin.check_config(news)
    assert failures == []
    for key, value in typed.items():  # returned as sent; credentials marked secret
        assert checked[key] in (in_news(value), secret(in_news(value)))
    config = {**base, **{key: in_args(value) for key, value in typed.items()}}
    if variables_only:
        _configure_with_variables_only(plugin, config)
    else:
        plugin.configure(config)
    return plugin


@pytest.mark.parametrize("shape", SHAPES.values(), ids=SHAPES.keys())
def test_scopes_as_a_list_in_every_shape_configure_the_provider(
    control: Control, start_plugin: PluginFactory, shape: Shape
) -> None:
    plugin = _configured(control, start_plugin, shape, scopes=READONLY)
    # The read-only scope was read, not the default: a create is refused for its scope.
    inputs, _ = plugin.check(ROOM, {}, {})
    with pytest.raises(PluginError) as refused:
        plugin.create(ROOM, inputs)
    assert refused.value.code is grpc.StatusCode.PERMISSION_DENIED
    assert "scope" in refused.value.details


@pytest.mark.parametrize("shape", SHAPES.values(), ids=SHAPES.keys())
def test_credentials_as_an_object_in_every_shape_act_as_their_user(
    control: Control, start_plugin: PluginFactory, shape: Shape
) -> None:
    login = control.authorized_user("ana@example.com")
    plugin = _configured(control, start_plugin, shape, credentials=login)
    inputs, _ = plugin.check(ROOM, {}, {})
    _id, outputs = plugin.create(ROOM, inputs)
    assert outputs["owner"] == "ana@example.com"
    assert [call["principal"] for call in control.calls()] == ["ana@example.com"]


def test_a_bad_scope_fails_check_config_without_quoting_the_value(
    start_plugin: PluginFactory,
) -> None:
    # CheckConfig cannot tell a secret from a plain value (the engine strips the marker).
    plugin = start_plugin()
    news = {"scopes": '["meetings.space.created","classified-scope-name"]', **VERSION}
    _, failures = plugin.check_config(news)
    assert [key for key, _ in failures] == ["scopes"]
    assert "not a Google Meet scope" in failures[0][1]
    assert "classified-scope-name" not in failures[0][1]


def test_configure_quotes_a_plain_value_but_never_a_secret_one(
    start_plugin: PluginFactory,
) -> None:
    plugin = start_plugin()
    with pytest.raises(PluginError) as plain:
        plugin.configure({"scopes": '["public-typo"]', **VERSION})
    assert plain.value.code is grpc.StatusCode.INVALID_ARGUMENT
    assert "'public-typo' is not a Google Meet scope" in plain.value.details

    for value in (secret('["classified-scope-name"]'), secret(["classified-scope-name"])):
        with pytest.raises(PluginError) as hidden:
            plugin.configure({"scopes": value, **VERSION})
        assert hidden.value.code is grpc.StatusCode.INVALID_ARGUMENT
        assert "not a Google Meet scope" in hidden.value.details
        assert "classified-scope-name" not in hidden.value.details
    plugin.stop()
    logged = "\n".join([plugin.stdout, plugin.stderr, *plugin.engine.messages()])
    assert "classified-scope-name" not in logged


def test_a_secret_config_value_stays_secret_in_check_config(start_plugin: PluginFactory) -> None:
    plugin = start_plugin()
    news = {"scopes": secret('["meetings.space.created"]'), "user": "bo@example.com", **VERSION}
    checked, failures = plugin.check_config(news)
    assert failures == []
    assert checked["scopes"] == secret('["meetings.space.created"]')
    assert checked["user"] == "bo@example.com"


def test_the_engine_unmarshals_config_requests_as_built() -> None:
    # The harness's variables are the engine's: strings kept, others JSON, secrets unwrapped.
    variables = engine_variables(
        {"scopes": secret(["a", "b"]), "user": "u@example.com", "quotaWindowSeconds": 5.0} | VERSION
    )
    assert variables == {
        "meet:config:scopes": '["a","b"]',
        "meet:config:user": "u@example.com",
        "meet:config:quotaWindowSeconds": "5",  # Go's json.Marshal of the float64 5
    }
