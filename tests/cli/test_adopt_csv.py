"""``pulumi-meet adopt --from CSV``: many owners' rooms, one program grouped by owner; bad rows
reported with their reason and left out; progress on and off a terminal."""

from __future__ import annotations

import io
import os
import pty
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from pulumi_meet.cli.adopt import AdoptedMember, AdoptedRoom
from pulumi_meet.cli.adopt_csv import _Adopted, _owner_by_owner, read_rows, render
from pulumi_meet.dynamic.providers import SpaceProvider
from pulumi_meet.plugin.names import to_camel
from tests.cli.conftest import Result, Rooms
from tests.cli.test_adopt import SPACE_TYPE, _expected_config, _program
from tests.control import Control
from tests.engine import capture_program

LEAD, OPS = "lead@example.com", "ops@example.com"


def _csv(tmp_path: Path, lines: list[str]) -> str:
    path = tmp_path / "rooms.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return str(path)


def _gets(control: Control) -> int:
    return sum(1 for e in control.get("requests")["requests"] if e["apiMethod"] == "spaces.get")


def test_rooms_of_several_owners_become_one_program_grouped_by_owner(
    run_main: Callable[..., Result], rooms: Rooms, control: Control, tmp_path: Path
) -> None:
    lead = [rooms.create({"accessType": "RESTRICTED"}, owner=LEAD) for _ in range(2)]
    ops = rooms.create({"moderation": "ON"}, owner=OPS)
    control.delete("requests")
    path = _csv(
        tmp_path,
        [
            "space,owner,name",  # a header
            f"{lead[0]['meetingCode']},{LEAD},standup",
            f"https://meet.google.com/{ops['meetingCode']},{OPS}",
            f"{lead[1]['name']},{LEAD.upper()},",
        ],
    )
    result = run_main("adopt", "--from", path)
    assert result.code == 0, result.err
    assert result.err_lines == [f"pulumi-meet: adopted 3 of 3 rooms from {path}"]
    assert _gets(control) == 3  # one call per room
    banners = [line for line in result.out.splitlines() if line.startswith("# ---- ")]
    assert banners == [f"# ---- {LEAD}: 2 rooms", f"# ---- {OPS}: 1 room"]

    captured = {r.name: r for r in capture_program(_program(result.out))}
    assert {r.type for r in captured.values()} == {SPACE_TYPE}
    expected = {"standup": lead[0], lead[1]["meetingCode"]: lead[1], ops["meetingCode"]: ops}
    assert sorted(captured) == sorted(expected)
    for name, space in expected.items():
        inputs = captured[name].inputs
        assert inputs["adopt"] == space["name"]
        assert inputs["owner"] == (OPS if space is ops else LEAD)
        assert inputs["config"] == _expected_config(space)
        assert SpaceProvider().check({}, dict(inputs)).failures == []


def test_bad_rows_are_reported_with_their_reason_and_left_out(
    run_main: Callable[..., Result], rooms: Rooms, control: Control, tmp_path: Path
) -> None:
    good = rooms.create(owner=LEAD)
    theirs = rooms.create(owner=OPS)
    control.delete("requests")
    lines = [
        f"{good['meetingCode']},{LEAD}",  # 1: adopted
        f"abc-mnop-xyz,{LEAD}",  # 2: no such room
        f"{theirs['meetingCode']},{LEAD}",  # 3: the room of another owner
        "not a room,lead@example.com",  # 4: malformed space
        f"{good['meetingCode']},{LEAD},x,y",  # 5: too many columns
        f"{good['meetingCode'].upper()},{LEAD}",  # 6: duplicate of line 1
        f"{good['name']},{LEAD}",  # 7: the same room as line 1, by its id
        f"{theirs['name']},not-an-email",  # 8: malformed owner
        f"{theirs['name']},{OPS},bad name!",  # 9: malformed resource name
    ]
    result = run_main("adopt", "--from", _csv(tmp_path, lines))
    assert result.code == 1
    errors = {
        int(m.group(1)): line
        for line in result.err_lines
        if (m := re.search(r": line (\d+): ", line))
    }
    assert sorted(errors) == [2, 3, 4, 5, 6, 7, 8, 9]
    # A meeting code that names no room is 404 (expired, reassigned or never given).
    assert "404 NOT_FOUND" in errors[2]
    assert f"{LEAD} does not own it" in errors[3]
    assert "is not a space" in errors[4]
    assert "expected 2 or 3 columns" in errors[5]
    assert "duplicate of line 1" in errors[6]
    # Named by the other line's words, never by its own (`spaces/x is spaces/x`).
    assert errors[7].endswith(
        f"line 7: {good['name']}: duplicate of line 1 ({good['meetingCode']} is the same room)"
    )
    assert "owner" in errors[8]
    assert "resource name 'bad name!'" in errors[9]
    assert result.err_lines[-1].endswith(
        "adopted 1 of 9 rooms from " + str(tmp_path / "rooms.csv") + "; 8 left out (above)"
    )
    # Only the well-formed, distinct lines cost a call: 1, 2, 3 and 7.
    assert _gets(control) == 4
    (resource,) = capture_program(_program(result.out))
    assert resource.inputs["adopt"] == good["name"]


