"""The pack keeps its own copy of the fields it reads: checked here against pulumi-meet's public
API, so that a renamed field or enum value fails a test instead of silently passing every room."""

from __future__ import annotations

import ast
import inspect
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pulumi_meet as meet
from tests.conftest import REPO_ROOT
from tests.policy.analyzer import PACK_DIR

# Where the Args classes nest under `config` (public classes only).
NESTED_ARGS: dict[str, Any] = {
    "artifact_config": meet.ArtifactConfigArgs,
    "recording_config": meet.RecordingConfigArgs,
    "transcription_config": meet.TranscriptionConfigArgs,
    "smart_notes_config": meet.SmartNotesConfigArgs,
    "moderation_restrictions": meet.ModerationRestrictionsArgs,
}


def build_config(path: tuple[str, ...], value: str) -> meet.SpaceConfigArgs:
    """``SpaceConfigArgs`` with the leaf at ``path`` set, built from the public Args classes
    (an unknown field name raises TypeError)."""

    def build(cls: Any, keys: tuple[str, ...]) -> Any:
        head, *rest = keys
        return cls(**{head: build(NESTED_ARGS[head], tuple(rest)) if rest else value})

    result: meet.SpaceConfigArgs = build(meet.SpaceConfigArgs, path[1:])
    return result


def camel(name: str) -> str:
    return re.sub(r"_([a-z])", lambda m: m.group(1).upper(), name)


def test_every_field_of_the_pack_exists_in_the_public_api() -> None:
    from meet_policy.resources import FIELDS, MeetResource

    space_params = inspect.signature(meet.Space.__init__).parameters
    member_params = inspect.signature(meet.SpaceMember.__init__).parameters
    for key, spec in FIELDS.items():
        assert spec.camel == tuple(camel(part) for part in spec.snake), key
        if spec.snake[0] == "config":
            config = build_config(spec.snake, "ON").to_dict()
            resource = MeetResource("space", False, "test", {"config": config})
            assert resource.get(key) == "ON", key
        elif key == "name":
            assert "name" in meet.Space.__annotations__  # an output, read by the stack policy
        else:
            assert spec.snake[0] in space_params or spec.snake[0] in member_params, key


def test_the_enum_values_the_policies_compare_with_exist() -> None:
    from meet_policy.resources import ACCESS_OPEN, SETTING_ON

    assert ACCESS_OPEN in {member.value for member in meet.AccessType}
    assert SETTING_ON in {member.value for member in meet.Moderation}
    assert SETTING_ON in {member.value for member in meet.AutoGenerationType}
    source = (PACK_DIR / "meet_policy" / "policies.py").read_text()
    assert '"OPEN"' not in source and '"ON"' not in source  # compared only through the constants


def test_the_pack_imports_nothing_of_pulumi_meet() -> None:
    for path in [PACK_DIR / "__main__.py", *(PACK_DIR / "meet_policy").glob("*.py")]:
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            else:
                continue
            assert not any(n.split(".")[0] == "pulumi_meet" for n in names), path


def test_the_pack_and_its_tests_are_ruff_and_mypy_strict_clean(python: Path) -> None:
    ruff = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "policy-pack", "tests/policy", "tests/pipelines"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert ruff.returncode == 0, ruff.stdout + ruff.stderr
    # Checked against the pack's own environment, where pulumi-policy is installed.
    mypy = subprocess.run(
        [
            sys.executable,
            "-m",
            "mypy",
            "--strict",
            "--python-executable",
            str(python),
            "meet_policy",
            "__main__.py",
        ],
        cwd=PACK_DIR,
        capture_output=True,
        text=True,
        check=False,
    )
    assert mypy.returncode == 0, mypy.stdout + mypy.stderr
    tests = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "tests/policy", "tests/pipelines"],
        cwd=REPO_ROOT,
        env={**os.environ, "MYPYPATH": str(PACK_DIR)},
        capture_output=True,
        text=True,
        check=False,
    )
    assert tests.returncode == 0, tests.stdout + tests.stderr
