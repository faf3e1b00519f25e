"""The source-based plugin package (``provider/``), started exactly as Pulumi starts it.

What the Python language host does with a plugin folder whose ``PulumiPlugin.yaml`` says
``runtime: python`` (pulumi/pulumi: ``sdk/python/toolchain/pip.go`` InstallDependencies and
``sdk/python/cmd/pulumi-language-python/main.go`` RunPlugin):

1. ``python -m venv <folder>/venv`` (a plugin always gets a virtual environment, ``venv`` unless
   the options name another);
2. in the folder, ``venv/bin/python -m pip install --upgrade pip setuptools wheel``, then
   ``venv/bin/python -m pip install -r requirements.txt``;
3. in the project's directory, ``venv/bin/python <folder> <engine arguments>``, because
   ``<folder>/__main__.py`` exists (without it the host would run ``python -m pulumi.run.plugin
   pulumi-meet``, which runs ``pulumi_meet.__main__``: the CLI, not the plugin).

``pulumi package add github.com/…/pulumi-meet/provider@<tag>`` clones the whole repository and
uses the ``provider`` folder of the clone; a local path uses the folder in place. The slow test
does the same on a copy of this repository's files, so nothing of this working tree's ``.venv``
is used.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

import pulumi_meet
from pulumi_meet.plugin.schema import SPACE, schema_text
from tests.conftest import REPO_ROOT
from tests.control import Control
from tests.plugin.host import PluginHost, urn

PROVIDER = REPO_ROOT / "provider"
_NOT_COPIED = shutil.ignore_patterns(
    *(".git", ".venv", "venv", "build", "dist", "*.egg-info", "__pycache__", ".*_cache"),
    ".pulumi-meet",
)


def _checkout(destination: Path) -> Path:
    """A copy of the repository's files, as a clone has them (tracked and new, not ignored)."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=REPO_ROOT,
        capture_output=True,
        check=False,
    )
    if listed.returncode != 0:  # not a git checkout (an sdist): everything but build output
        shutil.copytree(REPO_ROOT, destination, ignore=_NOT_COPIED)
        return destination
    for name in listed.stdout.decode().split("\0"):
        source = REPO_ROOT / name
        if name and source.is_file():
            target = destination / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
    return destination


def _host_step(argv: list[str], cwd: Path) -> None:
    """One command the language host runs, with the environment it gives (the venv activated)."""
    venv = cwd / "venv"
    env = {**os.environ, "VIRTUAL_ENV": str(venv)}
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    env.pop("PYTHONHOME", None)
    finished = subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True, check=False)
    assert finished.returncode == 0, f"{' '.join(argv)}:\n{finished.stdout}\n{finished.stderr}"


@pytest.fixture(scope="module")
def installed_plugin(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The ``provider`` folder of a fresh checkout, its dependencies installed as the host does."""
    folder = _checkout(tmp_path_factory.mktemp("clone") / "pulumi-meet") / "provider"
    options = yaml.safe_load((folder / "PulumiPlugin.yaml").read_text())["runtime"]["options"]
    venv = folder / options["virtualenv"]
    _host_step([sys.executable, "-m", "venv", str(venv)], folder)
    python = str(venv / "bin" / "python")
    _host_step([python, "-m", "pip", "install", "--upgrade", "pip", "setuptools", "wheel"], folder)
    _host_step([python, "-m", "pip", "install", "-r", "requirements.txt"], folder)
    yield folder


def test_the_folder_is_a_python_plugin_package_with_a_main() -> None:
    project = yaml.safe_load((PROVIDER / "PulumiPlugin.yaml").read_text())
    assert project["runtime"]["name"] == "python"
    # pip, whatever lock files a user's checkout holds, into the venv the host makes.
    assert project["runtime"]["options"] == {"toolchain": "pip", "virtualenv": "venv"}
    assert (PROVIDER / "__main__.py").is_file()
    requirements = [
        line.strip()
        for line in (PROVIDER / "requirements.txt").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    # This repository (the folder above), not a published pulumi-meet of another version.
    assert requirements == [".."]
    assert (PROVIDER / ".." / "pyproject.toml").resolve() == REPO_ROOT / "pyproject.toml"


def test_without_its_dependencies_the_entry_point_says_what_to_install(tmp_path: Path) -> None:
    # -S: no site-packages, so pulumi-meet cannot be imported (a folder whose install never ran).
    finished = subprocess.run(
        [sys.executable, "-S", str(PROVIDER), "127.0.0.1:1"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert finished.returncode == 1
    assert "pulumi-meet is not installed in this plugin's environment" in finished.stderr
    assert "pip install -r requirements.txt" in finished.stderr
    assert "Traceback" not in finished.stderr


@pytest.mark.slow
@pytest.mark.timeout(900)
def test_the_language_hosts_route_serves_the_schema_and_creates_a_room(
    installed_plugin: Path, control: Control, tmp_path: Path
) -> None:
    venv_python = installed_plugin / "venv" / "bin" / "python"
    version = subprocess.run(
        [venv_python, installed_plugin, "--version"], capture_output=True, text=True, check=True
    )
    assert version.stdout == f"pulumi-resource-meet {pulumi_meet.__version__}\n"
    project = tmp_path / "project"  # the host runs the plugin in the project's directory
    project.mkdir()
    with PluginHost({}, project, command=[venv_python, installed_plugin]) as host:
        assert host.plugin_info() == pulumi_meet.__version__
        assert host.schema() == schema_text()
        host.configure({"emulatorHost": control.host_port})
        room = urn(SPACE, "standup")
        checked, failures = host.check(room, {}, {"config": {"accessType": "TRUSTED"}})
        assert failures == []
        space_id, outputs = host.create(room, checked)
    assert space_id.startswith("spaces/")
    assert outputs["config"]["accessType"] == "TRUSTED"
    assert control.methods() == ["spaces.create"]
    assert host.returncode == 0, host.stderr