def test_yaml_for_the_provider_plugin(
    run_main: Callable[..., Result], rooms: Rooms, tmp_path: Path
) -> None:
    lead = rooms.create(
        {
            "accessType": "TRUSTED",
            "moderation": "ON",
            "moderationRestrictions": {"chatRestriction": "HOSTS_ONLY"},
        },
        owner=LEAD,
    )
    ops = rooms.create(owner=OPS)
    path = _csv(tmp_path, [f"{lead['meetingCode']},{LEAD},lobby", f"{ops['name']},{OPS}"])
    result = run_main("adopt", "--from", path, "--format", "yaml")
    assert result.code == 0, result.err
    document: dict[str, Any] = yaml.safe_load(result.out)
    assert (document["name"], document["runtime"]) == ("adopted-meet-rooms", "yaml")
    resources = document["resources"]
    assert list(resources) == ["lobby", ops["meetingCode"]]
    lobby = resources["lobby"]
    assert lobby["type"] == "meet:index:Space"
    assert lobby["properties"]["adopt"] == lead["name"]
    assert lobby["properties"]["owner"] == LEAD
    config = lobby["properties"]["config"]
    assert config["accessType"] == "TRUSTED"
    assert config["moderationRestrictions"]["chatRestriction"] == "HOSTS_ONLY"
    assert resources[ops["meetingCode"]]["properties"]["owner"] == OPS


def test_spaces_and_from_exclude_each_other(
    run_main: Callable[..., Result], tmp_path: Path
) -> None:
    path = _csv(tmp_path, [f"abc-mnop-xyz,{LEAD}"])
    both = run_main("adopt", "abc-mnop-xyz", "--from", path)
    assert both.code == 2 and "not both" in both.err
    yaml_alone = run_main("adopt", "abc-mnop-xyz", "--format", "yaml")
    assert yaml_alone.code == 2 and "--format yaml needs --from" in yaml_alone.err


def test_a_csv_sorted_by_owner_is_resolved_owner_by_owner() -> None:
    lines = [
        f"{code}-mnop-{suffix},{owner}"
        for owner, suffix in ((LEAD, "xyz"), (OPS, "uvw"))
        for code in ("abc", "def", "ghi")
    ]
    rows, problems = read_rows(["room,owner", "xyz-mnop-abc,not-an-email", *lines])
    assert [p.line for p in problems] == [2]  # a malformed first room is not taken for a header
    order = [(row.owner, row.line) for row in _owner_by_owner(rows)]
    assert order == [(LEAD, 3), (OPS, 6), (LEAD, 4), (OPS, 7), (LEAD, 5), (OPS, 8)]


# ------------------------------------------------------------------ progress on and off a terminal


def _throttled_csv(rooms: Rooms, control: Control, tmp_path: Path) -> str:
    owners = [f"owner{n}@example.com" for n in range(3)]
    lines = [
        f"{rooms.create(owner=owners[n % 3])['meetingCode']},{owners[n % 3]}" for n in range(12)
    ]
    # The CLI paces at Google's quota; the emulator allows 2 reads per second per owner, so
    # the rooms are refused and retried after Retry-After: there is something to report.
    control.put("quotas", {"windowSeconds": 1, "perUser": {"read": 2}})
    return _csv(tmp_path, lines)


def test_progress_is_plain_lines_when_not_on_a_terminal(
    cli: Callable[..., Result], rooms: Rooms, control: Control, tmp_path: Path
) -> None:
    result = cli("adopt", "--from", _throttled_csv(rooms, control, tmp_path))
    assert result.code == 0, result.err
    assert "\r" not in result.err and "\x1b" not in result.err
    counts = [line for line in result.err_lines if line.endswith("rooms resolved")]
    assert counts[-1] == "pulumi-meet: 12/12 rooms resolved"
    assert len(counts) >= 3  # every tenth of the way, not every room
    assert any("retrying in" in line for line in result.err_lines)


