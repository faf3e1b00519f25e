"""The field table against the discovery document, and everything derived from it."""

from __future__ import annotations

import dataclasses
import json
import re
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pulumi.output import UNKNOWN

import pulumi_meet as meet
from pulumi_meet.core import space_fields as schema
from pulumi_meet.core.space_fields import CONFIG_FIELDS, SPACE_FIELDS, Mutability


def _leaves(
    schemas: dict[str, Any], name: str, prefix: tuple[str, ...]
) -> dict[tuple[str, ...], Any]:
    """Every scalar leaf of a discovery schema, by camelCase path."""
    leaves: dict[tuple[str, ...], Any] = {}
    for key, prop in schemas[name]["properties"].items():
        if "$ref" in prop:
            leaves.update(_leaves(schemas, prop["$ref"], (*prefix, key)))
        else:
            path = (*prefix, key)
            leaves[path] = prop
    return leaves


def _snake(camel: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", camel).lower()


# ------------------------------------------------------------------ the table vs Google's schema


def test_every_space_config_leaf_is_declared_once_with_googles_enum(
    meet_discovery: dict[str, Any],
) -> None:
    schemas = meet_discovery["schemas"]
    leaves = _leaves(schemas, "SpaceConfig", ("config",))
    declared = {f.api_path: f for f in CONFIG_FIELDS}
    assert set(declared) == set(leaves)
    assert len(CONFIG_FIELDS) == len(declared), "a field is declared twice"
    for path, prop in leaves.items():
        google = [v for v in prop["enum"] if not v.endswith("_UNSPECIFIED")]
        assert list(declared[path].allowed_values) == google, path


def test_config_paths_are_the_snake_case_of_the_api_paths() -> None:
    for spec in CONFIG_FIELDS:
        assert spec.path == tuple(_snake(p) for p in spec.api_path)
        assert spec.mutability is Mutability.OPTIONAL_COMPUTED


def test_output_only_fields_match_googles_space_schema(meet_discovery: dict[str, Any]) -> None:
    schemas = meet_discovery["schemas"]
    space = schemas["Space"]["properties"]
    outputs = [f for f in SPACE_FIELDS if f.mutability is Mutability.OUTPUT_ONLY]
    assert {f.api_path[0] for f in outputs} == set(space) - {"config"}
    for spec in outputs:
        if spec.record_keys:
            item_schema = schemas[space[spec.api_path[0]]["items"]["$ref"]]["properties"]
            assert {camel for _, camel in spec.record_keys} == set(item_schema)
            assert all(snake == _snake(camel) for snake, camel in spec.record_keys)


def test_the_args_classes_mirror_the_table() -> None:
    def paths(cls: type, prefix: tuple[str, ...]) -> set[tuple[str, ...]]:
        found: set[tuple[str, ...]] = set()
        hints = {
            "moderation_restrictions": meet.ModerationRestrictionsArgs,
            "artifact_config": meet.ArtifactConfigArgs,
            "recording_config": meet.RecordingConfigArgs,
            "transcription_config": meet.TranscriptionConfigArgs,
            "smart_notes_config": meet.SmartNotesConfigArgs,
        }
        for f in dataclasses.fields(cls):
            nested = hints.get(f.name)
            found |= paths(nested, (*prefix, f.name)) if nested else {(*prefix, f.name)}
        return found

    assert paths(meet.SpaceConfigArgs, ("config",)) == {f.path for f in CONFIG_FIELDS}


def test_enum_members_are_plain_api_strings() -> None:
    assert meet.AccessType.TRUSTED == "TRUSTED"
    assert str(meet.AutoGenerationType.ON) == "ON"
    assert "ACCESS_TYPE_UNSPECIFIED" not in [m.value for m in meet.AccessType]


def test_args_become_plain_nested_dicts_without_nones() -> None:
    args = meet.SpaceConfigArgs(
        access_type=meet.AccessType.OPEN,
        moderation_restrictions=meet.ModerationRestrictionsArgs(chat_restriction="HOSTS_ONLY"),
        artifact_config={
            "recording_config": meet.RecordingConfigArgs(auto_recording_generation="ON")
        },
    )
    assert args.to_dict() == {
        "access_type": "OPEN",
        "moderation_restrictions": {"chat_restriction": "HOSTS_ONLY"},
        "artifact_config": {"recording_config": {"auto_recording_generation": "ON"}},
    }


# ------------------------------------------------------------------ validation


def _violations(config: object) -> dict[str, str]:
    return {v.property: v.reason for v in schema.validate_object("config", config, CONFIG_FIELDS)}


def test_a_valid_config_has_no_violations() -> None:
    config = {
        "access_type": "OPEN",
        "moderation": "ON",
        "moderation_restrictions": {
            "chat_restriction": "HOSTS_ONLY",
            "default_join_as_viewer_type": "ON",
        },
        "artifact_config": {"smart_notes_config": {"auto_smart_notes_generation": "OFF"}},
    }
    assert _violations(config) == {}


def test_a_bad_enum_value_names_the_full_path_and_the_allowed_values() -> None:
    found = _violations({"moderation_restrictions": {"chat_restriction": "HOSTS"}})
    reason = found["config.moderation_restrictions.chat_restriction"]
    assert "'HOSTS'" in reason and "HOSTS_ONLY, NO_RESTRICTION" in reason


def test_unspecified_values_are_refused_with_a_hint() -> None:
    reason = _violations({"access_type": "ACCESS_TYPE_UNSPECIFIED"})["config.access_type"]
    assert "OPEN, TRUSTED, RESTRICTED" in reason and "leave the field out" in reason


def test_unknown_keys_are_named_with_a_suggestion() -> None:
    found = _violations({"accessType": "OPEN", "colour": "red"})
    assert "did you mean 'access_type'" in found["config.accessType"]
    assert "allowed: access_type, entry_point_access" in found["config.colour"]


@pytest.mark.parametrize(
    ("config", "path", "words"),
    [
        ({"access_type": 5.0}, "config.access_type", "got float 5.0"),
        ({"access_type": ["OPEN"]}, "config.access_type", "got list"),
        (
            {"moderation_restrictions": "HOSTS_ONLY"},
            "config.moderation_restrictions",
            "expected an object",
        ),
        (
            {"artifact_config": {"recording_config": 1}},
            "config.artifact_config.recording_config",
            "got int",
        ),
        ("OPEN", "config", "expected an object with the keys access_type"),
    ],
)
def test_wrong_types_name_the_path(config: object, path: str, words: str) -> None:
    assert words in _violations(config)[path]


def test_unknowns_and_nones_are_not_validated() -> None:
    assert _violations(UNKNOWN) == {}
    assert _violations({"access_type": UNKNOWN, "moderation": None}) == {}
    assert _violations({"moderation_restrictions": UNKNOWN}) == {}
    assert _violations({"access_type": schema.UNKNOWN}) == {}


@pytest.mark.parametrize(
    ("config", "refused"),
    [
        (
            {"moderation": "OFF", "moderation_restrictions": {"chat_restriction": "HOSTS_ONLY"}},
            True,
        ),
        ({"moderation_restrictions": {"present_restriction": "HOSTS_ONLY"}}, True),
        (
            {"moderation": "ON", "moderation_restrictions": {"chat_restriction": "HOSTS_ONLY"}},
            False,
        ),
        (
            {"moderation": UNKNOWN, "moderation_restrictions": {"chat_restriction": "HOSTS_ONLY"}},
            False,
        ),
        ({"moderation": "OFF", "moderation_restrictions": {"chat_restriction": None}}, False),
        ({"moderation": "OFF"}, False),
    ],
)
def test_restrictions_need_moderation_on(config: dict[str, Any], refused: bool) -> None:
    conflicts = schema.config_conflicts(config)
    assert [v.property for v in conflicts] == (
        ["config.moderation_restrictions"] if refused else []
    )


# ------------------------------------------------------------------ diff, mask, body


EFFECTIVE = {
    "config": {
        "access_type": "TRUSTED",
        "entry_point_access": "ALL",
        "moderation": "OFF",
        "moderation_restrictions": {
            "chat_restriction": "NO_RESTRICTION",
            "reaction_restriction": "NO_RESTRICTION",
            "present_restriction": "NO_RESTRICTION",
            "default_join_as_viewer_type": "OFF",
        },
        "attendance_report_generation_type": "DO_NOT_GENERATE",
        "artifact_config": {
            "recording_config": {"auto_recording_generation": "OFF"},
            "transcription_config": {"auto_transcription_generation": "OFF"},
            "smart_notes_config": {"auto_smart_notes_generation": "OFF"},
        },
    }
}


def test_only_set_fields_that_differ_are_changes() -> None:
    declared = {
        "config": {
            "access_type": "TRUSTED",
            "artifact_config": {"recording_config": {"auto_recording_generation": "ON"}},
        }
    }
    changed = schema.changed_fields(declared, EFFECTIVE, CONFIG_FIELDS)
    assert schema.update_mask(changed) == [
        "config.artifactConfig.recordingConfig.autoRecordingGeneration"
    ]
    assert schema.changed_fields({"config": {}}, EFFECTIVE, CONFIG_FIELDS) == []
    assert schema.changed_fields({}, EFFECTIVE, CONFIG_FIELDS) == []


def test_enum_members_compare_equal_to_their_names() -> None:
    declared = {"config": {"access_type": meet.AccessType.TRUSTED}}
    assert schema.changed_fields(declared, EFFECTIVE, CONFIG_FIELDS) == []


def test_unknowns_are_changes_at_any_depth() -> None:
    assert (
        len(schema.changed_fields({"config": {"access_type": UNKNOWN}}, EFFECTIVE, CONFIG_FIELDS))
        == 1
    )
    assert len(schema.changed_fields({"config": UNKNOWN}, EFFECTIVE, CONFIG_FIELDS)) == len(
        CONFIG_FIELDS
    )
    nested = {"config": {"moderation_restrictions": UNKNOWN}}
    assert len(schema.changed_fields(nested, EFFECTIVE, CONFIG_FIELDS)) == 4


def test_api_body_is_camel_case_and_limited_to_the_given_fields() -> None:
    declared = {
        "config": {
            "access_type": meet.AccessType.OPEN,
            "moderation_restrictions": {"present_restriction": "HOSTS_ONLY"},
        }
    }
    assert schema.api_body(declared, CONFIG_FIELDS) == {
        "config": {
            "accessType": "OPEN",
            "moderationRestrictions": {"presentRestriction": "HOSTS_ONLY"},
        }
    }
    only = [f for f in CONFIG_FIELDS if f.path[-1] == "access_type"]
    assert schema.api_body(declared, only) == {"config": {"accessType": "OPEN"}}
    assert schema.api_body({}, CONFIG_FIELDS) == {}


def test_managed_values_take_live_values_for_declared_fields_only() -> None:
    declared = {
        "config": {
            "access_type": "OPEN",
            "artifact_config": {"recording_config": {"auto_recording_generation": "ON"}},
        }
    }
    assert schema.managed_values(declared, EFFECTIVE, CONFIG_FIELDS, "config") == {
        "access_type": "TRUSTED",
        "artifact_config": {"recording_config": {"auto_recording_generation": "OFF"}},
    }


API_SPACE = {
    "name": "spaces/abcDEF123456",
    "meetingUri": "https://meet.google.com/abc-mnop-xyz",
    "meetingCode": "abc-mnop-xyz",
    "config": {
        "accessType": "TRUSTED",
        "moderationRestrictions": {"chatRestriction": "HOSTS_ONLY"},
        "artifactConfig": {"smartNotesConfig": {"autoSmartNotesGeneration": "ON"}},
    },
    "activeConference": {"conferenceRecord": "conferenceRecords/xyz"},
    "phoneAccess": [
        {"phoneNumber": "+1 555", "pin": "123", "regionCode": "US", "languageCode": "en"}
    ],
    "gatewaySipAccess": [{"uri": "sip:1@gw", "sipAccessCode": "99"}],
}


def test_outputs_from_api_follow_the_table() -> None:
    outputs = schema.outputs_from_api(API_SPACE, SPACE_FIELDS)
    assert outputs == {
        "name": "spaces/abcDEF123456",
        "meeting_uri": "https://meet.google.com/abc-mnop-xyz",
        "meeting_code": "abc-mnop-xyz",
        "config": {
            "access_type": "TRUSTED",
            "moderation_restrictions": {"chat_restriction": "HOSTS_ONLY"},
            "artifact_config": {"smart_notes_config": {"auto_smart_notes_generation": "ON"}},
        },
        "active_conference": "conferenceRecords/xyz",
        "phone_access": [
            {"phone_number": "+1 555", "pin": "123", "region_code": "US", "language_code": "en"}
        ],
        "gateway_sip_access": [{"uri": "sip:1@gw", "sip_access_code": "99"}],
    }
    assert set(outputs) == set(schema.OUTPUT_NAMES)


def test_a_non_owner_view_has_no_config_and_empty_access_lists() -> None:
    outputs = schema.outputs_from_api(
        {"name": "spaces/x", "meetingUri": "u", "meetingCode": "c"}, SPACE_FIELDS
    )
    assert "config" not in outputs
    assert outputs["active_conference"] is None
    assert outputs["phone_access"] == [] and outputs["gateway_sip_access"] == []


_json = st.recursive(
    st.none() | st.booleans() | st.floats(allow_nan=False) | st.text(max_size=5),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=20,
)
_space_like = st.fixed_dictionaries(
    {},
    optional={
        key: _json
        for key in (
            "name",
            "meetingUri",
            "config",
            "activeConference",
            "phoneAccess",
            "gatewaySipAccess",
        )
    },
)


@settings(max_examples=200, deadline=None)
@given(_space_like)
def test_outputs_from_api_never_fails(response: dict[str, Any]) -> None:
    outputs = schema.outputs_from_api(response, SPACE_FIELDS)
    assert json.loads(json.dumps(outputs)) == outputs


# ------------------------------------------------------------------ references


@pytest.mark.parametrize(
    ("reference", "expected"),
    [
        ("spaces/jQCFfuBOdN5z", "spaces/jQCFfuBOdN5z"),
        ("abc-mnop-xyz", "spaces/abc-mnop-xyz"),
        ("ABC-mnop-XYZ", "spaces/abc-mnop-xyz"),
        ("https://meet.google.com/abc-mnop-xyz", "spaces/abc-mnop-xyz"),
        ("https://meet.google.com/ABC-MNOP-XYZ/?authuser=1", "spaces/abc-mnop-xyz"),
        (" spaces/abc_DEF-1 ", "spaces/abc_DEF-1"),
        ("meet.google.com/abc-mnop-xyz", "spaces/abc-mnop-xyz"),
        ("https://evil.example.com/abc-mnop-xyz", None),
        ("evil.example.com/abc-mnop-xyz", None),
        ("[", None),
        ("spaces/", None),
        ("spaces/a/b", None),
        ("abcmnopxyz", None),
        ("", None),
    ],
)
def test_space_references(reference: str, expected: str | None) -> None:
    assert schema.space_name_from_reference(reference) == expected
