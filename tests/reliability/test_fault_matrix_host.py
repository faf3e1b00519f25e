"""The fault matrix again, through a real ``python -m pulumi.dynamic`` provider host driven as the
engine drives it: create, update and destroy of a Space under every fault, real backoff waits.

The host is a separate process, so its token cannot be made stale from here: the token faults
are a 401 on the operation's request (the server refusing the token as expired), which makes
the client refresh; with "token endpoint failing" that refresh meets a failing ``/token``.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable, Mapping
from typing import Any

import pulumi_meet as meet
from pulumi_meet.emulator import Emulator
from tests.engine import Engine, ProviderError, ProviderHost
from tests.reliability.conftest import Control
from tests.reliability.matrix import FAULTS, OWNER, SA_PROJECT
from tests.reliability.test_fault_matrix import expected_outcome

TIMEOUT_SECONDS = 0.5
DELAY_SECONDS = 1.0


def host_rules(fault: str, path: str) -> list[dict[str, Any]]:
    """One occurrence of each fault (real backoff waits in the host: keep them few)."""
    refused = {"path": path, "status": 401, "times": 1}
    rules: dict[str, list[dict[str, Any]]] = {
        "429 burst": [{"path": path, "status": 429, "times": 2}],
        "500": [{"path": path, "status": 500}],
        "503": [{"path": path, "status": 503}],
        "slower than timeout": [{"path": path, "delaySeconds": DELAY_SECONDS}],
        "dropped before write": [{"path": path, "dropConnection": "before"}],
        "dropped after commit": [{"path": path, "dropConnection": "after"}],
        "token endpoint failing": [refused, {"method": "oauth2.token", "status": 503}],
        "token expired mid-run": [refused],
    }
    return rules[fault]


def _program(name: str, access: str, adopt: str | None = None) -> Callable[[], None]:
    def program() -> None:
        meet.Space(name, config={"access_type": access}, adopt=adopt)

    return program


class _Run:
    def __init__(self, control: Control, engine: Engine, fault: str) -> None:
        self.control, self.engine, self.fault = control, engine, fault

    def arm(self, path: str) -> None:
        self.control.faults(*host_rules(self.fault, path))

    def settle(self) -> None:
        if self.fault == "slower than timeout":
            time.sleep(DELAY_SECONDS - TIMEOUT_SECONDS + 0.3)
        assert self.control.call("GET", "faults")["rules"] == [], "the fault did not fire"

    def space(self, name: str) -> dict[str, Any]:
        return next(s for s in self.control.spaces() if s["name"] == name)

    def create(self, name: str, before: set[str]) -> str:
        self.arm(r"^/v2/spaces$")
        try:
            self.engine.up(_program(name, "OPEN"))
            outcome = "recovered"
        except ProviderError as error:
            outcome = "CreateOutcomeUnknown"
            assert "may have been created" in error.details and "adopt=" in error.details
        self.settle()
        assert outcome == expected_outcome("create", self.fault)
        new = {s["name"] for s in self.control.spaces()} - before
        assert len(new) <= 1, "a create was sent twice"
        if outcome != "recovered":  # follow the error message
            self.engine.up(_program(name, "OPEN", adopt=next(iter(new), None)))
            new = {s["name"] for s in self.control.spaces()} - before
        assert len(new) == 1
        room = self.engine.resource(name)
        assert {room.id} == new and self.space(room.id)["config"]["accessType"] == "OPEN"
        return room.id


def test_create_update_destroy_through_the_host_under_every_fault(
    emulator: Emulator, control: Control, start_host: Callable[[Mapping[str, str]], ProviderHost]
) -> None:
    key = control.service_account(project=SA_PROJECT)
    config = {
        "meet:credentials": json.dumps(key),
        "meet:impersonateUser": OWNER,
        "meet:requestTimeoutSeconds": str(TIMEOUT_SECONDS),
        "meet:maxRetryDurationSeconds": "20",
        # Each 429 halves the client's rate for a window; keep the quota far away.
        "meet:createsPerMinute": "6000",
        "meet:writesPerMinute": "6000",
    }
    host = start_host({"MEET_EMULATOR_HOST": emulator.host_port})
    for number, fault in enumerate(FAULTS):
        name = f"room{number}"
        run = _Run(control, Engine(host, config=config), fault)
        space = run.create(name, {s["name"] for s in control.spaces()})
        path = f"^/v2/{re.escape(space)}(:endActiveConference)?$"

        run.arm(path)
        assert [s.op for s in run.engine.up(_program(name, "RESTRICTED"))] == ["update"]
        run.settle()
        assert run.space(space)["config"]["accessType"] == "RESTRICTED", fault

        control.call("POST", f"{space}:startConference", {"participants": [OWNER]})
        run.arm(path)
        run.engine.destroy()
        run.settle()
        retired = run.space(space)
        assert retired["config"]["accessType"] == "RESTRICTED" and not retired.get(
            "activeConference"
        ), fault
    assert len(control.spaces()) == len(FAULTS)  # no duplicate anywhere
