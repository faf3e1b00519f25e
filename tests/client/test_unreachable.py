"""Network mistakes fail fast and name the host: a name that does not resolve, TLS to plain HTTP.

Neither is transient, so neither is retried: the error comes within 5 s (a retried failure took
15-28 s) and names the host and the part it plays (token endpoint, Meet API, emulator). The
resolver's or TLS library's own words are in the debug log (``--debug``).
"""

from __future__ import annotations

import contextlib
import datetime
import json
import logging
import socket
import ssl
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

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


def _self_signed(tmp_path: Path) -> tuple[Path, Path]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=1))
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = tmp_path / "cert.pem", tmp_path / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


@pytest.fixture
def untrusted_tls(tmp_path: Path) -> Iterator[str]:
    """A TLS server on loopback whose certificate nobody trusts; yields host:port."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(*_self_signed(tmp_path))
    server = socket.create_server(("127.0.0.1", 0))
    server.settimeout(0.2)
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                connection, _ = server.accept()
            except TimeoutError:
                continue
            with contextlib.suppress(OSError), connection:
                context.wrap_socket(connection, server_side=True).close()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield f"127.0.0.1:{server.getsockname()[1]}"
    stop.set()
    thread.join(5)
    server.close()


def test_a_certificate_that_does_not_verify_is_named_not_retried(untrusted_tls: str) -> None:
    client = get_client(_settings(emulatorHost=f"https://{untrusted_tls}"))
    error, elapsed = _timed_failure(lambda: client.get_space("spaces/abc"))
    assert elapsed < BOUND_SECONDS
    message = str(error)
    assert f"the TLS handshake with {untrusted_tls} (the emulator) failed" in message
    assert "CERTIFICATE_VERIFY_FAILED" in message and "REQUESTS_CA_BUNDLE" in message
