"""What the README and the benchmark results promise a new user, checked against the code."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from bench._report import google_create_seconds, render_report
from pulumi_meet import __version__
from tests.conftest import REPO_ROOT

README = (REPO_ROOT / "README.md").read_text()


def test_install_instructions_work_today() -> None:
    """pulumi-meet is not on PyPI: no bare `pip install pulumi-meet`, and the repository forms
    are given (the packaging test installs what they would install)."""
    assert not re.search(r"pip install pulumi-meet(?![\w@ -])", README)
    assert "not on PyPI yet" in README
    assert 'pip install "pulumi-meet @ git+https://github.com/' in README
    for requirements in sorted((REPO_ROOT / "examples").glob("**/requirements.txt")):
        text = requirements.read_text()
        lines = [line.strip() for line in text.splitlines() if not line.startswith("#")]
        ours = [line for line in lines if line.startswith(("pulumi-meet", "-e ../.."))]
        for line in ours:  # from the repository, never a name PyPI does not have
            assert line.startswith("-e ") or " @ git+https://" in line, (requirements, line)
        assert not ours or "not on PyPI yet" in text, requirements


_BARE_PIP_INSTALL = re.compile(r"""pip install ['"]?pulumi-meet(\[\w+\])?['"]?(?![\w@ [-])""")
_DOCS = sorted(
    [
        REPO_ROOT / "README.md",
        *(REPO_ROOT / "docs").glob("*.md"),
        *REPO_ROOT.glob("examples/**/*.md"),
    ]
)


@pytest.mark.parametrize("doc", _DOCS, ids=lambda p: str(p.relative_to(REPO_ROOT)))
def test_no_doc_installs_from_pypi_as_if_published(doc: Path) -> None:
    """A bare `pip install pulumi-meet` (or `'pulumi-meet[policy]'`) only where the paragraph says
    it is for once the package is on PyPI."""
    for paragraph in doc.read_text().split("\n\n"):
        if _BARE_PIP_INSTALL.search(paragraph):
            assert "once" in paragraph.lower() and "PyPI" in paragraph, paragraph


def test_the_plugin_docs_lead_with_the_source_package_route() -> None:
    plugin = (REPO_ROOT / "docs" / "plugin.md").read_text()
    installing = plugin.split("## Installing", 1)[1].split("\n## ", 1)[0]
    first_block = installing.split("```", 2)[1]
    assert "pulumi package add github.com/pulumi-meet/pulumi-meet/provider@v" in first_block
    assert "pulumi package add ./" in first_block
    for language in ("TypeScript", "Go", "C#", "Python", "YAML"):
        assert f"| {language}" in installing, language
    assert "packages:" in installing and "plugins:\n  providers:" in installing


def test_the_readme_config_table_names_every_key() -> None:
    from pulumi_meet.plugin.config import CONFIG_KEYS

    table = README.split("\n## Configuration\n", 1)[1].split("\n## ", 1)[0]
    missing = [key.name for key in CONFIG_KEYS if f"`meet:{key.name}`" not in table]
    assert missing == []


def test_the_quick_start_links_the_no_cli_path() -> None:
    quick_start = README.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    assert "(docs/cli.md#trying-it-locally)" in quick_start
    assert "\n## Trying it locally\n" in (REPO_ROOT / "docs" / "cli.md").read_text()


def test_the_readme_states_the_limits_plainly() -> None:
    assert "The Meet API has no `spaces.list`" in README
    # One line for the plugin to update: the languages that can use the package today.
    marker = README.index("<!-- languages:")
    languages = README[marker:].split("\n\n", 1)[0]
    assert "Every Pulumi language" in languages and "`pulumi-resource-meet`" in languages


def test_the_version_is_written_once_and_reported_by_the_installed_cli() -> None:
    from importlib import metadata

    assert metadata.version("pulumi-meet") == __version__
    script = Path(sys.executable).with_name("pulumi-meet")
    done = subprocess.run(
        [str(script), "--version"], capture_output=True, text=True, timeout=30, check=True
    )
    assert done.stdout.strip() == f"pulumi-meet {__version__}"
    pyproject = (REPO_ROOT / "pyproject.toml").read_text()
    assert 'dynamic = ["version"]' in pyproject
    assert not re.search(r'^version\s*=\s*"', pyproject, re.MULTILINE)  # no second literal


