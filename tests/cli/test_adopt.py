"""``pulumi-meet adopt``: the printed program compiles, runs under mocks, passes the provider's
check, and adopts every room through the engine without changing it."""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from pulumi_meet.cli.adopt import AdoptedRoom, adopted_config, adoption_program, resource_names
from pulumi_meet.dynamic.providers import SpaceProvider
from pulumi_meet.emulator import Emulator
from tests.cli.conftest import OWNER, Result, Rooms
from tests.control import Control
from tests.engine import CapturedResource, Engine, ProviderHost, capture_program

SPACE_TYPE = "pulumi-python:dynamic/meet:Space"


def _snake(value: Any) -> Any:
    """The API's camelCase JSON in the provider's snake_case (an independent conversion)."""
    if isinstance(value, dict):
        return {re.sub(r"([A-Z])", r"_\1", k).lower(): _snake(v) for k, v in value.items()}
    return value


def _program(source: str) -> Callable[[], None]:
    code = compile(source, "adopted_rooms.py", "exec")

    def run() -> None:
        exec(code, {"__name__": "__main__"})

    return run


def _three_rooms(rooms: Rooms) -> list[dict[str, Any]]:
    return [
        rooms.create(
            {
                "accessType": "RESTRICTED",
                "moderation": "ON",
                "moderationRestrictions": {"chatRestriction": "HOSTS_ONLY"},
            }
        ),
        rooms.create({"moderation": "OFF"}),
        rooms.create({"artifactConfig": {"recordingConfig": {"autoRecordingGeneration": "ON"}}}),
    ]


def _expected_config(space: dict[str, Any]) -> dict[str, Any]:
    config: dict[str, Any] = _snake(space["config"])
    if config["moderation"] != "ON":
        # The provider refuses restrictions without moderation ON (the API resets them).
        del config["moderation_restrictions"]
    return config


def test_adopt_prints_a_program_that_runs_under_mocks_and_passes_check(
    cli: Callable[..., Result], rooms: Rooms
) -> None:
    spaces = _three_rooms(rooms)
    references = [
        spaces[0]["name"],
        spaces[1]["meetingCode"].upper(),
        f"https://meet.google.com/{spaces[2]['meetingCode']}?authuser=0",
    ]
    result = cli("adopt", *references)
    assert (result.code, result.err) == (0, "")
    assert "import pulumi_meet as meet" in result.out
    assert "meet.AccessType.RESTRICTED" in result.out
    assert "meet.RestrictionType.HOSTS_ONLY" in result.out
    assert "meet.AutoGenerationType.ON" in result.out

    captured = capture_program(_program(result.out))
    assert [r.type for r in captured] == [SPACE_TYPE] * 3
    # Registrations run concurrently: match them by name (the meeting code), not by order.
    by_name = {r.name: r for r in captured}
    assert sorted(by_name) == sorted(s["meetingCode"] for s in spaces)
    for space in spaces:
        resource = by_name[space["meetingCode"]]
        assert resource.inputs["adopt"] == space["name"]
        assert resource.inputs["owner"] == OWNER
        assert resource.inputs["config"] == _expected_config(space)
        check = SpaceProvider().check({}, dict(resource.inputs))
        assert check.failures == []


