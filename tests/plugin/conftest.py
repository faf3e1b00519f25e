"""Fixtures for the plugin tests: running plugins (the emulator and its control API are the
shared fixtures of tests/conftest.py)."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from pathlib import Path

import pytest

from tests.control import Control
from tests.plugin.host import PluginHost
from tests.process import stopped_after

PluginFactory = Callable[..., PluginHost]


@pytest.fixture
def start_plugin(tmp_path: Path) -> Iterator[PluginFactory]:
    """Start plugins (``start_plugin(env, sends_type=...)``); every one is stopped at teardown."""

    def make(env: Mapping[str, str] | None = None, *, sends_type: bool = True) -> PluginHost:
        return PluginHost(env or {}, tmp_path, sends_type=sends_type)

    with stopped_after(make) as start:
        yield start


@pytest.fixture
def plugin(control: Control, start_plugin: PluginFactory) -> PluginHost:
    """A plugin configured (through Configure's args and variables) for the emulator."""
    host = start_plugin()
    host.configure({"emulatorHost": control.host_port})
    return host
