"""The examples: each runs under mocks, and through the engine harness against the emulator
(create, no-op up, update through stack config, destroy), counting the API calls of each step."""

from __future__ import annotations

import json
import runpy
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import REPO_ROOT
from tests.dynamic.conftest import DEFAULT_USER, Control, HostFactory
from tests.engine import Engine, Program, Step, capture_program

EXAMPLES = REPO_ROOT / "examples"
SPACE_TYPE = "pulumi-python:dynamic/meet:Space"
MEMBER_TYPE = "pulumi-python:dynamic/meet:SpaceMember"


def example(name: str) -> Program:
    """The example's program, run as Pulumi runs it (``__main__`` in its directory)."""

    def program() -> None:
        runpy.run_path(str(EXAMPLES / name / "__main__.py"), run_name="__main__")

    return program


def project(name: str) -> str:
    """The project name of the example's Pulumi.yaml: the namespace of its stack config."""
    document = yaml.safe_load((EXAMPLES / name / "Pulumi.yaml").read_text())
    return str(document["name"])


def example_engine(name: str, host_env: dict[str, str], start_host: HostFactory) -> Engine:
    return Engine(start_host(host_env), project=project(name))


def _ops(steps: list[Step]) -> Counter[str]:
    return Counter(step.op for step in steps)


def _methods(control: Control) -> Counter[str]:
    return Counter(call["apiMethod"] for call in control.calls())


@pytest.fixture
def env(control: Control) -> dict[str, str]:
    return {"MEET_EMULATOR_HOST": control.host_port}


def test_every_example_has_a_requirements_file_and_a_readme_paragraph() -> None:
    readme = (EXAMPLES / "README.md").read_text()
    for directory in sorted(p for p in EXAMPLES.iterdir() if p.is_dir()):
        if (directory / "__main__.py").is_file():  # a Python program installs its requirements
            assert (directory / "requirements.txt").is_file(), directory.name
        assert f"## `{directory.name}`" in readme


# ------------------------------------------------------------------ quickstart


def test_quickstart_update_through_stack_config(
    control: Control, env: dict[str, str], start_host: HostFactory
) -> None:
    engine = example_engine("quickstart", env, start_host)
    assert _ops(engine.up(example("quickstart"))) == {"create": 1}
    control.clear()
    assert _ops(engine.up(example("quickstart"))) == {"same": 1}
    engine.config = {f"{engine.project}:accessType": "OPEN"}
    assert _ops(engine.up(example("quickstart"))) == {"update": 1}
    assert [(c["apiMethod"], c["query"]["updateMask"]) for c in control.calls()] == [
        ("spaces.patch", "config.accessType")
    ]
    assert _ops(engine.destroy()) == {"delete": 1}


# ------------------------------------------------------------------ team-rooms

TEAMS = {
    "platform": "dana@example.com",
    "design": "grace@example.com",
    "support": "ivan@example.com",
}


def test_team_rooms_under_mocks_declares_a_room_per_team_and_its_cohosts() -> None:
    resources = capture_program(example("team-rooms"), project=project("team-rooms"))
    rooms = {r.name: r.inputs for r in resources if r.type == SPACE_TYPE}
    cohosts = {r.name: r.inputs for r in resources if r.type == MEMBER_TYPE}
    assert {name: inputs["owner"] for name, inputs in rooms.items()} == {
        f"{team}-room": lead for team, lead in TEAMS.items()
    }
    assert rooms["support-room"]["config"] == {"access_type": "OPEN"}
    assert rooms["design-room"]["config"] == {"access_type": "TRUSTED"}
    assert sorted(cohosts) == [
        "design-cohost-heidi-example-com",
        "platform-cohost-erin-example-com",
        "platform-cohost-frank-example-com",
    ]
    erin = cohosts["platform-cohost-erin-example-com"]
    assert (erin["email"], erin["role"], erin["owner"]) == (
        "erin@example.com",
        "COHOST",
        TEAMS["platform"],
    )


