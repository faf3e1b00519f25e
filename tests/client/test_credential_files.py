"""Credentials files: read bounded, and a bad field is named, never shown.

A key's text must not reach a message (stderr, a gRPC status, a CI log), and ``/dev/zero`` as a
credentials file must not be read forever.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest

from pulumi_meet import exceptions
from pulumi_meet.client import _credential_files as files
from pulumi_meet.client.meet import get_client
from pulumi_meet.client.settings import Settings
from tests.client.test_emulator_secrets import google_key, google_login


def _load_error(info: dict[str, Any]) -> str:
    values = {"meet:credentials": json.dumps(info), "meet:impersonateUser": "lead@example.com"}
    client = get_client(Settings.from_config(values.get, {}))
    with pytest.raises(exceptions.CredentialsError) as caught:
        client.get_space("spaces/abc")
    return str(caught.value)


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (lambda pem: [pem], "a JSON array"),
        (lambda pem: {"pem": pem}, "a JSON object"),
        (len, "a JSON number"),
    ],
)
def test_a_private_key_that_is_not_a_string_is_named_not_shown(value: Any, shown: str) -> None:
    key = google_key()
    pem = key["private_key"]
    message = _load_error({**key, "private_key": value(pem)})
    assert f"field 'private_key' must be a string, not {shown}" in message
    assert "PRIVATE KEY" not in message
    assert not [line for line in pem.splitlines()[1:-1] if line[:12] in message]


@pytest.mark.parametrize(
    ("info", "field"),
    [
        ({**google_login(), "refresh_token": ["1//secret-refresh-token"]}, "refresh_token"),
        ({**google_login(), "client_secret": {"s": "GOCSPX-secret"}}, "client_secret"),
        ({k: v for k, v in google_key().items() if k != "client_email"}, "client_email"),
    ],
    ids=["refresh-token-list", "client-secret-object", "missing-email"],
)
def test_every_field_google_auth_reads_is_checked(info: dict[str, Any], field: str) -> None:
    message = _load_error(info)
    assert f"'{field}'" in message
    assert "secret" not in message.replace("client_secret", "")


def test_a_library_message_that_quotes_a_value_is_not_repeated() -> None:
    info = {"type": "service_account", "private_key": "-----BEGIN not really a key"}
    error = ValueError(f"cannot parse {info['private_key']}")
    assert files._safe_detail(error, info) == "ValueError"
    assert files._safe_detail(ValueError("No key could be detected."), info).endswith("detected.")


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero")
def test_google_application_credentials_is_read_bounded(tmp_path: Path) -> None:
    big = tmp_path / "big.json"
    big.write_text('{"type": "service_account", "x": "' + "a" * files.MAX_CREDENTIALS_BYTES + '"}')
    started = time.monotonic()
    for path in (str(big), "/dev/zero"):
        settings = Settings(google_application_credentials=path, impersonate_user="a@example.com")
        with pytest.raises(exceptions.CredentialsError) as caught:
            get_client(settings).get_space("spaces/abc")
        assert f"GOOGLE_APPLICATION_CREDENTIALS={path}" in str(caught.value)
        assert "larger than 1 MiB" in str(caught.value)
    assert time.monotonic() - started < 5.0
