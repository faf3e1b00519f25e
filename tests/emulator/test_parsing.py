"""Request parsing like Google's front end, and the error envelopes it answers with."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
import requests

from pulumi_meet.emulator import Emulator
from tests.control import Control, MeetHttp

Meet = Callable[..., MeetHttp]
BAD_REQUEST = "type.googleapis.com/google.rpc.BadRequest"


@pytest.fixture
def owner(meet: Meet) -> MeetHttp:
    return meet("owner@example.com")


def _invalid(response: requests.Response) -> dict:
    assert response.status_code == 400, response.text
    error = response.json()["error"]
    assert error["code"] == 400 and error["status"] == "INVALID_ARGUMENT"
    return error


def _violation(error: dict) -> dict:
    detail = error["details"][0]
    assert detail["@type"] == BAD_REQUEST
    violation: dict = detail["fieldViolations"][0]
    assert violation["description"] == error["message"]
    return violation


def test_snake_case_fields_and_integer_enums_are_accepted(owner: MeetHttp) -> None:
    body = {"config": {"access_type": 3, "moderation_restrictions": {"chat_restriction": 1}}}
    config = owner.post("spaces", json=body).json()["config"]
    assert config["accessType"] == "RESTRICTED"
    # moderation is OFF, so the restrictions are back to their defaults
    assert config["moderationRestrictions"]["chatRestriction"] == "NO_RESTRICTION"


def test_null_means_unset(owner: MeetHttp) -> None:
    config = owner.post("spaces", json={"config": {"accessType": None}}).json()["config"]
    assert config["accessType"] == "TRUSTED"


def test_integer_enum_encoding_in_responses(owner: MeetHttp) -> None:
    params = {"$alt": "json;enum-encoding=int"}
    space = owner.post("spaces", params=params, json={"config": {"accessType": "OPEN"}}).json()
    assert space["config"]["accessType"] == 1
    assert space["config"]["artifactConfig"]["recordingConfig"]["autoRecordingGeneration"] == 2
    member = owner.post(f"{space['name']}/members", params=params, json={"email": "a@x.com"})
    assert "role" not in member.json()  # ROLE_UNSPECIFIED is the proto3 default: not printed
    cohost = owner.post(
        f"{space['name']}/members",
        params={"alt": "json;enum-encoding=int"},
        json={"email": "b@x.com", "role": "COHOST"},
    )
    assert cohost.json()["role"] == 1
    as_names = owner.get(space["name"], params={"$alt": "json;enum-encoding=string"}).json()
    assert as_names["config"]["accessType"] == "OPEN"


def test_unknown_field_in_a_nested_message(owner: MeetHttp) -> None:
    error = _invalid(owner.post("spaces", json={"config": {"colour": "blue"}}))
    assert error["message"] == (
        "Invalid JSON payload received. Unknown name \"colour\" at 'space.config': "
        "Cannot find field."
    )
    assert _violation(error)["field"] == "space.config"


def test_unknown_field_at_the_top(owner: MeetHttp) -> None:
    error = _invalid(owner.post("spaces", json={"colour": "blue"}))
    assert "Unknown name \"colour\" at 'space': Cannot find field." in error["message"]


def test_unknown_field_in_a_whole_request_body(owner: MeetHttp) -> None:
    space = owner.post("spaces", json={}).json()
    error = _invalid(owner.post(f"{space['name']}/members:batchUpdate", json={"colour": 1}))
    assert error["message"] == (
        'Invalid JSON payload received. Unknown name "colour": Cannot find field.'
    )
    assert "field" not in _violation(error)


@pytest.mark.parametrize(
    ("value", "shown"),
    [("MODERATION_ON", '"MODERATION_ON"'), (7, "7"), ("1", '"1"'), (True, "true")],
)
def test_bad_enum_values(owner: MeetHttp, value: object, shown: str) -> None:
    error = _invalid(owner.post("spaces", json={"config": {"moderation": value}}))
    assert error["message"] == (
        "Invalid value at 'space.config.moderation' "
        f"(type.googleapis.com/google.apps.meet.v2.SpaceConfig.Moderation), {shown}"
    )
    assert _violation(error)["field"] == "space.config.moderation"


def test_wrong_json_types(owner: MeetHttp) -> None:
    space = owner.post("spaces", json={}).json()
    error = _invalid(owner.post(f"{space['name']}/members", json={"email": 5}))
    assert error["message"] == "Invalid value at 'member.email' (TYPE_STRING), 5"
    error = _invalid(owner.post("spaces", json={"config": "open"}))
    assert error["message"] == (
        "Invalid value at 'space.config' (type.googleapis.com/google.apps.meet.v2.SpaceConfig), "
        '"open"'
    )
    error = _invalid(owner.post("spaces", json={"config": []}))
    assert error["message"] == (
        "Invalid JSON payload received. Unknown name \"config\" at 'space': "
        "Proto field is not repeating, cannot start list."
    )


def test_both_spellings_of_one_field_are_refused(owner: MeetHttp) -> None:
    _invalid(owner.post("spaces", json={"config": {"accessType": "OPEN", "access_type": "OPEN"}}))


def test_malformed_json_and_non_object_bodies(owner: MeetHttp) -> None:
    malformed = owner.post("spaces", data="{not json", headers={"Content-Type": "application/json"})
    assert _invalid(malformed)["message"].startswith("Invalid JSON payload received.")
    error = _invalid(owner.post("spaces", json=[1, 2]))
    assert "Root element must be a message." in error["message"]


def test_unknown_query_parameter(owner: MeetHttp) -> None:
    space = owner.post("spaces", json={}).json()
    error = _invalid(owner.get(space["name"], params={"view": "full"}))
    assert error["message"] == (
        'Invalid JSON payload received. Unknown name "view": Cannot bind query parameter. '
        "Field 'view' could not be found in request message."
    )
    # A method's own parameter on another method is unknown there too.
    _invalid(owner.get(space["name"], params={"pageSize": "5"}))


def test_query_parameter_types(owner: MeetHttp) -> None:
    space = owner.post("spaces", json={}).json()
    error = _invalid(owner.get(f"{space['name']}/members", params={"pageSize": "many"}))
    assert error["message"] == "Invalid value at 'page_size' (TYPE_INT32), \"many\""
    snake = owner.get(f"{space['name']}/members", params={"page_size": "3"})
    assert snake.status_code == 200


def test_system_parameters_are_accepted(owner: MeetHttp) -> None:
    space = owner.post("spaces", json={}).json()
    params = {
        "key": "api-key",
        "quotaUser": "someone",
        "$.xgafv": "2",
        "prettyPrint": "false",
        "fields": "name,config(accessType)",
    }
    response = owner.get(space["name"], params=params)
    assert response.status_code == 200
    assert "\n" not in response.text
    assert json.loads(response.text) == {
        "name": space["name"],
        "config": {"accessType": "TRUSTED"},
    }
    assert owner.get(space["name"]).text.startswith("{\n")  # prettyPrint defaults to true


def test_fields_selects_inside_lists(owner: MeetHttp) -> None:
    space = owner.post("spaces", json={}).json()
    for email in ("a@x.com", "b@x.com"):
        owner.post(f"{space['name']}/members", json={"email": email})
    page = owner.get(
        f"{space['name']}/members", params={"fields": "members/email,nextPageToken"}
    ).json()
    assert page == {"members": [{"email": "a@x.com"}, {"email": "b@x.com"}]}
    _invalid(owner.get(space["name"], params={"fields": "config("}))


def test_alt_other_than_json_is_refused(owner: MeetHttp) -> None:
    space = owner.post("spaces", json={}).json()
    _invalid(owner.get(space["name"], params={"alt": "proto"}))


def test_access_token_query_parameter_authenticates(emulator: Emulator, control: Control) -> None:
    token = control.token("owner@example.com")
    response = requests.post(
        f"{emulator.base_url}/v2/spaces", params={"access_token": token}, json={}, timeout=5
    )
    assert response.status_code == 200


@pytest.mark.parametrize(
    ("authorization", "reason"),
    [
        (None, "CREDENTIALS_MISSING"),
        ("Bearer not-a-token", "ACCESS_TOKEN_TYPE_UNSUPPORTED"),
        ("Basic dXNlcjpwYXNz", "ACCESS_TOKEN_TYPE_UNSUPPORTED"),
    ],
)
def test_unauthenticated_envelope(
    emulator: Emulator, authorization: str | None, reason: str
) -> None:
    headers = {"Authorization": authorization} if authorization else {}
    response = requests.post(f"{emulator.base_url}/v2/spaces", json={}, headers=headers, timeout=5)
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    error = response.json()["error"]
    assert error["status"] == "UNAUTHENTICATED"
    assert error["message"].startswith("Request had invalid authentication credentials.")
    info = error["details"][0]
    assert info["@type"] == "type.googleapis.com/google.rpc.ErrorInfo"
    assert info["reason"] == reason
    assert info["domain"] == "googleapis.com"
    assert info["metadata"] == {
        "service": "meet.googleapis.com",
        "method": "google.apps.meet.v2.SpacesService.CreateSpace",
    }


def test_expired_token_is_401_expired(emulator: Emulator, control: Control) -> None:
    token = control.post("token", {"email": "owner@example.com", "expiresIn": 0})["access_token"]
    caller = MeetHttp(emulator.base_url, token)
    try:
        response = caller.post("spaces", json={})
    finally:
        caller.close()
    assert response.status_code == 401
    assert response.json()["error"]["details"][0]["reason"] == "ACCESS_TOKEN_EXPIRED"


def test_authentication_comes_before_request_validation(emulator: Emulator) -> None:
    response = requests.get(f"{emulator.base_url}/v2/spaces/x", params={"bad": "1"}, timeout=5)
    assert response.status_code == 401


def test_request_log_records_meet_calls(owner: MeetHttp, control: Control) -> None:
    control.delete("requests")
    owner.post("spaces", params={"quotaUser": "q"}, json={"config": {"accessType": "OPEN"}})
    owner.get("spaces/unknown")
    entries = control.get("requests")["requests"]
    assert [(e["method"], e["apiMethod"], e["status"]) for e in entries] == [
        ("POST", "spaces.create", 200),
        ("GET", "spaces.get", 403),
    ]
    first = entries[0]
    assert first["path"] == "/v2/spaces"
    assert first["query"] == {"quotaUser": "q"}
    assert first["body"] == {"config": {"accessType": "OPEN"}}
    assert first["principal"] == "owner@example.com"
    assert isinstance(first["time"], float)
    control.delete("requests")
    assert control.get("requests") == {"requests": []}
