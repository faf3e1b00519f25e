"""docs/policies.md shows each policy's violation as the preview prints it: the text there must be
what the pack reports for the same resources, so the docs cannot drift from the code."""

from __future__ import annotations

import re

from tests.conftest import REPO_ROOT
from tests.policy.analyzer import Analyzer, EngineResource
from tests.policy.conftest import IN_CI, AnalyzerFactory

DOC = REPO_ROOT / "docs" / "policies.md"
SPACE = "pulumi-python:dynamic/meet:Space"
MEMBER = "pulumi-python:dynamic/meet:SpaceMember"

# The resources the documented examples describe.
EXAMPLES = {
    "meet-open-access-allowlist": EngineResource(
        SPACE,
        "webinar",
        {"config": {"access_type": "OPEN", "moderation": "ON"}, "owner": "h@example.com"},
    ),
    "meet-allowed-domains": EngineResource(
        MEMBER, "standup-cohost", {"email": "contractor@gmail.com", "owner": "lead@example.com"}
    ),
    "meet-artifacts-require-moderation": EngineResource(
        SPACE,
        "town-hall",
        {
            "config": {
                "artifact_config": {"recording_config": {"auto_recording_generation": "ON"}}
            },
            "owner": "ceo@example.com",
        },
    ),
    "meet-explicit-owner": EngineResource(SPACE, "team-standup", {"config": {}}),
}


def documented() -> dict[str, tuple[str, str]]:
    """policy → (header line, message text with line breaks undone) of each example block."""
    blocks = re.findall(r"```\n(- \[.*?)```", DOC.read_text(), re.S)
    result = {}
    for block in blocks:
        header, *lines = block.strip().splitlines()
        policy = header.split()[2]
        result[policy] = (header, " ".join(line.strip() for line in lines))
    return result


def reported(analyzer: Analyzer, resource: EngineResource | None) -> tuple[str, str]:
    """The same (header, message) from the analyzer's diagnostic."""
    if resource is None:
        rooms = [
            EngineResource(SPACE, f"room-{i}", {"owner": "lead@example.com"}) for i in range(25)
        ]
        [diagnostic] = analyzer.analyze_stack(rooms).diagnostics
        header = f"- [{diagnostic.level}]  {diagnostic.policy}"
    else:
        [diagnostic] = analyzer.analyze(resource).diagnostics
        header = f"- [{diagnostic.level}]  {diagnostic.policy}  ({resource.type}: {resource.name})"
    return header, diagnostic.message.replace("\n", " ")


def test_every_policy_has_a_documented_violation_that_matches_the_pack(
    start_analyzer: AnalyzerFactory,
) -> None:
    analyzer = start_analyzer(IN_CI)
    analyzer.configure({"meet-allowed-domains": {"allowedDomains": ["example.com"]}})
    docs = documented()
    names = [p.name for p in analyzer.analyzer_info().policies]
    assert sorted(docs) == sorted(names)
    for policy in names:
        assert f"## `{policy}`" in DOC.read_text()
        assert reported(analyzer, EXAMPLES.get(policy)) == docs[policy], policy
