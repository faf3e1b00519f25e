"""The repository's examples through the policy pack, as a preview would send them.

Each example runs under mocks (a preview: outputs of new resources are unknown), its inputs go
through a real provider process's ``Check`` (the engine analyzes the checked inputs), and the
analyzer receives them marshalled as the engine marshals them (no ``__provider``).
"""

from __future__ import annotations

import json
import runpy
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest
import yaml

import pulumi_meet as meet
from pulumi_meet.emulator import Emulator
from tests.conftest import REPO_ROOT
from tests.engine import Engine, Program, ProviderHost, capture_program
from tests.policy.analyzer import Analyzer, EngineResource
from tests.policy.conftest import IN_CI, AnalyzerFactory

EXAMPLES = REPO_ROOT / "examples"


def example(name: str) -> Program:
    def program() -> None:
        runpy.run_path(str(EXAMPLES / name / "__main__.py"), run_name="__main__")

    return program


def project(name: str) -> str:
    return str(yaml.safe_load((EXAMPLES / name / "Pulumi.yaml").read_text())["name"])


@pytest.fixture
def host(tmp_path: Path) -> Iterator[ProviderHost]:
    """A provider process for Check (no call reaches any API: check is local)."""
    with ProviderHost({"MEET_EMULATOR_HOST": "127.0.0.1:9"}, tmp_path) as running:
        running.configure({})
        yield running


def previewed(
    name: str, host: ProviderHost, config: Mapping[str, object] | None = None
) -> list[EngineResource]:
    """The example's resources as ``pulumi preview`` would hand them to the analyzer."""
    proj = project(name)
    values = {
        f"{proj}:{key}": value if isinstance(value, str) else json.dumps(value)
        for key, value in (config or {}).items()
    }
    resources = []
    for captured in capture_program(example(name), values, project=proj, preview=True):
        resource = EngineResource(captured.type, captured.name, {}, project=proj)
        checked, failures = host.check(resource.urn, {}, captured.inputs)
        assert failures == [], failures
        resources.append(EngineResource(captured.type, captured.name, checked, project=proj))
    return resources


def findings(analyzer: Analyzer, resources: list[EngineResource]) -> list[tuple[str, str]]:
    """(resource name, policy) of every diagnostic, in order."""
    return [
        (resource.name, diagnostic.policy)
        for resource in resources
        for diagnostic in analyzer.analyze(resource).diagnostics
    ]


def test_webinar_is_open_so_it_needs_the_allow_list(analyzer: Analyzer, host: ProviderHost) -> None:
    resources = previewed(
        "webinar", host, {"cohosts": ["panelist@example.com"], "owner": "host@example.com"}
    )
    assert [r.type for r in resources] == [
        "pulumi-python:dynamic/meet:Space",
        "pulumi-python:dynamic/meet:SpaceMember",
    ]
    [diagnostic] = analyzer.analyze(resources[0]).diagnostics
    assert diagnostic.policy == "meet-open-access-allowlist"
    assert diagnostic.level == "mandatory"
    assert "Room 'webinar' sets config.access_type = OPEN" in diagnostic.message
    # Recording and transcription are on, and so is moderation: that policy is satisfied.
    analyzer.configure({"meet-open-access-allowlist": {"allowedNames": ["webinar"]}})
    assert findings(analyzer, resources) == []


def test_team_rooms_against_domains_and_the_allow_list(
    start_analyzer: AnalyzerFactory, host: ProviderHost
) -> None:
    analyzer = start_analyzer(IN_CI)
    resources = previewed("team-rooms", host)
    analyzer.configure({"meet-allowed-domains": {"allowedDomains": ["example.com"]}})
    # Every room has its lead as owner; only the support room is OPEN.
    assert findings(analyzer, resources) == [("support-room", "meet-open-access-allowlist")]
    analyzer.configure({"meet-allowed-domains": {"allowedDomains": ["corp.example"]}})
    domain_findings = [f for f in findings(analyzer, resources) if f[1] == "meet-allowed-domains"]
    assert sorted(name for name, _ in domain_findings) == sorted(
        [
            "platform-room",
            "platform-cohost-erin-example-com",
            "platform-cohost-frank-example-com",
            "design-room",
            "design-cohost-heidi-example-com",
            "support-room",
        ]
    )


