"""The pack as the engine sees it: started as a process, described, configured, over gRPC."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from tests.policy.analyzer import PACK_DIR, Analyzer, EngineResource, struct_to_dict

SPACE = "pulumi-python:dynamic/meet:Space"
POLICY_NAMES = {
    "meet-open-access-allowlist": "mandatory",
    "meet-allowed-domains": "mandatory",
    "meet-artifacts-require-moderation": "mandatory",
    "meet-explicit-owner": "mandatory",
    "meet-creation-quota": "advisory",
}
LEVEL_NUMBERS = {"advisory": 0, "mandatory": 1, "remediate": 2, "disabled": 3}


def config_schemas(analyzer: Analyzer) -> dict[str, dict[str, Any]]:
    """Each policy's config schema as the CLI validates ``--policy-pack-config`` against it.

    The CLI adds the ``enforcementLevel`` property itself (analyzer_plugin.go).
    """
    schemas: dict[str, dict[str, Any]] = {}
    for policy in analyzer.analyzer_info().policies:
        properties = struct_to_dict(policy.configSchema.properties)
        properties["enforcementLevel"] = {"type": "string", "enum": list(LEVEL_NUMBERS)}
        schemas[policy.name] = {
            "type": "object",
            "properties": properties,
            "required": list(policy.configSchema.required),
            "additionalProperties": False,
        }
    return schemas


def test_the_pack_starts_and_describes_itself_as_the_engine_expects(
    analyzer: Analyzer, python: Path
) -> None:
    installed = subprocess.run(
        [
            str(python),
            "-c",
            "from importlib.metadata import version; print(version('pulumi-policy'))",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert analyzer.plugin_info().version == installed
    info = analyzer.analyzer_info()
    assert info.name == "pulumi-meet-guardrails"
    assert info.supportsConfig
    assert {p.name: p.enforcementLevel for p in info.policies} == {
        name: LEVEL_NUMBERS[level] for name, level in POLICY_NAMES.items()
    }
    types = {p.name: p.policy_type for p in info.policies}
    assert types.pop("meet-creation-quota") == 2  # POLICY_TYPE_STACK
    assert set(types.values()) == {1}  # POLICY_TYPE_RESOURCE
    for policy in info.policies:
        assert policy.description.endswith(".")
        assert struct_to_dict(policy.configSchema.properties), policy.name
    # Started cleanly: nothing on stderr, nothing logged through the engine.
    assert analyzer.stderr == ""
    assert analyzer.engine.messages() == []


def test_the_example_config_is_valid_and_every_default_matches_the_schema(
    analyzer: Analyzer,
) -> None:
    from meet_policy.defaults import CONFIG_DEFAULTS

    schemas = config_schemas(analyzer)
    example = json.loads((PACK_DIR / "config.example.json").read_text())
    assert set(example) == set(POLICY_NAMES)
    for name, config in example.items():
        jsonschema.validate(config, schemas[name])
    for name, schema in schemas.items():
        defaults = {
            key: spec["default"]
            for key, spec in schema["properties"].items()
            if key != "enforcementLevel"
        }
        assert defaults == CONFIG_DEFAULTS[name]
        jsonschema.validate(defaults, schema)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"allowedNames": "webinar"}, schemas["meet-open-access-allowlist"])
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"when": "sometimes"}, schemas["meet-explicit-owner"])


def test_the_pack_yaml_names_a_python_runtime_and_a_version() -> None:
    import yaml

    document = yaml.safe_load((PACK_DIR / "PulumiPolicy.yaml").read_text())
    assert document["runtime"]["name"] == "python"
    assert document["version"]
    lines = (PACK_DIR / "requirements.txt").read_text().splitlines()
    requirements = [line for line in lines if line.strip() and not line.startswith("#")]
    assert [r.split(">")[0] for r in requirements] == ["pulumi-policy"]


@pytest.mark.parametrize(
    ("level", "expected"),
    [("advisory", ["advisory"]), ("mandatory", ["mandatory"]), ("disabled", [])],
)
def test_each_policy_takes_its_enforcement_level_from_config(
    analyzer: Analyzer, level: str, expected: list[str]
) -> None:
    analyzer.configure({"meet-open-access-allowlist": level})
    result = analyzer.analyze(EngineResource(SPACE, "lobby", {"config": {"access_type": "OPEN"}}))
    assert [d.level for d in result.diagnostics] == expected
    assert all(d.pack == "pulumi-meet-guardrails" for d in result.diagnostics)


def test_a_pack_that_fails_to_load_reports_it_and_prints_no_port(
    tmp_path: Path, python: Path
) -> None:
    """The harness would notice a broken pack: no port, the traceback on stderr."""
    broken = tmp_path / "broken-pack"
    broken.mkdir()
    (broken / "__main__.py").write_text("import meet_policy_that_does_not_exist\n")
    analyzer = Analyzer(broken, python=python)
    with pytest.raises(RuntimeError, match="meet_policy_that_does_not_exist"):
        analyzer.start()
