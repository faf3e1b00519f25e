"""``--quota-ledger`` and ``MEET_QUOTA_LEDGER`` on the command line: a file, Redis, or off."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.cli.conftest import Result, Rooms
from tests.redis_server import RedisServer, free_port

PASSWORD = "cli-redis-pass"


@pytest.mark.parametrize(
    ("args", "env", "fragment"),
    [
        (
            [],
            {"MEET_QUOTA_LEDGER": "~nouser/x"},
            "MEET_QUOTA_LEDGER: '~nouser/x' starts with ~nouser",
        ),
        (["--quota-ledger", "~nouser/x"], {}, "argument --quota-ledger: '~nouser/x'"),
        (["--quota-ledger", "ftp://h/0"], {}, "the scheme ftp://, which is not redis"),
        (["--quota-ledger", f"redis://:{PASSWORD}@h:99999/0"], {}, "not a number in 1-65535"),
        ([], {"MEET_QUOTA_LEDGER": f"rediss://:{PASSWORD}@h/x"}, "database that is not a number"),
    ],
)
def test_a_ledger_that_cannot_mean_anything_is_a_usage_error(
    args: list[str], env: dict[str, str | None], fragment: str, cli: Callable[..., Result]
) -> None:
    result = cli("spaces", "get", "abc-mnop-xyz", *args, env=env)
    assert result.code == 2, result.err
    assert len(result.err_lines) == 1, result.err
    assert result.err.startswith("pulumi-meet: error: ") and fragment in result.err
    assert PASSWORD not in result.err
    assert "unexpected" not in result.err


def test_an_unreachable_redis_is_named_once_and_the_command_works(
    cli: Callable[..., Result], rooms: Rooms
) -> None:
    space = rooms.create()
    port = free_port()
    url = f"redis://:{PASSWORD}@127.0.0.1:{port}/0"
    result = cli("spaces", "get", space["meetingCode"], "--quota-ledger", url)
    assert result.code == 0, result.err
    assert space["name"] in result.out
    warnings = [line for line in result.err_lines if f"Redis at 127.0.0.1:{port}" in line]
    assert len(warnings) == 1, result.err
    assert PASSWORD not in result.err


def test_the_command_paces_through_a_running_redis(
    cli: Callable[..., Result], rooms: Rooms
) -> None:
    space = rooms.create()
    with RedisServer(password=PASSWORD) as server:
        result = cli("spaces", "get", space["name"], env={"MEET_QUOTA_LEDGER": server.url()})
        keys = server.client().keys("pulumi-meet:*")  # type: ignore[attr-defined]
    assert result.code == 0 and result.err == "", result.err
    assert any(b":read:" in key for key in keys), keys
