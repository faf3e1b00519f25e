"""The command line sends a listener posing as the emulator nothing Google would honour."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.cli.conftest import Result
from tests.client.test_emulator_secrets import (
    LEAD,
    assert_nothing_google_honours,
    google_key,
    google_login,
)
from tests.listener import Listener, listening


@pytest.fixture
def listener() -> Iterator[Listener]:
    with listening() as running:
        yield running


@pytest.mark.parametrize(
    ("info", "extra"),
    [(google_key(), ["--as", LEAD]), (google_login(account=LEAD), [])],
    ids=["service-account-key", "login"],
)
def test_credentials_reach_no_emulator(
    listener: Listener,
    tmp_path: Path,
    cli: Callable[..., Result],
    info: dict[str, Any],
    extra: list[str],
) -> None:
    path = tmp_path / "credentials.json"
    path.write_text(json.dumps(info))
    env = {"MEET_EMULATOR_HOST": listener.host_port}
    result = cli("--credentials", str(path), *extra, "spaces", "get", "spaces/x", env=env)
    assert result.code == 0, result.err
    assert "spaces/listener" in result.out
    assert_nothing_google_honours(listener.received, info)
    assert f'"email": "{LEAD}"'.encode() in listener.received
