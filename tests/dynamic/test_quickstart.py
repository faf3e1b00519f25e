"""The quick-start example: under mocks, and applied twice on the embedded emulator."""

from __future__ import annotations

import runpy
from pathlib import Path

from tests.conftest import REPO_ROOT
from tests.dynamic.conftest import SPACE_TYPE, HostFactory
from tests.engine import Engine, capture_program

QUICKSTART = REPO_ROOT / "examples" / "quickstart" / "__main__.py"


def quickstart() -> None:
    runpy.run_path(str(QUICKSTART), run_name="__main__")


def test_quickstart_declares_one_room() -> None:
    (room,) = capture_program(quickstart)
    assert (room.type, room.name) == (SPACE_TYPE, "team-standup")
    assert room.inputs["config"] == {"access_type": "TRUSTED", "entry_point_access": "ALL"}


def test_quickstart_on_the_embedded_emulator_survives_from_one_up_to_the_next(
    start_host: HostFactory, tmp_path: Path
) -> None:
    config = {"meet:emulatorHost": "embedded"}  # what the root Pulumi.dev.yaml sets
    engine = Engine(start_host({}), config=config)
    assert [s.op for s in engine.up(quickstart)] == ["create"]
    state = engine.resource("team-standup")
    assert engine.exports == {"meeting_uri": state.outputs["meeting_uri"], "space_name": state.id}
    assert (tmp_path / ".pulumi-meet" / "emulator.db").is_file()

    engine.use_host(start_host({}), config)  # the next `pulumi up`: a new provider process
    assert [s.op for s in engine.up(quickstart)] == ["same"]
    assert [s.op for s in engine.refresh()] == ["refresh"]
    assert engine.resource("team-standup").outputs["meeting_uri"] == state.outputs["meeting_uri"]
    assert [s.op for s in engine.destroy()] == ["delete"]
