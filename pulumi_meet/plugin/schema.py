"""The ``meet`` package schema, generated from the field tables.

Types, nesting, enums (with the descriptions their members carry), output-only properties,
required inputs and outputs, ``replaceOnChanges``, every description and secrets all come from
the tables that also drive check, diff and the ``updateMask`` (:data:`~pulumi_meet.core.
space_fields.SPACE`, :data:`~pulumi_meet.core.space_fields.LOOKUP`, :data:`~pulumi_meet.core.
member_fields.MEMBER`) and from the configuration table (:mod:`pulumi_meet.plugin.config`).
Nothing is written here but the package's own metadata: a description names properties in
snake_case, as the tables do, and reads them here in the schema's camelCase.

Regenerate the committed ``schema.json`` with ``pulumi-resource-meet --schema > schema.json``.
"""

from __future__ import annotations

import inspect
import json
from collections.abc import Iterable, Mapping
from enum import Enum
from functools import cache
from typing import Any

import pulumi_meet
from pulumi_meet.client.config_keys import CONFIG_KEYS
from pulumi_meet.core import member_fields as members
from pulumi_meet.core import space_fields as fields
from pulumi_meet.core.table import Field, Table, pascal
from pulumi_meet.core.tokens import GET_SPACE, PACKAGE, SPACE, SPACE_MEMBER
from pulumi_meet.plugin.names import camel_text, names_of
from pulumi_meet.plugin.records import function_schemas

__all__ = [
    "GET_SPACE",
    "PACKAGE",
    "SPACE",
    "SPACE_MEMBER",
    "package_schema",
    "resource_schemas",
    "schema_text",
]


# -------------------------------------------------------------------- helpers


def _token(name: str) -> str:
    return f"{PACKAGE}:index:{name}"


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/types/{_token(name)}"}


def _doc(obj: object) -> str:
    return inspect.cleandoc(obj.__doc__ or "").replace("``", "`")


def _enum_type(enum: type[Enum]) -> dict[str, Any]:
    values = []
    for member in enum:
        value: dict[str, Any] = {"value": str(member.value)}
        description = getattr(member, "description", "")
        if description:
            value["description"] = description
        values.append(value)
    return {"description": _doc(enum), "type": "string", "enum": values}


