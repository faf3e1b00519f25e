"""The ``meet`` package schema, generated from the field tables.

Types, nesting, enums (with the descriptions written beside their values in
:mod:`pulumi_meet.core.enums`), output-only properties, required inputs, ``replaceOnChanges`` and
secrets all come from the tables that also drive check, diff and the ``updateMask``
(:mod:`pulumi_meet.core.space_fields`, :mod:`pulumi_meet.core.member_fields`), the operations'
replacement rules and the configuration table (:mod:`pulumi_meet.plugin.config`). Only prose is
written here: :data:`_DESCRIPTIONS`, keyed by the tables' snake_case paths, must describe every
generated property and nothing else (generation fails otherwise).

Regenerate the committed ``schema.json`` with ``pulumi-resource-meet --schema > schema.json``.
"""

from __future__ import annotations

import ast
import inspect
import json
from collections.abc import Iterable, Mapping
from enum import Enum
from functools import cache
from typing import Any, Final

import pulumi_meet
from pulumi_meet.core import enums
from pulumi_meet.core import member_fields as members
from pulumi_meet.core import space_fields as fields
from pulumi_meet.core.enums import DeletionPolicy
from pulumi_meet.core.space_fields import Field, Mutability
from pulumi_meet.operations import member as member_ops
from pulumi_meet.operations.space import REPLACING_INPUTS
from pulumi_meet.plugin.config import CONFIG_KEYS
from pulumi_meet.plugin.names import TO_CAMEL, camel

__all__ = [
    "GET_SPACE",
    "PACKAGE",
    "SPACE",
    "SPACE_MEMBER",
    "package_schema",
    "schema_text",
]

PACKAGE: Final = "meet"
SPACE: Final = f"{PACKAGE}:index:Space"
SPACE_MEMBER: Final = f"{PACKAGE}:index:SpaceMember"
GET_SPACE: Final = f"{PACKAGE}:index:getSpace"

_GET_SPACE_INPUTS: Final = ("space", "owner")
"""The inputs of ``getSpace``: a reference to the room, and whom to ask as."""

_DESCRIPTIONS: Final[Mapping[str, str]] = {
    "Space": "A Google Meet meeting space (a standing room). The Meet API cannot delete a space: "
    "`deletionPolicy` says what destroying it does instead.",
    "Space.config": "The room's settings. Only the fields you set are managed; the others keep "
    "the server's (or the owner's default) values. Changes update the room in place.",
    "Space.deletion_policy": "What destroying the resource does (default `RESTRICT`). Changing "
    "it alone makes no API call.",
    "Space.adopt": "Manage an existing room instead of creating one: `spaces/<id>`, a meeting "
    "code or a meeting URL. Naming another room replaces the resource.",
    "Space.owner": "The user who hosts the room; the provider acts for them (domain-wide "
    "delegation). Default: `meet:impersonateUser`, the credentials' user or `meet:user`. "
    "Naming another user replaces the room.",
    "Space.name": "The canonical `spaces/<id>` name (the resource ID).",
    "Space.meeting_uri": "The URL participants join with.",
    "Space.meeting_code": "The meeting code (`abc-mnop-xyz`). Google may reassign it; the ID "
    "never changes.",
    "Space.active_conference": "The conference record of the running meeting, if any.",
    "Space.phone_access": "Dial-in numbers, when the owner's Workspace edition offers them.",
    "Space.gateway_sip_access": "SIP gateway entry points, when enabled for the owner.",
    "config": "The settings of a meeting space.",
    "config.moderation_restrictions": "Who may chat, react and present, and whether "
    "participants join as viewers; apply only while `moderation` is `ON`.",
    "config.artifact_config": "Automatic recordings, transcripts and smart notes.",
    "config.artifact_config.recording_config": "Automatic recording.",
    "config.artifact_config.transcription_config": "Automatic transcription.",
    "config.artifact_config.smart_notes_config": "Automatic smart notes.",
    "phone_access": "A dial-in number of a meeting space.",
    "phone_access.phone_number": "The number, in E.164 format.",
    "phone_access.pin": "The PIN to enter after dialling.",
    "phone_access.region_code": "The CLDR region of the number.",
    "phone_access.language_code": "The BCP 47 language of the number's prompts.",
    "gateway_sip_access": "A SIP entry point of a meeting space.",
    "gateway_sip_access.uri": "The SIP URI.",
    "gateway_sip_access.sip_access_code": "The access code to enter after connecting.",
    "SpaceMember": "A member of a meeting space: a co-host (the default role) or a member "
    "without a role. Only the room's owner manages members.",
    "SpaceMember.space": "The room's canonical `spaces/<id>` name (pass the Space's `name`). "
    "Another room replaces the member.",
    "SpaceMember.email": "The member's e-mail address. Another person (not another letter "
    "case) replaces the member.",
    "SpaceMember.role": "The member's role (default `COHOST`); updated in place.",
    "SpaceMember.owner": "The room's owner, whom the calls act as. Default: the owner recorded "
    "at creation, else the configured identity. A change updates in place.",
    "SpaceMember.adopt": "Take over an existing member (`spaces/<id>/members/<member>`) instead of "
    "adding one: one `members.get`, and a `members.patch` only if the role differs. It must be "
    "the declared person. Naming another member replaces the resource.",
    "SpaceMember.name": "The member's `spaces/<id>/members/<member>` name (the resource ID).",
    "getSpace": "Look a room up by `spaces/<id>`, meeting code or meeting URL: its canonical "
    "name, meeting URL and code, and (for its owner) its settings. One `spaces.get`.",
    "getSpace.space": "The room: `spaces/<id>`, a meeting code or a meeting URL.",
    "getSpace.owner": "Whom to ask as (only the owner sees `config`). Default: the configured "
    "identity.",
}


