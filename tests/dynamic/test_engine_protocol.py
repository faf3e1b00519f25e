"""The Space provider driven exactly as the Pulumi engine drives it, against the emulator.

Programs run under mocks (real SDK serialization); a real ``python -u -m pulumi.dynamic`` host
receives the engine's call sequences over gRPC; the emulator's request log counts the API calls.
"""

from __future__ import annotations

import re
from typing import Any

import pulumi
import pytest

import pulumi_meet as meet
from tests.dynamic.conftest import DEFAULT_USER, Control, HostFactory, closed_port
from tests.engine import CheckFailed, Engine, ProviderError, Step

SPACE_ID = re.compile(r"spaces/[A-Za-z0-9_-]{12}")


def _program(name: str = "room", **kwargs: Any) -> Any:
    def program() -> None:
        room = meet.Space(name, **kwargs)
        pulumi.export("meeting_uri", room.meeting_uri)

    return program


def _ops(steps: list[Step]) -> list[str]:
    return [step.op for step in steps]


# ------------------------------------------------------------------ preview


def test_preview_makes_no_call_and_needs_no_credentials(
    control: Control, engine: Engine, start_host: HostFactory
) -> None:
    program = _program(config={"access_type": "OPEN"})
    engine.up(program)
    control.clear()
    # A pull-request job: no credentials, and the API unreachable (nothing listens there).
    offline = start_host({"MEET_EMULATOR_HOST": f"127.0.0.1:{closed_port()}"})
    engine.use_host(offline)
    assert _ops(engine.preview(_program(config={"access_type": "TRUSTED"}))) == ["update"]
    assert _ops(engine.preview(program)) == ["same"]
    assert _ops(engine.preview(_program("another"))) == ["create", "delete"]
    assert {method for method, _ in offline.calls} <= {
        "GetPluginInfo",
        "Configure",
        "Check",
        "Diff",
    }
    assert control.calls() == []


def test_preview_against_google_with_no_credentials_at_all(start_host: HostFactory) -> None:
    host = start_host({})  # no emulator, no GOOGLE_APPLICATION_CREDENTIALS, no meet:credentials
    engine = Engine(host)
    steps = engine.preview(_program(config={"access_type": "OPEN"}, owner="lead@example.com"))
    assert _ops(steps) == ["create"]
    assert host.stderr == ""


def test_preview_with_unknown_inputs_passes_check(engine: Engine) -> None:
    def program() -> None:
        first = meet.Space("first")
        # Unknown during a preview: the first room's code does not exist yet.
        meet.Space(
            "second",
            adopt=first.meeting_code,
            config={"access_type": first.name.apply(lambda _: "OPEN")},
        )

    assert _ops(engine.preview(program)) == ["create", "create"]


def test_an_unknown_in_an_existing_room_is_a_change_in_preview(
    control: Control, engine: Engine
) -> None:
    engine.up(_program("second", config={"access_type": "OPEN"}))

    def program() -> None:
        first = meet.Space("first")  # new: its outputs are unknown during the preview
        access = first.name.apply(lambda _: "OPEN")
        meet.Space("second", config={"access_type": access})

    control.clear()
    assert sorted(_ops(engine.preview(program))) == ["create", "update"]
    assert control.calls() == []
    assert sorted(_ops(engine.up(program))) == ["create", "same"]  # known again: no change


def test_check_failures_stop_the_deployment_before_any_call(
    control: Control, engine: Engine
) -> None:
    with pytest.raises(CheckFailed) as failed:
        engine.up(
            _program(
                config={
                    "moderation": "ON",
                    "moderation_restrictions": {"chat_restriction": "EVERYONE"},
                }
            )
        )
    ((prop, reason),) = failed.value.failures
    assert prop == "config.moderation_restrictions.chat_restriction"
    assert "HOSTS_ONLY, NO_RESTRICTION" in reason
    assert control.calls() == []


# ------------------------------------------------------------------ up


