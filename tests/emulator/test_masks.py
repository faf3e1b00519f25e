"""updateMask rules of spaces.patch over the wire (members' masks are in test_members.py)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.control import MeetHttp

Meet = Callable[..., MeetHttp]


@pytest.fixture
def owner(meet: Meet) -> MeetHttp:
    return meet("owner@example.com")


@pytest.fixture
def space(owner: MeetHttp) -> dict:
    body = {
        "config": {
            "accessType": "OPEN",
            "moderation": "ON",
            "moderationRestrictions": {"chatRestriction": "HOSTS_ONLY"},
            "artifactConfig": {"transcriptionConfig": {"autoTranscriptionGeneration": "ON"}},
        }
    }
    response = owner.post("spaces", json=body)
    assert response.status_code == 200, response.text
    return response.json()


def _patch(owner: MeetHttp, space: dict, mask: str | None, body: dict) -> dict:
    params = {} if mask is None else {"updateMask": mask}
    response = owner.patch(space["name"], params=params, json=body)
    assert response.status_code == 200, response.text
    return response.json()["config"]


def _rejected(owner: MeetHttp, space: dict, mask: str | None, body: dict) -> str:
    params = {} if mask is None else {"updateMask": mask}
    response = owner.patch(space["name"], params=params, json=body)
    assert response.status_code == 400, response.text
    error = response.json()["error"]
    assert error["status"] == "INVALID_ARGUMENT"
    assert error["details"][0]["@type"] == "type.googleapis.com/google.rpc.BadRequest"
    return str(error["message"])


@pytest.mark.parametrize(
    "mask",
    [
        "config.accessType",
        "config.access_type",
        "  config.accessType ",
        "config.accessType,config.access_type",
    ],
)
def test_camel_and_snake_paths(owner: MeetHttp, space: dict, mask: str) -> None:
    config = _patch(
        owner, space, mask, {"config": {"accessType": "RESTRICTED", "moderation": "OFF"}}
    )
    assert config["accessType"] == "RESTRICTED"
    assert config["moderation"] == "ON"  # not in the mask


def test_nested_leaf_path_changes_only_that_leaf(owner: MeetHttp, space: dict) -> None:
    config = _patch(
        owner,
        space,
        "config.moderationRestrictions.presentRestriction",
        {"config": {"moderationRestrictions": {"presentRestriction": "HOSTS_ONLY"}}},
    )
    assert config["moderationRestrictions"] == {
        "chatRestriction": "HOSTS_ONLY",
        "reactionRestriction": "NO_RESTRICTION",
        "presentRestriction": "HOSTS_ONLY",
        "defaultJoinAsViewerType": "OFF",
    }


def test_sub_message_path_replaces_the_whole_sub_message(owner: MeetHttp, space: dict) -> None:
    config = _patch(
        owner,
        space,
        "config.artifactConfig",
        {"config": {"artifactConfig": {"recordingConfig": {"autoRecordingGeneration": "ON"}}}},
    )
    artifacts = config["artifactConfig"]
    assert artifacts["recordingConfig"]["autoRecordingGeneration"] == "ON"
    # Left out of the body, so cleared back to the default.
    assert artifacts["transcriptionConfig"]["autoTranscriptionGeneration"] == "OFF"


@pytest.mark.parametrize("mask", [None, "", ","])
def test_absent_mask_updates_the_fields_present(
    owner: MeetHttp, space: dict, mask: str | None
) -> None:
    config = _patch(
        owner,
        space,
        mask,
        {
            "name": "spaces/ignored",
            "meetingCode": "ignored-too",
            "config": {"artifactConfig": {"recordingConfig": {"autoRecordingGeneration": "ON"}}},
        },
    )
    assert config["artifactConfig"]["recordingConfig"]["autoRecordingGeneration"] == "ON"
    assert config["artifactConfig"]["transcriptionConfig"]["autoTranscriptionGeneration"] == "ON"
    assert config["accessType"] == "OPEN"


def test_absent_mask_with_nothing_set_changes_nothing(owner: MeetHttp, space: dict) -> None:
    assert _patch(owner, space, None, {}) == space["config"]
    assert _patch(owner, space, None, {"config": {}}) == space["config"]


def test_star_replaces_everything_and_clears_what_is_absent(owner: MeetHttp, space: dict) -> None:
    config = _patch(owner, space, "*", {"config": {"moderation": "ON", "entryPointAccess": "ALL"}})
    assert config["accessType"] == "TRUSTED"  # cleared → the owner's default
    assert config["moderation"] == "ON"
    assert config["moderationRestrictions"]["chatRestriction"] == "NO_RESTRICTION"
    assert config["artifactConfig"]["transcriptionConfig"]["autoTranscriptionGeneration"] == "OFF"


@pytest.mark.parametrize(
    ("mask", "fragment"),
    [
        ("config.nothing", "unknown field"),
        ("config.accessType.deeper", "unknown field"),
        ("meetingCode", "output only"),
        ("meeting_uri", "output only"),
        ("activeConference", "output only"),
        ("phoneAccess", "output only"),
        ("gatewaySipAccess", "output only"),
        ("name", "immutable"),
        ("*,config.accessType", "only path"),
    ],
)
def test_unknown_and_output_only_paths_are_rejected(
    owner: MeetHttp, space: dict, mask: str, fragment: str
) -> None:
    message = _rejected(owner, space, mask, {"config": {"accessType": "OPEN"}})
    assert fragment in message


@pytest.mark.parametrize(
    ("mask", "body"),
    [
        ("config.moderation", {"config": {"moderation": "MODERATION_UNSPECIFIED"}}),
        ("config.moderation", {"config": {"moderation": 0}}),
        ("config.moderation", {"config": {}}),
        (None, {"config": {"moderation": "MODERATION_UNSPECIFIED"}}),
        ("config", {"config": {"accessType": "OPEN"}}),
        ("*", {}),
    ],
)
def test_moderation_unspecified_is_refused(
    owner: MeetHttp, space: dict, mask: str | None, body: dict
) -> None:
    assert "MODERATION_UNSPECIFIED" in _rejected(owner, space, mask, body)
    unchanged = owner.get(space["name"]).json()["config"]
    assert unchanged == space["config"]


def test_moderation_unspecified_is_refused_on_create(owner: MeetHttp) -> None:
    response = owner.post("spaces", json={"config": {"moderation": "MODERATION_UNSPECIFIED"}})
    assert response.status_code == 400


def test_moderation_off_resets_the_restrictions(owner: MeetHttp, space: dict) -> None:
    assert space["config"]["moderationRestrictions"]["chatRestriction"] == "HOSTS_ONLY"
    config = _patch(owner, space, "config.moderation", {"config": {"moderation": "OFF"}})
    assert config["moderationRestrictions"] == {
        "chatRestriction": "NO_RESTRICTION",
        "reactionRestriction": "NO_RESTRICTION",
        "presentRestriction": "NO_RESTRICTION",
        "defaultJoinAsViewerType": "OFF",
    }
    # While moderation is off, restrictions stay at their defaults.
    config = _patch(
        owner,
        space,
        "config.moderationRestrictions.chatRestriction",
        {"config": {"moderationRestrictions": {"chatRestriction": "HOSTS_ONLY"}}},
    )
    assert config["moderationRestrictions"]["chatRestriction"] == "NO_RESTRICTION"
