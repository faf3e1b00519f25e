"""Issue 19 §4 (the emulator's part): secrets stay out of the request log and out of other
users' reach on disk.

The request log redacts every spelling of the credential system parameters (``access_token``,
``oauth_token``, ``key``, ``api-key``, with or without ``$``). The database (the token-signing
secret, service-account private keys) is created 0600, its ``-wal`` and ``-shm`` files too, and
the directories the emulator creates for it 0700.
"""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest
import requests

from pulumi_meet.emulator import Emulator
from pulumi_meet.emulator.store import Store, database_path
from tests.control import Control

SECRET = "s3cr3t-value-that-must-not-be-logged"


@pytest.mark.parametrize(
    "name", ["access_token", "$access_token", "oauth_token", "$oauth_token", "key", "$key",
             "api-key", "$api-key", "KEY"]
)  # fmt: skip
def test_the_request_log_redacts_credential_parameters(
    emulator: Emulator, control: Control, name: str
) -> None:
    token = control.token("developer@example.com")
    control.clear()
    requests.post(
        f"{emulator.base_url}/v2/spaces",
        params={name: SECRET},
        json={},
        headers={"Authorization": f"Bearer {token}"},
        timeout=10,
    )
    log = control.get("requests")["requests"]
    assert len(log) == 1
    assert log[0]["query"] == {name: "[redacted]"}
    assert SECRET not in json.dumps(log)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_the_database_and_its_directories_are_private(tmp_path: Path) -> None:
    previous = os.umask(0o022)  # the usual umask, under which files are created 0644
    try:
        db = tmp_path / "state" / "nested" / "emulator.db"
        with Emulator(db=db) as emulator:
            Control(emulator).service_account()  # writes a private key
            wal, shm = Path(f"{db}-wal"), Path(f"{db}-shm")
            assert wal.exists() and shm.exists()
            assert _mode(db) == 0o600
            assert _mode(wal) == 0o600
            assert _mode(shm) == 0o600
        assert _mode(tmp_path / "state") == 0o700
        assert _mode(tmp_path / "state" / "nested") == 0o700
    finally:
        os.umask(previous)


def test_an_existing_directory_keeps_its_mode(tmp_path: Path) -> None:
    tmp_path.chmod(0o755)
    Store(tmp_path / "emulator.db").close()
    assert _mode(tmp_path) == 0o755
    assert _mode(tmp_path / "emulator.db") == 0o600


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("/etc/passwd", "is not an SQLite database"),
        ("/tmp", "is a directory"),
        ("/dev/null", "is not a regular file"),
        ("~nouser/x", "there is no user 'nouser'"),
        ("/nonexistent/dir/x.db", "the directory /nonexistent/dir does not exist"),
        ("", "an empty path"),
    ],
)
def test_database_paths_are_checked_before_use(text: str, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        database_path(text)


def test_usable_database_paths(tmp_path: Path) -> None:
    assert database_path(":memory:") == ":memory:"
    assert database_path(str(tmp_path / "new.db")) == str(tmp_path / "new.db")
    (tmp_path / "empty.db").touch()
    assert database_path(str(tmp_path / "empty.db")) == str(tmp_path / "empty.db")
    Store(tmp_path / "real.db").close()
    assert database_path(str(tmp_path / "real.db")) == str(tmp_path / "real.db")
