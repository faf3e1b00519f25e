"""Issue 19 §5 (the emulator and its command line): bad input gets Google's answer or one line.

Google's JSON parsers answer 400 to nesting past protobuf's 100 levels, to integers of
thousands of digits and to ``NaN``; the emulator used to answer 500 and print a traceback. HEAD,
OPTIONS and unknown methods get the JSON envelope (405 on a path that exists, 404 elsewhere)
instead of the stdlib's 501 HTML page; so do malformed request lines. ``pulumi-meet emulator
--port 99999`` and unusable ``--db`` paths are one line and exit 2.
"""

from __future__ import annotations

import base64
import json
import subprocess
import sys
from typing import Any

import pytest
import requests

from pulumi_meet.emulator import Emulator
from tests.control import Control
from tests.security.wire import exchange, parse_answer, send

DEEP = b"[" * 100_000
HUGE_INT = b'{"config": {"accessType": ' + b"9" * 4_301 + b"}}"
CLOUD_PLATFORM = "https://www.googleapis.com/auth/cloud-platform"


def _assert_400(response: requests.Response, capfd: pytest.CaptureFixture[str]) -> None:
    assert response.status_code == 400, response.text
    error = response.json()["error"]
    assert (error["code"], error["status"]) == (400, "INVALID_ARGUMENT")
    assert "Traceback" not in capfd.readouterr().err


@pytest.mark.parametrize(
    "body",
    [DEEP, b"{" * 50_000, HUGE_INT, b'{"a": NaN}', b"[" * 101 + b"]" * 101],
    ids=["100k-brackets", "50k-braces", "4301-digits", "nan", "101-levels"],
)
def test_hostile_json_is_400_everywhere(
    emulator: Emulator, control: Control, capfd: pytest.CaptureFixture[str], body: bytes
) -> None:
    base = emulator.base_url
    user = {"Authorization": f"Bearer {control.token('developer@example.com')}"}
    key = control.service_account(project="fuzz-proj")
    account = {
        "Authorization": "Bearer "
        + control.token(key["client_email"], scopes=[CLOUD_PLATFORM], serviceAccount=True)
    }
    json_type = {"Content-Type": "application/json"}
    sign = f"{base}/v1/projects/-/serviceAccounts/{key['client_email']}:signJwt"
    for url, headers in (
        (f"{base}/v2/spaces", user),
        (f"{base}/emulator/v1/token", {}),
        (f"{base}/emulator/v1/faults", {}),
        (sign, account),
    ):
        verb = "PUT" if url.endswith("faults") else "POST"
        answer = requests.request(
            verb, url, data=body, headers={**headers, **json_type}, timeout=30
        )
        _assert_400(answer, capfd)
    # The claims signJwt signs are JSON inside JSON.
    payload = json.dumps({"payload": body.decode()})
    _assert_400(
        requests.post(sign, data=payload, headers={**account, **json_type}, timeout=30), capfd
    )


def test_a_deep_jwt_assertion_is_refused_not_crashed(
    emulator: Emulator, capfd: pytest.CaptureFixture[str]
) -> None:
    segment = base64.urlsafe_b64encode(DEEP).decode().rstrip("=")
    assertion = f"{segment}.{segment}.c2ln"
    answer = requests.post(
        f"{emulator.base_url}/token",
        data={"grant_type": "urn:ietf:params:oauth:grant-type:jwt-bearer", "assertion": assertion},
        timeout=30,
    )
    assert answer.status_code == 400, answer.text
    assert answer.json()["error"] == "invalid_grant"
    assert "Traceback" not in capfd.readouterr().err


def test_a_deep_page_token_is_400(
    emulator: Emulator, control: Control, capfd: pytest.CaptureFixture[str]
) -> None:
    user = {"Authorization": f"Bearer {control.token('developer@example.com')}"}
    created = requests.post(f"{emulator.base_url}/v2/spaces", json={}, headers=user, timeout=10)
    name = created.json()["name"]
    token = base64.urlsafe_b64encode(b"[" * 20_000).decode()
    answer = requests.get(
        f"{emulator.base_url}/v2/{name}/members",
        params={"pageToken": token},
        headers=user,
        timeout=30,
    )
    _assert_400(answer, capfd)


@pytest.mark.parametrize(
    "fields", ["a(" * 500 + "b" + ")" * 500, "/".join(["a"] * 2_000), "a(" * 500]
)
def test_fields_nested_too_deep_is_400(
    emulator: Emulator, control: Control, capfd: pytest.CaptureFixture[str], fields: str
) -> None:
    user = {"Authorization": f"Bearer {control.token('developer@example.com')}"}
    answer = requests.post(
        f"{emulator.base_url}/v2/spaces",
        params={"fields": fields},
        json={},
        headers=user,
        timeout=30,
    )
    _assert_400(answer, capfd)
    assert answer.json()["error"]["message"].startswith("Invalid field selection")


