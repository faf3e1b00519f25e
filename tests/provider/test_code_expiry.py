"""A room's meeting code expires (the emulator clock moved a year on) under the dynamic provider,
driven as the engine drives it (a real ``python -m pulumi.dynamic`` host): the refresh follows
the new code, keeps the ID, says so once in the engine log, and the next up changes nothing;
adopting or reading the old code fails with one clear error."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

import pulumi_meet as meet
from tests.engine import Engine, ProviderError, ProviderHost
from tests.process import EngineLog
from tests.provider.conftest import Control

YEAR_AND_A_DAY = 366 * 86400


@pytest.fixture
def engine_log() -> Iterator[EngineLog]:
    with EngineLog() as log:
        yield log


@pytest.fixture
def logged_engine(control: Control, engine_log: EngineLog, tmp_path: Path) -> Iterator[Engine]:
    env = {"MEET_EMULATOR_HOST": control.host_port}
    with ProviderHost(env, tmp_path, engine=engine_log.address) as host:
        yield Engine(host)


def _room() -> None:
    meet.Space("standup", config=meet.SpaceConfigArgs(access_type=meet.AccessType.TRUSTED))


def test_refresh_follows_the_new_code_and_the_next_up_is_a_no_op(
    control: Control, engine_log: EngineLog, logged_engine: Engine
) -> None:
    engine = logged_engine
    engine.up(_room)
    before = engine.resource("standup")
    old_code, old_uri = before.outputs["meeting_code"], before.outputs["meeting_uri"]
    control.post("clock:advance", {"seconds": YEAR_AND_A_DAY})

    assert [s.op for s in engine.refresh()] == ["refresh"]
    after = engine.resource("standup")
    assert after.id == before.id
    new_code = after.outputs["meeting_code"]
    assert new_code != old_code
    assert after.outputs["meeting_uri"] == f"https://meet.google.com/{new_code}"
    said = [m for m in engine_log.messages() if "meeting code changed" in m]
    assert len(said) == 1
    assert f"from {old_code} to {new_code}" in said[0] and old_uri in said[0]
    assert "no longer work" in said[0] and before.id in said[0]

    control.clear()
    assert [s.op for s in engine.up(_room)] == ["same"]
    assert control.methods() == []  # no replacement, no update: not even a call
    engine.refresh()
    assert len([m for m in engine_log.messages() if "meeting code changed" in m]) == 1


def test_adopt_and_get_by_the_old_code_fail_clearly(
    control: Control, logged_engine: Engine
) -> None:
    engine = logged_engine
    engine.up(_room)
    old_code = engine.resource("standup").outputs["meeting_code"]
    control.post("clock:advance", {"seconds": YEAR_AND_A_DAY})

    def adopt() -> None:
        meet.Space("standup")
        meet.Space("adopted", adopt=old_code)

    with pytest.raises(ProviderError) as failed:
        engine.up(adopt)
    assert "may have expired" in failed.value.details and "spaces/<id>" in failed.value.details

    def get() -> None:
        meet.Space("standup")
        meet.Space.get("looked-up", old_code)

    with pytest.raises(ProviderError) as read:
        engine.up(get)
    assert f"No room has the meeting code {old_code}" in read.value.details