# -------------------------------------------------------------------- helpers


def _pascal(snake: str) -> str:
    name = camel(snake)
    return name[:1].upper() + name[1:]


def _token(name: str) -> str:
    return f"{PACKAGE}:index:{name}"


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/types/{_token(name)}"}


@cache
def _value_docs() -> dict[str, dict[str, str]]:
    """``{EnumClass: {MEMBER: docstring}}``: the strings written after each enum member."""
    tree = ast.parse(inspect.getsource(enums))
    docs: dict[str, dict[str, str]] = {}
    for node in tree.body:
        if not isinstance(node, ast.ClassDef):
            continue
        values = docs.setdefault(node.name, {})
        for assign, after in zip(node.body, node.body[1:], strict=False):
            if (
                isinstance(assign, ast.Assign)
                and isinstance(assign.targets[0], ast.Name)
                and isinstance(after, ast.Expr)
                and isinstance(after.value, ast.Constant)
                and isinstance(after.value.value, str)
            ):
                values[assign.targets[0].id] = inspect.cleandoc(after.value.value).replace(
                    "``", "`"
                )
    return docs


def _doc(obj: object) -> str:
    return inspect.cleandoc(obj.__doc__ or "").replace("``", "`")


def _enum_type(enum: type[Enum]) -> dict[str, Any]:
    docs = _value_docs().get(enum.__name__, {})
    values = []
    for member in enum:
        value: dict[str, Any] = {"value": str(member.value)}
        if member.name in docs:
            value["description"] = docs[member.name]
        values.append(value)
    return {"description": _doc(enum), "type": "string", "enum": values}


