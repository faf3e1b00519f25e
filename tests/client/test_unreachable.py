"""Network mistakes fail fast and name the host: a name that does not resolve, TLS to plain HTTP.

Neither is transient, so neither is retried: the error comes within 5 s (a retried failure took
15-28 s) and names the host and the part it plays (token endpoint, Meet API, emulator). The
resolver's or TLS library's own words are in the debug log (``--debug``).
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from typing import Any

import pytest

from pulumi_meet import exceptions
from pulumi_meet.client.meet import get_client
from pulumi_meet.client.settings import Settings
from pulumi_meet.emulator import Emulator
from tests.client.test_emulator_secrets import google_key

BOUND_SECONDS = 5.0
UNRESOLVABLE_TOKEN_URI = "https://oauth2.unresolvable-host.invalid/token"


def _settings(**config: str) -> Settings:
    values = {f"meet:{key}": value for key, value in config.items()}
    return Settings.from_config(values.get, {})


def _timed_failure(call: Callable[[], Any]) -> tuple[exceptions.MeetError, float]:
    started = time.monotonic()
    with pytest.raises(exceptions.MeetError) as caught:
        call()
    return caught.value, time.monotonic() - started


def test_a_token_endpoint_that_does_not_resolve_is_named_at_once(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG, logger="pulumi_meet")
    key = google_key(token_uri=UNRESOLVABLE_TOKEN_URI)
    client = get_client(_settings(credentials=json.dumps(key), impersonateUser="lead@example.com"))
    error, elapsed = _timed_failure(lambda: client.get_space("spaces/abc"))
    assert elapsed < BOUND_SECONDS
    assert isinstance(error, exceptions.TransportError)
    message = str(error)
    assert "cannot resolve the host oauth2.unresolvable-host.invalid" in message
    assert "token endpoint" in message and "token_uri" in message
    assert "meet.googleapis.com" not in message  # not blamed on the API
    assert "retry" not in caplog.text  # tried once
    assert "oauth2.unresolvable-host.invalid:443: root cause:" in caplog.text


def test_a_create_that_cannot_resolve_is_not_an_unknown_outcome() -> None:
    key = google_key(token_uri=UNRESOLVABLE_TOKEN_URI)
    client = get_client(_settings(credentials=json.dumps(key), impersonateUser="lead@example.com"))
    error, elapsed = _timed_failure(lambda: client.create_space({}))
    assert elapsed < BOUND_SECONDS
    assert type(error) is exceptions.TransportError  # nothing was sent: no CreateOutcomeUnknown


def test_an_emulator_host_that_does_not_resolve_is_named_as_the_emulator() -> None:
    client = get_client(_settings(emulatorHost="emulator.unresolvable-host.invalid:8686"))
    error, elapsed = _timed_failure(lambda: client.get_space("spaces/abc"))
    assert elapsed < BOUND_SECONDS
    message = str(error)
    assert "cannot resolve the host emulator.unresolvable-host.invalid (the emulator)" in message
    assert "MEET_EMULATOR_HOST" in message


def test_https_to_the_plain_http_emulator_says_to_use_http(
    emulator: Emulator, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="pulumi_meet")
    client = get_client(_settings(emulatorHost=f"https://{emulator.host_port}"))
    error, elapsed = _timed_failure(lambda: client.get_space("spaces/abc"))
    assert elapsed < BOUND_SECONDS
    assert isinstance(error, exceptions.TransportError)
    message = str(error)
    assert f"{emulator.host_port} (the emulator) speaks plain HTTP, not HTTPS" in message
    assert f"use http://{emulator.host_port} or {emulator.host_port}" in message
    assert "root cause: [SSL" in caplog.text  # the TLS library's own words, for --debug


def test_a_create_over_https_to_plain_http_is_not_an_unknown_outcome(emulator: Emulator) -> None:
    """No byte of the request left before the handshake failed, so nothing may exist."""
    client = get_client(_settings(emulatorHost=f"https://{emulator.host_port}", user="a@b.co"))
    error, elapsed = _timed_failure(lambda: client.create_space({}))
    assert elapsed < BOUND_SECONDS
    assert "speaks plain HTTP" in str(error)
    assert type(error) is exceptions.TransportError