# ------------------------------------------------------------------ bench/results/latest.md


def test_the_latest_results_name_the_commit_they_measured() -> None:
    latest = (REPO_ROOT / "bench" / "results" / "latest.md").read_text()
    match = re.search(r"- code measured: commit `([0-9a-f]{40})`", latest)
    assert match, "latest.md must record the commit it ran on"
    known = subprocess.run(
        ["git", "cat-file", "-e", f"{match.group(1)}^{{commit}}"],
        cwd=REPO_ROOT,
        capture_output=True,
        timeout=10,
        check=False,
    )
    if known.returncode != 0 and not (REPO_ROOT / ".git").exists():
        pytest.skip("not a git checkout")
    assert known.returncode == 0, f"{match.group(1)} is not a commit of this repository"


def test_lifecycle_wall_times_are_labelled_with_the_figure_a_user_sees() -> None:
    assert google_create_seconds(25) == 120  # the README's "25 new rooms ... ~120 s"
    assert google_create_seconds(10) == 0 and google_create_seconds(11) == 60
    assert "25 new rooms by one user take\n~120 s" in README
    latest = (REPO_ROOT / "bench" / "results" / "latest.md").read_text()
    assert "| wall s (quotas raised) |" in latest
    assert "raised out of the way" in latest
    assert "25 rooms take ≈ 120 s" in latest


def test_the_report_renders_both_the_commit_and_the_labels() -> None:
    import json

    results = json.loads((REPO_ROOT / "bench" / "results" / "latest.json").read_text())
    results["source"] = {"commit": "0" * 40, "uncommitted_changes": True, "version": "9.9.9"}
    report = render_report(results, None)
    assert f"- code measured: commit `{'0' * 40}` plus uncommitted changes (pulumi-meet 9.9.9)" in (
        report
    )
    rooms = results["lifecycle"]["rooms"]
    assert f"creating these {rooms} rooms takes ≈ {google_create_seconds(rooms)} s" in report


# ------------------------------------------------------------------ the Pulumi Registry's pages


def _front_matter(text: str) -> dict[str, str]:
    import yaml

    assert text.startswith("---\n"), "the Registry requires YAML front matter first"
    matter: dict[str, str] = yaml.safe_load(text.split("---\n", 2)[1])
    return matter


@pytest.mark.parametrize(
    ("page", "layout"), [("_index.md", "overview"), ("installation-configuration.md", "package")]
)
def test_the_registry_pages_exist_with_their_front_matter(page: str, layout: str) -> None:
    matter = _front_matter((REPO_ROOT / "docs" / page).read_text())
    assert matter["layout"] == layout
    assert matter["title"].startswith("Google Meet") and matter["meta_desc"]


def test_the_registry_overview_has_a_sample_per_language() -> None:
    text = (REPO_ROOT / "docs" / "_index.md").read_text()
    languages = ("typescript", "python", "go", "csharp", "yaml")
    assert f'{{{{< chooser language "{",".join(languages)}" >}}}}' in text
    for language in languages:
        assert f"{{{{% choosable language {language} %}}}}\n\n```{language}\n" in text, language


def test_the_registry_configuration_page_names_every_key_and_variable() -> None:
    from pulumi_meet.plugin.schema import package_schema

    text = (REPO_ROOT / "docs" / "installation-configuration.md").read_text()
    variables = package_schema()["config"]["variables"]
    assert [key for key in variables if f"| `{key}`" not in text] == []
    from pulumi_meet.plugin.config import CONFIG_KEYS

    environment = [name for key in CONFIG_KEYS for name in key.environment]
    assert environment, "the keys declare their environment variables"
    for variable in ("GOOGLE_APPLICATION_CREDENTIALS", *environment):
        assert f"`{variable}`" in text, variable
    assert "pulumi package add github.com/pulumi-meet/pulumi-meet/provider@v" in text
    assert "domain-wide delegation" in text.lower()
