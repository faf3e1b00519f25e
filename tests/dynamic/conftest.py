"""Fixtures for the dynamic provider's tests: provider hosts (the emulator and its control API
are the shared fixtures of tests/conftest.py)."""

from __future__ import annotations

import socket
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path

import pytest

from tests.control import DEFAULT_USER, SA_PROJECT, Control
from tests.engine import Engine, ProviderHost
from tests.process import stopped_after

__all__ = ["DEFAULT_USER", "SA_PROJECT", "SPACE_TYPE", "Control", "HostFactory", "closed_port"]

SPACE_TYPE = "pulumi-python:dynamic/meet:Space"


HostFactory = Callable[..., ProviderHost]


@pytest.fixture
def start_host(tmp_path: Path) -> Iterator[HostFactory]:
    """Start provider hosts (``start_host(env)``); every host is stopped at teardown."""

    def make(env: Mapping[str, str] | None = None) -> ProviderHost:
        return ProviderHost(env or {}, tmp_path)

    with stopped_after(make) as start:
        yield start


@pytest.fixture
def engine(control: Control, start_host: HostFactory) -> Engine:
    """An engine whose provider host talks to the emulator as the default emulator user."""
    return Engine(start_host({"MEET_EMULATOR_HOST": control.host_port}))


def closed_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port