def test_team_rooms_on_the_emulator(
    control: Control, env: dict[str, str], start_host: HostFactory, tmp_path: Path
) -> None:
    engine = example_engine("team-rooms", env, start_host)
    assert _ops(engine.up(example("team-rooms"))) == {"create": 6}
    assert _methods(control) == {"spaces.create": 3, "spaces.members.create": 3}
    principals = {(c["apiMethod"], c["principal"]) for c in control.calls()}
    assert ("spaces.members.create", TEAMS["platform"]) in principals  # acting as the room's lead
    uris = engine.exports["meeting_uris"]
    assert sorted(uris) == sorted(TEAMS)

    control.clear()
    assert _ops(engine.up(example("team-rooms"))) == {"same": 6}
    assert control.calls() == []

    # A reorganisation: design opens its room, frank leaves platform, judy joins it.
    teams = yaml.safe_load((EXAMPLES / "team-rooms" / "teams.yaml").read_text())
    teams["teams"][0]["cohosts"] = ["erin@example.com", "Judy@Example.com"]
    teams["teams"][1]["access"] = "OPEN"
    changed = tmp_path / "teams.yaml"
    changed.write_text(yaml.safe_dump(teams))
    engine.config = {f"{engine.project}:teamsFile": str(changed)}
    steps = engine.up(example("team-rooms"))
    assert _ops(steps) == {"same": 4, "update": 1, "create": 1, "delete": 1}
    assert _methods(control) == {
        "spaces.patch": 1,
        "spaces.members.create": 1,
        "spaces.members.delete": 1,
    }
    assert engine.exports["meeting_uris"] == uris  # the same rooms

    control.clear()
    assert _ops(engine.destroy()) == {"delete": 6}
    assert _methods(control) == {
        "spaces.members.delete": 3,  # erin, judy, heidi
        "spaces.endActiveConference": 3,
        "spaces.patch": 3,
    }


def test_team_rooms_reports_a_malformed_teams_file(tmp_path: Path) -> None:
    bad = tmp_path / "teams.yaml"
    bad.write_text("teams:\n  - lead: x@example.com\n")
    with pytest.raises(ValueError, match=r"teams\[0\] needs a `name`"):
        capture_program(
            example("team-rooms"),
            {f"{project('team-rooms')}:teamsFile": str(bad)},
            project=project("team-rooms"),
        )


# ------------------------------------------------------------------ webinar

PANELISTS = ["pat@example.com", "quinn@example.com"]


def _webinar_config(**values: Any) -> dict[str, str]:
    config = {"cohosts": json.dumps(PANELISTS), **values}
    return {f"{project('webinar')}:{key}": str(value) for key, value in config.items()}


def test_webinar_under_mocks_is_moderated_recorded_and_transcribed() -> None:
    resources = capture_program(example("webinar"), _webinar_config(), project=project("webinar"))
    (room,) = [r for r in resources if r.type == SPACE_TYPE]
    assert room.inputs["config"] == {
        "access_type": "OPEN",
        "moderation": "ON",
        "moderation_restrictions": {
            "chat_restriction": "HOSTS_ONLY",
            "present_restriction": "HOSTS_ONLY",
            "default_join_as_viewer_type": "ON",
        },
        "artifact_config": {
            "recording_config": {"auto_recording_generation": "ON"},
            "transcription_config": {"auto_transcription_generation": "ON"},
        },
    }
    members = sorted(r.inputs["email"] for r in resources if r.type == MEMBER_TYPE)
    assert members == PANELISTS


def test_webinar_on_the_emulator(
    control: Control, env: dict[str, str], start_host: HostFactory
) -> None:
    engine = example_engine("webinar", env, start_host)
    engine.config = _webinar_config()
    assert _ops(engine.up(example("webinar"))) == {"create": 3}
    assert _methods(control) == {"spaces.create": 1, "spaces.members.create": 2}
    space = control.space(engine.resource("webinar").id)
    assert space["config"]["moderationRestrictions"]["defaultJoinAsViewerType"] == "ON"

    control.clear()
    assert _ops(engine.up(example("webinar"))) == {"same": 3}
    assert control.calls() == []

    engine.config = _webinar_config(record="false")
    assert _ops(engine.up(example("webinar"))) == {"same": 2, "update": 1}
    (patch,) = control.calls()
    assert (
        patch["query"]["updateMask"]
        == "config.artifactConfig.recordingConfig.autoRecordingGeneration"
    )

    control.clear()
    assert _ops(engine.destroy()) == {"delete": 3}
    assert _methods(control)["spaces.members.delete"] == 2


# ------------------------------------------------------------------ adopt-existing


def _existing_rooms(control: Control) -> list[dict[str, Any]]:
    return [control.as_user(DEFAULT_USER, "POST", "/v2/spaces", json={}) for _ in range(2)]


def _adopt_config(references: list[str], **values: str) -> dict[str, str]:
    config = {"rooms": json.dumps(references), **values}
    return {f"{project('adopt-existing')}:{key}": value for key, value in config.items()}


