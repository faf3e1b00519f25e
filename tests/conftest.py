"""Shared fixtures: the repository root and the ../shared reference material."""

from __future__ import annotations

import os
import pickle
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from pulumi_meet.client.state import ClientState

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


@pytest.fixture(autouse=True)
def _undo_pulumi_pickler_patches() -> Iterator[None]:
    """Isolate tests from a Pulumi SDK leak.

    ``pulumi.dynamic.serialize_provider`` wraps ``pickle._Pickler._batch_setitems`` (and replaces
    ``save_dict``) on every call and never restores them, so each serialization adds a layer; after
    ~490 serializations pickling any dict overflows the stack. Our providers keep an empty
    ``__dict__`` and never reach that code in a real program (see
    tests/provider/test_serialization_leak.py), but a suite that serializes thousands of
    providers and then a configured one would; restore the originals after every test.
    """
    batch_setitems = pickle._Pickler._batch_setitems  # type: ignore[attr-defined]
    save_dict = pickle._Pickler.save_dict  # type: ignore[attr-defined]
    yield
    pickle._Pickler._batch_setitems = batch_setitems  # type: ignore[attr-defined]
    pickle._Pickler.save_dict = save_dict  # type: ignore[attr-defined]


@pytest.fixture(autouse=True)
def client_state(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ClientState]:
    """Every test gets a fresh client state (no cached client, credential, limiter or ledger)
    as the process's, with its own quota ledger as the default one; closed afterwards.

    The default ledger lives in the home directory and is shared by every pulumi-meet process:
    a test's calls would pace another test's, and nothing of a test run belongs in ~. Provider
    hosts and CLI subprocesses of the harness are given this file (MEET_QUOTA_LEDGER); the
    environment of this process is left alone, so Settings built with and without it agree.
    """
    from pulumi_meet.client.state import ClientState, use_state

    # Not in tmp_path: tests check that directory holds only what the command under test wrote.
    path = tmp_path_factory.mktemp("ledger") / "quota-ledger.sqlite"
    with use_state(ClientState(ledger_path=str(path))) as state:
        yield state
