"""Issue 19 §6: the emulator's HTTP surface, fuzzed.

Hypothesis generates requests — methods (the five the API uses, HEAD, OPTIONS and made-up
ones), paths (every route with odd segments, percent-encoding, ``..``, unknown prefixes), query
strings (system and method parameters with odd values, ``fields`` selectors, unknown names),
headers (Host, Origin, Content-Type, Authorization: valid, expired, forged, missing) and bodies
(JSON of every shape, deep nesting, huge numbers, raw bytes) — against one in-process emulator
that holds a space, a member and a service account, so requests reach the handlers.

The properties: never a 5xx; every answer JSON — Google's ``{"error": {code, message, status}}``
envelope for errors, RFC 6749's ``{"error", "error_description"}`` on the OAuth endpoints —
except HEAD's bodiless answer; never a traceback on stderr. Bounded: a fixed number of examples,
no deadline per example, the whole module in well under a minute.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote, urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pulumi_meet.emulator import Emulator
from tests.control import Control
from tests.security.fuzz_counts import count
from tests.security.wire import Answer, send

OAUTH_PATHS = ("/token", "/tokeninfo")
CLOUD_PLATFORM = "https://www.googleapis.com/auth/cloud-platform"


def fuzz(examples: int) -> settings:
    """Bounded in examples, without a per-example deadline (the machine may be loaded)."""
    return settings(
        max_examples=examples,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )


class World:
    """The emulator under fuzz and the names and credentials requests may use."""

    def __init__(self, emulator: Emulator) -> None:
        self.emulator = emulator
        control = Control(emulator)
        self.user_token = control.token("developer@example.com")
        key = control.service_account(project="fuzz-proj")
        self.account = key["client_email"]
        self.account_token = control.token(
            self.account, scopes=[CLOUD_PLATFORM], serviceAccount=True
        )
        self.expired_token = control.token("developer@example.com", expiresIn=0)
        answer = send(
            emulator.port,
            "POST",
            "/v2/spaces",
            {"Authorization": f"Bearer {self.user_token}", "Content-Type": "application/json"},
            b"{}",
        )
        self.space = answer.json()["name"]
        member = send(
            emulator.port,
            "POST",
            f"/v2/{self.space}/members",
            {"Authorization": f"Bearer {self.user_token}", "Content-Type": "application/json"},
            json.dumps({"email": "cohost@example.com", "role": "COHOST"}).encode(),
        )
        self.member = member.json().get("name", f"{self.space}/members/none")
        control.close()

    def restore(self) -> None:
        """Undo what a fuzzed control call may have changed that would stall later examples."""
        application = self.emulator.application
        application.faults.reset()
        application.quotas.reset()


@pytest.fixture(scope="module")
def world() -> Iterator[World]:
    with Emulator(db=":memory:") as emulator:
        yield World(emulator)


# ------------------------------------------------------------------ strategies

_odd_text = st.text(max_size=30) | st.sampled_from(
    ["", " ", "..", "%2e%2e", "%00", "\u00e9", "😀", "a" * 300, "-", "*", "spaces", ":", "/"]
)
_segment = _odd_text.map(lambda text: quote(text, safe=":@$-_.~"))


def _paths(world_space: str, world_member: str, account: str) -> st.SearchStrategy[str]:
    templates = st.sampled_from(
        [
            "/v2/spaces",
            f"/v2/{world_space}",
            f"/v2/{world_space}:endActiveConference",
            f"/v2/{world_space}/members",
            f"/v2/{world_space}/members:batchUpdate",
            f"/v2/{world_member}",
            "/v2/spaces/{}",
            "/v2/spaces/{}:endActiveConference",
            "/v2/spaces/{}/members",
            "/v2/spaces/{}/members/{}",
            "/v2/{}",
            "/token",
            "/tokeninfo",
            f"/v1/projects/-/serviceAccounts/{account}:signJwt",
            "/v1/projects/-/serviceAccounts/{}:signJwt",
            "/emulator/v1/token",
            "/emulator/v1/serviceAccounts",
            "/emulator/v1/authorizedUsers",
            "/emulator/v1/users/{}",
            "/emulator/v1/apps/{}",
            "/emulator/v1/spaces",
            f"/emulator/v1/{world_space}:startConference",
            f"/emulator/v1/{world_space}:endConference",
            "/emulator/v1/spaces/{}:startConference",
            "/emulator/v1/requests",
            "/emulator/v1/quotas",
            "/emulator/v1/faults",
            "/{}",
            "/{}/{}",
        ]
    )
    return st.builds(
        lambda template, a, b: template.replace("{}", a, 1).replace("{}", b, 1),
        templates,
        _segment,
        _segment,
    )


_methods = st.sampled_from(["GET", "POST", "PATCH", "PUT", "DELETE", "HEAD", "OPTIONS"]) | (
    st.from_regex(r"[A-Z]{1,10}", fullmatch=True)
)
_query_names = st.sampled_from(
    [
        "fields",
        "$fields",
        "alt",
        "$alt",
        "prettyPrint",
        "key",
        "$key",
        "access_token",
        "oauth_token",
        "$.xgafv",
        "updateMask",
        "update_mask",
        "pageSize",
        "page_size",
        "pageToken",
        "quotaUser",
        "callback",
    ]
) | st.text(max_size=10)
_query_values = _odd_text | st.sampled_from(
    [
        "json",
        "json;enum-encoding=int",
        "proto",
        "false",
        "config,name",
        "config(accessType)",
        "a(" * 200,
        "*",
        "config.accessType,config.moderation",
        "9" * 5000,
        "-1",
        "2147483648",
        "0",
        "eyJzcGFjZSI6InNwYWNlcy94IiwiYWZ0ZXIiOjF9",
    ]
)
_queries = st.lists(st.tuples(_query_names, _query_values), max_size=4).map(urlencode)

_json_keys = st.sampled_from(
    [
        "config",
        "accessType",
        "entryPointAccess",
        "moderation",
        "moderationRestrictions",
        "name",
        "email",
        "role",
        "requests",
        "member",
        "updateMask",
        "scopes",
        "app",
        "expiresIn",
        "project",
        "payload",
        "meetApiEnabled",
        "participants",
        "spaceConfigDefaults",
        "perUser",
        "windowSeconds",
        "domainWideDelegationScopes",
    ]
) | st.text(max_size=8)
_json_scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | _odd_text
    | st.sampled_from(["OPEN", "TRUSTED", "RESTRICTED", "ON", "OFF", "COHOST", "x@example.com"])
)
_json_values = st.recursive(
    _json_scalars,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(_json_keys, children, max_size=5)
    ),
    max_leaves=20,
)
_raw_bodies = st.sampled_from(
    [
        b"[" * 100_000,
        b"{" * 2_000,
        b'{"a": ' + b"9" * 4_400 + b"}",
        b'{"a": NaN}',
        b"\xff\xfe\x00",
        b"grant_type=refresh_token&refresh_token=x",
        b"",
        b"null",
        b'"text"',
    ]
) | st.binary(max_size=64)
_bodies = st.one_of(
    st.none(),
    _json_values.map(lambda value: json.dumps(value).encode()),
    _raw_bodies,
)
_content_types = st.sampled_from(
    [
        None,
        "application/json",
        "application/json; charset=UTF-8",
        "text/plain",
        "application/x-www-form-urlencoded",
        "application/merge-patch+json",
        "multipart/form-data",
        "",
    ]
)


def _authorizations(world: World) -> st.SearchStrategy[str | None]:
    return st.sampled_from(
        [
            None,
            f"Bearer {world.user_token}",
            f"Bearer {world.account_token}",
            f"Bearer {world.expired_token}",
            "Bearer ya29.forged",
            "Bearer",
            "Basic dXNlcjpwYXNz",
            "",
        ]
    ) | _odd_text.map(lambda text: "Bearer " + _header_text(text))


def _header_text(text: str) -> str:
    """``text`` as a legal header value (what a client library lets through)."""
    legal = text.encode("latin-1", "replace").decode("latin-1")
    return "".join(ch for ch in legal if ch == "\t" or " " <= ch != "\x7f").strip()


def _hosts(world: World) -> st.SearchStrategy[str | None]:
    port = world.emulator.port
    return st.sampled_from(
        [None, f"127.0.0.1:{port}", f"localhost:{port}", "evil.example", f"[::1]:{port}", ""]
    )


def _origins(world: World) -> st.SearchStrategy[str | None]:
    port = world.emulator.port
    return st.sampled_from([None, None, "http://evil.example", f"http://127.0.0.1:{port}", "null"])


# ------------------------------------------------------------------ the property


def _assert_google_answer(verb: str, path: str, answer: Answer) -> None:
    where = f"{verb} {path[:120]!r} -> {answer.status}: {answer.body[:300]!r}"
    assert answer.status < 500, where
    assert answer.headers.get("content-type", "").startswith("application/json"), where
    if verb == "HEAD":
        assert answer.body == b"", where
        return
    body = json.loads(answer.body)
    if answer.status < 400:
        assert isinstance(body, dict), where
        return
    error = body.get("error")
    if path.split("?", 1)[0] in OAUTH_PATHS and isinstance(error, str):
        assert isinstance(body.get("error_description", ""), str), where
        return
    assert isinstance(error, dict), where
    assert error.get("code") == answer.status, where
    assert isinstance(error.get("message"), str) and error["message"], where
    assert isinstance(error.get("status"), str) and error["status"].isupper(), where


def _request(world: World, data: st.DataObject) -> tuple[str, str, dict[str, str], bytes | None]:
    verb = data.draw(_methods, "method")
    path = data.draw(_paths(world.space, world.member, world.account), "path")
    query = data.draw(_queries, "query")
    headers: dict[str, str] = {}
    for name, strategy in (
        ("Host", _hosts(world)),
        ("Origin", _origins(world)),
        ("Content-Type", _content_types),
        ("Authorization", _authorizations(world)),
    ):
        value = data.draw(strategy, name)
        if value is not None:
            headers[name] = value
    body = data.draw(_bodies, "body")
    return verb, f"{path}?{query}" if query else path, headers, body


@fuzz(700)
@given(data=st.data())
def test_any_request_gets_a_google_answer(
    world: World, data: st.DataObject, capfd: pytest.CaptureFixture[str]
) -> None:
    verb, target, headers, body = _request(world, data)
    count("emulator HTTP requests")
    try:
        answer = send(world.emulator.port, verb, target, headers, body)
    finally:
        world.restore()
    _assert_google_answer(verb, target, answer)
    assert "Traceback" not in capfd.readouterr().err


@fuzz(150)
@given(value=_json_values, mask=st.lists(_json_keys, max_size=3))
def test_any_space_body_and_mask_gets_a_google_answer(
    world: World, value: Any, mask: list[str], capfd: pytest.CaptureFixture[str]
) -> None:
    # Well-formed, authorised requests with fuzzed bodies: the handlers' own validation.
    count("emulator HTTP requests")
    headers = {
        "Host": world.emulator.host_port,
        "Authorization": f"Bearer {world.user_token}",
        "Content-Type": "application/json",
    }
    target = f"/v2/{world.space}?{urlencode({'updateMask': ','.join(mask)})}"
    for verb, path in (
        ("PATCH", target),
        ("POST", "/v2/spaces"),
        ("POST", f"/v2/{world.space}/members"),
    ):
        answer = send(world.emulator.port, verb, path, headers, json.dumps(value).encode())
        _assert_google_answer(verb, path, answer)
    assert "Traceback" not in capfd.readouterr().err
