"""Spaces over the wire: names and codes, defaults, the roles table, aliases, scopes and apps."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest

from tests.control import Control, MeetHttp

OWNER = "owner@example.com"
Meet = Callable[..., MeetHttp]


def _create(caller: MeetHttp, body: dict | None = None) -> dict:
    response = caller.post("spaces", json=body or {})
    assert response.status_code == 200, response.text
    return response.json()


def _error(response, status: int, canonical: str) -> dict:
    assert response.status_code == status, response.text
    error = response.json()["error"]
    assert error["code"] == status and error["status"] == canonical
    return error


def test_create_returns_generated_name_code_uri_and_dial_ins(meet: Meet) -> None:
    space = _create(meet(OWNER))
    assert re.fullmatch(r"spaces/[A-Za-z0-9_-]{12}", space["name"])
    assert re.fullmatch(r"[a-z]{3}-[a-z]{4}-[a-z]{3}", space["meetingCode"])
    assert space["meetingUri"] == "https://meet.google.com/" + space["meetingCode"]
    phone = space["phoneAccess"][0]
    assert re.fullmatch(r"\+\d{11}", phone["phoneNumber"]) and phone["pin"].isdigit()
    assert phone["regionCode"] == "US" and phone["languageCode"] == "en-US"
    sip = space["gatewaySipAccess"][0]
    assert re.fullmatch(r"\d{13}", sip["sipAccessCode"])
    assert sip["uri"] == f"sip:{sip['sipAccessCode']}@gw.meet.google.com"
    assert "activeConference" not in space


def test_unset_config_resolves_to_emulator_defaults(meet: Meet) -> None:
    config = _create(meet(OWNER))["config"]
    assert config == {
        "accessType": "TRUSTED",
        "entryPointAccess": "ALL",
        "moderation": "OFF",
        "moderationRestrictions": {
            "chatRestriction": "NO_RESTRICTION",
            "reactionRestriction": "NO_RESTRICTION",
            "presentRestriction": "NO_RESTRICTION",
            "defaultJoinAsViewerType": "OFF",
        },
        "attendanceReportGenerationType": "DO_NOT_GENERATE",
        "artifactConfig": {
            "recordingConfig": {"autoRecordingGeneration": "OFF"},
            "transcriptionConfig": {"autoTranscriptionGeneration": "OFF"},
            "smartNotesConfig": {"autoSmartNotesGeneration": "OFF"},
        },
    }


def test_per_user_defaults_fill_unset_and_unspecified_fields(meet: Meet, control: Control) -> None:
    user = control.put(
        f"users/{OWNER}",
        {
            "spaceConfigDefaults": {
                "accessType": "RESTRICTED",
                "moderation": "ON",
                "moderationRestrictions": {"presentRestriction": "HOSTS_ONLY"},
                "artifactConfig": {"recordingConfig": {"autoRecordingGeneration": "ON"}},
            }
        },
    )
    assert user["spaceConfigDefaults"]["accessType"] == "RESTRICTED"
    assert control.get(f"users/{OWNER.upper()}") == user
    config = _create(meet(OWNER), {"config": {"accessType": "ACCESS_TYPE_UNSPECIFIED"}})["config"]
    assert config["accessType"] == "RESTRICTED"
    assert config["moderation"] == "ON"
    assert config["moderationRestrictions"]["presentRestriction"] == "HOSTS_ONLY"
    assert config["artifactConfig"]["recordingConfig"]["autoRecordingGeneration"] == "ON"
    other = _create(meet("someone-else@example.com"))["config"]
    assert other["accessType"] == "TRUSTED"


def test_meeting_codes_and_names_are_unique(meet: Meet) -> None:
    caller = meet(OWNER)
    spaces = [_create(caller) for _ in range(10)]
    assert len({s["name"] for s in spaces}) == 10
    assert len({s["meetingCode"] for s in spaces}) == 10


def test_roles_table_for_get(meet: Meet, control: Control) -> None:
    owner = meet(OWNER)
    space = _create(owner)
    control.post(f"{space['name']}:startConference", {"participants": ["Guest@example.com"]})
    owner_view = owner.get(space["name"]).json()
    assert set(owner_view) == {
        "name",
        "meetingUri",
        "meetingCode",
        "config",
        "activeConference",
        "phoneAccess",
        "gatewaySipAccess",
    }
    participant_view = meet("guest@example.com").get(space["name"]).json()
    assert "config" not in participant_view
    assert participant_view["activeConference"] == owner_view["activeConference"]
    anyone_view = meet("nobody@example.com").get(space["name"]).json()
    assert anyone_view == {
        "name": space["name"],
        "meetingUri": space["meetingUri"],
        "meetingCode": space["meetingCode"],
    }


def test_only_the_owner_patches_and_ends_conferences(meet: Meet, control: Control) -> None:
    space = _create(meet(OWNER))
    control.post(f"{space['name']}:startConference", {"participants": ["guest@example.com"]})
    for caller in (meet("guest@example.com"), meet("nobody@example.com")):
        denied = caller.patch(
            space["name"],
            params={"updateMask": "config.accessType"},
            json={"config": {"accessType": "OPEN"}},
        )
        error = _error(denied, 403, "PERMISSION_DENIED")
        assert error["message"] == "Permission denied on resource Space (or it might not exist)"
        _error(
            caller.post(f"{space['name']}:endActiveConference", json={}), 403, "PERMISSION_DENIED"
        )
    ended = meet(OWNER).post(f"{space['name']}:endActiveConference", json={})
    assert ended.status_code == 200 and ended.json() == {}
    again = meet(OWNER).post(f"{space['name']}:endActiveConference", json={})
    error = _error(again, 400, "FAILED_PRECONDITION")
    assert error["message"] == "There is no active conference for the given space."


def test_meeting_code_alias_works_for_get_only(meet: Meet) -> None:
    owner = meet(OWNER)
    space = _create(owner)
    alias = "spaces/" + space["meetingCode"].upper()
    assert owner.get(alias).json()["name"] == space["name"]
    patch = owner.patch(alias, params={"updateMask": "config.accessType"}, json={"config": {}})
    _error(patch, 403, "PERMISSION_DENIED")
    _error(owner.post(f"{alias}:endActiveConference", json={}), 403, "PERMISSION_DENIED")
    _error(
        owner.post(f"{alias}/members", json={"email": "a@example.com"}), 403, "PERMISSION_DENIED"
    )
    _error(owner.get(f"{alias}/members"), 403, "PERMISSION_DENIED")


def test_unknown_space_and_wrong_case_look_like_hidden_ones(meet: Meet) -> None:
    owner = meet(OWNER)
    space = _create(owner)
    error = _error(owner.get("spaces/doesNotExist"), 403, "PERMISSION_DENIED")
    assert error["message"] == "Permission denied on resource Space (or it might not exist)"
    _error(
        owner.get(space["name"].swapcase().replace("SPACES", "spaces")), 403, "PERMISSION_DENIED"
    )


def test_created_scope_reaches_only_spaces_of_the_same_app(meet: Meet) -> None:
    space = _create(meet(OWNER, app="app-one"))
    other_app = meet(OWNER, app="app-two")
    _error(other_app.get(space["name"]), 403, "PERMISSION_DENIED")
    _error(
        other_app.post(f"{space['name']}/members", json={"email": "x@example.com"}),
        403,
        "PERMISSION_DENIED",
    )
    reader = meet(OWNER, scopes=["meetings.space.readonly"], app="app-two")
    assert reader.get(space["name"]).json()["config"]["accessType"] == "TRUSTED"
    assert reader.get(f"{space['name']}/members").status_code == 200
    settings = meet(OWNER, scopes=["meetings.space.settings"], app="app-two")
    patched = settings.patch(
        space["name"],
        params={"updateMask": "config.accessType"},
        json={"config": {"accessType": "OPEN"}},
    )
    assert patched.json()["config"]["accessType"] == "OPEN"


@pytest.mark.parametrize(
    ("scopes", "verb", "path_suffix", "allowed"),
    [
        (["meetings.space.readonly"], "GET", "", True),
        (["meetings.space.settings"], "GET", "", True),
        (["meetings.space.readonly"], "PATCH", "", False),
        (["meetings.space.settings"], "POST", ":endActiveConference", False),
        (["meetings.space.settings"], "GET", "/members", False),
        (["meetings.space.readonly"], "POST", "/members", False),
        (["cloud-platform"], "GET", "", False),
    ],
)
def test_scopes_per_method(
    meet: Meet, scopes: list[str], verb: str, path_suffix: str, allowed: bool
) -> None:
    space = _create(meet(OWNER))
    caller = meet(OWNER, scopes=scopes)
    response = caller.request(verb, space["name"] + path_suffix, json={})
    if allowed:
        assert response.status_code == 200, response.text
        return
    error = _error(response, 403, "PERMISSION_DENIED")
    assert error["message"] == "Request had insufficient authentication scopes."
    info = error["details"][0]
    assert info["reason"] == "ACCESS_TOKEN_SCOPE_INSUFFICIENT"
    assert info["metadata"]["service"] == "meet.googleapis.com"
    assert info["metadata"]["method"].startswith("google.apps.meet.v2.SpacesService.")


def test_service_disabled_for_an_app(meet: Meet, control: Control) -> None:
    assert control.put("apps/off-app", {"meetApiEnabled": False})["meetApiEnabled"] is False
    error = _error(meet(OWNER, app="off-app").post("spaces", json={}), 403, "PERMISSION_DENIED")
    info = error["details"][0]
    assert info["reason"] == "SERVICE_DISABLED"
    assert info["metadata"]["activationUrl"].endswith("project=off-app")
    assert control.get("apps/off-app") == {"app": "off-app", "meetApiEnabled": False}
    control.put("apps/off-app", {"meetApiEnabled": True})
    assert meet(OWNER, app="off-app").post("spaces", json={}).status_code == 200


def test_a_bare_service_account_is_refused(emulator, control: Control) -> None:
    answer = control.post(
        "token", {"email": "robot@proj.iam.gserviceaccount.com", "serviceAccount": True}
    )
    robot = MeetHttp(emulator.base_url, answer["access_token"])
    try:
        _error(robot.post("spaces", json={}), 403, "PERMISSION_DENIED")
    finally:
        robot.close()


def test_debug_listing_shows_owner_and_creator_app(meet: Meet, control: Control) -> None:
    space = _create(meet("Owner@Example.com", app="listing-app"))
    listed = control.get("spaces")["spaces"]
    assert [(s["name"], s["owner"], s["creatorApp"]) for s in listed] == [
        (space["name"], "owner@example.com", "listing-app")
    ]
