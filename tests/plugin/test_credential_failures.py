"""The statuses the plugin answers when credentials cannot work, as ``pulumi up`` shows them.

A key whose ``private_key`` is not a string names the field, never its text (the status lands in
CI logs). A token endpoint that does not resolve is UNAVAILABLE within 5 s, naming the host.
"""

from __future__ import annotations

import json
import time
from typing import Any

import grpc
import pytest

from pulumi_meet.plugin.schema import SPACE
from tests.client.test_emulator_secrets import google_key
from tests.plugin.conftest import PluginFactory
from tests.plugin.host import PluginError, urn

ROOM = urn(SPACE, "room")
OWNER = "lead@example.com"


def _create(start_plugin: PluginFactory, key: dict[str, Any]) -> tuple[PluginError, float]:
    plugin = start_plugin()
    plugin.configure({"credentials": json.dumps(key), "impersonateUser": OWNER})
    checked, _ = plugin.check(ROOM, {}, {"config": {"accessType": "OPEN"}})
    started = time.monotonic()
    with pytest.raises(PluginError) as failed:
        plugin.create(ROOM, checked)
    return failed.value, time.monotonic() - started


@pytest.mark.parametrize("shape", ["list", "object"])
def test_a_private_key_of_the_wrong_shape_is_named_not_shown(
    start_plugin: PluginFactory, shape: str
) -> None:
    key = google_key()
    text = key["private_key"]
    key["private_key"] = [text] if shape == "list" else {"pem": text}
    error, _ = _create(start_plugin, key)
    assert error.code == grpc.StatusCode.UNAUTHENTICATED
    assert "'private_key' must be a string" in error.details
    assert f"JSON {'array' if shape == 'list' else 'object'}" in error.details
    body = text.splitlines()[1:-1]
    assert not [line for line in body if line[:16] in error.details]
    assert "PRIVATE KEY" not in error.details


def test_an_unresolvable_token_endpoint_is_unavailable_at_once(
    start_plugin: PluginFactory,
) -> None:
    key = google_key(token_uri="https://oauth2.unresolvable-host.invalid/token")
    error, elapsed = _create(start_plugin, key)
    assert elapsed < 5.0
    assert error.code == grpc.StatusCode.UNAVAILABLE
    assert "cannot resolve the host oauth2.unresolvable-host.invalid" in error.details
