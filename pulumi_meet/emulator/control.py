"""The control API under ``/emulator/v1/``: JSON in and out, no authentication.

Tests and users drive the emulator with it: tokens and credentials, per-user defaults, the
Meet API switch, conferences, the clock, the request log, quotas, faults and a full reset. Errors
use the same ``google.rpc.Status`` envelope as the Meet API. See ``docs/emulator.md`` for
examples.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Mapping
from typing import Any

from pulumi_meet.emulator.clock import EmulatorClock
from pulumi_meet.emulator.conferences.lifecycle import Conferences
from pulumi_meet.emulator.defaults import UserDefaults
from pulumi_meet.emulator.exceptions import InvalidArgument
from pulumi_meet.emulator.faults import Faults
from pulumi_meet.emulator.gateway import json_object
from pulumi_meet.emulator.identity import Identity
from pulumi_meet.emulator.models import Spaces
from pulumi_meet.emulator.quotas import Quotas
from pulumi_meet.emulator.requestlog import RequestLog
from pulumi_meet.emulator.store import Store

__all__ = ["ControlApi", "ControlHandler"]

ControlHandler = Callable[[Mapping[str, str], Any], dict[str, Any]]

_RESET_TABLES = ("meet_members", "meet_conferences", "meet_spaces", "meet_users")


class ControlApi:
    """One method per control route (see ``urls.CONTROL_ROUTES``)."""

    def __init__(
        self,
        *,
        store: Store,
        identity: Identity,
        spaces: Spaces,
        conferences: Conferences,
        clock: EmulatorClock,
        sweep: Callable[[sqlite3.Connection], None],
        users: UserDefaults,
        quotas: Quotas,
        faults: Faults,
        requests: RequestLog,
    ) -> None:
        self._store = store
        self._identity = identity
        self._spaces = spaces
        self._conferences = conferences
        self._clock = clock
        self._sweep = sweep
        self._users = users
        self._quotas = quotas
        self._faults = faults
        self._requests = requests

    def handler(self, name: str) -> ControlHandler:
        """The handler called ``name`` in the routing table."""
        found: ControlHandler = getattr(self, name)
        return found

    # identity

    def mint_token(self, params: Mapping[str, str], body: Any) -> dict[str, Any]:
        return self._identity.mint_token(json_object(body))

    def create_service_account(self, params: Mapping[str, str], body: Any) -> dict[str, Any]:
        return self._identity.create_service_account(json_object(body))

    def create_authorized_user(self, params: Mapping[str, str], body: Any) -> dict[str, Any]:
        return self._identity.create_authorized_user(json_object(body))

    def prove_credentials(self, params: Mapping[str, str], body: Any) -> dict[str, Any]:
        return self._identity.prove_credentials(json_object(body))

    def get_app(self, params: Mapping[str, str], body: Any) -> dict[str, Any]:
        app = params["app"]
        return {"app": app, "meetApiEnabled": self._identity.is_meet_api_enabled(app)}

    def put_app(self, params: Mapping[str, str], body: Any) -> dict[str, Any]:
        settings = json_object(body)
        enabled = settings.get("meetApiEnabled")
        if set(settings) != {"meetApiEnabled"} or not isinstance(enabled, bool):
            raise InvalidArgument.for_field(
                "meetApiEnabled", 'The body must be {"meetApiEnabled": true|false}.'
            )
        return self._identity.set_meet_api_enabled(params["app"], enabled)

    # users and spaces

    def get_user(self, params: Mapping[str, str], body: Any) -> dict[str, Any]:
        with self._store.transaction() as db:
            return self._users.get(db, params["email"])

    def put_user(self, params: Mapping[str, str], body: Any) -> dict[str, Any]:
        with self._store.transaction() as db:
            return self._users.put(db, params["email"], json_object(body))

    def list_spaces(self, params: Mapping[str, str], body: Any) -> dict[str, Any]:
        with self._store.transaction() as db:
            self._sweep(db)
            return {"spaces": self._spaces.list_all(db)}

    # conferences (bodies: conferences/bodies.py)

    def start_conference(self, params: Mapping[str, str], body: Any) -> dict[str, Any]:
        with self._store.transaction() as db:
            self._sweep(db)
            return self._conferences.start(db, params["space"], json_object(body))

    def leave_conference(self, params: Mapping[str, str], body: Any) -> dict[str, Any]:
        with self._store.transaction() as db:
            self._sweep(db)
            return self._conferences.leave(db, params["space"], json_object(body))

    def end_conference(self, params: Mapping[str, str], body: Any) -> dict[str, Any]:
        with self._store.transaction() as db:
            self._sweep(db)
            return self._conferences.end(db, params["space"], json_object(body))

    # the clock

    def get_clock(self, params: Mapping[str, str], body: Any) -> dict[str, Any]:
        return self._clock.describe()

    def put_clock(self, params: Mapping[str, str], body: Any) -> dict[str, Any]:
        return self._swept(self._clock.set(json_object(body)))

    def advance_clock(self, params: Mapping[str, str], body: Any) -> dict[str, Any]:
        return self._swept(self._clock.advance(json_object(body)))

    def reset_clock(self, params: Mapping[str, str], body: Any) -> dict[str, Any]:
        return self._swept(self._clock.reset())

    def _swept(self, answer: dict[str, Any]) -> dict[str, Any]:
        """Apply what the new time expired at once, so that the control views show it."""
        with self._store.transaction() as db:
            self._sweep(db)
        return answer

    # request log, quotas, faults, reset

    def list_requests(self, params: Mapping[str, str], body: Any) -> dict[str, Any]:
        return {"requests": self._requests.entries()}

    def clear_requests(self, params: Mapping[str, str], body: Any) -> dict[str, Any]:
        self._requests.clear()
        return {}

    def get_quotas(self, params: Mapping[str, str], body: Any) -> dict[str, Any]:
        return self._quotas.describe()

    def put_quotas(self, params: Mapping[str, str], body: Any) -> dict[str, Any]:
        return self._quotas.configure(json_object(body))

    def get_faults(self, params: Mapping[str, str], body: Any) -> dict[str, Any]:
        return self._faults.describe()

    def put_faults(self, params: Mapping[str, str], body: Any) -> dict[str, Any]:
        return self._faults.configure(json_object(body))

    def reset(self, params: Mapping[str, str], body: Any) -> dict[str, Any]:
        """Forget everything: spaces, records, members, users, credentials, the clock, log,
        quotas, faults."""
        with self._store.transaction() as db:
            for table in _RESET_TABLES:
                db.execute(f"DELETE FROM {table}")
        self._clock.reset()
        self._identity.reset()
        self._quotas.reset()
        self._faults.reset()
        self._requests.clear()
        return {}
