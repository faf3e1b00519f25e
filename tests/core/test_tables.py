"""The field tables are the one source: a row added to a table reaches every surface.

The made-up leaf below (a whiteboard artifact, in a new nested object) is one row plus the
description of its object; nothing else is edited, and validation, diff, the ``updateMask``, the
API body, the outputs, the package schema, the generated ``*Args`` classes, the docs' tables and
the replacing inputs all carry it.
"""

from __future__ import annotations

import dataclasses
import sys
import types
from typing import Any

import pytest

from pulumi_meet.core import engine, enums
from pulumi_meet.core.enums import AutoGenerationType
from pulumi_meet.core.member_fields import MEMBER
from pulumi_meet.core.space_fields import LOOKUP, SPACE
from pulumi_meet.core.table import Field, Mutability, Table
from pulumi_meet.dynamic.generate import args_source, doc_tables
from pulumi_meet.plugin.schema import SPACE as SPACE_TOKEN
from pulumi_meet.plugin.schema import package_schema, resource_schemas

LEAF = Field(
    ("config", "artifact_config", "whiteboard_config", "auto_whiteboard_generation"),
    ("config", "artifactConfig", "whiteboardConfig", "autoWhiteboardGeneration"),
    Mutability.OPTIONAL_COMPUTED,
    AutoGenerationType,
    description="Open a whiteboard automatically when the meeting starts.",
)
OBJECT = {"config.artifact_config.whiteboard_config": "Automatic whiteboards."}
MASK = "config.artifactConfig.whiteboardConfig.autoWhiteboardGeneration"
DECLARED = {
    "config": {"artifact_config": {"whiteboard_config": {"auto_whiteboard_generation": "ON"}}}
}


@pytest.fixture(scope="module")
def table() -> Table:
    return SPACE.with_rows(LEAF, objects=OBJECT)


def test_the_new_leaf_is_validated(table: Table) -> None:
    bad = {"artifact_config": {"whiteboard_config": {"auto_whiteboard_generation": "MAYBE"}}}
    found = {v.property: v.reason for v in engine.validate_object("config", bad, table.settable)}
    where = "config.artifact_config.whiteboard_config.auto_whiteboard_generation"
    assert list(found) == [where] and "is not one of ON, OFF" in found[where]
    assert engine.validate_object("config", DECLARED["config"], table.settable) == []
    # Without the row, the same input is an unknown property: the row is what makes it valid.
    before = engine.validate_object("config", DECLARED["config"], SPACE.settable)
    assert [v.property for v in before] == ["config.artifact_config.whiteboard_config"]


def test_the_new_leaf_is_diffed_masked_and_sent(table: Table) -> None:
    olds = {"config": {"access_type": "OPEN"}}
    changed = engine.changed_fields(DECLARED, olds, table.settable)
    assert changed == [LEAF]
    assert engine.update_mask(changed) == [MASK]
    assert engine.api_body(DECLARED, table.settable) == {
        "config": {"artifactConfig": {"whiteboardConfig": {"autoWhiteboardGeneration": "ON"}}}
    }
    live = {
        "config": {"artifact_config": {"whiteboard_config": {"auto_whiteboard_generation": "OFF"}}}
    }
    managed = engine.managed_values(DECLARED, live, table.settable, "config")
    assert managed == live["config"]


def test_the_new_leaf_is_an_output(table: Table) -> None:
    response = {
        "name": "spaces/x",
        "config": {"artifactConfig": {"whiteboardConfig": {"autoWhiteboardGeneration": "ON"}}},
    }
    outputs = engine.outputs_from_api(response, table.api_fields)
    assert outputs["config"]["artifact_config"]["whiteboard_config"] == {
        "auto_whiteboard_generation": "ON"
    }
    assert "whiteboard_config" not in str(engine.outputs_from_api(response, SPACE.api_fields))


def test_the_new_leaf_is_in_the_package_schema_with_its_description(table: Table) -> None:
    generated = resource_schemas(table, MEMBER, LOOKUP)
    kinds = generated["types"]
    whiteboard = kinds["meet:index:WhiteboardConfig"]
    assert whiteboard["description"] == "Automatic whiteboards."
    leaf = whiteboard["properties"]["autoWhiteboardGeneration"]
    assert leaf == {
        "$ref": "#/types/meet:index:AutoGenerationType",
        "description": LEAF.description,
    }
    artifact = kinds["meet:index:ArtifactConfig"]["properties"]["whiteboardConfig"]
    assert artifact["$ref"] == "#/types/meet:index:WhiteboardConfig"
    space = generated["resources"][SPACE_TOKEN]
    assert space["inputProperties"]["config"]["$ref"] == "#/types/meet:index:SpaceConfig"
    # Everything else is what the committed schema says.
    committed = package_schema()
    assert set(kinds) - set(committed["types"]) == {"meet:index:WhiteboardConfig"}
    assert generated["resources"][SPACE_TOKEN] == committed["resources"][SPACE_TOKEN]


