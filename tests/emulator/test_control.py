"""The control API: conferences, users, reset, and its own error handling."""

from __future__ import annotations

from collections.abc import Callable

import pytest
import requests

from pulumi_meet.emulator import Emulator
from tests.control import Control, MeetHttp

Meet = Callable[..., MeetHttp]


def _control_error(emulator: Emulator, verb: str, path: str, **kwargs: object) -> dict:
    response = requests.request(
        verb, f"{emulator.base_url}/emulator/v1/{path}", timeout=5, **kwargs
    )
    assert 400 <= response.status_code < 500, response.text
    return dict(response.json()["error"])


def test_conference_start_join_and_end(meet: Meet, control: Control) -> None:
    owner = meet("owner@example.com")
    space = owner.post("spaces", json={}).json()["name"]
    record = control.post(f"{space}:startConference", {"participants": ["a@x.com"]})
    assert record["conferenceRecord"].startswith("conferenceRecords/")
    joined = control.post(f"{space}:startConference", {"participants": ["B@x.com"]})
    # The ongoing conference gains a participant.
    assert joined["conferenceRecord"] == record["conferenceRecord"]
    assert joined["participants"] != record["participants"]
    active = meet("b@x.com").get(space).json()["activeConference"]
    assert active == {"conferenceRecord": record["conferenceRecord"]}
    assert control.post(f"{space}:endConference") == {}
    assert "activeConference" not in owner.get(space).json()
    assert control.post(f"{space}:endConference") == {}  # nothing to end: still fine
    again = control.post(f"{space}:startConference", {"participants": []})
    assert again["conferenceRecord"] != record["conferenceRecord"]


def test_conference_errors(emulator: Emulator, meet: Meet) -> None:
    space = meet("owner@example.com").post("spaces", json={}).json()["name"]
    missing = _control_error(emulator, "POST", "spaces/nope:startConference", json={})
    assert missing["status"] == "NOT_FOUND"
    for body in ({"participants": "a@x.com"}, {"participants": [1]}, {"people": []}):
        error = _control_error(emulator, "POST", f"{space}:startConference", json=body)
        assert error["status"] == "INVALID_ARGUMENT"


@pytest.mark.parametrize(
    "body",
    [
        {"spaceConfigDefaults": {"accessType": "SOMETIMES"}},
        {"spaceConfigDefaults": {"colour": "blue"}},
        {"defaults": {}},
        ["not", "an", "object"],
    ],
)
def test_bad_user_defaults_are_refused(emulator: Emulator, body: object) -> None:
    error = _control_error(emulator, "PUT", "users/a@x.com", json=body)
    assert error["status"] == "INVALID_ARGUMENT"


def test_app_switch_body_is_checked(emulator: Emulator) -> None:
    for body in ({}, {"meetApiEnabled": "no"}, {"meetApiEnabled": False, "extra": 1}):
        assert _control_error(emulator, "PUT", "apps/my-app", json=body)["status"] == (
            "INVALID_ARGUMENT"
        )


def test_malformed_json_and_unknown_control_paths(emulator: Emulator) -> None:
    error = _control_error(emulator, "PUT", "quotas", data="{oops")
    assert error["status"] == "INVALID_ARGUMENT"
    assert _control_error(emulator, "GET", "nothing")["status"] == "NOT_FOUND"
    assert _control_error(emulator, "DELETE", "quotas")["code"] == 405


def test_reset_forgets_everything_but_token_signing(meet: Meet, control: Control) -> None:
    owner = meet("owner@example.com")
    owner.post("spaces", json={})
    control.put("users/owner@example.com", {"spaceConfigDefaults": {"accessType": "OPEN"}})
    control.put("quotas", {"perUser": {"read": 1}})
    control.put("faults", {"rules": [{"method": "spaces.get", "status": 500, "times": 9}]})
    control.put("apps/emulator-project", {"meetApiEnabled": False})
    assert control.post("reset") == {}
    assert control.get("spaces") == {"spaces": []}
    assert control.get("requests") == {"requests": []}
    assert control.get("faults") == {"rules": []}
    assert control.get("quotas")["perUser"]["read"] == 600
    assert control.get("apps/emulator-project")["meetApiEnabled"] is True
    assert control.get("users/owner@example.com")["spaceConfigDefaults"]["accessType"] == "TRUSTED"
    # A token minted before the reset still works.
    assert owner.post("spaces", json={}).status_code == 200