def test_up_creates_with_exactly_one_create_carrying_the_config(
    control: Control, engine: Engine
) -> None:
    config = meet.SpaceConfigArgs(
        access_type=meet.AccessType.OPEN,
        moderation=meet.Moderation.ON,
        moderation_restrictions=meet.ModerationRestrictionsArgs(chat_restriction="HOSTS_ONLY"),
        artifact_config={"recording_config": {"auto_recording_generation": "ON"}},
    )
    assert _ops(engine.up(_program(config=config))) == ["create"]
    calls = control.calls()
    assert [c["apiMethod"] for c in calls] == ["spaces.create"]
    assert calls[0]["body"] == {
        "config": {
            "accessType": "OPEN",
            "moderation": "ON",
            "moderationRestrictions": {"chatRestriction": "HOSTS_ONLY"},
            "artifactConfig": {"recordingConfig": {"autoRecordingGeneration": "ON"}},
        }
    }
    state = engine.resource("room")
    outputs = state.outputs
    assert SPACE_ID.fullmatch(state.id) and outputs["name"] == state.id
    assert outputs["meeting_uri"] == f"https://meet.google.com/{outputs['meeting_code']}"
    assert engine.exports == {"meeting_uri": outputs["meeting_uri"]}
    assert outputs["owner"] == DEFAULT_USER
    assert outputs["config"]["access_type"] == "OPEN"
    assert outputs["config"]["moderation_restrictions"]["chat_restriction"] == "HOSTS_ONLY"
    assert outputs["config"]["entry_point_access"] == "ALL"  # unmanaged, still concrete
    assert len(outputs["config"]) == 6 and len(outputs["config"]["artifact_config"]) == 3
    assert outputs["declared_config"] == config.to_dict()
    assert outputs["deletion_policy"] == "RESTRICT"
    assert control.space(state.id)["config"]["accessType"] == "OPEN"


def test_up_without_changes_makes_no_call(control: Control, engine: Engine) -> None:
    program = _program(config={"access_type": "RESTRICTED"}, deletion_policy="RESTRICT")
    engine.up(program)
    control.clear()
    assert _ops(engine.up(program)) == ["same"]
    assert control.calls() == []


def test_up_updates_with_one_patch_naming_exactly_the_changed_fields(
    control: Control, engine: Engine
) -> None:
    engine.up(_program(config={"access_type": "OPEN", "moderation": "ON"}))
    control.clear()
    changed = {
        "access_type": "TRUSTED",
        "moderation": "ON",
        "artifact_config": {"transcription_config": {"auto_transcription_generation": "ON"}},
    }
    assert _ops(engine.up(_program(config=changed))) == ["update"]
    (patch,) = control.calls()
    assert patch["apiMethod"] == "spaces.patch"
    assert patch["query"]["updateMask"] == (
        "config.accessType,config.artifactConfig.transcriptionConfig.autoTranscriptionGeneration"
    )
    assert patch["body"] == {
        "config": {
            "accessType": "TRUSTED",
            "artifactConfig": {"transcriptionConfig": {"autoTranscriptionGeneration": "ON"}},
        }
    }
    outputs = engine.resource("room").outputs
    assert outputs["config"]["artifact_config"]["transcription_config"] == {
        "auto_transcription_generation": "ON"
    }
    assert outputs["declared_config"] == changed


def test_turning_moderation_on_with_restrictions_converges_in_one_patch(
    control: Control, engine: Engine
) -> None:
    engine.up(_program())
    control.clear()
    moderated = {"moderation": "ON", "moderation_restrictions": {"chat_restriction": "HOSTS_ONLY"}}
    assert _ops(engine.up(_program(config=moderated))) == ["update"]
    (patch,) = control.calls()
    assert patch["query"]["updateMask"] == (
        "config.moderation,config.moderationRestrictions.chatRestriction"
    )
    control.clear()
    assert _ops(engine.up(_program(config=moderated))) == ["same"]
    assert control.calls() == []


def test_changing_only_the_deletion_policy_makes_no_call(control: Control, engine: Engine) -> None:
    engine.up(_program())
    control.clear()
    assert _ops(engine.up(_program(deletion_policy="ABANDON"))) == ["update"]
    assert control.calls() == []
    assert engine.resource("room").outputs["deletion_policy"] == "ABANDON"
    engine.destroy()
    assert control.calls() == []