def test_the_new_leaf_has_a_typed_args_class(table: Table) -> None:
    source = args_source(table)
    module = types.ModuleType("generated_args_for_test")
    sys.modules[module.__name__] = module
    try:
        exec(compile(source, "<generated>", "exec"), module.__dict__)
    finally:
        del sys.modules[module.__name__]
    whiteboard = module.WhiteboardConfigArgs
    assert [f.name for f in dataclasses.fields(whiteboard)] == ["auto_whiteboard_generation"]
    assert '"""Open a whiteboard automatically when the meeting starts."""' in source
    artifact = module.ArtifactConfigArgs(
        whiteboard_config=whiteboard(auto_whiteboard_generation="ON")
    )
    assert module.SpaceConfigArgs(artifact_config=artifact).to_dict() == DECLARED["config"]
    assert "WhiteboardConfigArgs" not in args_source(SPACE)


def test_the_new_leaf_is_in_the_docs_table(table: Table) -> None:
    rows = doc_tables(table)["config fields"].splitlines()
    mine = [line for line in rows if "auto_whiteboard_generation" in line]
    assert mine == [
        "| `artifact_config.whiteboard_config.auto_whiteboard_generation` | `ON`, `OFF` "
        f"(`AutoGenerationType`) | `{MASK}` | {LEAF.description} |"
    ]


def test_a_leaf_never_replaces_and_a_replacing_input_row_does(table: Table) -> None:
    assert table.replacing_inputs == SPACE.replacing_inputs == ("adopt", "owner")
    room_group = Field(
        ("room_group",),
        (),
        Mutability.INPUT,
        replaces=True,
        description="The group the room belongs to; another group replaces the room.",
    )
    grouped = SPACE.with_rows(room_group)
    assert grouped.replacing_inputs == ("adopt", "owner", "room_group")
    inputs = resource_schemas(grouped, MEMBER, LOOKUP)["resources"][SPACE_TOKEN]["inputProperties"]
    assert inputs["roomGroup"] == {
        "type": "string",
        "description": room_group.description,
        "replaceOnChanges": True,
    }
    assert "| `room_group` | str | replaces |" in doc_tables(grouped)["inputs"]


def test_a_row_or_object_without_a_description_is_refused() -> None:
    with pytest.raises(ValueError, match="auto_whiteboard_generation: no description"):
        SPACE.with_rows(dataclasses.replace(LEAF, description=""), objects=OBJECT)
    with pytest.raises(ValueError, match="whiteboard_config: no description in objects"):
        SPACE.with_rows(LEAF)
    with pytest.raises(ValueError, match="describes nothing"):
        SPACE.with_rows(objects={"config.nothing": "Nothing."})
    immutable = Field(("x",), ("x",), Mutability.IMMUTABLE, description="X.")
    with pytest.raises(ValueError, match="replaces=True"):
        SPACE.with_rows(immutable)


def test_the_tables_derive_the_names_the_operations_use() -> None:
    assert SPACE.input_names == ("config", "deletion_policy", "adopt", "owner")
    assert SPACE.echo_names == (
        "owner",
        "deletion_policy",
        "adopt",
        "declared_config",
        "declared_owner",
    )
    assert SPACE.recorded_names == ("owner", "deletion_policy")
    assert SPACE.required_output_names == (
        "name",
        "meeting_uri",
        "meeting_code",
        "owner",
        "deletion_policy",
    )
    assert MEMBER.input_names == ("space", "email", "role", "owner", "adopt")
    assert MEMBER.output_names == ("name", "space", "email", "role", "owner", "declared_owner")
    assert MEMBER.replacing_inputs == ("space", "email", "adopt")
    assert MEMBER.required_inputs == ("space", "email")
    assert SPACE.input_row("owner").description != SPACE.output_row("owner").description


def test_enum_value_descriptions_are_data_on_the_members() -> None:
    schema_types = package_schema()["types"]
    enum_classes = [
        value
        for value in vars(enums).values()
        if isinstance(value, type)
        and issubclass(value, enums.Enum)
        and value.__module__ == enums.__name__
        and list(value)
    ]
    assert len(enum_classes) == 9
    for enum in enum_classes:
        values: list[dict[str, Any]] = schema_types[f"meet:index:{enum.__name__}"]["enum"]
        assert [v["value"] for v in values] == [m.value for m in enum]
        assert [v.get("description", "") for v in values] == [m.description for m in enum]
    assert enums.AccessType.OPEN.description == "Anyone with the join information."
    assert enums.AccessType("OPEN") is enums.AccessType.OPEN
