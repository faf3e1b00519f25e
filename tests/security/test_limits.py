"""Issue 19 §3: limits that hold.

A body is exactly what its framing announces, or the request is refused with 400 in Google's
envelope and the connection closed: a negative or malformed chunk size is refused at once (it
used to become ``rfile.read(-1)``, reading past the 32 MiB cap), and a body cut short of its
``Content-Length`` is refused instead of served as an empty body. A fault rule's ``path``
pattern cannot stall the emulator: it runs on a matcher that does not backtrack, outside the
lock every request takes.
"""

from __future__ import annotations

import re
import threading
import time

import pytest
import requests
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pulumi_meet.emulator import Emulator
from pulumi_meet.emulator._linear_regex import LinearRegex, UnsupportedPattern
from tests.control import Control
from tests.security.wire import exchange, parse_answer, send


def _post_head(emulator: Emulator, token: str, framing: str) -> bytes:
    return (
        f"POST /v2/spaces HTTP/1.1\r\nHost: {emulator.host_port}\r\n"
        f"Authorization: Bearer {token}\r\nContent-Type: application/json\r\n{framing}\r\n\r\n"
    ).encode()


@pytest.mark.parametrize(
    "chunks",
    [
        b"-1\r\n{}\r\n0\r\n\r\n",
        b"-0x10\r\n",
        b"0x2\r\n{}\r\n0\r\n\r\n",
        b"+2\r\n{}\r\n0\r\n\r\n",
        b"zz\r\n",
        b"2\r\n{}XX0\r\n\r\n",
        b"\r\n",
    ],
    ids=["minus-one", "negative-hex", "0x-prefix", "plus-sign", "not-hex", "no-crlf", "empty"],
)
def test_a_malformed_chunk_is_refused_at_once(
    emulator: Emulator, control: Control, chunks: bytes
) -> None:
    token = control.token("developer@example.com")
    started = time.monotonic()
    raw = exchange(
        emulator.port, _post_head(emulator, token, "Transfer-Encoding: chunked") + chunks
    )
    assert time.monotonic() - started < 5  # not waiting for more input
    answer = parse_answer(raw)
    assert (answer.status, answer.error["status"]) == (400, "INVALID_ARGUMENT")
    assert answer.headers.get("connection") == "close"
    assert control.spaces() == []


def test_a_chunked_body_past_the_cap_is_413(emulator: Emulator, control: Control) -> None:
    token = control.token("developer@example.com")
    head = _post_head(emulator, token, "Transfer-Encoding: chunked")
    answer = parse_answer(exchange(emulator.port, head + b"2000001\r\n"))
    assert answer.status == 413
    assert answer.error["message"].startswith("The request body is larger than")


def test_a_body_cut_short_is_400_not_an_empty_body(emulator: Emulator, control: Control) -> None:
    token = control.token("developer@example.com")
    raw = exchange(
        emulator.port, _post_head(emulator, token, "Content-Length: 1000"), half_close=True
    )
    answer = parse_answer(raw)
    assert (answer.status, answer.error["status"]) == (400, "INVALID_ARGUMENT")
    assert "0 of 1000" in answer.error["message"]
    assert control.spaces() == []


@pytest.mark.parametrize(
    "framing",
    [
        "Content-Length: -5",
        "Content-Length: +2",
        "Content-Length: 2_0",
        "Content-Length: 2\r\nContent-Length: 3",
        "Content-Length: 2\r\nTransfer-Encoding: chunked",
    ],
    ids=["negative", "plus", "underscore", "conflicting", "both"],
)
def test_ambiguous_framing_is_refused(emulator: Emulator, control: Control, framing: str) -> None:
    token = control.token("developer@example.com")
    raw = exchange(emulator.port, _post_head(emulator, token, framing) + b"{}")
    answer = parse_answer(raw)
    assert answer.status == 400
    assert answer.error["status"] == "INVALID_ARGUMENT"
    assert control.spaces() == []


