"""The GitLab CI file: its structure, and its job scripts run with stand-ins for the tools."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.pipelines.conftest import GITLAB_CI

# The keywords a GitLab job may have (the ones this file needs are a small subset).
JOB_KEYWORDS = {
    "after_script",
    "allow_failure",
    "artifacts",
    "before_script",
    "cache",
    "coverage",
    "dependencies",
    "environment",
    "extends",
    "id_tokens",
    "image",
    "interruptible",
    "needs",
    "parallel",
    "release",
    "resource_group",
    "retry",
    "rules",
    "script",
    "secrets",
    "services",
    "stage",
    "tags",
    "timeout",
    "trigger",
    "variables",
    "when",
}
GLOBAL_KEYWORDS = {"default", "include", "stages", "variables", "workflow"}


def problems(document: dict[str, Any]) -> list[str]:
    """What GitLab would refuse (or silently ignore) in a pipeline file, as messages."""
    found: list[str] = []
    stages = document.get("stages", ["build", "test", "deploy"])
    for name, job in document.items():
        if name in GLOBAL_KEYWORDS or name.startswith("."):
            continue
        if not isinstance(job, dict):
            found.append(f"{name}: not a job")
            continue
        unknown = set(job) - JOB_KEYWORDS
        if unknown:
            found.append(f"{name}: unknown keywords {sorted(unknown)}")
        if "script" not in job and "trigger" not in job:
            found.append(f"{name}: no script")
        if job.get("stage", "test") not in stages:
            found.append(f"{name}: stage {job.get('stage')!r} is not in stages")
        for rule in job.get("rules", []):
            if not isinstance(rule, dict) or not set(rule) <= {
                "if",
                "when",
                "changes",
                "exists",
                "variables",
                "allow_failure",
            }:
                found.append(f"{name}: malformed rule {rule!r}")
        for need in job.get("needs", []):
            if need not in document:
                found.append(f"{name}: needs unknown job {need!r}")
        for token, spec in (job.get("id_tokens") or {}).items():
            if not isinstance(spec, dict) or "aud" not in spec:
                found.append(f"{name}: id_tokens.{token} has no aud")
    return found


def load() -> dict[str, Any]:
    document: dict[str, Any] = yaml.safe_load(GITLAB_CI.read_text())
    return document


def test_the_file_is_a_well_formed_pipeline() -> None:
    document = load()
    assert problems(document) == []
    assert document["stages"] == ["preview", "deploy"]


@pytest.mark.parametrize(
    ("edit", "complaint"),
    [
        (lambda d: d["meet-deploy"].pop("script"), "no script"),
        (lambda d: d["meet-preview"].update(stage="review"), "not in stages"),
        (lambda d: d["meet-deploy"].update(scripts=[]), "unknown keywords"),
        (lambda d: d["meet-deploy"]["id_tokens"]["GOOGLE_OIDC_TOKEN"].pop("aud"), "no aud"),
        (lambda d: d["meet-deploy"].update(needs=["meet-plan"]), "needs unknown job"),
    ],
)
def test_the_structure_check_catches_a_broken_file(edit: Any, complaint: str) -> None:
    document = load()
    edit(document)
    assert any(complaint in problem for problem in problems(document))


def test_preview_on_merge_requests_without_credentials_deploy_on_the_default_branch() -> None:
    document = load()
    preview, deploy = document["meet-preview"], document["meet-deploy"]
    assert preview["rules"] == [{"if": '$CI_PIPELINE_SOURCE == "merge_request_event"'}]
    assert "id_tokens" not in preview
    preview_text = json.dumps(preview)
    assert "GOOGLE_APPLICATION_CREDENTIALS" not in preview_text
    assert "--policy-pack policy-pack" in preview_text
    assert "$CI_DEFAULT_BRANCH" in deploy["rules"][0]["if"]
    assert deploy["id_tokens"]["GOOGLE_OIDC_TOKEN"]["aud"] == "$GCP_WIF_AUDIENCE"
    assert "--policy-pack policy-pack" in json.dumps(deploy)
    assert deploy["resource_group"]


def _stub(directory: Path, name: str, body: str) -> None:
    path = directory / name
    path.write_text("#!/bin/sh\n" + body)
    path.chmod(path.stat().st_mode | stat.S_IEXEC)


def run_job(job: str, workdir: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """The job's script lines in one shell, as the runner runs them (bash, stop on error)."""
    script = "\n".join(load()[job]["script"])
    return subprocess.run(
        ["bash", "-eo", "pipefail", "-c", script],
        cwd=workdir,
        env={"PATH": f"{workdir / 'bin'}:{os.environ['PATH']}", **env},
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )


