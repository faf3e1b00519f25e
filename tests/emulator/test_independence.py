"""The emulator encodes what Google does and shares no rule code with the provider.

If it imported the provider's modules, a provider bug could hide in the very thing that tests it.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pulumi_meet.emulator

EMULATOR_DIR = Path(pulumi_meet.emulator.__file__).parent


def _imported_modules(source: Path) -> set[str]:
    modules: set[str] = set()
    for node in ast.walk(ast.parse(source.read_text(), filename=str(source))):
        if isinstance(node, ast.Import):
            modules.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            modules.add(node.module)
    return modules


def test_the_emulator_imports_nothing_of_the_provider() -> None:
    offending = {
        f"{path.name}: {module}"
        for path in EMULATOR_DIR.rglob("*.py")
        for module in _imported_modules(path)
        if (module == "pulumi_meet" or module.startswith("pulumi_meet."))
        and not module.startswith("pulumi_meet.emulator")
    }
    assert offending == set()
    assert len(list(EMULATOR_DIR.glob("*.py"))) > 10  # the walk saw the package
    assert len(list(EMULATOR_DIR.rglob("conferences/*.py"))) > 5  # and its sub-packages