def _without_replace(spec: Mapping[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in spec.items() if key != "replaceOnChanges"}


class _Builder:
    """Collects the types while the resources of the given tables are generated."""

    def __init__(self, tables: Iterable[Table]) -> None:
        self.types: dict[str, Any] = {}
        self.names = names_of(tables)

    def text(self, description: str) -> str:
        """A table's description as the schema spells it (property names in camelCase)."""
        return camel_text(description, self.names)

    def enum(self, enum: type[Enum]) -> dict[str, str]:
        self.types.setdefault(_token(enum.__name__), _enum_type(enum))
        return _ref(enum.__name__)

    def string_or_enum(self, row: Field) -> dict[str, Any]:
        spec: dict[str, Any] = dict(self.enum(row.enum)) if row.enum else {"type": "string"}
        spec["description"] = self.text(row.description)
        return spec

    # ---------------------------------------------------------------- SpaceConfig and records

    def config_object(self, table: Table, specs: Iterable[Field], depth: int) -> dict[str, str]:
        """The object type of the settable fields below ``depth`` (``config`` at depth 1)."""
        specs = list(specs)
        path = specs[0].path[:depth]
        type_name = f"{table.name}{pascal(path[0])}" if depth == 1 else pascal(path[-1])
        groups: dict[str, list[Field]] = {}
        for spec in specs:
            groups.setdefault(spec.path[depth], []).append(spec)
        properties: dict[str, Any] = {}
        for name, group in groups.items():
            key = self.names[name]
            if len(group) == 1 and len(group[0].path) == depth + 1:
                properties[key] = self.string_or_enum(group[0])
            else:
                nested = self.config_object(table, group, depth + 1)
                description = table.describe(".".join((*path, name)))
                properties[key] = {**nested, "description": self.text(description)}
        self.types[_token(type_name)] = {
            "description": self.text(table.describe(".".join(path))),
            "type": "object",
            "properties": properties,
        }
        return _ref(type_name)

    def records(self, table: Table, spec: Field) -> dict[str, Any]:
        """An array of the record type of a ``record_keys`` field."""
        name = spec.name
        self.types[_token(pascal(name))] = {
            "description": self.text(table.describe(name)),
            "type": "object",
            "properties": {
                camel_key: {
                    "type": "string",
                    "description": self.text(table.describe(f"{name}.{snake}")),
                }
                for snake, camel_key in spec.record_keys
            },
        }
        return {"type": "array", "items": _ref(pascal(name))}

    # ---------------------------------------------------------------- properties

    def property(self, table: Table, name: str, row: Field | None) -> dict[str, Any]:
        """The schema of the top-level property ``name`` (``row``: its row; none for objects)."""
        if row is None:
            config = self.config_object(table, table.rows_named(name), 1)
            return {**config, "description": self.text(table.describe(name))}
        if row.record_keys:
            return {**self.records(table, row), "description": self.text(row.description)}
        return self.string_or_enum(row)

    def inputs(self, table: Table) -> dict[str, Any]:
        inputs: dict[str, Any] = {}
        for name in table.input_names:
            spec = self.property(table, name, table.input_row(name))
            if name in table.replacing_inputs:
                spec["replaceOnChanges"] = True
            inputs[self.names[name]] = spec
        return inputs

    def outputs(self, table: Table, names: Iterable[str]) -> dict[str, Any]:
        return {
            self.names[name]: _without_replace(self.property(table, name, table.output_row(name)))
            for name in names
        }

    # ---------------------------------------------------------------- resources

    def resource(self, table: Table) -> dict[str, Any]:
        """A resource: its outputs (the internal echoes left out) and its inputs."""
        resource: dict[str, Any] = {
            "description": self.text(table.description),
            "properties": self.outputs(table, table.schema_output_names),
            "required": [self.names[n] for n in table.required_output_names],
            "inputProperties": self.inputs(table),
        }
        if table.required_inputs:
            resource["requiredInputs"] = [self.names[n] for n in table.required_inputs]
        return resource

    def function(self, lookup: Table, space: Table) -> dict[str, Any]:
        """A lookup whose inputs are ``lookup``'s and whose outputs are ``space``'s API fields."""
        return {
            "description": self.text(lookup.description),
            "inputs": {
                "properties": self.inputs(lookup),
                "required": [self.names[n] for n in lookup.required_inputs],
            },
            "outputs": {
                "properties": self.outputs(space, space.api_output_names),
                "required": [self.names[n] for n in space.present_names],
            },
        }


def resource_schemas(space: Table, member: Table, lookup: Table) -> dict[str, Any]:
    """The ``types``, ``resources`` and ``functions`` of the schema, generated from the tables."""
    builder = _Builder((space, member, lookup))
    resources = {SPACE: builder.resource(space), SPACE_MEMBER: builder.resource(member)}
    record_functions, record_types = function_schemas()
    functions = {GET_SPACE: builder.function(lookup, space), **record_functions}
    types = dict(sorted({**builder.types, **record_types}.items()))
    return {"types": types, "resources": resources, "functions": functions}


def _config_variables() -> dict[str, Any]:
    variables: dict[str, Any] = {}
    for key in CONFIG_KEYS:
        spec: dict[str, Any] = {"type": key.type, "description": key.description}
        if key.environment:
            spec["defaultInfo"] = {"environment": list(key.environment)}
        if key.secret:
            spec["secret"] = True
        variables[key.name] = spec
    return variables


@cache
def package_schema() -> dict[str, Any]:
    """The package schema as a JSON-ready dict (cached: it is a pure function of the tables)."""
    generated = resource_schemas(fields.SPACE, members.MEMBER, fields.LOOKUP)
    variables = _config_variables()
    return {
        "name": PACKAGE,
        "displayName": "Google Meet",
        "version": pulumi_meet.__version__,
        "description": "Google Meet meeting spaces (standing rooms) and their co-hosts as code.",
        "keywords": ["pulumi", "google", "meet", "google-workspace", "category/utility"],
        "homepage": "https://github.com/pulumi-meet/pulumi-meet",
        "repository": "https://github.com/pulumi-meet/pulumi-meet",
        "license": "Apache-2.0",
        "publisher": "pulumi-meet",
        # What `pulumi package add github.com/pulumi-meet/pulumi-meet/provider` sets from the git
        # URL: the same for a local path. No pluginDownloadURL: a release carries the wheel, not
        # the per-platform plugin tarball the engine would download, and the git route records
        # its own `git://` URL in the SDKs it generates (docs/plugin.md, "Why no download URL").
        "namespace": "pulumi-meet",
        "meta": {"moduleFormat": "(.*)"},
        "config": {"variables": variables},
        "provider": {
            "description": "The provider for Google Meet; configured like the `meet:` stack keys.",
            "inputProperties": {
                name: {k: v for k, v in spec.items() if k != "defaultInfo"}
                for name, spec in variables.items()
            },
        },
        "types": generated["types"],
        "resources": generated["resources"],
        "functions": generated["functions"],
        "language": {
            "nodejs": {"packageName": "@pulumi/meet"},
            # `pulumi_meet` is this package (the plugin's home): a generated Python SDK needs
            # another name to be installed beside it.
            "python": {"packageName": "pulumi_meet_sdk"},
            "csharp": {"rootNamespace": "PulumiMeet"},
            "go": {"importBasePath": "github.com/pulumi-meet/pulumi-meet/sdk/go/meet"},
        },
    }


def schema_text() -> str:
    """The schema as the committed ``schema.json`` holds it (two-space indent, final newline)."""
    return json.dumps(package_schema(), indent=2) + "\n"
