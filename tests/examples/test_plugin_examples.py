"""The plugin examples use only types, properties and values that the package schema declares.

``examples/yaml-rooms`` is checked structurally (every resource type, every property at every
depth, every enum value, every ``${resource.output}`` reference); ``examples/typescript-rooms``
and ``examples/typescript-components`` (rooms inside components) by the types they construct and
the property keys they write. Both are checked against the
committed ``schema.json``, which a plugin test keeps equal to the generated schema.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import REPO_ROOT

SCHEMA_PATH = REPO_ROOT / "schema.json"
YAML_ROOMS = REPO_ROOT / "examples" / "yaml-rooms" / "Pulumi.yaml"
TYPESCRIPT_ROOMS = REPO_ROOT / "examples" / "typescript-rooms" / "index.ts"
TYPESCRIPT_COMPONENTS = REPO_ROOT / "examples" / "typescript-components" / "index.ts"
_INTERPOLATION = re.compile(r"\$\{([^}]+)\}")


@pytest.fixture(scope="module")
def schema() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(SCHEMA_PATH.read_text())
    return loaded


def _resolve(schema: Mapping[str, Any], spec: Mapping[str, Any]) -> Mapping[str, Any]:
    """A property spec with a local ``#/types/...`` reference replaced by the type it names."""
    ref = spec.get("$ref")
    if isinstance(ref, str) and ref.startswith("#/types/"):
        resolved: Mapping[str, Any] = schema["types"][ref.removeprefix("#/types/")]
        return resolved
    return spec


def _violations(
    schema: Mapping[str, Any], spec: Mapping[str, Any], value: Any, where: str
) -> Iterator[str]:
    """What is wrong with ``value`` against the (possibly referenced) schema ``spec``."""
    spec = _resolve(schema, spec)
    if isinstance(value, str) and _INTERPOLATION.fullmatch(value):
        return  # an output of another resource or a config value: typed by the engine
    if "enum" in spec:
        allowed = [str(entry["value"]) for entry in spec["enum"]]
        if str(value) not in allowed:
            yield f"{where}: {value!r} is not one of {allowed}"
        return
    if spec.get("type") == "object" and "properties" in spec:
        if not isinstance(value, Mapping):
            yield f"{where}: expected an object, got {value!r}"
            return
        for key, item in value.items():
            if key not in spec["properties"]:
                yield f"{where}.{key}: not a property (known: {sorted(spec['properties'])})"
            else:
                yield from _violations(schema, spec["properties"][key], item, f"{where}.{key}")
        return
    if spec.get("type") == "string" and not isinstance(value, str):
        yield f"{where}: expected a string, got {value!r}"


def test_yaml_rooms_uses_only_what_the_schema_declares(schema: dict[str, Any]) -> None:
    program = yaml.safe_load(YAML_ROOMS.read_text())
    problems: list[str] = []
    for name, resource in program["resources"].items():
        token = resource["type"]
        if token not in schema["resources"]:
            problems.append(f"{name}: unknown type {token}")
            continue
        declared = schema["resources"][token]
        inputs = {"type": "object", "properties": declared["inputProperties"]}
        problems += _violations(schema, inputs, resource.get("properties", {}), name)
        missing = set(declared.get("requiredInputs", [])) - set(resource.get("properties", {}))
        problems += [f"{name}: required input {key} missing" for key in sorted(missing)]
    assert problems == []


def test_yaml_rooms_references_only_declared_outputs(schema: dict[str, Any]) -> None:
    program = yaml.safe_load(YAML_ROOMS.read_text())
    types = {name: resource["type"] for name, resource in program["resources"].items()}
    config = set(program.get("config", {}))
    references = _INTERPOLATION.findall(YAML_ROOMS.read_text())
    assert references, "the example wires outputs into inputs"
    for reference in references:
        head, _, attribute = reference.partition(".")
        if not attribute:
            assert head in config, f"${{{reference}}}: no such config value"
            continue
        assert head in types, f"${{{reference}}}: no such resource"
        outputs = schema["resources"][types[head]]["properties"]
        assert attribute in outputs, f"${{{reference}}}: {types[head]} has no output {attribute}"


