"""Meeting codes expire 365 days after their last use (the space's creation, or a conference
starting in it): the space keeps its name and settings and gets a new code; the old one names
nothing and may be given to another space."""

from __future__ import annotations

import random
import sqlite3
import string
from pathlib import Path
from typing import Any

import requests
from pytest_mock import MockerFixture

from pulumi_meet.emulator import Emulator
from tests.control import Control
from tests.emulator.records_support import OWNER, READERS, Meet, api_error, at, new_space

YEAR = 365 * 86400


def _space(control: Control, name: str) -> dict[str, Any]:
    return next(space for space in control.spaces() if space["name"] == name)


def test_a_code_expires_365_days_after_the_space_was_created(meet: Meet, control: Control) -> None:
    control.put("clock", {"now": at(0), "frozen": True})
    space = new_space(meet, config={"accessType": "OPEN"})
    before = _space(control, space)
    assert before["meetingCodeLastUseTime"] == at(0)
    assert before["meetingCodeExpireTime"] == "2031-01-01T09:00:00Z"
    control.post("clock:advance", {"seconds": YEAR - 1})
    assert _space(control, space)["meetingCode"] == before["meetingCode"]
    control.post("clock:advance", {"seconds": 1})
    after = meet(OWNER).get(space).json()
    assert after["name"] == space and after["config"] == before["config"]
    assert after["meetingCode"] != before["meetingCode"]
    assert after["meetingUri"] == f"https://meet.google.com/{after['meetingCode']}"
    assert _space(control, space)["meetingCodeLastUseTime"] == "2031-01-01T09:00:00Z"
    # The old code names nothing: 404 in Google's words; the new one and the name work.
    gone = api_error(meet(OWNER).get(f"spaces/{before['meetingCode']}"), 404, "NOT_FOUND")
    assert gone["message"] == "Requested entity was not found."
    assert meet(OWNER).get(f"spaces/{after['meetingCode'].upper()}").json()["name"] == space
    # Writes by an alias stay 403, as for any alias.
    patch = meet(OWNER).patch(
        f"spaces/{before['meetingCode']}", params={"updateMask": "config"}, json={}
    )
    api_error(patch, 403, "PERMISSION_DENIED")


def test_a_conference_starting_uses_the_code_again(meet: Meet, control: Control) -> None:
    control.put("clock", {"now": at(0), "frozen": True})
    space = new_space(meet)
    code = _space(control, space)["meetingCode"]
    control.post("clock:advance", {"seconds": 300 * 86400})
    control.post(f"{space}:startConference", {"participants": [OWNER]})
    control.post("clock:advance", {"seconds": 3600})
    control.post(f"{space}:endConference", {})
    control.post("clock:advance", {"seconds": YEAR - 3601})  # 365 days after the start, less 1s
    assert meet(OWNER).get(space).json()["meetingCode"] == code
    control.post("clock:advance", {"seconds": 1})
    assert meet(OWNER).get(space).json()["meetingCode"] != code


def test_a_space_in_a_conference_keeps_its_code(meet: Meet, control: Control) -> None:
    control.put("clock", {"now": at(0), "frozen": True})
    space = new_space(meet)
    code = _space(control, space)["meetingCode"]
    control.post(f"{space}:startConference", {"participants": [OWNER]})
    control.post("clock:advance", {"seconds": YEAR + 86400})
    assert meet(OWNER).get(space).json()["meetingCode"] == code
    control.post(f"{space}:endConference", {})
    assert meet(OWNER).get(space).json()["meetingCode"] != code  # last use: over a year ago


def test_records_filter_by_the_code_the_space_holds_now(meet: Meet, control: Control) -> None:
    control.put("clock", {"now": at(0), "frozen": True})
    space = new_space(meet)
    old = _space(control, space)["meetingCode"]
    control.post("clock:advance", {"seconds": YEAR})
    new = _space(control, space)["meetingCode"]
    control.post(f"{space}:startConference", {"participants": [OWNER]})
    reader = meet(OWNER, READERS)
    for code, count in ((old, 0), (new, 1)):
        found = reader.get("conferenceRecords", params={"filter": f'space.meeting_code = "{code}"'})
        assert len(found.json().get("conferenceRecords", [])) == count


class _Letters(random.Random):
    """Randomness whose meeting-code letters come from a script (ids stay random)."""

    def __init__(self, codes: list[str]) -> None:
        super().__init__(7)
        self._letters = [letter for code in codes for letter in code.replace("-", "")]

    def choice(self, seq: Any) -> Any:
        if seq == string.ascii_lowercase and self._letters:
            return self._letters.pop(0)
        return super().choice(seq)


def test_an_expired_code_may_name_another_space_later(
    meet: Meet, control: Control, emulator: Emulator, mocker: MockerFixture
) -> None:
    script = ["aaa-aaaa-aaa", "bbb-bbbb-bbb", "aaa-aaaa-aaa"]
    mocker.patch.object(emulator.application.spaces, "_rng", _Letters(script))
    control.put("clock", {"now": at(0), "frozen": True})
    first = new_space(meet)
    assert _space(control, first)["meetingCode"] == "aaa-aaaa-aaa"
    control.post("clock:advance", {"seconds": YEAR})
    assert _space(control, first)["meetingCode"] == "bbb-bbbb-bbb"
    second = new_space(meet, owner="someone@example.com")
    assert _space(control, second)["meetingCode"] == "aaa-aaaa-aaa"
    assert meet(OWNER).get("spaces/aaa-aaaa-aaa").json()["name"] == second


def test_a_database_from_before_expiring_codes_is_carried_over(tmp_path: Path) -> None:
    database = tmp_path / "old.db"
    with sqlite3.connect(database) as old:
        old.executescript(
            """
            CREATE TABLE meet_spaces (name TEXT PRIMARY KEY, meeting_code TEXT NOT NULL UNIQUE,
                owner TEXT NOT NULL, creator_app TEXT NOT NULL, config TEXT NOT NULL,
                phone_access TEXT NOT NULL, gateway_sip_access TEXT NOT NULL,
                create_time REAL NOT NULL);
            CREATE TABLE meet_conference_records (name TEXT PRIMARY KEY, space TEXT NOT NULL,
                participants TEXT NOT NULL, start_time REAL NOT NULL, end_time REAL);
            INSERT INTO meet_spaces VALUES ('spaces/oldSpace0001', 'abc-defg-hij',
                'owner@example.com', 'emulator-project', '{}', '[]', '[]', 1893488400.0);
            INSERT INTO meet_conference_records VALUES ('conferenceRecords/oldRecord001',
                'spaces/oldSpace0001', '["owner@example.com", "guest@example.com"]',
                1893488400.0, 1893492000.0);
            """
        )
    with Emulator(db=database) as emulator:
        control = Control(emulator)
        control.put("clock", {"now": "2030-01-02T00:00:00Z"})
        space = _space(control, "spaces/oldSpace0001")
        assert space["meetingCodeLastUseTime"] == "2030-01-01T09:00:00Z"  # its creation
        token = control.token(OWNER, READERS)
        headers = {"Authorization": f"Bearer {token}"}
        base = f"{emulator.base_url}/v2/conferenceRecords/oldRecord001"
        record = requests.get(base, headers=headers, timeout=10).json()
        assert (record["startTime"], record["endTime"]) == (at(0), at(60))
        people = requests.get(f"{base}/participants", headers=headers, timeout=10).json()
        names = sorted(p["signedinUser"]["displayName"] for p in people["participants"])
        assert names == ["Guest", "Owner"]
        control.close()
