"""Fixtures for the policy pack's tests: its analyzer process, started as the engine starts it."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path

import pytest

from tests.policy.analyzer import PACK_DIR, Analyzer, pack_python
from tests.process import stopped_after

# The unit tests import the pack's package the way its __main__.py does (from the pack folder).
if str(PACK_DIR) not in sys.path:
    sys.path.insert(0, str(PACK_DIR))

AnalyzerFactory = Callable[..., Analyzer]

# Outside CI variables, so that the pipeline-only policy behaves the same on every machine.
NOT_IN_CI = {"CI": "false"}
IN_CI = {"CI": "true"}


@pytest.fixture(scope="session")
def python() -> Path:
    """The pack's own virtualenv interpreter (built on first use, as the CLI builds it)."""
    return pack_python()


@pytest.fixture
def start_analyzer(python: Path) -> Iterator[AnalyzerFactory]:
    """Start analyzers (``start_analyzer(env)``); each is stopped at teardown."""

    def make(env: Mapping[str, str] | None = None) -> Analyzer:
        return Analyzer(env=env if env is not None else NOT_IN_CI, python=python)

    with stopped_after(make) as start:
        yield start


@pytest.fixture
def analyzer(start_analyzer: AnalyzerFactory) -> Analyzer:
    """The pack's analyzer, outside CI, with its default config."""
    return start_analyzer()
