"""The package schema: generated from the tables, committed, valid against Pulumi's metaschema."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

import jsonschema
import pytest

import pulumi_meet
from pulumi_meet.core import member_fields as members
from pulumi_meet.core import space_fields as fields
from pulumi_meet.core.space_fields import Mutability
from pulumi_meet.plugin.config import CONFIG_KEYS
from pulumi_meet.plugin.names import TO_CAMEL, TO_SNAKE, camel_text, to_camel, to_snake
from pulumi_meet.plugin.schema import GET_SPACE, SPACE, SPACE_MEMBER, package_schema, schema_text
from tests.conftest import REPO_ROOT

REGENERATE = "pulumi-resource-meet --schema > schema.json"


@pytest.fixture(scope="module")
def schema() -> dict[str, Any]:
    return package_schema()


def _type(schema: dict[str, Any], spec: dict[str, Any]) -> dict[str, Any]:
    ref = spec.get("$ref", "")
    return schema["types"][ref.removeprefix("#/types/")] if ref else spec


def _at(
    schema: dict[str, Any], properties: dict[str, Any], path: tuple[str, ...]
) -> dict[str, Any]:
    """The property spec at a camelCase path, following ``#/types`` references."""
    spec = properties[path[0]]
    for key in path[1:]:
        spec = _type(schema, spec)["properties"][key]
    return spec


def test_the_committed_schema_is_the_generated_one() -> None:
    committed = (REPO_ROOT / "schema.json").read_text()
    assert committed == schema_text(), f"schema.json is stale: run `{REGENERATE}`"


def test_the_package_metadata_agrees_with_pyproject(schema: dict[str, Any]) -> None:
    try:
        import tomllib
    except ImportError:  # Python 3.10: pytest's own dependency
        import tomli as tomllib  # type: ignore[no-redef]

    project = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text())["project"]
    assert schema["version"] == pulumi_meet.__version__
    assert schema["license"] == project["license"]
    assert schema["repository"] == project["urls"]["Source"]
    assert schema["homepage"] == project["urls"]["Homepage"]
    assert schema["publisher"]
    assert {"pulumi", "meet"} <= set(schema["keywords"])
    # What `pulumi package add <git url>` would set: the repository's owner, lower-cased.
    assert schema["namespace"] == schema["repository"].split("/")[3].lower()
    # A release carries a wheel, not the plugin tarball the engine would download from there.
    assert "pluginDownloadURL" not in schema


def test_the_schema_is_valid_against_pulumis_metaschema(
    schema: dict[str, Any], pulumi_schema: Callable[[str], dict[str, Any]]
) -> None:
    text = json.dumps(pulumi_schema("pulumi-package.schema.json"))
    # The metaschema's patterns are ECMA-262: named groups are (?<name>...), Python's (?P<name>...).
    metaschema = json.loads(re.sub(r"\(\?<(?=[A-Za-z])", "(?P<", text))
    validator = jsonschema.Draft202012Validator(metaschema)
    validator.validate(schema)
    broken = {
        **schema,
        "version": "one",
        "types": {"meet:index:X": {"type": "object", "properties": {"a": {"type": 3}}}},
    }
    assert len(list(validator.iter_errors(broken))) >= 2  # the validation can fail


def test_every_reference_resolves(schema: dict[str, Any]) -> None:
    refs = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if "$ref" in node:
                refs.append(node["$ref"])
            for item in node.values():
                walk(item)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(schema)
    assert refs
    for ref in refs:
        assert ref.removeprefix("#/types/") in schema["types"], ref


def test_every_config_leaf_is_an_input_and_an_output_with_its_enum(schema: dict[str, Any]) -> None:
    space = schema["resources"][SPACE]
    for spec in fields.CONFIG_FIELDS:
        path = tuple(TO_CAMEL[key] for key in spec.path)
        assert spec.path == tuple(TO_SNAKE[key] for key in path)
        for properties in (space["inputProperties"], space["properties"]):
            enum = _type(schema, _at(schema, properties, path))
            assert [v["value"] for v in enum["enum"]] == list(spec.allowed_values), path
            assert all(
                v["description"] for v in enum["enum"] if v["value"] in ("OPEN", "HOSTS_ONLY")
            )


def test_output_only_fields_are_outputs_only(schema: dict[str, Any]) -> None:
    space = schema["resources"][SPACE]
    for spec in fields.SPACE_FIELDS:
        if spec.mutability is Mutability.OUTPUT_ONLY:
            assert TO_CAMEL[spec.path[0]] in space["properties"]
            assert TO_CAMEL[spec.path[0]] not in space["inputProperties"]
    assert set(space["inputProperties"]) == {TO_CAMEL[n] for n in fields.INPUT_NAMES}
    member = schema["resources"][SPACE_MEMBER]
    assert set(member["inputProperties"]) == {TO_CAMEL[n] for n in members.MEMBER_INPUT_NAMES}
    assert "name" in member["properties"] and "name" not in member["inputProperties"]


def test_replace_on_changes_and_required_inputs_follow_the_rules(schema: dict[str, Any]) -> None:
    def replacing(resource: str) -> set[str]:
        inputs = schema["resources"][resource]["inputProperties"]
        return {name for name, spec in inputs.items() if spec.get("replaceOnChanges")}

    assert replacing(SPACE) == {TO_CAMEL[n] for n in fields.SPACE.replacing_inputs}
    assert replacing(SPACE) == {"adopt", "owner"}
    immutable = {TO_CAMEL[spec.path[0]] for spec in members.IMMUTABLE_FIELDS}
    assert immutable == {"space", "email"}
    assert replacing(SPACE_MEMBER) == {TO_CAMEL[n] for n in members.MEMBER.replacing_inputs}
    assert replacing(SPACE_MEMBER) == immutable | {"adopt"}
    assert set(schema["resources"][SPACE_MEMBER]["requiredInputs"]) == immutable
    assert "requiredInputs" not in schema["resources"][SPACE]


def test_config_keys_and_secrets(schema: dict[str, Any]) -> None:
    variables = schema["config"]["variables"]
    assert list(variables) == [key.name for key in CONFIG_KEYS]
    assert [k for k, v in variables.items() if v.get("secret")] == ["credentials"]
    assert schema["provider"]["inputProperties"]["credentials"]["secret"] is True
    text = json.dumps(schema["resources"])
    assert '"secret"' not in text  # no resource property holds a secret


def test_get_space_takes_a_reference_and_returns_the_tables_outputs(schema: dict[str, Any]) -> None:
    function = schema["functions"][GET_SPACE]
    assert function["inputs"]["required"] == ["space"]
    assert set(function["outputs"]["properties"]) == {TO_CAMEL[n] for n in fields.OUTPUT_NAMES}


def test_names_convert_both_ways_and_in_messages() -> None:
    assert len(TO_CAMEL) == len(TO_SNAKE)
    value = {
        "config": {"moderation_restrictions": {"chat_restriction": "HOSTS_ONLY"}},
        "odd_key": 1,
    }
    assert to_camel(value) == {
        "config": {"moderationRestrictions": {"chatRestriction": "HOSTS_ONLY"}},
        "odd_key": 1,
    }
    assert to_snake(to_camel(value)) == value
    assert camel_text("set deletion_policy='ABANDON' for spaces/meeting_code") == (
        "set deletionPolicy='ABANDON' for spaces/meeting_code"
    )