# ------------------------------------------------------------------ refresh and drift


def test_refresh_shows_drift_and_the_next_up_reverts_it_with_one_patch(
    control: Control, engine: Engine
) -> None:
    program = _program(config={"access_type": "RESTRICTED"})
    engine.up(program)
    space = engine.resource("room").id
    control.as_user(
        DEFAULT_USER,
        "PATCH",
        f"/v2/{space}",
        params={"updateMask": "config.accessType,config.moderation"},
        json={"config": {"accessType": "OPEN", "moderation": "ON"}},
    )
    control.clear()
    assert _ops(engine.refresh()) == ["refresh"]
    assert control.methods() == ["spaces.get"]
    state = engine.resource("room")
    assert state.inputs["config"] == {"access_type": "OPEN"}  # managed field, live value
    assert state.outputs["config"]["moderation"] == "ON"  # unmanaged drift: output only
    control.clear()
    assert _ops(engine.preview(program)) == ["update"]
    assert _ops(engine.up(program)) == ["update"]
    (patch,) = control.calls()
    assert (patch["apiMethod"], patch["query"]["updateMask"]) == (
        "spaces.patch",
        "config.accessType",
    )
    assert control.space(space)["config"]["accessType"] == "RESTRICTED"
    control.clear()
    assert _ops(engine.up(program)) == ["same"]
    assert control.calls() == []


def test_refresh_of_a_space_that_cannot_be_read_fails_with_what_to_do(
    control: Control, engine: Engine
) -> None:
    engine.up(_program())
    state = engine.resource("room")
    state.id = "spaces/AAAAAAAAAAAA"  # a space that does not exist answers like a lost one
    with pytest.raises(ProviderError) as failed:
        engine.refresh()
    message = failed.value.details
    assert "no longer exists or this identity lost access" in message
    assert "pulumi state delete" in message  # an error, never a silent drop from state


# ------------------------------------------------------------------ adopt


def test_adopt_by_meeting_code_gets_once_and_patches_once(control: Control, engine: Engine) -> None:
    existing = control.as_user(
        DEFAULT_USER, "POST", "/v2/spaces", json={"config": {"accessType": "OPEN"}}
    )
    control.clear()
    code = existing["meetingCode"].upper()
    program = _program(
        adopt=code, config={"access_type": "RESTRICTED", "entry_point_access": "ALL"}
    )
    assert _ops(engine.up(program)) == ["create"]
    calls = control.calls()
    assert [c["apiMethod"] for c in calls] == ["spaces.get", "spaces.patch"]
    assert calls[0]["path"] == f"/v2/spaces/{code.lower()}"
    assert calls[1]["path"] == f"/v2/{existing['name']}"
    assert calls[1]["query"]["updateMask"] == "config.accessType"
    state = engine.resource("room")
    assert state.id == existing["name"] and state.outputs["owner"] == DEFAULT_USER
    control.clear()
    assert _ops(engine.up(_program(config={"access_type": "RESTRICTED"}))) == [
        "same"
    ]  # adopt removed
    assert control.calls() == []


def test_adopt_of_a_matching_space_is_one_get(control: Control, engine: Engine) -> None:
    existing = control.as_user(
        DEFAULT_USER, "POST", "/v2/spaces", json={"config": {"accessType": "OPEN"}}
    )
    control.clear()
    engine.up(_program(adopt=existing["meetingUri"], config={"access_type": "OPEN"}))
    assert control.methods() == ["spaces.get"]
    assert engine.resource("room").id == existing["name"]


def test_adopting_a_space_owned_by_someone_else_is_a_clear_error(
    control: Control, engine: Engine
) -> None:
    theirs = control.as_user("other@example.com", "POST", "/v2/spaces", json={})
    with pytest.raises(ProviderError) as failed:
        engine.up(_program(adopt=theirs["name"]))
    assert "does not own it" in failed.value.details and "owner" in failed.value.details
    assert engine.state == {}


