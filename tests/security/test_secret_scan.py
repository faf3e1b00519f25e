"""No credential material anywhere Pulumi stores or prints, in every auth mode.

Scanned: the serialized provider (``__provider``, decoded), every input and output in state, the
stack exports, the provider host's stdout and stderr (errors included), and the CLI's output
with ``--debug`` (every request logged, tracebacks shown). Looked for: the private key (its
lines and its PEM marker), ``private_key_id``, ``client_secret``, ``refresh_token``, access
tokens (Google's ``ya29.`` form, which the emulator issues too) and signed JWTs (assertions,
signJwt answers).

Modes: emulator tokens, a service-account key + subject, an ``authorized_user`` login — each
through a real provider host and the CLI — and keyless delegation (IAM signJwt), which needs
Application Default Credentials that are a service account without a key: that cannot be set
up for a subprocess, so it runs in-process with ADC replaced and every log line captured.
"""

from __future__ import annotations

import base64
import json
import logging
import re
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import google.auth.credentials
import pulumi
import pytest
from pulumi.dynamic import ConfigureRequest
from pulumi.dynamic.config import Config
from pulumi.dynamic.dynamic import serialize_provider

import pulumi_meet as meet
from pulumi_meet.client import auth as _auth
from pulumi_meet.client.state import ClientState
from pulumi_meet.dynamic.providers import SpaceProvider
from pulumi_meet.emulator import Emulator
from pulumi_meet.exceptions import MeetError
from tests.cli.conftest import _ENV_KEEP
from tests.conftest import REPO_ROOT
from tests.engine import Engine, ProviderError, ProviderHost, capture_program
from tests.reliability.conftest import Control

OWNER = "lead@example.com"
CREATED = "https://www.googleapis.com/auth/meetings.space.created"
CLOUD_PLATFORM = "https://www.googleapis.com/auth/cloud-platform"
GONE = "spaces/AAAAAAAAAAAA"
TOKEN_PATTERNS = (
    re.compile(r"ya29\.[A-Za-z0-9_.\-]+"),  # access tokens
    re.compile(r"eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*"),  # JWTs
    re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----"),
)


def credential_values(credentials: Mapping[str, Any]) -> list[str]:
    """The secret values of a credential JSON: key lines, key id, client secret, refresh token."""
    values = [
        str(credentials[k])
        for k in ("private_key_id", "client_secret", "refresh_token")
        if credentials.get(k)
    ]
    key_lines = str(credentials.get("private_key", "")).splitlines()[1:-1]
    return values + [line for line in key_lines if len(line) > 20]


def leaks(haystack: str, secrets: list[str]) -> list[str]:
    found = [secret[:12] + "…" for secret in secrets if secret in haystack]
    for pattern in TOKEN_PATTERNS:
        found += [match[:12] + "…" for match in pattern.findall(haystack)]
    return found


def test_the_scan_finds_what_it_looks_for(control: Control) -> None:
    key = control.service_account()
    user = control.authorized_user(OWNER)
    token = control.token(OWNER)
    planted = json.dumps([key, user, token])
    secrets = credential_values(key) + credential_values(user)
    assert len(secrets) >= 6
    assert len(leaks(planted, secrets)) >= len(secrets) + 2  # every value, the token, the PEM


# ------------------------------------------------------------------ host and CLI, three modes


def _mode(control: Control, mode: str, tmp_path: Path) -> tuple[dict[str, str], list[str], Path]:
    """(stack config, secret values, credentials file for the CLI) of one auth mode."""
    path = tmp_path / "credentials.json"
    if mode == "emulator tokens":
        path.write_text("{}")
        return {"meet:user": OWNER}, [], path
    if mode == "service account key":
        credentials = control.service_account()
        config = {"meet:credentials": json.dumps(credentials), "meet:impersonateUser": OWNER}
    else:
        credentials = control.authorized_user(OWNER)
        config = {"meet:credentials": json.dumps(credentials)}
    path.write_text(json.dumps(credentials))
    return config, credential_values(credentials), path


def _program(access: str) -> Callable[[], None]:
    def program() -> None:
        room = meet.Space("room", config={"access_type": access})
        pulumi.export("room", room)
        pulumi.export("meeting_uri", room.meeting_uri)

    return program


def _host_texts(engine: Engine, host: ProviderHost, config: dict[str, str]) -> list[str]:
    captured = capture_program(_program("OPEN"), config)
    engine.up(_program("OPEN"))
    engine.up(_program("TRUSTED"))
    engine.refresh()
    texts = [json.dumps(c.inputs, default=str) for c in captured]
    texts.append(base64.b64decode(captured[0].inputs["__provider"]).decode("latin-1"))
    texts.append(json.dumps(engine.exports, default=str))
    for state in engine.state.values():
        texts += [json.dumps(state.inputs, default=str), json.dumps(state.outputs, default=str)]
    engine.resource("room").id = GONE  # an error path too
    with pytest.raises(ProviderError) as failed:
        engine.refresh()
    return [*texts, failed.value.details, host.stdout, host.stderr]