def test_yaml_rooms_quotes_the_on_values() -> None:
    # A YAML 1.1 reader turns a bare ON into `true`: the example must survive either reader.
    program = yaml.safe_load(YAML_ROOMS.read_text())
    values = json.dumps(program)
    assert "true" not in values and "false" not in values


def _typescript_keys_and_values(source: str, schema: dict[str, Any], rooms: str) -> None:
    """Every ``meet.X`` constructed, property key written and enum value used is the schema's;
    ``rooms`` is a regex of the variables holding Spaces, whose outputs must be declared."""
    constructed = set(re.findall(r"new meet\.(\w+)\(", source))
    assert constructed == {"Space", "SpaceMember"}
    for name in constructed:
        assert f"meet:index:{name}" in schema["resources"]
    known: set[str] = set()
    for resource in schema["resources"].values():
        known |= set(resource["inputProperties"])
    for declared_type in schema["types"].values():
        known |= set(declared_type.get("properties", {}))
    body = source.split("import * as meet", 1)[1]
    keys = set(re.findall(r"^\s*(\w+):", body, flags=re.MULTILINE))
    keys |= set(re.findall(r"\{ (\w+):", body))
    assert keys, "the example sets properties"
    assert keys - known == set()
    for output in re.findall(rf"(?:{rooms})\.(\w+)", body):
        assert output in schema["resources"]["meet:index:Space"]["properties"], output
    allowed: set[str] = set()
    for declared_type in schema["types"].values():
        allowed |= {str(entry["value"]) for entry in declared_type.get("enum", [])}
    for key, value in re.findall(r"(\w+): \"([A-Z_]+)\"", source):
        assert value in allowed, f"{key}: {value} is not an enum value of the schema"


def test_typescript_rooms_uses_only_what_the_schema_declares(schema: dict[str, Any]) -> None:
    _typescript_keys_and_values(TYPESCRIPT_ROOMS.read_text(), schema, "standup|supportBridge")


def test_typescript_components_uses_only_what_the_schema_declares(
    schema: dict[str, Any],
) -> None:
    source = TYPESCRIPT_COMPONENTS.read_text()
    # The components' own arguments (lead, cohosts...) are the example's; what reaches meet.*
    # (each `new meet.X(name, {...}, children)` inside TeamRooms) is held to the schema.
    meet_calls = "\n".join(
        re.findall(r"new meet\.\w+\([^;]*?\}, children\)", source, flags=re.DOTALL)
    )
    assert meet_calls.count("new meet.") == 2, "a Space and a SpaceMember inside TeamRooms"
    _typescript_keys_and_values("import * as meet\n" + meet_calls, schema, r"this\.room")
    for access in re.findall(r"\"([A-Z]+)\"", source.split("type Access =", 1)[1].split(";")[0]):
        enum = schema["types"]["meet:index:AccessType"]["enum"]
        assert access in [entry["value"] for entry in enum]
    assert 'super("example:index:TeamRooms"' in source and "{ parent: this }" in source


def test_yaml_rooms_project_points_the_engine_at_the_plugin() -> None:
    project = yaml.safe_load(YAML_ROOMS.read_text())
    # The source-based plugin package, as `pulumi package add ../../provider` writes it.
    folder = (YAML_ROOMS.parent / project["packages"]["meet"]).resolve()
    assert folder == REPO_ROOT / "provider"
    assert (folder / "PulumiPlugin.yaml").is_file()


def test_typescript_rooms_adds_the_plugin_package() -> None:
    folder = TYPESCRIPT_ROOMS.parent
    project = yaml.safe_load((folder / "Pulumi.yaml").read_text())
    assert (folder / project["packages"]["meet"]).resolve() == REPO_ROOT / "provider"
    readme = (folder / "README.md").read_text()
    assert "pulumi package add ../../provider" in readme
    assert "github.com/pulumi-meet/pulumi-meet/provider@" in readme


def test_examples_are_documented() -> None:
    readme = (REPO_ROOT / "examples" / "README.md").read_text()
    for folder in ("yaml-rooms", "typescript-rooms", "typescript-components"):
        assert f"`{folder}`" in readme
        assert Path(REPO_ROOT / "examples" / folder).is_dir()
