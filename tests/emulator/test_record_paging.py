"""Paging of the seven list methods: default and maximum sizes, coercion, tokens, order."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from pulumi_meet.emulator import Emulator
from pulumi_meet.emulator.timestamps import parse_time
from tests.control import Control, MeetHttp, mint_token
from tests.emulator.records_support import ALL_ARTIFACTS, NOW, OWNER, READERS, at

SESSIONS = 251  # one more than the largest maximum page


@dataclass(frozen=True)
class World:
    caller: MeetHttp
    control: Control
    space: str
    record: str
    participant: str
    transcript: str


@pytest.fixture(scope="module")
def world() -> Iterator[World]:
    """101 past conferences; in the last one 251 guests, 251 sessions of the owner (so 251 of
    each artifact) and 101 transcript entries."""
    with Emulator() as emulator:
        control = Control(emulator)
        control.put("clock", {"now": NOW})
        caller = MeetHttp(emulator.base_url, mint_token(emulator.base_url, OWNER, READERS))
        space = caller.post("spaces", json={"config": ALL_ARTIFACTS}).json()["name"]
        for index in range(100):
            control.post(
                f"{space}:startConference",
                {"startTime": at(index), "endTime": at(index + 0.5), "participants": [OWNER]},
            )
        owner_sessions: list[dict[str, Any]] = [
            {"user": OWNER, "joinTime": at(200 + index), "leaveTime": at(200 + index + 0.5)}
            for index in range(SESSIONS)
        ]
        owner_sessions[0]["says"] = [f"line {n}" for n in range(101)]
        guests = [{"anonymous": f"Guest {n}", "joinTime": at(200)} for n in range(SESSIONS - 1)]
        answer = control.post(
            f"{space}:startConference",
            {"startTime": at(200), "endTime": at(500), "participants": owner_sessions + guests},
        )
        record = answer["conferenceRecord"]
        transcripts = caller.get(f"{record}/transcripts", params={"pageSize": 1}).json()
        yield World(
            caller,
            control,
            space,
            record,
            answer["participants"][0],
            transcripts["transcripts"][0]["name"],
        )
        caller.close()
        control.close()


# list, its items' key, the path under the world, default size, maximum, how many there are
LISTS = [
    ("conferenceRecords", "conferenceRecords", "conferenceRecords", 25, 100, 101),
    ("participants", "participants", "{record}/participants", 100, 250, SESSIONS),
    ("participantSessions", "participantSessions", "{participant}/participantSessions", 100, 250,
     SESSIONS),
    ("recordings", "recordings", "{record}/recordings", 10, 100, SESSIONS),
    ("transcripts", "transcripts", "{record}/transcripts", 10, 100, SESSIONS),
    ("smartNotes", "smartNotes", "{record}/smartNotes", 10, 100, SESSIONS),
    ("entries", "transcriptEntries", "{transcript}/entries", 10, 100, 101),
]  # fmt: skip
IDS = [row[0] for row in LISTS]


def _path(world: World, template: str) -> str:
    return template.format(
        record=world.record, participant=world.participant, transcript=world.transcript
    )


def _get(world: World, path: str, **params: Any) -> dict[str, Any]:
    response = world.caller.get(path, params=params)
    assert response.status_code == 200, response.text
    return dict(response.json())


@pytest.mark.parametrize(("name", "key", "template", "default", "maximum", "total"), LISTS, ids=IDS)
def test_default_and_maximum_page_sizes(
    world: World, name: str, key: str, template: str, default: int, maximum: int, total: int
) -> None:
    path = _path(world, template)
    for params in ({}, {"pageSize": 0}):
        page = _get(world, path, **params)
        assert len(page[key]) == default and "nextPageToken" in page
    coerced = _get(world, path, pageSize=maximum * 10)
    assert len(coerced[key]) == maximum and "nextPageToken" in coerced


@pytest.mark.parametrize(("name", "key", "template", "default", "maximum", "total"), LISTS, ids=IDS)
def test_tokens_walk_every_item_once_in_order(
    world: World, name: str, key: str, template: str, default: int, maximum: int, total: int
) -> None:
    path = _path(world, template)
    seen: list[dict[str, Any]] = []
    token: str | None = None
    pages = 0
    while True:
        page = _get(world, path, pageSize=maximum, **({"pageToken": token} if token else {}))
        seen.extend(page[key])
        pages += 1
        token = page.get("nextPageToken")
        if token is None:
            break
    assert len(seen) == total == len({item["name"] for item in seen})
    assert pages == -(-total // maximum)
    starts = [parse_time(item.get("startTime") or item["earliestStartTime"]) for item in seen]
    newest_first = name in ("conferenceRecords", "participants", "participantSessions")
    assert starts == sorted(starts, reverse=newest_first)


def test_ties_keep_the_order_of_creation(world: World) -> None:
    # The 250 guests joined at the same instant: newest first by join, then as they came.
    guests = _get(world, f"{world.record}/participants", pageSize=250)["participants"][1:]
    names = [g["anonymousUser"]["displayName"] for g in guests]
    assert names[:3] == ["Guest 0", "Guest 1", "Guest 2"]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"pageSize": -1}, "page_size"),
        ({"pageSize": "ten"}, "page_size"),
        ({"pageToken": "not-a-token"}, "page_token"),
    ],
)
def test_bad_sizes_and_tokens(world: World, params: dict[str, Any], field: str) -> None:
    response = world.caller.get(f"{world.record}/recordings", params=params)
    assert response.status_code == 400, response.text
    assert response.json()["error"]["details"][0]["fieldViolations"][0]["field"] == field


def test_a_token_is_bound_to_its_list_parent_and_filter(world: World) -> None:
    token = _get(world, f"{world.record}/recordings", pageSize=1)["nextPageToken"]
    for path in (f"{world.record}/transcripts", f"{world.record}/smartNotes"):
        assert world.caller.get(path, params={"pageToken": token}).status_code == 400
    filtered = _get(world, "conferenceRecords", pageSize=1, filter="end_time IS NOT NULL")
    again = {"pageToken": filtered["nextPageToken"], "pageSize": 1}
    assert world.caller.get("conferenceRecords", params=again).status_code == 400
    same = world.caller.get("conferenceRecords", params={**again, "filter": "end_time IS NOT NULL"})
    assert same.status_code == 200
    other_parent = _get(world, f"{world.participant}/participantSessions", pageSize=1)
    guest = _get(world, f"{world.record}/participants", pageSize=2)["participants"][1]["name"]
    stolen = {"pageToken": other_parent["nextPageToken"]}
    assert world.caller.get(f"{guest}/participantSessions", params=stolen).status_code == 400


def test_a_record_added_between_pages_neither_repeats_nor_hides_older_ones(world: World) -> None:
    first = _get(world, "conferenceRecords", pageSize=2)
    world.control.post(
        f"{world.space}:startConference", {"startTime": at(600), "participants": [OWNER]}
    )
    try:
        second = _get(world, "conferenceRecords", pageSize=2, pageToken=first["nextPageToken"])
        names = [r["name"] for r in first["conferenceRecords"] + second["conferenceRecords"]]
        assert len(set(names)) == 4
        newest_of_second = parse_time(second["conferenceRecords"][0]["startTime"])
        assert newest_of_second < parse_time(first["conferenceRecords"][1]["startTime"])
    finally:
        world.control.post(f"{world.space}:endConference", {})
