"""Paths of the pipeline examples."""

from __future__ import annotations

from tests.conftest import REPO_ROOT

PIPELINES = REPO_ROOT / "examples" / "pipelines"
WORKFLOWS = PIPELINES / "github-actions" / ".github" / "workflows"
GITLAB_CI = PIPELINES / "gitlab-ci" / ".gitlab-ci.yml"
TEMPLATE = PIPELINES / "template"
