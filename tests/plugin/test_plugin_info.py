"""GetPluginInfo answers the installed distribution's version: the engine records it in the
state and picks the plugin by it next time, so it must be what ``pip show pulumi-meet`` prints."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pulumi_meet
from tests.plugin.conftest import PluginFactory
from tests.process import safe_environment


def _pip_show_version(env: dict[str, str] | None = None) -> str:
    shown = subprocess.run(
        [sys.executable, "-m", "pip", "show", "pulumi-meet"],
        capture_output=True,
        text=True,
        check=True,
        env=env,
        timeout=120,
    ).stdout
    (version,) = (
        line.split(":", 1)[1].strip() for line in shown.splitlines() if "Version:" in line
    )
    return version


def test_plugin_info_is_the_version_pip_shows(start_plugin: PluginFactory) -> None:
    assert start_plugin().plugin_info() == _pip_show_version()


def test_plugin_info_follows_the_installed_metadata_not_the_source(
    start_plugin: PluginFactory, tmp_path: Path
) -> None:
    # Installed metadata that disagrees with the source tree's __version__ (a reinstall pending):
    # the engine must see what is installed.
    dist = tmp_path / "pulumi_meet-9.9.9.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: pulumi-meet\nVersion: 9.9.9\n")
    env = {"PYTHONPATH": str(tmp_path)}
    assert _pip_show_version({**safe_environment(), **env}) == "9.9.9" != pulumi_meet.__version__
    assert start_plugin(env).plugin_info() == "9.9.9"
