"""Shared fixtures: the repository root and the ../shared reference material."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]


def _shared_dir() -> Path:
    configured = os.environ.get("PULUMI_MEET_SHARED")
    if configured:
        return Path(configured)
    return REPO_ROOT.parent / "shared"


SHARED_DIR = _shared_dir()
REFERENCE_DIR = SHARED_DIR / "reference"


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return REPO_ROOT


@pytest.fixture(scope="session")
def reference_dir() -> Path:
    if not REFERENCE_DIR.is_dir():
        pytest.fail(f"reference material not found at {REFERENCE_DIR}; set PULUMI_MEET_SHARED")
    return REFERENCE_DIR


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Tests marked ``google`` talk to the real Meet API: opt in with PULUMI_MEET_GOOGLE_TESTS=1."""
    if os.environ.get("PULUMI_MEET_GOOGLE_TESTS") == "1":
        return
    skip = pytest.mark.skip(reason="real Google test: set PULUMI_MEET_GOOGLE_TESTS=1 to run")
    for item in items:
        if "google" in item.keywords:
            item.add_marker(skip)
