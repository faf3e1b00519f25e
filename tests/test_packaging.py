"""The package as it would be published: ``python -m build`` makes a wheel and an sdist, and each
installs into a clean virtual environment where the console script and the import work and
report the one version (pulumi_meet/_version.py).

The build backend (setuptools) comes from the package index, as for any build. The clean
environments get pulumi-meet itself with ``--no-deps`` and see this environment's packages for
its dependencies, so no dependency is downloaded.
"""

from __future__ import annotations

import shutil
import site
import subprocess
import sys
import sysconfig
import tarfile
import zipfile
from pathlib import Path

import pytest

from pulumi_meet._version import __version__
from tests.conftest import REPO_ROOT

_BUILD_TIMEOUT = 60
_IGNORED = shutil.ignore_patterns(
    ".git", ".venv", "venv", ".ci", "__pycache__", "*.pyc", "*.egg-info", "build", "dist",
    ".pulumi-meet", ".mypy_cache", ".ruff_cache", ".pytest_cache", ".hypothesis",
)  # fmt: skip


def _run(*argv: str | Path, timeout: float = 30, cwd: Path | None = None) -> str:
    done = subprocess.run(
        [str(arg) for arg in argv],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
        cwd=cwd,
    )
    assert done.returncode == 0, f"{argv}:\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}"
    return done.stdout


@pytest.fixture(scope="module")
def dists(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The sdist and the wheel, built from a copy of the source tree (the build writes into the
    tree it builds, and the wheel is built from the sdist, as `python -m build` does)."""
    root = tmp_path_factory.mktemp("packaging")
    source = root / "source"
    shutil.copytree(REPO_ROOT, source, ignore=_IGNORED)
    out = root / "dist"
    _run(sys.executable, "-m", "build", "--outdir", out, source, timeout=_BUILD_TIMEOUT)
    return {
        "wheel": next(out.glob("pulumi_meet-*.whl")),
        "sdist": next(out.glob("pulumi_meet-*.tar.gz")),
    }


def _clean_venv(where: Path) -> Path:
    """A fresh venv (its own pip, from ensurepip) whose only pulumi-meet is the one installed
    next; this environment's site-packages are appended to its path for the dependencies (.pth
    files there, such as an editable install of pulumi-meet, are not processed)."""
    _run(sys.executable, "-m", "venv", where, timeout=_BUILD_TIMEOUT)
    python = where / "bin" / "python"
    purelib = _run(python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])")
    ours = {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}
    ours |= set(site.getsitepackages())
    (Path(purelib.strip()) / "outer-dependencies.pth").write_text("\n".join(sorted(ours)) + "\n")
    return python


@pytest.mark.slow
def test_the_distributions_carry_the_metadata(dists: dict[str, Path]) -> None:
    with zipfile.ZipFile(dists["wheel"]) as wheel:
        names = wheel.namelist()
        metadata = wheel.read(f"pulumi_meet-{__version__}.dist-info/METADATA").decode()
    assert "pulumi_meet/py.typed" in names
    assert f"pulumi_meet-{__version__}.dist-info/entry_points.txt" in names
    for line in (
        f"Version: {__version__}",
        "License-Expression: Apache-2.0",
        "Requires-Python: >=3.10",
        "Classifier: Typing :: Typed",
        "Requires-Dist: pulumi<4,>=3.150",
    ):
        assert line in metadata, line
    assert any(name.endswith("licenses/LICENSE") for name in names)
    with tarfile.open(dists["sdist"]) as sdist:
        members = {name.split("/", 1)[1] for name in sdist.getnames() if "/" in name}
    assert {"LICENSE", "README.md", "CHANGELOG.md", "docs/cli.md", "tests/engine.py"} <= members
    assert {
        "provider/PulumiPlugin.yaml",
        "provider/__main__.py",
        "provider/requirements.txt",
    } <= members
    assert not any("__pycache__" in name for name in members)


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["wheel", "sdist"])
def test_each_distribution_installs_and_runs_in_a_clean_venv(
    kind: str, dists: dict[str, Path], tmp_path: Path
) -> None:
    venv = tmp_path / "venv"
    python = _clean_venv(venv)
    # The sdist is built on the way (setuptools from the index, in an isolated environment).
    _run(python, "-m", "pip", "install", "--no-deps", "-q", dists[kind], timeout=_BUILD_TIMEOUT)

    script = venv / "bin" / "pulumi-meet"
    assert _run(script, "--version", cwd=tmp_path).strip() == f"pulumi-meet {__version__}"
    probe = (
        "import importlib.metadata, pulumi_meet, pulumi_meet.emulator\n"
        "print(pulumi_meet.__file__)\n"
        "print(pulumi_meet.__version__, importlib.metadata.version('pulumi-meet'))\n"
        "print(pulumi_meet.Space.__name__, pulumi_meet.SpaceMember.__name__)\n"
    )
    where, versions, classes = _run(python, "-c", probe, cwd=tmp_path).splitlines()
    assert Path(where).is_relative_to(venv)  # the installed copy, not this checkout
    assert versions == f"{__version__} {__version__}"
    assert classes == "Space SpaceMember"