def _cli_texts(emulator: Emulator, mode: str, path: Path, space: str) -> list[str]:
    import os
    import subprocess
    import sys

    from pulumi_meet.client.state import default_state

    env = {key: os.environ[key] for key in _ENV_KEEP if key in os.environ}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO_ROOT), env.get("PYTHONPATH")]))
    env["MEET_QUOTA_LEDGER"] = default_state().ledgers.default_path  # the test's own
    connection = ["--emulator-host", emulator.host_port, "--debug"]
    if mode != "authorized user":
        connection += ["--as", OWNER]
    if mode != "emulator tokens":
        connection += ["--credentials", str(path)]
    texts = []
    for command in (["spaces", "get", space], ["members", "list", space], ["spaces", "get", GONE]):
        done = subprocess.run(
            [sys.executable, "-m", "pulumi_meet", *connection, *command],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        texts += [done.stdout, done.stderr]
    assert "spaces.get" in texts[1]  # --debug really logged the requests
    return texts


@pytest.mark.parametrize("mode", ["emulator tokens", "service account key", "authorized user"])
def test_no_credential_material_from_the_host_or_the_cli(
    mode: str,
    emulator: Emulator,
    control: Control,
    start_host: Callable[[Mapping[str, str]], ProviderHost],
    tmp_path: Path,
) -> None:
    config, secrets, path = _mode(control, mode, tmp_path)
    host = start_host({"MEET_EMULATOR_HOST": emulator.host_port})
    engine = Engine(host, config=config)
    texts = _host_texts(engine, host, config)
    space = engine.exports["meeting_uri"].rsplit("/", 1)[-1]
    texts += _cli_texts(emulator, mode, path, f"https://meet.google.com/{space}")
    assert leaks("\n".join(texts), secrets) == []


# ------------------------------------------------------------------ keyless delegation


class _KeylessServiceAccount(google.auth.credentials.Credentials):
    """ADC that is a service account without a key (as on GCE or with workload identity)."""

    def __init__(self, control: Control, email: str) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self._control = control
        self.service_account_email = email
        self.minted: list[str] = []

    def refresh(self, request: Any) -> None:
        token = self._control.token(
            self.service_account_email, serviceAccount=True, scopes=[CLOUD_PLATFORM]
        )
        self.minted.append(token)
        self.token = token
        self.expiry = datetime.utcnow() + timedelta(hours=1)


def test_no_credential_material_with_keyless_delegation(
    emulator: Emulator,
    control: Control,
    client_state: ClientState,
    caplog: pytest.LogCaptureFixture,
) -> None:
    key = control.service_account()
    adc = _KeylessServiceAccount(control, key["client_email"])
    # Keyless delegation is the path for Google's endpoints (with an emulator host and no
    # credentials, the emulator mints tokens itself): let "Google" be the emulator. The
    # process's state is this test's own (tests/conftest.py): give it this machine's ADC.
    base = emulator.base_url
    google = _auth.Endpoints(base, f"{base}/token", f"{base}/tokeninfo", base)
    client_state.credentials = _auth.CredentialCache(lambda: adc, google)
    caplog.set_level(logging.DEBUG)
    provider = SpaceProvider()
    config = {"meet:impersonateUser": OWNER}
    provider.configure(ConfigureRequest(Config(config, "meet-test")))
    created = provider.create({"config": {"access_type": "OPEN"}})
    updated = provider.update(str(created.id), dict(created.outs or {}), {"config": {}})
    read = provider.read(str(created.id), dict(updated.outs or {}))
    with pytest.raises(MeetError) as failed:
        provider.read(GONE, {"owner": OWNER})
    assert [s["owner"] for s in control.spaces()] == [OWNER]
    settings = provider._settings or _fail()
    delegated = client_state.credentials.authorization_for(settings, None).credentials
    assert isinstance(delegated.inner, _auth.KeylessDelegatedCredentials)
    tokens = [*adc.minted, str(delegated.inner.token)]
    haystack = "\n".join(
        [
            base64.b64decode(serialize_provider(provider)).decode("latin-1"),
            json.dumps([created.outs, updated.outs, read.outs, read.inputs], default=str),
            str(failed.value),
            repr(failed.value),
            caplog.text,
        ]
    )
    assert len(tokens) == 2 and leaks(haystack, tokens + credential_values(key)) == []


def _fail() -> Any:
    raise AssertionError("the provider was not configured")