def test_a_declared_body_over_the_cap_is_413(emulator: Emulator) -> None:
    answer = send(emulator.port, "POST", "/v2/spaces", {"Content-Length": str(33 * 2**20)})
    assert answer.status == 413


def test_a_well_framed_chunked_body_is_served(emulator: Emulator, control: Control) -> None:
    token = control.token("developer@example.com")
    head = _post_head(emulator, token, "Transfer-Encoding: chunked\r\nConnection: close")
    raw = exchange(emulator.port, head + b"1;ext=1\r\n{\r\n1\r\n}\r\n0\r\nX-Trailer: y\r\n\r\n")
    assert parse_answer(raw).status == 200
    assert len(control.spaces()) == 1


# ------------------------------------------------------------------ fault rules' path patterns

CATASTROPHIC = r"(a+)+$"
SLOW_PATH = "/v2/spaces/" + "a" * 30 + "!"  # ~40 s of backtracking for re, doubling per "a"


def test_a_catastrophic_path_pattern_delays_nothing(emulator: Emulator, control: Control) -> None:
    control.faults({"path": CATASTROPHIC, "status": 503, "times": 100})
    token = control.token("developer@example.com")
    headers = {"Authorization": f"Bearer {token}"}
    slow: list[float] = []

    def matched() -> None:
        started = time.monotonic()
        requests.get(emulator.base_url + SLOW_PATH, headers=headers, timeout=20)
        slow.append(time.monotonic() - started)

    thread = threading.Thread(target=matched)
    thread.start()
    unrelated = []
    for _ in range(5):
        started = time.monotonic()
        answer = requests.post(
            emulator.base_url + "/v2/spaces", json={}, headers=headers, timeout=20
        )
        unrelated.append(time.monotonic() - started)
        assert answer.status_code == 200
    thread.join(timeout=30)
    assert max(unrelated) < 2.0, unrelated
    assert slow and slow[0] < 5.0, slow
    # The pattern still means what re means: it matches a path of a's at the end.
    answer = requests.get(emulator.base_url + "/v2/spaces/aaaa", headers=headers, timeout=20)
    assert answer.status_code == 503


@pytest.mark.parametrize(
    ("pattern", "reason"),
    [
        (r"(a)\1", "backreferences"),
        (r"spaces(?=/)", "lookarounds"),
        (r"a++", "possessive repeats"),
        (r"(?i:spaces)", "scoped flags"),
        ("x" * 1001, "longer than 1000"),
    ],
)
def test_patterns_the_matcher_cannot_run_are_refused(
    emulator: Emulator, pattern: str, reason: str
) -> None:
    answer = requests.put(
        f"{emulator.base_url}/emulator/v1/faults",
        json={"rules": [{"path": pattern, "status": 500}]},
        timeout=10,
    )
    assert answer.status_code == 400
    assert reason in answer.json()["error"]["message"]


PATTERNS = [
    r"/members$",
    r"^/v2/spaces$",
    r"(a+)+$",
    r"^(ab|a)*c?$",
    r"\bsp",
    r"\Bpa",
    r"(?i)SPACES",
    r"[^/]+:end",
    r"\d{2,3}x",
    r"x{0,2}y",
    r"(?m)^b$",
    r"(?s)a.b",
    r"[\w-]+/[\W]",
    r"(a|)*b",
    r"(?:a{2}|b)+?c",
    r"[^\d\s]{3}",
    r"^$",
    r"a*?$",
    r"\Aab\Z",
    r"[a-c\]]+",
    r"(?x) a b  # comment",
]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(PATTERNS), st.text(alphabet="ab/cs\n1 -_:Aé9xy]", max_size=12))
def test_the_linear_matcher_agrees_with_re(pattern: str, text: str) -> None:
    assert LinearRegex(pattern).search(text) == (re.search(pattern, text) is not None)


def test_a_pattern_too_large_once_expanded_is_refused() -> None:
    with pytest.raises(UnsupportedPattern, match="too large"):
        LinearRegex(r"(a{100}){100}")
