"""Shared fixtures for tests that need a running Meet emulator (reusable by every test package).

Fixtures
- ``emulator``: a started ``Emulator(db=":memory:")`` on a free 127.0.0.1 port, stopped after
  the test. ``emulator.base_url`` is ``http://127.0.0.1:PORT``.
- ``control``: a :class:`tests.control.Control` bound to that emulator (the one helper every test
  package uses): ``control.token(email, scopes=..., app=...)``, ``control.post/put/get/delete``
  on any ``/emulator/v1/...`` path (decoded JSON, asserting HTTP 200), the request log
  (``calls``, ``methods``, ``clear``) and direct Meet calls as a user (``as_user``, ``space``).
- ``meet``: ``meet(email, scopes=..., app=...)`` returns a ``MeetHttp`` that calls the Meet
  API with a fresh token for that user: ``.get/.post/.patch/.delete(path, json=..., params=...)``
  return the ``requests.Response`` (no status assertion).
- ``day``: the emulator clock set (running) to 2030-01-02T00:00:00Z
  (``tests.emulator.records_support.NOW``), for tests of conference records.

Helpers (importable: ``from tests.emulator.conftest import mint_token, MeetHttp``)
- ``mint_token(base_url, email, scopes=None, app=None) -> str``
- ``MeetHttp(base_url, token)``

Scopes may be given in full or short (``"meetings.space.readonly"``); the default is
``meetings.space.created``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any

import pytest
import requests

from pulumi_meet.emulator import Emulator
from tests.control import Control
from tests.emulator.records_support import NOW

TIMEOUT = 10


def mint_token(
    base_url: str,
    email: str,
    scopes: Sequence[str] | None = None,
    app: str | None = None,
) -> str:
    """An access token for ``email`` from the emulator's control API."""
    body: dict[str, Any] = {"email": email}
    if scopes is not None:
        body["scopes"] = list(scopes)
    if app is not None:
        body["app"] = app
    response = requests.post(f"{base_url}/emulator/v1/token", json=body, timeout=TIMEOUT)
    assert response.status_code == 200, response.text
    token: str = response.json()["access_token"]
    return token


class MeetHttp:
    """Raw HTTP calls to the emulated Meet API as one user (paths are relative to ``/v2/``)."""

    def __init__(self, base_url: str, token: str | None) -> None:
        self.base_url = base_url
        self.session = requests.Session()
        if token is not None:
            self.session.headers["Authorization"] = f"Bearer {token}"

    def request(self, verb: str, path: str, **kwargs: Any) -> requests.Response:
        kwargs.setdefault("timeout", TIMEOUT)
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


@pytest.fixture
def emulator() -> Iterator[Emulator]:
    started = Emulator(db=":memory:").start()
    try:
        yield started
    finally:
        started.stop()


@pytest.fixture
def control(emulator: Emulator) -> Iterator[Control]:
    api = Control(emulator)
    yield api
    api.close()


@pytest.fixture
def day(control: Control) -> str:
    """The emulator clock set, running, to a known day (see ``records_support``)."""
    control.put("clock", {"now": NOW})
    return NOW


@pytest.fixture
def meet(emulator: Emulator) -> Iterator[Callable[..., MeetHttp]]:
    opened: list[MeetHttp] = []

    def as_user(
        email: str, scopes: Sequence[str] | None = None, app: str | None = None
    ) -> MeetHttp:
        caller = MeetHttp(emulator.base_url, mint_token(emulator.base_url, email, scopes, app))
        opened.append(caller)
        return caller

    yield as_user
    for caller in opened:
        caller.close()
