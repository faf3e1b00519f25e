"""Issue 19 §6: the provider plugin's requests, fuzzed.

One ``pulumi-resource-meet`` process, started as the engine starts it (``tests/plugin/host.py``)
and configured for an in-memory emulator (quota windows shortened so pacing never waits long),
receives Check, Diff, Create, Read, Update and Delete requests that hypothesis builds: URNs of
the package's types and of others, ids of every form (``spaces/<id>``, member names, meeting
codes, paths with ``..``, empty, random text), and properties of every shape (the schema's
names and others, wrong types, the unknown sentinel, secret wrappers, nesting).

The property: the plugin answers OK or a gRPC status the plugin documents for an operation's
error — never UNKNOWN, which is what an unhandled exception (a bug) becomes — never with a
Python traceback in the status or on its stderr, and it keeps running.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import grpc
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pulumi_meet.emulator import Emulator
from tests.control import Control
from tests.plugin.host import UNKNOWN, PluginError, PluginHost, secret, urn
from tests.security.fuzz_counts import count

SPACE = "meet:index:Space"
MEMBER = "meet:index:SpaceMember"


class Plugin:
    """The running plugin and a real room it may be asked about."""

    def __init__(self, host: PluginHost, room: str) -> None:
        self.host = host
        self.room = room


@pytest.fixture(scope="module")
def plugin(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Plugin]:
    with Emulator(db=":memory:") as emulator:
        control = Control(emulator)
        control.quotas(windowSeconds=0.2)
        host = PluginHost({}, Path(tmp_path_factory.mktemp("plugin")))
        host.start()
        try:
            host.configure(
                {
                    "emulatorHost": emulator.host_port,
                    "quotaWindowSeconds": "0.2",
                    "maxRetryDurationSeconds": "1",
                }
            )
            room, _ = host.create(urn(SPACE, "seed"), {"deletionPolicy": "ABANDON"})
            yield Plugin(host, room)
        finally:
            host.stop()
            control.close()
    assert "Traceback" not in host.stderr, host.stderr[-2000:]


_text = st.text(max_size=20) | st.sampled_from(["", " ", "😀", "x" * 3_000, "\u00e9"])
_ids = _text | st.sampled_from(
    [
        "spaces/abcDEF123456",
        "spaces/abcDEF123456/members/m1",
        "abc-mnop-xyz",
        "https://meet.google.com/abc-mnop-xyz",
        "spaces/",
        "spaces",
        "spaces/a/b",
        "/spaces/x",
        "spaces/..",
        "spaces/abc/../x",
    ]
)
_names = st.sampled_from(
    ["config", "accessType", "entryPointAccess", "moderation", "moderationRestrictions",
     "chatRestriction", "deletionPolicy", "owner", "adopt", "space", "email", "role", "name",
     "meetingCode", "meetingUri", "declaredConfig", "artifactConfig", "access_type"]
) | _text  # fmt: skip
_scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**53), max_value=2**53)
    | st.floats(allow_nan=False, allow_infinity=False)
    | _text
    | st.sampled_from(["OPEN", "TRUSTED", "RESTRICTED", "ON", "OFF", "ABANDON", "RESTRICT",
                       "COHOST", "lead@example.com", UNKNOWN])
)  # fmt: skip
_values = st.recursive(
    _scalars,
    lambda children: (
        st.lists(children, max_size=3)
        | st.dictionaries(_names, children, max_size=4)
        | children.map(secret)
    ),
    max_leaves=15,
)
_properties = st.dictionaries(_names, _values, max_size=5)
_urns = st.builds(
    urn,
    st.sampled_from([SPACE, MEMBER, "meet:index:Nothing", "pulumi:providers:meet", "x"]),
    st.sampled_from(["room", "", "a::b"]),
)
# Documented statuses of an operation's error (docs/plugin.md "Errors"); UNKNOWN is a bug.
DOCUMENTED = {
    grpc.StatusCode.INVALID_ARGUMENT,
    grpc.StatusCode.FAILED_PRECONDITION,
    grpc.StatusCode.UNAUTHENTICATED,
    grpc.StatusCode.PERMISSION_DENIED,
    grpc.StatusCode.NOT_FOUND,
    grpc.StatusCode.ALREADY_EXISTS,
    grpc.StatusCode.RESOURCE_EXHAUSTED,
    grpc.StatusCode.UNAVAILABLE,
    grpc.StatusCode.INTERNAL,
    grpc.StatusCode.UNIMPLEMENTED,
}


def _call(plugin: Plugin, method: str, urn_: str, id_: str, olds: Any, news: Any) -> None:
    host = plugin.host
    if method == "Check":
        host.check(urn_, olds, news)
    elif method == "Diff":
        host.diff(urn_, id_, olds, news)
    elif method == "Create":
        host.create(urn_, news, preview=bool(olds))
    elif method == "Read":
        host.read(urn_, id_, olds, news)
    elif method == "Update":
        host.update(urn_, id_, olds, news, preview=True)
    else:
        host.delete(urn_, id_, olds)


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    method=st.sampled_from(["Check", "Diff", "Create", "Read", "Update", "Delete"]),
    urn_=_urns,
    id_=_ids | st.just("<room>"),
    olds=_properties,
    news=_properties,
)
def test_any_request_gets_a_documented_status(
    plugin: Plugin, method: str, urn_: str, id_: str, olds: Any, news: Any
) -> None:
    count("plugin requests")
    id_ = plugin.room if id_ == "<room>" else id_
    try:
        _call(plugin, method, urn_, id_, olds, news)
    except PluginError as error:
        where = f"{method} {urn_} {id_[:80]!r}: {error.code.name}: {error.details[:500]}"
        assert error.code in DOCUMENTED, where
        assert "Traceback" not in error.details, where
    assert "Traceback" not in plugin.host.stderr, plugin.host.stderr[-2000:]


@pytest.mark.parametrize(
    ("method", "urn_", "id_", "news"),
    [
        ("Create", urn(MEMBER, "cohost"), "", {}),
        ("Read", urn(SPACE, "imported"), "/spaces/x", {}),
        ("Read", urn(SPACE, "imported"), "spaces/..", {}),
        ("Delete", urn(MEMBER, "cohost"), "spaces/../x/members/y", {}),
    ],
)
def test_names_outside_the_api_are_invalid_argument(
    plugin: Plugin, method: str, urn_: str, id_: str, news: dict[str, Any]
) -> None:
    # Found by the fuzz: a member created without its space (a request that skipped Check)
    # reached the client's path builder, whose ValueError became UNKNOWN with a traceback.
    with pytest.raises(PluginError) as refused:
        _call(plugin, method, urn_, id_, {}, news)
    assert refused.value.code == grpc.StatusCode.INVALID_ARGUMENT, refused.value
    assert "Traceback" not in refused.value.details
    assert "spaces/<id>" in refused.value.details
