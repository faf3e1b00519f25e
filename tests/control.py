"""The emulator seen from a test: its ``/emulator/v1`` control API (:class:`Control`, what the
``control`` fixture of tests/conftest.py returns) and raw Meet API calls as one user
(:class:`MeetHttp`, what the ``meet`` fixture returns).

Scopes may be given in full or short (``"meetings.space.readonly"``); tokens default to the
emulator's default scope and app.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import requests

from pulumi_meet.emulator import Emulator

__all__ = ["DEFAULT_USER", "SA_PROJECT", "Control", "MeetHttp", "mint_token"]

DEFAULT_USER = "developer@example.com"
"""The emulator user the provider and the CLI act as without credentials or impersonation."""
SA_PROJECT = "acme-meet"
"""A project for service accounts that must not share the emulator's default app."""
_TIMEOUT = 10
_CREATED = "https://www.googleapis.com/auth/meetings.space.created"


class Control:
    """The control API of one emulator, and Meet API calls made directly by users."""

    def __init__(self, emulator: Emulator | str) -> None:
        self.emulator = emulator if isinstance(emulator, Emulator) else None
        self.base_url = emulator.base_url if isinstance(emulator, Emulator) else emulator
        self.host_port = self.base_url.removeprefix("http://")
        self._http = requests.Session()

    def _send(self, verb: str, url: str, **kwargs: Any) -> Any:
        response = self._http.request(verb, url, timeout=_TIMEOUT, **kwargs)
        assert response.status_code == 200, f"{verb} {url}: {response.status_code} {response.text}"
        return response.json() if response.content else {}

    # ------------------------------------------------------------------ the control API

    def call(self, verb: str, path: str, body: Any = None) -> Any:
        """A control API call (``path`` relative to ``/emulator/v1/``), its JSON answer."""
        return self._send(verb, f"{self.base_url}/emulator/v1/{path}", json=body)

    def get(self, path: str) -> Any:
        return self.call("GET", path)

    def post(self, path: str, body: Any = None) -> Any:
        return self.call("POST", path, {} if body is None else body)

    def put(self, path: str, body: Any) -> Any:
        return self.call("PUT", path, body)

    def delete(self, path: str) -> Any:
        return self.call("DELETE", path)

    def token(
        self,
        email: str,
        scopes: list[str] | tuple[str, ...] | None = None,
        app: str | None = None,
        **fields: Any,
    ) -> str:
        """An access token for ``email`` (``POST token``)."""
        body: dict[str, Any] = {"email": email, **fields}
        if scopes is not None:
            body["scopes"] = list(scopes)
        if app is not None:
            body["app"] = app
        return str(self.post("token", body)["access_token"])

    def service_account(self, scopes: list[str] | None = None, **fields: Any) -> dict[str, Any]:
        """A service-account key JSON whose client is granted ``scopes`` for delegation."""
        granted = [_CREATED] if scopes is None else scopes
        body = {"domainWideDelegationScopes": granted, **fields}
        return dict(self.post("serviceAccounts", body))

    def authorized_user(self, email: str, **fields: Any) -> dict[str, Any]:
        """An ``authorized_user`` JSON (a user login) for ``email``."""
        return dict(self.post("authorizedUsers", {"email": email, **fields}))

    def calls(self) -> list[dict[str, Any]]:
        """The Meet API requests served since the last :meth:`clear` (control calls excluded)."""
        return list(self.get("requests")["requests"])

    def methods(self) -> list[str]:
        """The API method ids of :meth:`calls`, e.g. ``["spaces.create"]``."""
        return [entry["apiMethod"] for entry in self.calls()]

    def clear(self) -> None:
        """Forget the request log."""
        self.delete("requests")

    def spaces(self) -> list[dict[str, Any]]:
        """Every space with its owner and creator app."""
        return list(self.get("spaces")["spaces"])

    def faults(self, *rules: dict[str, Any]) -> None:
        self.put("faults", {"rules": list(rules)})

    def quotas(self, **body: Any) -> None:
        self.put("quotas", body)

    def start_conference(self, name: str, participants: list[str]) -> str:
        answer = self.post(f"{name}:startConference", {"participants": participants})
        return str(answer["conferenceRecord"])

    # ------------------------------------------------------------------ Meet API as a user

    def as_user(
        self, email: str, method: str, path: str, app: str | None = None, **kwargs: Any
    ) -> dict[str, Any]:
        """A Meet API call made directly by ``email`` of ``app`` (not through the provider)."""
        headers = {"Authorization": f"Bearer {self.token(email, app=app)}"}
        result: dict[str, Any] = self._send(method, self.base_url + path, headers=headers, **kwargs)
        return result

    def space(self, name: str, email: str = DEFAULT_USER, app: str | None = None) -> dict[str, Any]:
        """``spaces.get`` of ``name`` as ``email``."""
        return self.as_user(email, "GET", f"/v2/{name}", app)

    def close(self) -> None:
        self._http.close()


def mint_token(
    base_url: str,
    email: str,
    scopes: Sequence[str] | None = None,
    app: str | None = None,
) -> str:
    """An access token for ``email`` from the control API of the emulator at ``base_url``."""
    control = Control(base_url)
    try:
        return control.token(email, None if scopes is None else list(scopes), app)
    finally:
        control.close()


class MeetHttp:
    """Raw HTTP calls to the emulated Meet API as one user (paths are relative to ``/v2/``).

    The answers are ``requests.Response`` objects, their status not asserted.
    """

    def __init__(self, base_url: str, token: str | None) -> None:
        self.base_url = base_url
        self.session = requests.Session()
        if token is not None:
            self.session.headers["Authorization"] = f"Bearer {token}"

    def request(self, verb: str, path: str, **kwargs: Any) -> requests.Response:
        kwargs.setdefault("timeout", _TIMEOUT)
        return self.session.request(verb, f"{self.base_url}/v2/{path}", **kwargs)

    def get(self, path: str, **kwargs: Any) -> requests.Response:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, **kwargs: Any) -> requests.Response:
        return self.request("POST", path, **kwargs)

    def patch(self, path: str, **kwargs: Any) -> requests.Response:
        return self.request("PATCH", path, **kwargs)

    def delete(self, path: str, **kwargs: Any) -> requests.Response:
        return self.request("DELETE", path, **kwargs)

    def close(self) -> None:
        self.session.close()
