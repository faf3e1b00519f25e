"""The pacing tests use the client tests' backoff without waits, and one way to reap the
subprocesses (``tests/pacing/ledger_worker.py``) they start."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator

import pytest

from tests.client.conftest import no_jitter

__all__ = ["no_jitter", "workers"]


@pytest.fixture
def workers() -> Iterator[list[subprocess.Popen[str]]]:
    """The test appends each subprocess it starts; each is killed if still running, then reaped
    with its pipes closed."""
    started: list[subprocess.Popen[str]] = []
    yield started
    for process in started:
        if process.poll() is None:
            process.kill()
        process.wait(timeout=10)
        for pipe in (process.stdin, process.stdout, process.stderr):
            if pipe is not None:
                pipe.close()