def test_quickstart_in_a_pipeline_needs_an_owner(
    start_analyzer: AnalyzerFactory, analyzer: Analyzer, host: ProviderHost
) -> None:
    resources = previewed("quickstart", host)
    assert findings(analyzer, resources) == []
    assert findings(start_analyzer(IN_CI), resources) == [("team-standup", "meet-explicit-owner")]


def test_adopted_rooms_are_never_counted_as_creates(analyzer: Analyzer, host: ProviderHost) -> None:
    references = [f"abc-defg-h{chr(97 + i)}j" for i in range(12)]
    resources = previewed("adopt-existing", host, {"rooms": references})
    assert len(resources) == 12
    analyzer.configure({"meet-creation-quota": {"createsPerMinute": 1}})
    assert analyzer.analyze_stack(resources).diagnostics == []


def test_the_stack_policy_counts_only_the_rooms_an_update_would_create(
    analyzer: Analyzer, tmp_path: Path
) -> None:
    """Rooms already in state (real outputs, with their `name`) are not creates."""
    with (
        Emulator(db=":memory:") as emulator,
        ProviderHost({"MEET_EMULATOR_HOST": emulator.host_port}, tmp_path) as host,
    ):
        engine = Engine(host, project=project("team-rooms"))
        engine.up(example("team-rooms"))
        existing = [
            EngineResource(s.type, s.name, s.outputs, project=engine.project)
            for s in engine.state.values()
        ]
        assert all(r.properties.get("name") for r in existing)

        def more_rooms() -> None:
            for index in range(11):
                meet.Space(f"extra-{index}", owner="dana@example.com")

        new = [
            EngineResource(c.type, c.name, c.inputs, project=engine.project)
            for c in capture_program(more_rooms, preview=True)
        ]
    assert analyzer.analyze_stack(existing).diagnostics == []
    [diagnostic] = analyzer.analyze_stack([*existing, *new]).diagnostics
    assert "This update creates 11 rooms for dana@example.com" in diagnostic.message


# ------------------------------------------------------------------ the plugin, in Pulumi YAML

UNKNOWN_STRING = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"


def yaml_program(name: str) -> list[EngineResource]:
    """A Pulumi YAML example's resources as a preview sends them: ``${config}`` resolved to the
    config defaults, ``${resource.output}`` unknown (nothing exists yet)."""
    document = yaml.safe_load((EXAMPLES / name / "Pulumi.yaml").read_text())
    defaults = {key: spec.get("default") for key, spec in document.get("config", {}).items()}

    def evaluate(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: evaluate(v) for k, v in value.items()}
        if isinstance(value, list):
            return [evaluate(v) for v in value]
        if isinstance(value, str) and value.startswith("${") and value.endswith("}"):
            reference = value[2:-1]
            return defaults.get(reference, UNKNOWN_STRING)
        return value

    return [
        EngineResource(spec["type"], resource, evaluate(spec.get("properties", {})), project=name)
        for resource, spec in document["resources"].items()
    ]


def test_the_plugin_example_in_yaml_is_checked_in_camel_case(
    start_analyzer: AnalyzerFactory,
) -> None:
    analyzer = start_analyzer(IN_CI)
    analyzer.configure({"meet-allowed-domains": {"allowedDomains": ["example.com"]}})
    resources = yaml_program("yaml-rooms")
    assert {r.type for r in resources} == {"meet:index:Space", "meet:index:SpaceMember"}
    assert findings(analyzer, resources) == [("supportBridge", "meet-open-access-allowlist")]
    [diagnostic] = analyzer.analyze(resources[-1]).diagnostics
    assert "Room 'supportBridge' sets config.accessType = OPEN" in diagnostic.message
    assert analyzer.analyze_stack(resources).diagnostics == []
    # The transcribed stand-up is fine only because it is moderated.
    standup = resources[0]
    config = dict(standup.properties["config"])
    config.pop("moderation")
    unmoderated = EngineResource(
        standup.type, standup.name, {**standup.properties, "config": config}
    )
    [diagnostic] = analyzer.analyze(unmoderated).diagnostics
    assert "config.artifactConfig.transcriptionConfig.autoTranscriptionGeneration = ON" in (
        diagnostic.message
    )