@pytest.mark.parametrize("preview_status", [0, 255])
def test_the_preview_job_posts_the_output_and_keeps_the_preview_s_status(
    tmp_path: Path, preview_status: int
) -> None:
    (tmp_path / "bin").mkdir()
    _stub(
        tmp_path / "bin",
        "pulumi",
        f'echo "args: $*"\necho "Policies: 1 mandatory \\`x\\`"\nexit {preview_status}\n',
    )
    _stub(
        tmp_path / "bin",
        "curl",
        # Records what it would send: the --data file, the headers, the arguments.
        'for a; do case "$prev" in\n'
        '  --data) cp "${a#@}" posted.json;;\n'
        '  --header) echo "$a" >> headers.txt;;\n'
        'esac; prev="$a"; done\n'
        'echo "$@" > curl-args.txt\n',
    )
    env = {
        "PULUMI_STACK": "acme/rooms/prod",
        "MEET_MR_NOTE_TOKEN": "glpat-test",
        "CI_API_V4_URL": "https://gitlab.example/api/v4",
        "CI_PROJECT_ID": "42",
        "CI_MERGE_REQUEST_IID": "7",
    }
    result = run_job("meet-preview", tmp_path, env)
    assert result.returncode == preview_status, result.stderr
    body = json.loads((tmp_path / "posted.json").read_text())["body"]
    assert body.startswith("#### pulumi preview (acme/rooms/prod)\n\n```\nargs: preview")
    assert "--policy-pack policy-pack" in body and "Policies: 1 mandatory `x`" in body
    assert "PRIVATE-TOKEN: glpat-test" in (tmp_path / "headers.txt").read_text()
    assert (
        "https://gitlab.example/api/v4/projects/42/merge_requests/7/notes"
        in (tmp_path / "curl-args.txt").read_text()
    )


def test_the_deploy_job_hands_google_auth_a_keyless_credential_configuration(
    tmp_path: Path,
) -> None:
    (tmp_path / "bin").mkdir()
    # A stand-in for `pulumi up` that loads the credentials as pulumi-meet would (ADC).
    probe = (
        f'{sys.executable} -c "import google.auth; c, _ = google.auth.default(); '
        'print(type(c).__module__, c.service_account_email, c.retrieve_subject_token(None))"\n'
    )
    _stub(tmp_path / "bin", "pulumi", probe)
    (tmp_path / "gcp-wif.json").write_text((GITLAB_CI.parent / "gcp-wif.json").read_text())
    env = {
        "GOOGLE_OIDC_TOKEN": "header.payload.signature",
        "CI_PROJECT_DIR": str(tmp_path),
        "PULUMI_STACK": "prod",
        "HOME": str(tmp_path),
    }
    result = run_job("meet-deploy", tmp_path, env)
    assert result.returncode == 0, result.stderr
    module, account, token = result.stdout.split()
    assert module == "google.auth.identity_pool"
    assert account == "meet-deployer@my-project.iam.gserviceaccount.com"
    assert token == "header.payload.signature"


def test_the_credential_configuration_matches_the_token_audience() -> None:
    config = json.loads((GITLAB_CI.parent / "gcp-wif.json").read_text())
    assert config["type"] == "external_account"
    assert config["audience"].startswith("//iam.googleapis.com/projects/")
    assert "/workloadIdentityPools/" in config["audience"]
    assert config["credential_source"] == {"file": ".gitlab-oidc-token"}
    assert ":generateAccessToken" in config["service_account_impersonation_url"]
    assert "private_key" not in json.dumps(config)
    assert ".gitlab-oidc-token" in json.dumps(load()["meet-deploy"]["script"])
