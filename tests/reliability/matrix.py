"""The fault matrix: operations x faults, run in-process against the emulator.

Each cell arms one fault on the emulator, runs one operation through `SpaceProvider` or
`MemberProvider`, and returns what happened: recovered, or which
error the user saw, and how many Meet API requests the operation made. The invariants (no
duplicate space, no lost update, no stray member) are checked by the caller on the emulator's
state (`GET /emulator/v1/spaces`, members lists).

Faults are armed by path, so a rule hits exactly the operation's own requests: ``^/v2/spaces$``
for a create, ``^/v2/spaces/<id>`` for the calls on one space, ``…/members/<id>$`` for one
member. Token faults are armed on ``oauth2.token`` after the cached token was made stale.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from pulumi.dynamic import ConfigureRequest
from pulumi.dynamic.config import Config

from pulumi_meet.client.meet import MeetClient, get_client
from pulumi_meet.client.settings import SCOPE_CREATED, Settings
from pulumi_meet.client.state import default_state
from pulumi_meet.dynamic.providers import MemberProvider, SpaceProvider
from pulumi_meet.exceptions import MeetError
from tests.control import Control

__all__ = [
    "FAULTS",
    "OPERATIONS",
    "OWNER",
    "SA_PROJECT",
    "CellResult",
    "MatrixCell",
    "fault_rules",
    "render_table",
]

OWNER = "lead@example.com"
COHOST = "cohost@example.com"
SA_PROJECT = "acme-meet"
REQUEST_TIMEOUT_SECONDS = 0.5
SLOW_RESPONSE_SECONDS = 1.0
OPERATIONS = ("create", "update", "refresh", "delete", "member create", "member delete")
FAULTS = (
    "429 burst",
    "500",
    "503",
    "slower than timeout",
    "dropped before write",
    "dropped after commit",
    "token endpoint failing",
    "token expired mid-run",
)
# google-auth retries the token endpoint 3 times itself; 4 failures reach our retry loop too.
TOKEN_FAILURES = 4


def fault_rules(fault: str, path: str) -> list[dict[str, Any]]:
    """The emulator fault rules of one fault aimed at the requests whose path matches `path`."""
    rules: dict[str, list[dict[str, Any]]] = {
        "429 burst": [{"path": path, "status": 429, "times": 3}],
        "500": [{"path": path, "status": 500, "times": 1}],
        "503": [{"path": path, "status": 503, "times": 2}],
        "slower than timeout": [{"path": path, "delaySeconds": SLOW_RESPONSE_SECONDS}],
        "dropped before write": [{"path": path, "dropConnection": "before"}],
        "dropped after commit": [{"path": path, "dropConnection": "after"}],
        "token endpoint failing": [
            {"method": "oauth2.token", "status": 503, "times": TOKEN_FAILURES}
        ],
        "token expired mid-run": [],  # the emulator itself refuses the stale token (401)
    }
    return rules[fault]


@dataclass
class CellResult:
    """The outcome of one cell: ``recovered`` or the error class name, and the API requests."""

    operation: str
    fault: str
    outcome: str
    requests: int
    message: str = ""
    recovery: list[str] = field(default_factory=list)


def _settings(emulator_host: str, key: dict[str, Any]) -> Settings:
    return Settings.from_config(_config(emulator_host, key).get, {})


def _config(emulator_host: str, key: dict[str, Any]) -> dict[str, str]:
    return {
        "meet:emulatorHost": emulator_host,
        "meet:credentials": json.dumps(key),
        "meet:impersonateUser": OWNER,
        "meet:requestTimeoutSeconds": str(REQUEST_TIMEOUT_SECONDS),
        "meet:maxRetryDurationSeconds": "20",
    }


class MatrixCell:
    """One emulator, one provider configured with a service-account key acting for OWNER."""

    def __init__(self, control: Control, emulator_host: str) -> None:
        self.control = control
        key = control.service_account(project=SA_PROJECT)
        config = _config(emulator_host, key)
        self.provider = SpaceProvider()
        self.provider.configure(ConfigureRequest(Config(dict(config), "meet-test")))
        self.members_provider = MemberProvider()
        self.members_provider.configure(ConfigureRequest(Config(dict(config), "meet-test")))
        self.settings = _settings(emulator_host, key)
        self.client: MeetClient = get_client(self.settings)

    # ------------------------------------------------------------------ state views

    def spaces(self) -> list[dict[str, Any]]:
        return self.control.spaces()

    def members(self, space: str) -> list[dict[str, Any]]:
        return list(self.client.iter_members(space))

    def live(self, space: str) -> dict[str, Any]:
        return self.client.get_space(space)

    # ------------------------------------------------------------------ faults

    def arm(self, fault: str, path: str) -> None:
        """Arm `fault` for the next requests on `path` (and make the token stale if needed)."""
        self.control.call("DELETE", "requests")
        if fault == "token endpoint failing":
            self._stale_token(expired_on_server=False)
        elif fault == "token expired mid-run":
            self._stale_token(expired_on_server=True)
        self.control.faults(*fault_rules(fault, path))

    def _stale_token(self, *, expired_on_server: bool) -> None:
        """Make the cached token stale: locally (refresh before the call) or only on the server.

        ``expired_on_server``: the client still believes its token valid for an hour, but the
        emulator sees an expired one, as when a token expires between the check and the call.
        """
        shared = default_state().credentials.authorization_for(self.settings, None).credentials
        now = datetime.utcnow()
        if expired_on_server:
            token = self.control.token(OWNER, expiresIn=0, app=SA_PROJECT)
            shared.inner.token = token
            shared.inner.expiry = now + timedelta(hours=1)
        else:
            shared.inner.expiry = now - timedelta(seconds=1)

    def requests(self, path_pattern: str) -> int:
        """Meet API requests logged since the fault was armed whose path matches."""
        return sum(1 for r in self.control.calls() if re.search(path_pattern, r["path"]))

    def settle(self, fault: str) -> None:
        """Wait out a slow response still being served, so the state read after it is final."""
        if fault == "slower than timeout":
            time.sleep(SLOW_RESPONSE_SECONDS - REQUEST_TIMEOUT_SECONDS + 0.3)
        remaining = self.control.call("GET", "faults")["rules"]
        assert remaining == [], f"the fault did not fire: {remaining}"


def run_cell(action: Callable[[], Any]) -> tuple[str, str, Any]:
    """Run `action`; (outcome, message, value). Only MeetError is an expected failure."""
    try:
        value = action()
    except MeetError as error:
        return type(error).__name__, str(error), None
    return "recovered", "", value


_SYMBOL = {"recovered": "✅"}


def render_table(results: dict[tuple[str, str], CellResult]) -> str:
    """The matrix as Markdown: one row per operation, one column per fault, plus the counts."""
    header = "| operation | " + " | ".join(FAULTS) + " |"
    lines = [header, "|---" * (len(FAULTS) + 1) + "|"]
    for operation in OPERATIONS:
        cells = []
        for fault in FAULTS:
            result = results[(operation, fault)]
            mark = _SYMBOL.get(result.outcome, "⚠️")
            label = "recovered" if result.outcome == "recovered" else result.outcome
            cells.append(f"{mark} {label} ({result.requests})")
        lines.append(f"| {operation} | " + " | ".join(cells) + " |")
    recovered = sum(1 for r in results.values() if r.outcome == "recovered")
    errors = len(results) - recovered
    lines += [
        "",
        f"{len(results)} cells: {recovered} recovered by retries, {errors} stopped with an "
        "actionable error, 0 with a duplicate space, a lost update or a stray member.",
    ]
    return "\n".join(lines)


__all__ += ["COHOST", "REQUEST_TIMEOUT_SECONDS", "SCOPE_CREATED", "run_cell"]
