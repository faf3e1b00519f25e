"""`meet:quotaLedger`: what it accepts, what Settings keep of it, and the file it creates."""

from __future__ import annotations

import os
import pickle
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from pulumi_meet.client.settings import Settings
from pulumi_meet.exceptions import ConfigurationError
from pulumi_meet.pacing.ledger import (
    LedgerKey,
    NoLedger,
    ledger_setting,
    open_ledger,
    parse_ledger,
    reset_ledgers,
)
from pulumi_meet.pacing.sqlite_ledger import SqliteLedger
from tests.conftest import REPO_ROOT


def _settings(value: str) -> Settings:
    return Settings.from_config({"meet:quotaLedger": value}.get, {})


@pytest.mark.parametrize(
    ("value", "kind", "where"),
    [
        ("off", "off", "off"),
        ("OFF", "off", "off"),
        ("/tmp/x/ledger.sqlite", "sqlite", "/tmp/x/ledger.sqlite"),
        ("redis://cache.internal:6380/2", "redis", "cache.internal:6380"),
        ("redis://cache.internal", "redis", "cache.internal:6379"),
        ("rediss://:pw@memorystore.example:6378/0", "redis", "memorystore.example:6378"),
        ("redis://deploy:pw@[::1]:6379/0", "redis", "[::1]:6379"),
        ("unix:///run/redis/redis.sock?db=1", "redis", "unix socket /run/redis/redis.sock"),
    ],
)
def test_accepted_forms(value: str, kind: str, where: str) -> None:
    spec = parse_ledger(ledger_setting(value))
    assert (spec.kind, spec.where) == (kind, where)


def test_the_home_of_this_user_is_expanded() -> None:
    assert parse_ledger("~/ledger.sqlite").location == os.path.expanduser("~/ledger.sqlite")


@pytest.mark.parametrize(
    "value",
    ["~nouser-pulumi-meet/x", "http://h/0", "redis://h:0x/0", "redis:///0", "redis://h/db1",
     "unix://"],
)  # fmt: skip
def test_values_that_mean_nothing_are_refused_at_configuration(value: str) -> None:
    with pytest.raises(ConfigurationError, match=r"meet:quotaLedger / MEET_QUOTA_LEDGER"):
        _settings(value)


def test_the_password_stays_in_this_process() -> None:
    settings = _settings("redis://deploy:hunter2-pass@cache:6379/0")
    assert "hunter2-pass" not in repr(settings)
    assert b"hunter2-pass" not in pickle.dumps(settings)
    spec = parse_ledger(settings.quota_ledger)
    assert "deploy:hunter2-pass@cache:6379" in spec.location  # what redis-py is given
    assert "hunter2-pass" not in spec.where
    # Another process (a pickle loaded elsewhere) never learns it.
    code = (
        "import pickle, sys; from pulumi_meet.pacing.ledger import parse_ledger; "
        "s = pickle.loads(sys.stdin.buffer.read()); print(parse_ledger(s.quota_ledger).location)"
    )
    other = subprocess.run([sys.executable, "-c", code], input=pickle.dumps(settings),
                           capture_output=True, cwd=REPO_ROOT, check=True)  # fmt: skip
    assert b"hunter2-pass" not in other.stdout and b"deploy:@cache" in other.stdout


def test_a_password_in_the_query_is_kept_apart_too() -> None:
    settings = _settings("redis://cache:6379/0?password=query-pass")
    assert "query-pass" not in repr(settings)
    assert "password=query-pass" in parse_ledger(settings.quota_ledger).location


def test_without_redis_py_the_error_names_the_extra() -> None:
    code = (
        "import sys; sys.modules['redis'] = None\n"
        "from pulumi_meet.client.settings import Settings\n"
        "from pulumi_meet.exceptions import ConfigurationError\n"
        "try:\n"
        "    Settings.from_config({'meet:quotaLedger': 'redis://:pw@h:6379/0'}.get, {})\n"
        "except ConfigurationError as error:\n"
        "    print(error)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=REPO_ROOT, check=True)  # fmt: skip
    assert "pip install redis" in done.stdout, done
    assert "Redis server (h:6379)" in done.stdout and "pw" not in done.stdout.replace("pip", "")


def test_the_ledger_file_and_its_directory_are_private(tmp_path: Path) -> None:
    path = tmp_path / "new-dir" / "ledger.sqlite"
    ledger = SqliteLedger(path)
    rows = ledger.admit([LedgerKey("k", 5, 10.0)])
    ledger.finish(rows)
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    for name in ("ledger.sqlite", "ledger.sqlite-wal", "ledger.sqlite-shm"):
        assert stat.S_IMODE((path.parent / name).stat().st_mode) == 0o600, name
    ledger.close()


def test_an_old_world_readable_ledger_is_made_private(tmp_path: Path) -> None:
    path = tmp_path / "ledger.sqlite"
    path.touch(mode=0o644)
    path.chmod(0o644)
    SqliteLedger(path).close()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_off_is_no_ledger() -> None:
    reset_ledgers()
    assert isinstance(open_ledger("off", print), NoLedger)
    reset_ledgers()
