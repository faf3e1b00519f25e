"""Every failure class reaches the engine as its own gRPC status through the real plugin process.

UNKNOWN is what the SDK answers for an unhandled exception (a bug); no known failure may look
like one. API failures are injected with the emulator's faults (``PUT /emulator/v1/faults``), a
quota is exhausted for real (``PUT /emulator/v1/quotas``).
"""

from __future__ import annotations

import grpc
import pytest

from pulumi_meet.plugin.schema import GET_SPACE, SPACE
from tests.control import DEFAULT_USER, Control
from tests.plugin.conftest import PluginFactory
from tests.plugin.host import PluginError, PluginHost, urn

ROOM = urn(SPACE, "room")


@pytest.fixture
def impatient(control: Control, start_plugin: PluginFactory) -> PluginHost:
    """A plugin that gives up retrying after a second and paces in-process only."""
    plugin = start_plugin()
    plugin.configure(
        {"emulatorHost": control.host_port, "maxRetryDurationSeconds": "1", "quotaLedger": "off"}
    )
    return plugin


@pytest.mark.parametrize(
    ("status", "code"),
    [
        (400, grpc.StatusCode.INVALID_ARGUMENT),
        (401, grpc.StatusCode.UNAUTHENTICATED),
        (403, grpc.StatusCode.PERMISSION_DENIED),
        (404, grpc.StatusCode.NOT_FOUND),
        (409, grpc.StatusCode.ALREADY_EXISTS),
        # The create was sent and may have happened: INTERNAL, never retried, says how to adopt.
        (500, grpc.StatusCode.INTERNAL),
        (503, grpc.StatusCode.UNAVAILABLE),
    ],
)
def test_a_failed_create_reaches_the_engine_as_its_status(
    control: Control, impatient: PluginHost, status: int, code: grpc.StatusCode
) -> None:
    checked, _ = impatient.check(ROOM, {}, {})
    control.faults({"method": "spaces.create", "status": status, "times": 100})
    with pytest.raises(PluginError) as failed:
        impatient.create(ROOM, checked)
    assert failed.value.code is code, failed.value.details
    assert failed.value.details.startswith("spaces.create spaces: ")
    assert "Traceback" not in failed.value.details


def test_an_exhausted_quota_is_resource_exhausted(control: Control, impatient: PluginHost) -> None:
    room = control.as_user(DEFAULT_USER, "POST", "/v2/spaces", json={})
    control.quotas(perUser={"read": 1})
    impatient.invoke(GET_SPACE, {"space": room["name"]})
    with pytest.raises(PluginError) as failed:
        impatient.invoke(GET_SPACE, {"space": room["name"]})
    assert failed.value.code is grpc.StatusCode.RESOURCE_EXHAUSTED
    assert "Quota exceeded" in failed.value.details
    assert control.methods().count("spaces.get") == 2  # a 60 s Retry-After is not waited out