def test_progress_is_a_bar_on_a_terminal(
    cli_env: dict[str, str], rooms: Rooms, control: Control, tmp_path: Path
) -> None:
    path = _throttled_csv(rooms, control, tmp_path)
    controller, terminal = pty.openpty()
    with subprocess.Popen(
        [sys.executable, "-m", "pulumi_meet", "adopt", "--from", path],
        env=cli_env,
        stdout=subprocess.PIPE,
        stderr=terminal,
        text=True,
    ) as process:
        os.close(terminal)
        shown = b""
        while True:
            try:
                chunk = os.read(controller, 4096)
            except OSError:  # the terminal closed: the process is done
                break
            if not chunk:
                break
            shown += chunk
        out, _ = process.communicate(timeout=60)
    os.close(controller)
    assert process.returncode == 0
    text = shown.decode()
    assert "\r\x1b[K[" in text  # redrawn in place
    assert "] 12/12 rooms resolved" in text
    # The latest retry joins the bar (cut to the terminal's width).
    assert re.search(r"\[#*-*\] \d+/12 rooms resolved · spaces\.get ", text)
    assert "pulumi-meet: adopted 12 of 12 rooms" in text
    assert out.count("meet.Space(") == 12


# ------------------------------------------------------------------ the YAML program, offline


def _adopted(rows_text: str, rooms: list[AdoptedRoom]) -> list[_Adopted]:
    rows, problems = read_rows(io.StringIO(rows_text))
    assert problems == []
    return [_Adopted(row, room) for row, room in zip(rows, rooms, strict=True)]


def test_the_yaml_program_reads_back_as_the_rooms_whatever_their_values_look_like() -> None:
    # Values a hand-written YAML gets wrong: words YAML 1.1 reads as booleans, a number-like
    # resource name, a note with YAML syntax in it, characters beyond the BMP.
    adopted = _adopted(
        f"abc-mnop-xyz,{LEAD},123\nspaces/Xy7,{OPS},yes\n",
        [
            AdoptedRoom(
                "spaces/AAA",
                "abc-mnop-xyz",
                {
                    "moderation": "ON",
                    "artifact_config": {"recording_config": {"auto_recording_generation": "OFF"}},
                },
                ("not adopted: config.x: {a: [b]} # \U0001f600 'quoted'",),
                (AdoptedMember("spaces/AAA/members/m1", "yes@example.com", "COHOST"),),
            ),
            AdoptedRoom("spaces/Xy7", "xyz-abcd-efg", {}),
        ],
    )
    text = render(adopted, "yaml")
    document = yaml.safe_load(text)
    assert document["resources"] == {
        "123": {
            "type": "meet:index:Space",
            "properties": {
                "adopt": "spaces/AAA",
                "owner": LEAD,
                "deletionPolicy": "ABANDON",
                "config": {
                    "moderation": "ON",
                    "artifactConfig": {"recordingConfig": {"autoRecordingGeneration": "OFF"}},
                },
            },
        },
        "123-yes-example-com": {
            "type": "meet:index:SpaceMember",
            "properties": {
                "space": "${123.name}",
                "owner": "${123.owner}",
                "email": "yes@example.com",
                "role": "COHOST",
                "adopt": "spaces/AAA/members/m1",
            },
            "options": {"retainOnDelete": True},
        },
        "yes": {
            "type": "meet:index:Space",
            "properties": {"adopt": "spaces/Xy7", "owner": OPS, "deletionPolicy": "ABANDON"},
        },
    }
    assert list(document["resources"]) == ["123", "123-yes-example-com", "yes"]  # CSV order
    assert list(document["resources"]["123"]["properties"]) == [
        "adopt",
        "owner",
        "deletionPolicy",
        "config",
    ]
    # The banners and the note stay comments, each before what it is about.
    note = "  # not adopted: config.x: {a: [b]} # \U0001f600 'quoted'\n"
    assert text.index(f"  # ---- {LEAD}: 1 room\n") < text.index(note) < text.index("spaces/AAA")
    assert text.index("spaces/AAA/members/m1") < text.index(f"  # ---- {OPS}: 1 room\n")
    assert text.index(f"  # ---- {OPS}: 1 room\n") < text.index("spaces/Xy7")


def test_the_yaml_config_is_the_plugins_camel_case_of_the_config_input() -> None:
    config = {
        "access_type": "TRUSTED",
        "entry_point_access": "ALL",
        "moderation_restrictions": {"chat_restriction": "HOSTS_ONLY"},
        "artifact_config": {"transcription_config": {"auto_transcription_generation": "ON"}},
    }
    adopted = _adopted(f"abc-mnop-xyz,{LEAD}\n", [AdoptedRoom("spaces/A", "abc-mnop-xyz", config)])
    document = yaml.safe_load(render(adopted, "yaml"))
    assert document["resources"]["abc-mnop-xyz"]["properties"]["config"] == to_camel(config)
