"""No credential material in anything the engine stores or prints, through the plugin.

A service-account key (domain-wide delegation) reaches the plugin as a secret config value;
after a lifecycle (create, update, read, getSpace, an error) the scan covers every input and
output returned, the check/configure answers, the error's message, the process's stdout and
stderr, and the engine's Log calls. The scan itself is tests/security's.
"""

from __future__ import annotations

import json

import pytest

from pulumi_meet.plugin.schema import GET_SPACE, SPACE
from tests.control import Control
from tests.plugin.conftest import PluginFactory
from tests.plugin.host import PluginError, PluginHost, secret, urn
from tests.security.test_secret_scan import CREATED, credential_values, leaks

OWNER = "lead@example.com"
ROOM = urn(SPACE, "room")


def test_no_credential_material_anywhere(control: Control, start_plugin: PluginFactory) -> None:
    key = control.service_account([CREATED])
    secrets = credential_values(key)
    assert len(secrets) >= 2
    plugin = start_plugin()
    config = {
        "emulatorHost": control.host_port,
        "credentials": json.dumps(key),
        "impersonateUser": OWNER,
    }
    checked_config, failures = plugin.check_config(
        {**config, "credentials": secret(json.dumps(key))}
    )
    assert failures == []
    texts = [json.dumps(checked_config["emulatorHost"])]
    plugin.configure(config)

    checked, _ = plugin.check(ROOM, {}, {"config": {"accessType": "OPEN"}})
    id_, outputs = plugin.create(ROOM, checked)
    assert outputs["owner"] == OWNER
    news, _ = plugin.check(ROOM, checked, {"config": {"accessType": "TRUSTED"}})
    outputs = plugin.update(ROOM, id_, outputs, news)
    found = plugin.read(ROOM, id_, outputs, news)
    returned, _ = plugin.invoke(GET_SPACE, {"space": id_})
    texts += [json.dumps(x) for x in (checked, outputs, news, found, returned)]
    with pytest.raises(PluginError) as failed:
        plugin.read(ROOM, "spaces/AAAAAAAAAAAA", {"owner": OWNER})
    texts.append(failed.value.details)
    plugin.stop()
    texts += [plugin.stdout, plugin.stderr, *plugin.engine.messages()]
    assert leaks("\n".join(texts), secrets) == []


def test_a_secret_input_stays_secret_in_every_output_that_echoes_it(
    control: Control, plugin: PluginHost
) -> None:
    owner = secret("developer@example.com")
    room = urn(SPACE, "secret-owner")
    checked, failures = plugin.check(room, {}, {"config": {"accessType": "OPEN"}, "owner": owner})
    assert failures == []
    assert checked["owner"] == owner and checked["config"] == {"accessType": "OPEN"}
    id_, outputs = plugin.create(room, checked)
    assert outputs["owner"] == owner and outputs["declaredOwner"] == owner
    assert outputs["config"]["accessType"] == "OPEN"  # not secret: its input was not
    news, _ = plugin.check(room, checked, {"config": {"accessType": "TRUSTED"}, "owner": owner})
    updated = plugin.update(room, id_, outputs, news)
    assert updated["owner"] == owner and updated["declaredOwner"] == owner
    found = plugin.read(room, id_, updated, news)
    assert found is not None
    _id, read_outputs, read_inputs = found
    assert read_outputs["declaredOwner"] == owner and read_inputs["owner"] == owner
    assert control.methods() == ["spaces.create", "spaces.patch", "spaces.get"]
