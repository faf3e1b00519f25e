"""``spaces get``, ``spaces end-conference`` and ``members list`` against a running emulator."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from pulumi_meet.emulator import Emulator
from tests.cli.conftest import OWNER, Result, Rooms
from tests.control import Control, MeetHttp, mint_token


def _moderated() -> dict[str, object]:
    return {"moderation": "ON", "moderationRestrictions": {"chatRestriction": "HOSTS_ONLY"}}


def test_get_by_id_code_in_upper_case_and_url(cli: Callable[..., Result], rooms: Rooms) -> None:
    space = rooms.create(_moderated())
    code = space["meetingCode"]
    for reference in (
        space["name"],
        code.upper(),
        f"https://meet.google.com/{code}",
        f"https://meet.google.com/{code}/?authuser=0",
    ):
        result = cli("spaces", "get", reference)
        assert (result.code, result.err) == (0, ""), reference
        lines = result.out.splitlines()
        assert lines[0].split() == ["name", space["name"]]
        assert lines[1].split() == ["meeting", "URL", space["meetingUri"]]
        assert lines[2].split() == ["meeting", "code", code]
        assert lines[3].split() == ["active", "conference", "none"]


def test_readable_output_aligns_the_owner_visible_config(
    run_main: Callable[..., Result], rooms: Rooms
) -> None:
    space = rooms.create(_moderated())
    lines = run_main("spaces", "get", space["name"]).out.splitlines()
    config = lines[lines.index("config:") + 1 :]
    settings = dict(line.split() for line in config)
    assert settings["access_type"] == space["config"]["accessType"]
    assert settings["moderation"] == "ON"
    assert settings["chat_restriction"] == "HOSTS_ONLY"
    assert settings["auto_recording_generation"] == "OFF"
    assert len(settings) == 11  # every settable leaf of SpaceConfig
    assert len({len(line) - len(line.split()[-1]) for line in config}) == 1  # one value column
    dial_in = next(line for line in lines if line.startswith("dial-in"))
    assert space["phoneAccess"][0]["pin"] in dial_in
    header = lines[: lines.index("config:")]
    assert len({len(line) - len(line[18:].lstrip()) for line in header}) == 1


def test_json_is_the_api_answer(cli: Callable[..., Result], rooms: Rooms) -> None:
    space = rooms.create(_moderated())
    result = cli("spaces", "get", space["meetingCode"].upper(), "--json")
    assert result.code == 0
    assert json.loads(result.out) == space


def test_someone_else_sees_no_config(run_main: Callable[..., Result], rooms: Rooms) -> None:
    space = rooms.create()
    result = run_main("spaces", "get", space["meetingCode"], "--as", "Guest@Example.com")
    assert result.code == 0
    assert "config: not visible to guest@example.com" in result.out
    assert "access_type" not in result.out
    assert "not visible to guest@example.com" in result.out.splitlines()[3]


def test_active_conference_is_shown(run_main: Callable[..., Result], rooms: Rooms) -> None:
    space = rooms.create()
    record = rooms.start_conference(space["name"], [OWNER])
    result = run_main("spaces", "get", space["name"])
    assert result.out.splitlines()[3].split() == ["active", "conference", record]


def test_end_conference_by_code_resolves_then_ends(
    cli: Callable[..., Result], rooms: Rooms, control: Control
) -> None:
    space = rooms.create()
    rooms.start_conference(space["name"], [OWNER, "guest@example.com"])
    control.delete("requests")
    result = cli("spaces", "end-conference", f"https://meet.google.com/{space['meetingCode']}")
    assert (result.code, result.err) == (0, "")
    assert result.out == f"Ended the active conference of {space['name']}.\n"
    calls = [(e["apiMethod"], e["path"]) for e in control.get("requests")["requests"]]
    assert calls == [
        ("spaces.get", f"/v2/spaces/{space['meetingCode']}"),
        ("spaces.endActiveConference", f"/v2/{space['name']}:endActiveConference"),
    ]
    assert "activeConference" not in rooms.meet(OWNER).get(space["name"]).json()


def test_end_conference_without_one_is_friendly(
    cli: Callable[..., Result], rooms: Rooms, control: Control
) -> None:
    space = rooms.create()
    control.delete("requests")
    result = cli("spaces", "end-conference", space["name"])
    assert (result.code, result.err) == (0, "")
    assert result.out == f"{space['name']} has no active conference; nothing to end.\n"
    methods = [e["apiMethod"] for e in control.get("requests")["requests"]]
    assert methods == ["spaces.endActiveConference"]  # an id needs no get first


def test_end_conference_of_someone_elses_room_fails(
    run_main: Callable[..., Result], rooms: Rooms
) -> None:
    space = rooms.create()
    rooms.start_conference(space["name"], [OWNER])
    result = run_main("spaces", "end-conference", space["name"], "--as", "guest@example.com")
    assert result.code == 1
    assert result.err.startswith("pulumi-meet: error: spaces.endActiveConference ")
    assert "PERMISSION_DENIED" in result.err


def test_members_list_follows_every_page(
    cli: Callable[..., Result], rooms: Rooms, control: Control
) -> None:
    control.put("quotas", {"perUser": {"write": 1000}})
    space = rooms.create()
    emails = [f"member{index:03d}@example.com" for index in range(253)]
    rooms.add_members(space["name"], emails)
    control.delete("requests")

    listed = cli("members", "list", space["meetingCode"], "--json")
    assert listed.code == 0
    members = json.loads(listed.out)["members"]
    assert sorted(m["email"] for m in members) == emails
    assert {m["role"] for m in members} == {"COHOST"}
    methods = [e["apiMethod"] for e in control.get("requests")["requests"]]
    assert methods == ["spaces.get", "spaces.members.list", "spaces.members.list"]

    readable = cli("members", "list", space["name"]).out.splitlines()
    assert readable[0].split() == ["EMAIL", "ROLE", "NAME"]
    assert len(readable) == 1 + len(emails)
    assert {line.split()[0] for line in readable[1:]} == set(emails)


def test_members_list_shows_roles_and_empty_spaces(
    run_main: Callable[..., Result], rooms: Rooms
) -> None:
    space = rooms.create()
    assert run_main("members", "list", space["name"]).out == f"{space['name']} has no members.\n"
    assert json.loads(run_main("members", "list", space["name"], "--json").out) == {"members": []}
    response = rooms.meet(OWNER).post(f"{space['name']}/members", json={"email": "a@example.com"})
    assert response.status_code == 200
    rows = [line.split() for line in run_main("members", "list", space["name"]).out.splitlines()]
    assert rows[1] == ["a@example.com", "-", response.json()["name"]]


def test_embedded_reads_the_project_directorys_rooms(
    cli: Callable[..., Result], tmp_path: Path
) -> None:
    """`--emulator-host embedded` sees the rooms of `meet:emulatorHost: embedded` (same file)."""
    state = tmp_path / ".pulumi-meet" / "emulator.db"
    state.parent.mkdir()
    with Emulator(db=state) as project_emulator:
        token = mint_token(project_emulator.base_url, OWNER)
        space = MeetHttp(project_emulator.base_url, token).post("spaces", json={}).json()
    result = cli("spaces", "get", space["meetingCode"], "--emulator-host", "embedded", cwd=tmp_path)
    assert (result.code, result.err) == (0, "")
    assert result.out.splitlines()[0].split() == ["name", space["name"]]