def test_the_program_is_formatted_python(run_main: Callable[..., Result], rooms: Rooms) -> None:
    spaces = _three_rooms(rooms)
    source = run_main("adopt", *(s["name"] for s in spaces)).out
    formatted = subprocess.run(
        [sys.executable, "-m", "ruff", "format", "--check", "--stdin-filename", "rooms.py", "-"],
        input=source,
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert formatted.returncode == 0, formatted.stdout + formatted.stderr
    assert max(len(line) for line in source.splitlines()) <= 100


def test_engine_adopts_every_room_without_a_change(
    run_main: Callable[..., Result],
    rooms: Rooms,
    control: Control,
    emulator: Emulator,
    tmp_path: Path,
) -> None:
    spaces = _three_rooms(rooms)
    program = _program(run_main("adopt", *(s["meetingCode"] for s in spaces)).out)
    control.delete("requests")
    with ProviderHost({"MEET_EMULATOR_HOST": emulator.host_port}, tmp_path) as host:
        engine = Engine(host)
        steps = engine.up(program)
        assert [step.op for step in steps] == ["create"] * 3
        methods = [entry["apiMethod"] for entry in control.get("requests")["requests"]]
        assert methods == ["spaces.get"] * 3  # adopted as they are: no patch
        assert [step.op for step in engine.up(program)] == ["same"] * 3
    for space in spaces:
        assert rooms.meet(OWNER).get(space["name"]).json() == space


def test_the_same_room_twice_is_adopted_once(run_main: Callable[..., Result], rooms: Rooms) -> None:
    space = rooms.create()
    result = run_main("adopt", space["name"], space["meetingCode"].upper())
    assert result.code == 0
    assert result.err_lines == [
        f"pulumi-meet: note: {space['meetingCode'].upper()!r} and {space['name']!r} are the "
        f"same space ({space['name']}); it is adopted once"
    ]
    assert len(capture_program(_program(result.out))) == 1


def test_rooms_that_cannot_be_adopted_are_all_reported_and_nothing_is_printed(
    run_main: Callable[..., Result], rooms: Rooms
) -> None:
    mine = rooms.create()
    theirs = rooms.create(owner="someone@example.com")
    result = run_main("adopt", mine["name"], theirs["meetingCode"], "spaces/doesNotExist")
    assert (result.code, result.out) == (1, "")
    assert len(result.err_lines) == 2
    assert result.err_lines[0].startswith(
        f"pulumi-meet: error: cannot adopt {theirs['meetingCode']!r} ({theirs['name']}): "
        f"{OWNER} does not own it"
    )
    assert "--as OWNER" in result.err_lines[0]
    assert result.err_lines[1].startswith(
        "pulumi-meet: error: cannot adopt 'spaces/doesNotExist': spaces.get "
        "spaces/doesNotExist: 403 PERMISSION_DENIED"
    )


def test_adopt_as_the_owner(run_main: Callable[..., Result], rooms: Rooms) -> None:
    theirs = rooms.create(owner="someone@example.com")
    result = run_main("adopt", theirs["name"], "--as", "someone@example.com")
    assert result.code == 0
    (resource,) = capture_program(_program(result.out))
    assert resource.inputs["owner"] == "someone@example.com"


# ------------------------------------------------------------------ the generator alone


def _space(config: dict[str, Any], code: str = "abc-mnop-xyz") -> dict[str, Any]:
    return {"name": "spaces/jQCFfuBOdN5z", "meetingCode": code, "config": config}


def test_a_value_this_version_does_not_know_is_left_out_with_a_note() -> None:
    config, notes = adopted_config(_space({"accessType": "INVITEES", "moderation": "ON"}))
    assert config == {"moderation": "ON"}
    assert len(notes) == 1
    assert notes[0].startswith("not adopted: config.access_type: 'INVITEES' is not one of")
    room = AdoptedRoom("spaces/jQCFfuBOdN5z", "abc-mnop-xyz", config, notes)
    source = adoption_program([room], OWNER)
    assert f"    # {notes[0]}" in source
    (resource,) = capture_program(_program(source))
    assert resource.inputs["config"] == {"moderation": "ON"}


def test_long_notes_are_wrapped_under_100_characters() -> None:
    recording = {"recordingConfig": {"autoRecordingGeneration": "ON_FOR_EVERYONE_ALWAYS"}}
    config, notes = adopted_config(_space({"moderation": "ON", "artifactConfig": recording}))
    assert config == {"moderation": "ON"}
    room = AdoptedRoom("spaces/jQCFfuBOdN5z", "abc-mnop-xyz", config, notes)
    source = adoption_program([room], OWNER)
    assert len(notes[0]) > 100
    assert max(len(line) for line in source.splitlines()) <= 100
    comment = " ".join(line.strip()[2:] for line in source.splitlines() if "    # " in line)
    assert comment == notes[0]
    assert len(capture_program(_program(source))) == 1


def test_restrictions_are_left_out_unless_moderation_is_on() -> None:
    restrictions = {"chatRestriction": "HOSTS_ONLY"}
    off, _ = adopted_config(_space({"moderation": "OFF", "moderationRestrictions": restrictions}))
    on, _ = adopted_config(_space({"moderation": "ON", "moderationRestrictions": restrictions}))
    assert off == {"moderation": "OFF"}
    assert on == {"moderation": "ON", "moderation_restrictions": {"chat_restriction": "HOSTS_ONLY"}}


def test_fields_outside_the_table_are_ignored() -> None:
    config, notes = adopted_config(_space({"moderation": "ON", "futureSetting": "X"}))
    assert (config, notes) == ({"moderation": "ON"}, ())


@pytest.mark.parametrize(
    ("codes", "expected"),
    [
        (["abc-mnop-xyz", "def-ghij-klm"], ["abc-mnop-xyz", "def-ghij-klm"]),
        (
            ["abc-mnop-xyz", "abc-mnop-xyz", "abc-mnop-xyz"],
            ["abc-mnop-xyz", "abc-mnop-xyz-2", "abc-mnop-xyz-3"],
        ),
        ([""], ["space-jqcffubodn5z"]),
    ],
)
def test_resource_names_are_unique(codes: list[str], expected: list[str]) -> None:
    found = [AdoptedRoom("spaces/jQCFfuBOdN5z", code, {}) for code in codes]
    assert resource_names(found) == expected


def test_colliding_names_still_make_a_valid_program() -> None:
    found = [AdoptedRoom(f"spaces/id{n}", "abc-mnop-xyz", {"moderation": "ON"}) for n in range(2)]
    captured: list[CapturedResource] = capture_program(_program(adoption_program(found, OWNER)))
    adopted = {r.name: r.inputs["adopt"] for r in captured}
    assert adopted == {"abc-mnop-xyz": "spaces/id0", "abc-mnop-xyz-2": "spaces/id1"}


def test_every_config_leaf_and_group_has_an_exported_name() -> None:
    """The generated program names `meet.<Enum>` and `meet.<Group>Args` for every field."""
    import pulumi_meet
    from pulumi_meet.core.space_fields import CONFIG_FIELDS

    for spec in CONFIG_FIELDS:
        assert spec.enum is not None and spec.enum.__name__ in pulumi_meet.__all__
        for group in spec.path[1:-1]:
            assert group.title().replace("_", "") + "Args" in pulumi_meet.__all__


# ------------------------------------------------------------------ members and hand-back


def _console_script(*args: str, env: dict[str, str]) -> Result:
    """The installed ``pulumi-meet`` console script, as a user runs it."""
    script = Path(sys.executable).with_name("pulumi-meet")
    done = subprocess.run(
        [str(script), *args], env=env, capture_output=True, text=True, timeout=60, check=False
    )
    return Result(done.returncode, done.stdout, done.stderr)


def test_adopt_carries_members_over_and_destroy_hands_the_rooms_back(
    cli_env: dict[str, str], rooms: Rooms, control: Control, emulator: Emulator, tmp_path: Path
) -> None:
    open_room = rooms.create({"accessType": "OPEN"})
    rooms.add_members(open_room["name"], ["deputy@example.com"])
    plain = rooms.meet(OWNER).post(f"{open_room['name']}/members", json={"email": "Sam@x.org"})
    assert plain.status_code == 200, plain.text
    trusted = rooms.create({"accessType": "TRUSTED"})
    result = _console_script("adopt", open_room["meetingCode"], trusted["name"], env=cli_env)
    assert (result.code, result.err) == (0, "")
    assert "deletion_policy=meet.DeletionPolicy.ABANDON" in result.out
    assert "an OPEN room RESTRICTED" in result.out  # the choice is explained

    program = _program(result.out)
    code = open_room["meetingCode"]
    members = {r.name: r.inputs for r in capture_program(program) if r.type != SPACE_TYPE}
    assert {name: (i["email"], i["role"]) for name, i in members.items()} == {
        f"{code}-deputy-example-com": ("deputy@example.com", "COHOST"),
        f"{code}-sam-x-org": ("Sam@x.org", "ROLE_UNSPECIFIED"),
    }

    control.delete("requests")
    with ProviderHost({"MEET_EMULATOR_HOST": emulator.host_port}, tmp_path) as host:
        engine = Engine(host)
        assert sorted(step.op for step in engine.up(program)) == ["create"] * 4
        methods = sorted(e["apiMethod"] for e in control.get("requests")["requests"])
        assert methods == ["spaces.get"] * 2 + ["spaces.members.get"] * 2  # adopted, unchanged
        assert [step.op for step in engine.up(program)] == ["same"] * 4
        control.delete("requests")
        assert sorted(step.op for step in engine.destroy()) == ["delete"] * 2 + ["retain"] * 2
        assert control.get("requests")["requests"] == []
    # Handed back as found: still OPEN, the co-host and the member still there.
    after = rooms.meet(OWNER).get(open_room["name"]).json()
    assert after["config"]["accessType"] == "OPEN"
    listed = rooms.meet(OWNER).get(f"{open_room['name']}/members").json()["members"]
    assert sorted(m["email"] for m in listed) == ["Sam@x.org", "deputy@example.com"]


def test_members_that_cannot_be_read_leave_a_note_and_the_room_is_still_adopted(
    run_main: Callable[..., Result], rooms: Rooms
) -> None:
    space = rooms.create()
    rooms.add_members(space["name"], ["deputy@example.com"])
    # meetings.space.settings reads a room's settings, not its members.
    result = run_main("adopt", space["name"], "--scopes", "meetings.space.settings")
    assert result.code == 0, result.err
    assert "# members not adopted: members.list" in result.out
    assert [r.type for r in capture_program(_program(result.out))] == [SPACE_TYPE]
