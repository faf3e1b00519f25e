"""The plugin and the dynamic provider are one implementation: the same check messages (in each
front-end's property case) and the same diff decisions, input by input."""

from __future__ import annotations

from typing import Any

import pytest

from pulumi_meet.dynamic.providers import MemberProvider, SpaceProvider
from pulumi_meet.plugin.names import camel_path, camel_text, to_camel
from pulumi_meet.plugin.schema import SPACE, SPACE_MEMBER
from tests.plugin.host import PluginHost, urn

SPACE_INPUTS: list[dict[str, Any]] = [
    {"config": {"access_type": "OPNE"}},
    {"config": {"acess_type": "OPEN", "moderation": True}},
    {
        "config": {
            "moderation": "OFF",
            "moderation_restrictions": {"chat_restriction": "HOSTS_ONLY"},
        }
    },
    {"config": {"moderation_restrictions": {"present_restriction": "NOBODY"}, "moderation": "ON"}},
    {"config": "TRUSTED", "deletion_policy": "KEEP", "adopt": "x", "owner": "a@b"},
    {"config": {"artifact_config": {"recording_config": {"auto_recording_generation": "YES"}}}},
    {"color": "blue", "config": {"access_type": "ACCESS_TYPE_UNSPECIFIED"}},
]
MEMBER_INPUTS: list[dict[str, Any]] = [
    {},
    {"space": "abc-mnop-xyz", "email": "nobody", "role": "HOST"},
    {"space": "spaces/abc", "email": "a@example.com", "owner": "x", "extra": True},
]


@pytest.fixture(scope="module")
def plugin(tmp_path_factory: pytest.TempPathFactory) -> Any:
    host = PluginHost({}, tmp_path_factory.mktemp("parity")).start()
    yield host
    host.stop()


def _expected(failures: list[Any]) -> list[tuple[str, str]]:
    return [(camel_path(f.property), camel_text(f.reason)) for f in failures]


@pytest.mark.parametrize("inputs", SPACE_INPUTS)
def test_space_check_messages_are_the_dynamic_providers(
    plugin: PluginHost, inputs: dict[str, Any]
) -> None:
    expected = _expected(SpaceProvider().check({}, inputs).failures)
    assert expected  # every case is invalid
    # Sorted: a Struct's keys reach either provider in no particular order.
    assert sorted(plugin.check(urn(SPACE, "r"), {}, to_camel(inputs))[1]) == sorted(expected)


@pytest.mark.parametrize("inputs", MEMBER_INPUTS)
def test_member_check_messages_are_the_dynamic_providers(
    plugin: PluginHost, inputs: dict[str, Any]
) -> None:
    expected = _expected(MemberProvider().check({}, inputs).failures)
    assert expected
    assert sorted(plugin.check(urn(SPACE_MEMBER, "m"), {}, to_camel(inputs))[1]) == sorted(expected)


OLDS = {
    "name": "spaces/abc",
    "meeting_code": "abc-mnop-xyz",
    "config": {"access_type": "OPEN", "moderation": "ON"},
    "owner": "lead@example.com",
    "deletion_policy": "RESTRICT",
}


@pytest.mark.parametrize(
    "news",
    [
        {"config": {"access_type": "OPEN"}},
        {"config": {"access_type": "TRUSTED"}},
        {"deletion_policy": "ABANDON"},
        {"owner": "LEAD@example.com"},
        {"owner": "other@example.com"},
        {"adopt": "abc-mnop-xyz"},
        {"adopt": "spaces/other", "config": {"moderation": "OFF"}},
    ],
)
def test_space_diff_decisions_are_the_dynamic_providers(
    plugin: PluginHost, news: dict[str, Any]
) -> None:
    dynamic = SpaceProvider().diff("spaces/abc", OLDS, news)
    diff = plugin.diff(urn(SPACE, "r"), "spaces/abc", to_camel(OLDS), to_camel(news))
    assert (diff.changes == 2) is dynamic.changes
    assert diff.replaces == [camel_path(name) for name in dynamic.replaces or []]