# ------------------------------------------------------------------ destroy


def test_destroy_restrict_ends_the_conference_and_restricts_access(
    control: Control, engine: Engine
) -> None:
    engine.up(_program(config={"access_type": "OPEN"}))
    space = engine.resource("room").id
    control.start_conference(space, ["guest@example.org"])
    control.clear()
    assert _ops(engine.destroy()) == ["delete"]
    calls = control.calls()
    assert [c["apiMethod"] for c in calls] == ["spaces.endActiveConference", "spaces.patch"]
    assert calls[1]["query"]["updateMask"] == "config.accessType"
    live = control.space(space)
    assert live["config"]["accessType"] == "RESTRICTED" and "activeConference" not in live
    assert engine.state == {}


def test_destroy_restrict_without_a_conference(control: Control, engine: Engine) -> None:
    engine.up(_program())
    control.clear()
    engine.destroy()
    calls = control.calls()
    assert [(c["apiMethod"], c["status"]) for c in calls] == [
        ("spaces.endActiveConference", 400),  # FAILED_PRECONDITION: nothing to end
        ("spaces.patch", 200),
    ]


def test_destroy_end_conference_only_ends_it(control: Control, engine: Engine) -> None:
    engine.up(_program(config={"access_type": "OPEN"}, deletion_policy="END_CONFERENCE"))
    space = engine.resource("room").id
    control.start_conference(space, ["guest@example.org"])
    control.clear()
    engine.destroy()
    assert control.methods() == ["spaces.endActiveConference"]
    live = control.space(space)
    assert live["config"]["accessType"] == "OPEN" and "activeConference" not in live


def test_destroy_abandon_makes_no_call(control: Control, engine: Engine) -> None:
    engine.up(_program(deletion_policy=meet.DeletionPolicy.ABANDON))
    control.clear()
    assert _ops(engine.destroy()) == ["delete"]
    assert control.calls() == []


def test_removing_a_room_from_the_program_retires_it(control: Control, engine: Engine) -> None:
    engine.up(_program("old"))
    control.clear()
    assert _ops(engine.up(_program("new"))) == ["create", "delete"]
    assert control.methods() == ["spaces.create", "spaces.endActiveConference", "spaces.patch"]


# ------------------------------------------------------------------ Space.get


def test_space_get_reads_once(control: Control, engine: Engine) -> None:
    existing = control.as_user(
        DEFAULT_USER, "POST", "/v2/spaces", json={"config": {"accessType": "OPEN"}}
    )
    control.clear()

    def program() -> None:
        lobby = meet.Space.get("lobby", existing["name"])
        pulumi.export("lobby", lobby.meeting_uri)
        pulumi.export("access", lobby.config.apply(lambda c: c["access_type"]))

    assert _ops(engine.up(program)) == ["read"]
    assert engine.exports == {"lobby": existing["meetingUri"], "access": "OPEN"}
    # One spaces.get per pass: the engine reads `get` resources in its preview pass too.
    assert control.methods() == ["spaces.get", "spaces.get"]
    assert engine.resource("lobby").outputs["owner"] == DEFAULT_USER
    control.clear()
    assert _ops(engine.destroy()) == []
    assert control.calls() == []


# ------------------------------------------------------------------ concurrency


def test_a_fleet_applies_concurrently_with_one_call_per_room(
    control: Control, engine: Engine
) -> None:
    def fleet(access_type: str) -> Any:
        def program() -> None:
            for number in range(8):
                meet.Space(f"room-{number}", config={"access_type": access_type})

        return program

    assert sorted(_ops(engine.up(fleet("OPEN")))) == ["create"] * 8
    assert control.methods() == ["spaces.create"] * 8
    assert len({state.id for state in engine.state.values()}) == 8
    control.clear()
    assert sorted(_ops(engine.up(fleet("TRUSTED")))) == ["update"] * 8
    assert control.methods() == ["spaces.patch"] * 8
    assert {s.outputs["config"]["access_type"] for s in engine.state.values()} == {"TRUSTED"}