@pytest.mark.parametrize(
    ("verb", "path", "status"),
    [
        ("HEAD", "/v2/spaces/abc", 405),
        ("HEAD", "/nowhere", 404),
        ("OPTIONS", "/v2/spaces", 405),
        ("OPTIONS", "/emulator/v1/reset", 405),
        ("OPTIONS", "*", 404),
        ("TRACE", "/v2/spaces/abc", 405),
        ("BREW", "/v2/spaces", 405),
        ("CONNECT", "/token", 405),
    ],
)
def test_other_methods_get_the_envelope(
    emulator: Emulator, verb: str, path: str, status: int
) -> None:
    answer = send(emulator.port, verb, path, {"Host": emulator.host_port})
    assert answer.status == status
    assert answer.headers["content-type"].startswith("application/json")
    if verb == "HEAD":
        assert answer.body == b""  # a HEAD answer carries the headers of the body only
        assert int(answer.headers["content-length"]) > 0
    else:
        assert answer.error["status"] == "NOT_FOUND"


def test_a_head_request_keeps_the_connection_usable(emulator: Emulator) -> None:
    head = f"HEAD /v2/spaces/abc HTTP/1.1\r\nHost: {emulator.host_port}\r\n\r\n"
    get = f"GET /nowhere HTTP/1.1\r\nHost: {emulator.host_port}\r\nConnection: close\r\n\r\n"
    raw = exchange(emulator.port, (head + get).encode())
    assert raw.count(b"HTTP/1.1 ") == 2
    assert raw.split(b"HTTP/1.1 ")[2].startswith(b"404")


@pytest.mark.parametrize(
    "request_line",
    [
        b"GARBAGE\r\n\r\n",
        b"GET / HTTP/9.9\r\n\r\n",
        b"GET /" + b"a" * 70_000 + b" HTTP/1.1\r\n\r\n",
    ],
    ids=["no-version", "bad-version", "uri-too-long"],
)
def test_malformed_requests_get_the_envelope(emulator: Emulator, request_line: bytes) -> None:
    answer = parse_answer(exchange(emulator.port, request_line))
    assert 400 <= answer.status < 600
    assert answer.error["code"] == answer.status
    assert b"<html" not in answer.body.lower()


def test_too_many_headers_get_the_envelope(emulator: Emulator) -> None:
    headers = "".join(f"X-H{i}: v\r\n" for i in range(200))
    raw = exchange(emulator.port, f"GET /v2/spaces/x HTTP/1.1\r\n{headers}\r\n".encode())
    answer = parse_answer(raw)
    assert answer.status == 431
    assert answer.error["status"]


# ------------------------------------------------------------------ the command line


def _emulator_cli(*arguments: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pulumi_meet", "emulator", *arguments],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def _main_cli(*arguments: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pulumi_meet", *arguments],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def _assert_usage_line(result: subprocess.CompletedProcess[str], *needles: str) -> None:
    assert result.returncode == 2, result.stderr
    assert result.stdout == ""
    assert result.stderr.strip().count("\n") == 0, result.stderr
    assert "Traceback" not in result.stderr
    for needle in needles:
        assert needle in result.stderr


@pytest.mark.parametrize("port", ["99999", "-1", "70000", "http"])
def test_a_port_out_of_range_is_one_line(port: str) -> None:
    _assert_usage_line(_emulator_cli(f"--port={port}", "--db", ":memory:"), "--port", "0-65535")


DATABASES: list[tuple[str, str]] = [
    ("/etc/passwd", "is not an SQLite database"),
    ("/tmp", "is a directory"),
    ("/dev/null", "is not a regular file"),
    ("~nouser/x", "no user 'nouser'"),
    ("/nonexistent/dir/x.db", "/nonexistent/dir does not exist"),
]


@pytest.mark.parametrize(("db", "reason"), DATABASES)
def test_an_unusable_database_is_one_line(db: str, reason: str) -> None:
    _assert_usage_line(_emulator_cli("--port", "0", "--db", db), "--db", reason)
    embedded: Any = _main_cli("--emulator-host", "embedded", "--db", db, "spaces", "get", "a-b-c")
    _assert_usage_line(embedded, "--db", reason)


@pytest.mark.parametrize(
    "argv",
    [
        ["emulator", "--port=--"],
        ["emulator", "--db=--", "--port", "0"],
        ["--max-retry-seconds=--", "spaces", "get", "abc-mnop-xyz"],
        ["--as=--", "spaces", "get", "abc-mnop-xyz"],
        ["spaces", "get", "abc-mnop-xyz", "--scopes=--"],
    ],
)
def test_an_option_given_a_double_dash_is_one_line(argv: list[str]) -> None:
    # Found by the fuzz suite: Python 3.11's argparse makes `--port=--` an empty list, which
    # reached bind() (a traceback) or a format string ("unexpected TypeError").
    _assert_usage_line(_main_cli(*argv), "expected one argument")
