"""SpaceProvider.check and .diff: pure functions of their arguments, no API call, no credentials.

The provider is built without ``configure()`` and without any client: a call reaching the client
layer would fail (no emulator, no credentials), so these tests also prove check and diff stay
off the wire.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pulumi.output import UNKNOWN

from pulumi_meet.dynamic.providers import SpaceProvider

PROVIDER = "serialized-provider"
OLD_OUTPUTS: dict[str, Any] = {
    "name": "spaces/abcDEF123456",
    "meeting_code": "abc-mnop-xyz",
    "meeting_uri": "https://meet.google.com/abc-mnop-xyz",
    "config": {"access_type": "TRUSTED", "entry_point_access": "ALL", "moderation": "OFF"},
    "owner": "lead@example.com",
    "deletion_policy": "RESTRICT",
    "declared_config": {"access_type": "TRUSTED"},
    "__provider": PROVIDER,
}


def _check(**news: Any) -> dict[str, str]:
    result = SpaceProvider().check({}, {"__provider": PROVIDER, **news})
    return {f.property: f.reason for f in result.failures}


def _diff(**news: Any) -> tuple[bool | None, list[str]]:
    result = SpaceProvider().diff(
        "spaces/abcDEF123456", OLD_OUTPUTS, {"__provider": PROVIDER, **news}
    )
    assert result.delete_before_replace is False
    return result.changes, list(result.replaces or [])


# ------------------------------------------------------------------ check


def test_valid_inputs_pass_and_come_back_normalised() -> None:
    news = {
        "__provider": PROVIDER,
        "config": {"access_type": "OPEN", "moderation": None},
        "deletion_policy": "ABANDON",
        "adopt": "https://meet.google.com/abc-mnop-xyz",
        "owner": "Lead@Example.com",
    }
    result = SpaceProvider().check({}, news)
    assert result.failures == []
    assert result.inputs["config"] == {"access_type": "OPEN"}
    assert result.inputs["owner"] == "Lead@Example.com"


def test_every_kind_of_bad_input_is_a_named_failure() -> None:
    failures = _check(
        config={
            "access_type": "PUBLIC",
            "moderation": "ON",
            "moderation_restrictions": {"chatRestriction": "HOSTS_ONLY"},
        },
        deletion_policy="DELETE",
        adopt="not a space",
        owner="nobody",
        colour="red",
    )
    assert set(failures) == {
        "config.access_type",
        "config.moderation_restrictions.chatRestriction",
        "deletion_policy",
        "adopt",
        "owner",
        "colour",
    }
    assert "RESTRICT, END_CONFERENCE, ABANDON" in failures["deletion_policy"]
    assert "spaces/<id>" in failures["adopt"]
    assert "allowed: config, deletion_policy, adopt, owner" in failures["colour"]


@pytest.mark.parametrize(
    "owner", ["a@b", "two@@example.com", "a b@example.com", 42, "@example.com"]
)
def test_owner_must_be_an_email(owner: object) -> None:
    assert "owner" in _check(owner=owner)


def test_adopt_must_be_a_string() -> None:
    assert "adopt" in _check(adopt=["spaces/abc"])


def test_unknowns_pass_check_at_every_level() -> None:
    assert _check(config=UNKNOWN, deletion_policy=UNKNOWN, adopt=UNKNOWN, owner=UNKNOWN) == {}
    assert _check(config={"access_type": UNKNOWN, "artifact_config": UNKNOWN}) == {}


def test_check_refuses_moderation_off_with_restrictions() -> None:
    failures = _check(
        config={"moderation": "OFF", "moderation_restrictions": {"chat_restriction": "HOSTS_ONLY"}}
    )
    assert "moderation is ON" in failures["config.moderation_restrictions"]


# ------------------------------------------------------------------ diff


def test_no_change_when_the_set_fields_match_the_effective_config() -> None:
    assert _diff(config={"access_type": "TRUSTED"}) == (False, [])
    assert _diff(config={"entry_point_access": "ALL"}) == (False, [])  # unmanaged before: no diff
    assert _diff() == (False, [])  # removing config from the program never causes a diff


def test_a_changed_set_field_is_an_in_place_update() -> None:
    assert _diff(config={"access_type": "OPEN"}) == (True, [])
    assert _diff(
        config={"artifact_config": {"recording_config": {"auto_recording_generation": "ON"}}}
    ) == (True, [])


def test_a_deletion_policy_change_alone_is_an_update() -> None:
    assert _diff(deletion_policy="ABANDON") == (True, [])
    assert _diff(deletion_policy="RESTRICT") == (False, [])  # the default made explicit


def test_unknowns_are_changes() -> None:
    assert _diff(config=UNKNOWN) == (True, [])
    assert _diff(config={"moderation": UNKNOWN}) == (True, [])
    assert _diff(deletion_policy=UNKNOWN) == (True, [])
    assert _diff(owner=UNKNOWN) == (True, ["owner"])


def test_only_an_explicit_owner_change_replaces() -> None:
    assert _diff(owner="someone.else@example.com") == (True, ["owner"])
    assert _diff(owner="LEAD@example.com") == (False, [])  # the recorded owner, another case
    assert _diff() == (False, [])  # owner unset: calls act as the recorded owner, no replace


@pytest.mark.parametrize(
    "adopt",
    ["spaces/abcDEF123456", "abc-mnop-xyz", "ABC-MNOP-XYZ", "https://meet.google.com/abc-mnop-xyz"],
)
def test_adopting_the_same_space_again_is_no_change(adopt: str) -> None:
    assert _diff(adopt=adopt) == (False, [])


def test_adopting_another_space_replaces() -> None:
    assert _diff(adopt="spaces/zzzzzzzzzzzz") == (True, ["adopt"])
    assert _diff(adopt="qqq-rrrr-sss") == (True, ["adopt"])
    assert _diff(adopt=UNKNOWN) == (True, ["adopt"])


def test_removing_adopt_keeps_the_space() -> None:
    olds = {**OLD_OUTPUTS, "adopt": "abc-mnop-xyz"}
    result = SpaceProvider().diff("spaces/abcDEF123456", olds, {"__provider": PROVIDER})
    assert (result.changes, result.replaces) == (False, [])


_anything = st.recursive(
    st.none()
    | st.booleans()
    | st.floats()
    | st.integers()
    | st.text(max_size=8)
    | st.sampled_from(["OPEN", "ON", "HOSTS_ONLY", "RESTRICT", "spaces/abc", "a@b.co", UNKNOWN]),
    lambda children: (
        st.lists(children, max_size=3)
        | st.dictionaries(
            st.sampled_from(
                ["access_type", "moderation", "moderation_restrictions", "artifact_config", "x"]
            )
            | st.text(max_size=6),
            children,
            max_size=4,
        )
    ),
    max_leaves=15,
)


@settings(max_examples=300, deadline=None)
@given(
    st.dictionaries(
        st.sampled_from(["config", "deletion_policy", "adopt", "owner", "extra"]),
        _anything,
        max_size=5,
    )
)
def test_check_and_diff_never_raise(news: dict[str, Any]) -> None:
    provider = SpaceProvider()
    result = provider.check({}, {"__provider": PROVIDER, **news})
    assert all(f.property.split(".")[0] in {*news, "config"} for f in result.failures)
    if not result.failures:
        provider.diff("spaces/abcDEF123456", OLD_OUTPUTS, result.inputs)
