"""The project's own GitHub workflows (.github/workflows): linted, and doing what the README says.

``ci.yml`` runs the README's test command on every Python version the package supports, plus lint
and type checks; ``release.yml`` builds, checks and publishes a tagged version (PyPI trusted
publishing, a GitHub release with the wheel, the sdist and ``schema.json``).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import REPO_ROOT
from tests.pipelines.test_github_actions import actionlint as _actionlint
from tests.pipelines.test_github_actions import load as _load

WORKFLOWS = REPO_ROOT / ".github" / "workflows"
CI = WORKFLOWS / "ci.yml"
RELEASE = WORKFLOWS / "release.yml"


def _runs(job: dict[str, Any]) -> list[str]:
    return [step["run"] for step in job["steps"] if "run" in step]


def _uses(job: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {step["uses"].split("@")[0]: step for step in job["steps"] if "uses" in step}


def test_actionlint_passes_both_workflows() -> None:
    result = _actionlint(CI, RELEASE)
    assert result.returncode == 0, result.stdout + result.stderr


def test_actionlint_would_catch_a_broken_workflow(tmp_path: Path) -> None:
    broken = tmp_path / "release.yml"
    broken.write_text(RELEASE.read_text().replace("needs: build\n", "needs: biuld\n", 1))
    result = _actionlint(broken)
    assert result.returncode == 1 and "biuld" in result.stdout


def test_ci_runs_the_readme_test_command_on_every_supported_python() -> None:
    ci = _load(CI)
    assert set(ci["on"]) == {"push", "pull_request"}
    test = ci["jobs"]["test"]
    readme = (REPO_ROOT / "README.md").read_text()
    marker = re.search(r"<!-- test-command: (.*) -->", readme)
    assert marker is not None
    assert marker.group(1) in _runs(test)
    pyproject = (REPO_ROOT / "pyproject.toml").read_text()
    supported = re.findall(r'"Programming Language :: Python :: (3\.\d+)"', pyproject)
    minimum = re.search(r'requires-python = ">=(3\.\d+)"', pyproject)
    assert minimum is not None and supported[0] == minimum.group(1)
    assert test["strategy"]["matrix"]["python-version"] == supported
    setup = _uses(test)["actions/setup-python"]["with"]
    assert setup["python-version"] == "${{ matrix.python-version }}"
    assert setup["cache"] == "pip"


def test_ci_lints_and_type_checks() -> None:
    lint = " && ".join(_runs(_load(CI)["jobs"]["lint"]))
    for command in ("ruff check .", "ruff format --check .", "mypy"):
        assert command in lint, command
    assert _uses(_load(CI)["jobs"]["lint"])["actions/setup-python"]["with"]["cache"] == "pip"


def test_release_builds_checks_and_publishes_a_tag_that_matches_the_version() -> None:
    release = _load(RELEASE)
    assert release["on"] == {"push": {"tags": ["v*"]}}
    assert release["permissions"] == {"contents": "read"}
    build = release["jobs"]["build"]
    script = "\n".join(_runs(build))
    assert "pulumi_meet/_version.py" in script and '"$GITHUB_REF_NAME" != "v$version"' in script
    assert "python3 -m build" in script
    assert "twine check --strict dist/*" in script
    assert "--schema | diff - schema.json" in script


def test_pypi_publishing_is_trusted_publishing_without_a_token() -> None:
    jobs = _load(RELEASE)["jobs"]
    [publishing] = [job for job in jobs.values() if "pypa/gh-action-pypi-publish" in _uses(job)]
    assert publishing["permissions"] == {"id-token": "write"}
    assert publishing["environment"]["name"] == "pypi"
    step = _uses(publishing)["pypa/gh-action-pypi-publish"]
    assert not {"password", "user"} & set(step.get("with", {}))
    assert "secrets." not in RELEASE.read_text()


def test_the_github_release_carries_the_wheel_the_sdist_and_the_schema() -> None:
    job = _load(RELEASE)["jobs"]["github-release"]
    assert job["permissions"] == {"contents": "write"}
    assert set(job["needs"]) == {"build", "pypi"}
    [command] = _runs(job)
    for asset in ("dist/*.whl", "dist/*.tar.gz", "schema.json"):
        assert asset in command, asset


@pytest.mark.parametrize("path", [CI, RELEASE], ids=lambda p: p.name)
def test_jobs_are_bounded_in_time(path: Path) -> None:
    for name, job in _load(path)["jobs"].items():
        assert job.get("timeout-minutes"), name