class _Builder:
    """Collects the types while the resources are generated; checks the descriptions' use."""

    def __init__(self) -> None:
        self.types: dict[str, Any] = {}
        self.used: set[str] = set()

    def describe(self, key: str) -> str:
        self.used.add(key)
        return _DESCRIPTIONS[key]

    def enum(self, enum: type[Enum]) -> dict[str, str]:
        self.types.setdefault(_token(enum.__name__), _enum_type(enum))
        return _ref(enum.__name__)

    # ---------------------------------------------------------------- SpaceConfig and records

    def config_object(self, specs: Iterable[Field], depth: int, type_name: str) -> dict[str, str]:
        """The object type of the settable fields below ``depth`` (``config`` at depth 1)."""
        specs = list(specs)
        key = ".".join(specs[0].path[:depth])
        groups: dict[str, list[Field]] = {}
        for spec in specs:
            groups.setdefault(spec.path[depth], []).append(spec)
        properties: dict[str, Any] = {}
        for name, group in groups.items():
            if len(group) == 1 and len(group[0].path) == depth + 1:
                leaf = group[0]
                assert leaf.enum is not None, leaf.property_path
                properties[TO_CAMEL[name]] = {
                    **self.enum(leaf.enum),
                    "description": _doc(leaf.enum),
                }
            else:
                nested = self.config_object(group, depth + 1, _pascal(name))
                properties[TO_CAMEL[name]] = {
                    **nested,
                    "description": self.describe(f"{key}.{name}"),
                }
        self.types[_token(type_name)] = {
            "description": self.describe(key),
            "type": "object",
            "properties": properties,
        }
        return _ref(type_name)

    def records(self, spec: Field) -> dict[str, Any]:
        """An array of the record type of a ``record_keys`` field."""
        name = spec.path[0]
        self.types[_token(_pascal(name))] = {
            "description": self.describe(name),
            "type": "object",
            "properties": {
                camel_key: {"type": "string", "description": self.describe(f"{name}.{snake}")}
                for snake, camel_key in spec.record_keys
            },
        }
        return {"type": "array", "items": _ref(_pascal(name))}

    # ---------------------------------------------------------------- resources

    def space_outputs(self, owner: str) -> dict[str, Any]:
        """The table's outputs of a Space (``config`` for its owner), described for ``owner``."""
        config_type = self.config_object(fields.CONFIG_FIELDS, 1, "SpaceConfig")
        outputs: dict[str, Any] = {}
        for spec in fields.SPACE_FIELDS:
            name = spec.path[0]
            if spec.mutability is not Mutability.OUTPUT_ONLY:
                outputs[TO_CAMEL[name]] = {
                    **config_type,
                    "description": self.describe(f"{owner}.{name}"),
                }
            elif spec.record_keys:
                outputs[TO_CAMEL[name]] = {
                    **self.records(spec),
                    "description": self.describe(f"Space.{name}"),
                }
            else:
                outputs[TO_CAMEL[name]] = {
                    "type": "string",
                    "description": self.describe(f"Space.{name}"),
                }
        return outputs

    def space(self) -> dict[str, Any]:
        outputs = self.space_outputs("Space")
        inputs: dict[str, Any] = {}
        for name in fields.INPUT_NAMES:
            spec: dict[str, Any] = (
                dict(outputs[TO_CAMEL[name]])
                if name == "config"
                else self.enum(DeletionPolicy)
                if name == "deletion_policy"
                else {"type": "string"}
            )
            spec["description"] = self.describe(f"Space.{name}")
            if name in REPLACING_INPUTS:
                spec["replaceOnChanges"] = True
            inputs[TO_CAMEL[name]] = spec
        for name in (n for n in fields.ECHO_NAMES if n in fields.INPUT_NAMES):
            outputs[TO_CAMEL[name]] = {
                key: value
                for key, value in inputs[TO_CAMEL[name]].items()
                if key != "replaceOnChanges"
            }
        return {
            "description": self.describe("Space"),
            "properties": outputs,
            "required": [
                TO_CAMEL[n] for n in (*fields.PRESENT_OUTPUT_NAMES, *fields.RECORDED_NAMES)
            ],
            "inputProperties": inputs,
        }

    def space_member(self) -> dict[str, Any]:
        by_name = {spec.path[0]: spec for spec in (*members.MEMBER_FIELDS, members.SPACE)}
        replacing = set(member_ops.REPLACING_INPUTS)
        inputs: dict[str, Any] = {}
        for name in members.MEMBER_INPUT_NAMES:
            field = by_name.get(name)
            spec: dict[str, Any] = (
                dict(self.enum(field.enum))
                if field is not None and field.enum
                else {"type": "string"}
            )
            spec["description"] = self.describe(f"SpaceMember.{name}")
            if name in replacing:
                spec["replaceOnChanges"] = True
            inputs[TO_CAMEL[name]] = spec
        outputs: dict[str, Any] = {}
        for name in members.MEMBER_OUTPUT_NAMES:
            if name in fields.ECHO_NAMES and name != "owner":
                continue  # an echo of an input, kept in state for diff; not part of the API
            source = inputs.get(TO_CAMEL[name]) or {
                "type": "string",
                "description": self.describe(f"SpaceMember.{name}"),
            }
            outputs[TO_CAMEL[name]] = {k: v for k, v in source.items() if k != "replaceOnChanges"}
        required_inputs = [TO_CAMEL[spec.path[0]] for spec in members.IMMUTABLE_FIELDS]
        return {
            "description": self.describe("SpaceMember"),
            "properties": outputs,
            "required": list(outputs),
            "inputProperties": inputs,
            "requiredInputs": required_inputs,
        }

    def get_space(self) -> dict[str, Any]:
        inputs = {
            TO_CAMEL[name]: {"type": "string", "description": self.describe(f"getSpace.{name}")}
            for name in _GET_SPACE_INPUTS
        }
        return {
            "description": self.describe("getSpace"),
            "inputs": {"properties": inputs, "required": [TO_CAMEL[_GET_SPACE_INPUTS[0]]]},
            "outputs": {
                "properties": self.space_outputs("Space"),
                "required": [TO_CAMEL[n] for n in fields.PRESENT_OUTPUT_NAMES],
            },
        }


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
    builder = _Builder()
    resources = {SPACE: builder.space(), SPACE_MEMBER: builder.space_member()}
    functions = {GET_SPACE: builder.get_space()}
    unused = set(_DESCRIPTIONS) - builder.used
    if unused:
        raise AssertionError(f"descriptions of no generated property: {sorted(unused)}")
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
        "types": dict(sorted(builder.types.items())),
        "resources": resources,
        "functions": functions,
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
