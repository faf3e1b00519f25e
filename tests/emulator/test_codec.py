"""Unit tests of the proto-JSON codec, field masks and the ``fields`` selector."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pulumi_meet.emulator.exceptions import InvalidArgument
from pulumi_meet.emulator.fields import parse_fields
from pulumi_meet.emulator.masks import FieldMask, parse_field_mask
from pulumi_meet.emulator.messages import MESSAGES, MessageType, parse_message, render

SPACE_CONFIG = MESSAGES["SpaceConfig"]


def _configs(message: MessageType = SPACE_CONFIG) -> st.SearchStrategy[dict[str, Any]]:
    """Any SpaceConfig (or sub-message) as parsed dicts: enum names, some fields unset."""
    fields: dict[str, st.SearchStrategy[Any]] = {}
    for spec in message.fields:
        if spec.enum is not None:
            fields[spec.json_name] = st.sampled_from(spec.enum.values)
        elif spec.message is not None:
            fields[spec.json_name] = _configs(MESSAGES[spec.message])
    return st.fixed_dictionaries({}, optional=fields)


@settings(max_examples=200, deadline=None)
@given(config=_configs(), int_enums=st.booleans())
def test_render_then_parse_round_trips(config: dict[str, Any], int_enums: bool) -> None:
    rendered = render(config, SPACE_CONFIG, int_enums=int_enums)
    reparsed = parse_message(rendered, SPACE_CONFIG)
    # Unspecified enums are proto3 defaults: they vanish from the JSON, nothing else does.
    assert render(reparsed, SPACE_CONFIG, int_enums=False) == render(
        config, SPACE_CONFIG, int_enums=False
    )
    if int_enums:
        assert all(not isinstance(v, str) for v in _leaves(rendered))


def _leaves(value: Any) -> list[Any]:
    if isinstance(value, dict):
        return [leaf for item in value.values() for leaf in _leaves(item)]
    return [value]


def test_parse_accepts_both_spellings_and_numbers() -> None:
    parsed = parse_message(
        {"access_type": 1, "moderationRestrictions": {"chat_restriction": "HOSTS_ONLY"}},
        SPACE_CONFIG,
        "space.config",
    )
    assert parsed == {
        "accessType": "OPEN",
        "moderationRestrictions": {"chatRestriction": "HOSTS_ONLY"},
    }


def test_parse_errors_name_the_proto_location() -> None:
    with pytest.raises(InvalidArgument) as caught:
        parse_message(
            {"artifactConfig": {"recordingConfig": {"x": 1}}}, SPACE_CONFIG, "space.config"
        )
    assert caught.value.message == (
        'Invalid JSON payload received. Unknown name "x" at '
        "'space.config.artifact_config.recording_config': Cannot find field."
    )
    with pytest.raises(InvalidArgument) as repeated:
        parse_message({"phoneAccess": [{"pin": 5}]}, MESSAGES["Space"], "space")
    assert repeated.value.message == "Invalid value at 'space.phone_access[0].pin' (TYPE_STRING), 5"


def test_field_masks_normalise_spelling() -> None:
    space = MESSAGES["Space"]
    mask = parse_field_mask("config.access_type, config.artifactConfig", space, "update_mask")
    assert mask == FieldMask(frozenset({("config", "accessType"), ("config", "artifactConfig")}))
    assert parse_field_mask("*", space, "update_mask").everything
    assert parse_field_mask(None, space, "update_mask").absent
    assert parse_field_mask("", space, "update_mask").absent


@pytest.mark.parametrize(
    ("selector", "expected"),
    [
        ("a", {"a": {"b": 1, "c": 2}}),
        ("a/b", {"a": {"b": 1}}),
        ("a(b),d", {"a": {"b": 1}, "d": [{"e": 1}, {"e": 3, "f": 4}]}),
        ("d/e", {"d": [{"e": 1}, {"e": 3}]}),
        ("d(f)", {"d": [{}, {"f": 4}]}),
        ("a/b,a/c", {"a": {"b": 1, "c": 2}}),
        ("a/b,a", {"a": {"b": 1, "c": 2}}),
        ("*", {"a": {"b": 1, "c": 2}, "d": [{"e": 1}, {"e": 3, "f": 4}]}),
        ("missing", {}),
    ],
)
def test_fields_selector(selector: str, expected: dict) -> None:
    value = {"a": {"b": 1, "c": 2}, "d": [{"e": 1}, {"e": 3, "f": 4}]}
    assert parse_fields(selector).select(value) == expected


@pytest.mark.parametrize("selector", ["a(", "a)", "a//b", ",", "a(b", "a b", "a!"])
def test_malformed_fields_selector(selector: str) -> None:
    with pytest.raises(InvalidArgument):
        parse_fields(selector)
