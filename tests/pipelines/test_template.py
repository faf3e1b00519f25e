"""The ``pulumi new`` template: a valid project manifest that prompts for what it needs, and a
program that deploys (against the emulator) and passes the policy pack in a pipeline."""

from __future__ import annotations

import json
import runpy
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jsonschema
import yaml

from pulumi_meet.emulator import Emulator
from tests.engine import Engine, ProviderHost, capture_program
from tests.pipelines.conftest import TEMPLATE
from tests.policy.analyzer import Analyzer, EngineResource, pack_python


def program() -> None:
    runpy.run_path(str(TEMPLATE / "__main__.py"), run_name="__main__")


def test_the_template_is_a_valid_pulumi_project(
    pulumi_schema: Callable[[str], dict[str, Any]],
) -> None:
    schema = pulumi_schema("pulumi-project.schema.json")
    manifest = yaml.safe_load((TEMPLATE / "Pulumi.yaml").read_text())
    jsonschema.validate(manifest, schema, cls=jsonschema.Draft202012Validator)


def test_the_template_prompts_for_the_owner_and_the_target() -> None:
    manifest = yaml.safe_load((TEMPLATE / "Pulumi.yaml").read_text())
    assert manifest["name"] == "${PROJECT}"
    prompts = manifest["template"]["config"]
    assert set(prompts) == {"owner", "meet:emulatorHost"}
    assert all(prompt["description"] for prompt in prompts.values())
    # No default: pressing enter leaves the key unset, which means Google Meet (and the CLI
    # stores no empty value).
    assert "default" not in prompts["meet:emulatorHost"]
    assert "embedded" in prompts["meet:emulatorHost"]["description"]
    requirements = (TEMPLATE / "requirements.txt").read_text().split()
    assert "pulumi-meet" in requirements


def test_the_template_program_deploys_and_passes_the_guardrails(tmp_path: Path) -> None:
    config = {
        "meet-template:owner": "lead@example.com",
        "meet-template:cohosts": json.dumps(["deputy@example.com"]),
    }
    with (
        Emulator(db=":memory:") as emulator,
        ProviderHost({"MEET_EMULATOR_HOST": emulator.host_port}, tmp_path) as host,
    ):
        engine = Engine(host, config=config, project="meet-template")
        steps = engine.up(program)
        assert [step.op for step in steps] == ["create", "create"]
        room = engine.resource("team-standup")
        assert room.outputs["owner"] == "lead@example.com"
        assert room.outputs["meeting_uri"].startswith("https://meet.google.com/")
    previewed = capture_program(program, config, project="meet-template", preview=True)
    with Analyzer(env={"CI": "true"}, python=pack_python()) as analyzer:
        analyzer.configure({"meet-allowed-domains": {"allowedDomains": ["example.com"]}})
        for resource in previewed:
            engine_view = EngineResource(resource.type, resource.name, resource.inputs)
            assert analyzer.analyze(engine_view).diagnostics == [], resource.name