def test_adopt_existing_under_mocks_adopts_every_configured_reference() -> None:
    references = ["ABC-MNOP-XYZ", "https://meet.google.com/pqr-stuv-wxy", "spaces/jQCFfuBOdN5z"]
    resources = capture_program(
        example("adopt-existing"), _adopt_config(references), project=project("adopt-existing")
    )
    assert {r.name: r.inputs["adopt"] for r in resources} == {
        "room-abc-mnop-xyz": "ABC-MNOP-XYZ",
        "room-pqr-stuv-wxy": "https://meet.google.com/pqr-stuv-wxy",
        "room-jQCFfuBOdN5z": "spaces/jQCFfuBOdN5z",
    }
    assert {r.inputs["deletion_policy"] for r in resources} == {"ABANDON"}
    assert all("config" not in r.inputs for r in resources)  # nothing managed unless asked


def test_adopt_existing_on_the_emulator(
    control: Control, env: dict[str, str], start_host: HostFactory
) -> None:
    first, second = _existing_rooms(control)
    references = [first["meetingCode"].upper(), second["meetingUri"]]
    control.clear()
    engine = example_engine("adopt-existing", env, start_host)
    engine.config = _adopt_config(references, accessType="RESTRICTED")
    assert _ops(engine.up(example("adopt-existing"))) == {"create": 2}
    methods = _methods(control)
    assert methods["spaces.get"] == 2 and methods["spaces.patch"] <= 2
    assert set(methods) <= {"spaces.get", "spaces.patch"}  # adopted: nothing created
    assert engine.exports["rooms"] == {
        references[0]: first["name"],
        references[1]: second["name"],
    }

    control.clear()
    assert _ops(engine.up(example("adopt-existing"))) == {"same": 2}
    assert control.calls() == []

    engine.config = _adopt_config(references, accessType="OPEN")
    assert _ops(engine.up(example("adopt-existing"))) == {"update": 2}
    assert [(c["apiMethod"], c["query"]["updateMask"]) for c in control.calls()] == [
        ("spaces.patch", "config.accessType")
    ] * 2
    assert control.space(first["name"])["config"]["accessType"] == "OPEN"

    control.clear()
    assert _ops(engine.destroy()) == {"delete": 2}
    assert control.calls() == []  # ABANDON: the rooms stay as they are


# ------------------------------------------------------------------ component-rooms

OFFICE = "example:index:Office"
TEAM_ROOMS = "example:index:TeamRooms"


def test_component_rooms_under_mocks_nests_rooms_two_components_deep() -> None:
    resources = capture_program(example("component-rooms"), project=project("component-rooms"))
    by_name = {r.name: r for r in resources}
    assert {r.name for r in resources if not r.custom} == {
        "berlin",
        "berlin-platform",
        "berlin-design",
    }
    room = by_name["berlin-platform-room"]
    assert room.type == SPACE_TYPE
    assert room.urn == (
        f"urn:pulumi:dev::meet-component-rooms::{OFFICE}${TEAM_ROOMS}${SPACE_TYPE}"
        "::berlin-platform-room"
    )
    assert room.inputs["config"] == {"access_type": "TRUSTED"}
    assert room.inputs["owner"] == "dana@example.com"
    cohost = by_name["berlin-platform-cohost-1"]
    assert cohost.type == MEMBER_TYPE
    assert cohost.urn.split("::")[2] == f"{OFFICE}${TEAM_ROOMS}${MEMBER_TYPE}"
    assert (cohost.inputs["email"], cohost.inputs["owner"]) == (
        "erin@example.com",
        "dana@example.com",
    )


def test_component_rooms_on_the_emulator(
    control: Control, env: dict[str, str], start_host: HostFactory
) -> None:
    engine = example_engine("component-rooms", env, start_host)
    steps = engine.up(example("component-rooms"))
    assert _ops(steps) == {"create": 3}  # two rooms and a co-host; components call nothing
    assert all(f"{OFFICE}${TEAM_ROOMS}$" in step.urn for step in steps)
    assert _methods(control) == {"spaces.create": 2, "spaces.members.create": 1}
    assert sorted(engine.exports["meeting_uris"]) == ["design", "platform"]

    control.clear()
    assert _ops(engine.up(example("component-rooms"))) == {"same": 3}
    assert control.calls() == []
    assert _ops(engine.refresh()) == {"refresh": 3}

    control.clear()
    engine.config = {f"{engine.project}:accessType": "OPEN"}
    assert _ops(engine.up(example("component-rooms"))) == {"update": 2, "same": 1}
    assert [(c["apiMethod"], c["query"]["updateMask"]) for c in control.calls()] == [
        ("spaces.patch", "config.accessType")
    ] * 2

    control.clear()
    assert _ops(engine.destroy()) == {"delete": 3}
    assert _methods(control) == {
        "spaces.members.delete": 1,
        "spaces.endActiveConference": 2,
        "spaces.patch": 2,
    }
