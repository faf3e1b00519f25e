"""The Python front-end says what the field tables say: generated Args, docs, and docstrings."""

from __future__ import annotations

import ast
import dataclasses
import inspect
import re
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

from pulumi_meet.core.member_fields import MEMBER
from pulumi_meet.core.space_fields import SPACE
from pulumi_meet.core.table import Table
from pulumi_meet.dynamic import generate
from pulumi_meet.dynamic.generate import (
    ARGS_MODULE,
    args_source,
    doc_tables,
    render_docs,
    rst,
)
from pulumi_meet.dynamic.member import SpaceMember
from pulumi_meet.dynamic.space import Space
from tests.conftest import REPO_ROOT

REGENERATE = "python -m pulumi_meet.dynamic.generate"


def test_the_args_module_is_the_generated_one() -> None:
    assert ARGS_MODULE.read_text() == args_source(SPACE), (
        f"config_args.py is stale: run `{REGENERATE}`"
    )


@pytest.mark.parametrize(("page", "table"), [("space.md", SPACE), ("space-member.md", MEMBER)])
def test_the_docs_tables_are_the_generated_ones(page: str, table: Table) -> None:
    text = (REPO_ROOT / "docs" / page).read_text()
    assert render_docs(text, doc_tables(table)) == text, f"docs/{page} is stale: run `{REGENERATE}`"


def test_the_generator_checks_rewrites_and_refuses_unmarked_tables(tmp_path: Path) -> None:
    (tmp_path / "docs").mkdir()
    for page in generate.DOCS:
        (tmp_path / "docs" / page).write_text((REPO_ROOT / "docs" / page).read_text())
    assert generate.main(["--check", "--root", str(tmp_path)]) == 0
    page = tmp_path / "docs" / "space.md"
    page.write_text(page.read_text().replace("Who can join without knocking.", "Who joins."))
    assert generate.main(["--check", "--root", str(tmp_path)]) == 1
    assert generate.main(["--root", str(tmp_path)]) == 0
    assert "| Who can join without knocking. |" in page.read_text()
    unmarked = re.sub(
        r"<!-- generated: outputs -->.*?<!-- end generated -->", "", page.read_text(), flags=re.S
    )
    with pytest.raises(KeyError, match="outputs"):
        render_docs(unmarked, doc_tables(SPACE))


# -------------------------------------------------------------------- the resources' docstrings


def _normal(text: str) -> str:
    return " ".join(text.split())


def _attribute_docs(cls: type) -> dict[str, str]:
    """``{attribute: docstring}`` of a class body (the strings written after annotations)."""
    body = ast.parse(textwrap.dedent(inspect.getsource(cls))).body[0]
    assert isinstance(body, ast.ClassDef)
    docs: dict[str, str] = {}
    for node, after in zip(body.body, body.body[1:], strict=False):
        if (
            isinstance(node, ast.AnnAssign)
            and isinstance(node.target, ast.Name)
            and isinstance(after, ast.Expr)
            and isinstance(after.value, ast.Constant)
        ):
            docs[node.target.id] = _normal(str(after.value.value))
    return docs


def _param_docs(function: Callable[..., object]) -> dict[str, str]:
    text = inspect.getdoc(function) or ""
    found = re.findall(r":param (\w+):(.*?)(?=:param |\Z)", text, flags=re.S)
    return {name: _normal(doc) for name, doc in found}


def docstring_problems(cls: type, table: Table) -> list[str]:
    """What a resource class says that its table does not: each output's docstring is its row's
    description; each parameter's starts with it (Python-only advice may follow)."""
    problems = []
    outputs = _attribute_docs(cls)
    if list(outputs) != list(table.output_names):
        problems.append(f"{cls.__name__} outputs {list(outputs)}, table {table.output_names}")
    for name in table.output_names:
        row = table.output_row(name)
        wanted = _normal(rst(row.description if row else table.describe(name)))
        if outputs.get(name) != wanted:
            problems.append(f"{cls.__name__}.{name}: {outputs.get(name)!r} != {wanted!r}")
    params = _param_docs(cls.__init__)  # type: ignore[misc]
    for name in table.input_names:
        row = table.input_row(name)
        wanted = _normal(rst(row.description if row else table.describe(name)))
        if not params.get(name, "").startswith(wanted):
            problems.append(f"{cls.__name__}(:param {name}:) does not start with {wanted!r}")
    return problems


@pytest.mark.parametrize(("cls", "table"), [(Space, SPACE), (SpaceMember, MEMBER)])
def test_the_resources_docstrings_say_what_the_rows_say(cls: type, table: Table) -> None:
    assert docstring_problems(cls, table) == []


def test_the_docstring_check_can_fail() -> None:
    owner = SPACE.input_row("owner")
    assert owner is not None
    rows = tuple(
        dataclasses.replace(row, description="Other.") if row is owner else row
        for row in SPACE.rows
    )
    changed = Table(SPACE.name, SPACE.description, rows, SPACE.objects)
    assert docstring_problems(Space, changed) == [
        "Space(:param owner:) does not start with 'Other.'"
    ]
    assert docstring_problems(SpaceMember, SPACE)
