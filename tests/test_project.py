"""The repository's own contract: Pulumi.yaml files, the README's commands, CI."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from tests.conftest import REPO_ROOT

PULUMI_YAMLS = sorted(
    p
    for p in REPO_ROOT.rglob("Pulumi.yaml")
    if not any(
        part in {".venv", "venv", "node_modules"} or part.startswith(".ci") for part in p.parts
    )
)


def test_there_is_a_root_pulumi_yaml() -> None:
    assert REPO_ROOT / "Pulumi.yaml" in PULUMI_YAMLS


@pytest.mark.parametrize("path", PULUMI_YAMLS, ids=lambda p: str(p.relative_to(REPO_ROOT)))
def test_pulumi_yaml_validates_against_the_project_schema(
    path: Path, pulumi_schema: Callable[[str], dict[str, Any]]
) -> None:
    schema = pulumi_schema("pulumi-project.schema.json")
    jsonschema.validate(
        yaml.safe_load(path.read_text()), schema, cls=jsonschema.Draft202012Validator
    )


@pytest.mark.parametrize("path", PULUMI_YAMLS, ids=lambda p: str(p.relative_to(REPO_ROOT)))
def test_pulumi_yaml_names_a_runtime_and_its_program(path: Path) -> None:
    project = yaml.safe_load(path.read_text())
    runtime = project["runtime"]
    runtime_name = runtime if isinstance(runtime, str) else runtime["name"]
    main = path.parent / project.get("main", ".")
    if runtime_name == "python":
        assert "virtualenv" in runtime["options"]
        assert (main / "__main__.py").is_file(), f"{path}: main program {main} has no __main__.py"
    elif runtime_name == "nodejs":
        assert (main / "index.ts").is_file(), f"{path}: main program {main} has no index.ts"
    else:
        assert runtime_name == "yaml", f"{path}: unexpected runtime {runtime_name}"
        assert "resources" in project, f"{path}: a YAML program declares its resources"


def test_readme_quick_start_has_exactly_two_commands() -> None:
    readme = (REPO_ROOT / "README.md").read_text()
    quick_start = readme.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    block = re.search(r"```sh\n(.*?)```", quick_start, re.S)
    assert block is not None
    commands = [
        line for line in block.group(1).splitlines() if line.strip() and not line.startswith("#")
    ]
    assert len(commands) == 2
    marker = re.search(r"<!-- test-command: (.*) -->", readme)
    assert marker is not None
    assert commands[1] == marker.group(1), "the CI marker must repeat the README's test command"


def test_ci_runs_the_readme_test_command() -> None:
    script = (REPO_ROOT / ".ci" / "run").read_text()
    assert "test-command" in script
    assert "python3 -m venv" in (REPO_ROOT / "README.md").read_text()


def test_ci_refuses_files_naming_the_workshops_material_and_sets_the_schema_dir() -> None:
    script = (REPO_ROOT / ".ci" / "run").read_text()
    assert "git grep" in script and "':!.ci'" in script
    assert "PULUMI_SCHEMA_DIR" in script and "shared/reference" in script


def test_ci_script_parses() -> None:
    """`bash -n`: a quoting slip in .ci/run fails CI before any test runs (it did once)."""
    import subprocess

    done = subprocess.run(
        ["bash", "-n", str(REPO_ROOT / ".ci" / "run")], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
