"""docs/cli.md's weekly usage-report job: valid GitHub Actions (actionlint), and the command it
runs is one the CLI accepts."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
import yaml

from pulumi_meet.cli.parser import build_parser
from tests.conftest import REPO_ROOT
from tests.pipelines.test_github_actions import actionlint

DOC = REPO_ROOT / "docs" / "cli.md"


def _workflow() -> str:
    text = DOC.read_text()
    section = text.split("### A weekly usage report in GitHub Actions", 1)[1]
    match = re.search(r"```yaml\n(.*?)```", section, re.DOTALL)
    assert match, "the section shows a workflow"
    return match.group(1)


def test_the_weekly_job_passes_actionlint(tmp_path: Path) -> None:
    workflows = tmp_path / ".github" / "workflows"
    workflows.mkdir(parents=True)
    (workflows / "meet-usage.yml").write_text(_workflow())
    linted = actionlint(workflows / "meet-usage.yml")
    assert linted.returncode == 0, linted.stdout + linted.stderr


def test_the_weekly_job_runs_the_usage_report_on_a_schedule(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "stack.json").write_text("{}")  # what the step before exports
    document = yaml.safe_load(_workflow())
    assert document[True]["schedule"][0]["cron"]  # YAML 1.1 reads `on` as True
    [job] = document["jobs"].values()
    commands = [step["run"] for step in job["steps"] if "pulumi-meet usage" in step.get("run", "")]
    [command] = commands
    words = shlex.split(command.replace("\\\n", " ").split(">")[0])
    args = build_parser().parse_args(words[1:])
    assert args.handler.__name__ == "_usage"
    assert args.csv and args.chart == "usage.png"
    assert args.from_export.name == "stack.json"
    args.from_export.close()
