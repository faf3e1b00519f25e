"""Shared fixtures: the repository root and the public reference documents the tests check against.

- Google's discovery document for Meet v2 ships inside ``google-api-python-client`` (a test
  dependency): :func:`meet_discovery` reads it from there.
- Pulumi's two JSON Schemas (the package metaschema and the ``Pulumi.yaml`` schema) ship in no
  package: :func:`pulumi_schema` reads them from the directory named by ``PULUMI_SCHEMA_DIR``, and
  a test that needs one is skipped, naming the variable, when it is not set.
"""

from __future__ import annotations

import importlib.util
import json
import os
import pickle
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]

PULUMI_SCHEMA_DIR = "PULUMI_SCHEMA_DIR"
"""The variable naming a directory with Pulumi's JSON Schemas (see :data:`PULUMI_SCHEMAS`)."""
PULUMI_SCHEMAS = {
    # file name in PULUMI_SCHEMA_DIR: where pulumi/pulumi on GitHub keeps it
    "pulumi-package.schema.json": "pkg/codegen/schema/pulumi.json",
    "pulumi-project.schema.json": "sdk/go/common/workspace/project.json",
}
_DISCOVERY = ("discovery_cache", "documents", "meet.v2.json")


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return REPO_ROOT


def meet_discovery_path() -> Path:
    """Google's Meet v2 discovery document, as google-api-python-client ships it.

    Found without importing the package (its import pulls in httplib2 and more).
    """
    spec = importlib.util.find_spec("googleapiclient")
    if spec is None or spec.origin is None:
        pytest.fail("google-api-python-client is not installed: pip install -e '.[test]'")
    return Path(spec.origin).parent.joinpath(*_DISCOVERY)


@pytest.fixture(scope="session")
def meet_discovery() -> dict[str, Any]:
    """The Meet v2 discovery document (parsed)."""
    document: dict[str, Any] = json.loads(meet_discovery_path().read_text())
    return document


@pytest.fixture(scope="session")
def pulumi_schema() -> Callable[[str], dict[str, Any]]:
    """``pulumi_schema(file name)``: one of Pulumi's JSON Schemas, or the test is skipped."""

    def load(name: str) -> dict[str, Any]:
        source = PULUMI_SCHEMAS[name]
        directory = os.environ.get(PULUMI_SCHEMA_DIR)
        if not directory:
            pytest.skip(
                f"{PULUMI_SCHEMA_DIR} is not set: point it at a directory holding {name} "
                f"(pulumi/pulumi's {source}) to validate against it"
            )
        path = Path(directory) / name
        if not path.is_file():
            pytest.fail(f"{PULUMI_SCHEMA_DIR}={directory} has no {name} (pulumi/pulumi's {source})")
        schema: dict[str, Any] = json.loads(path.read_text())
        return schema

    return load


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
def _private_quota_ledger(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every test gets its own quota ledger as the default one.

    The default ledger lives in the home directory and is shared by every pulumi-meet process:
    a test's calls would pace another test's, and nothing of a test run belongs in ~. Provider
    hosts and CLI subprocesses of the harness are given this file (MEET_QUOTA_LEDGER); the
    environment of this process is left alone, so Settings built with and without it agree.
    """
    from pulumi_meet.pacing import ledger

    # Not in tmp_path: tests check that directory holds only what the command under test wrote.
    path = tmp_path_factory.mktemp("ledger") / "quota-ledger.sqlite"
    monkeypatch.setattr(ledger, "DEFAULT_PATH", str(path))
