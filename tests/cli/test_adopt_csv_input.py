"""What ``adopt --from`` does with a file that is not the CSV it expects, and what it generates
from unusual rows (issue 17 section 5, issue 19): one line and exit 2 for a file it cannot use,
a reason for every row it leaves out, and programs that run whatever the rows say."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from pulumi_meet.cli.adopt import AdoptedMember, AdoptedRoom, adoption_program, quoted
from pulumi_meet.cli.adopt_rows import MAX_CSV_BYTES
from pulumi_meet.cli.progress import ProgressBar
from tests.cli.conftest import Result, Rooms
from tests.cli.test_adopt import _program
from tests.engine import capture_program

LEAD = "lead@example.com"
Cli = Callable[..., Result]


def _file(tmp_path: Path, data: bytes) -> str:
    path = tmp_path / "rooms.csv"
    path.write_bytes(data)
    return str(path)


def _one_usage_line(result: Result) -> str:
    assert (result.code, result.out) == (2, ""), result.err
    assert len(result.err_lines) == 1, result.err
    assert "unexpected" not in result.err
    return result.err_lines[0]


@pytest.mark.parametrize("content", [b"", b"\n\n", b"space,owner,name\n"])
def test_a_csv_without_rooms_says_so(run_main: Cli, tmp_path: Path, content: bytes) -> None:
    line = _one_usage_line(run_main("adopt", "--from", _file(tmp_path, content)))
    assert "lists no rooms; expected lines of space (meeting code" in line


def test_a_semicolon_separated_csv_gets_a_hint(run_main: Cli, tmp_path: Path) -> None:
    path = _file(tmp_path, f"abc-mnop-xyz;{LEAD}\n".encode())
    result = run_main("adopt", "--from", path)
    assert result.code == 1
    assert "line 1: expected 2 or 3 columns" in result.err
    assert "the columns are separated by ';'; separate them with commas" in result.err


def test_a_non_utf8_csv_is_one_line(run_main: Cli, tmp_path: Path) -> None:
    path = _file(tmp_path, "abc-mnop-xyz,lé@example.com\n".encode("latin-1"))
    line = _one_usage_line(run_main("adopt", "--from", path))
    assert line == (
        f"pulumi-meet: error: --from: cannot read {path} (not UTF-8 text: byte 0xe9 at offset "
        "14; save it as UTF-8)"
    )


def test_a_field_beyond_the_csv_limit_is_one_line(run_main: Cli, tmp_path: Path) -> None:
    path = _file(tmp_path, b"abc-mnop-xyz," + b"x" * 131_073 + b"\n")
    line = _one_usage_line(run_main("adopt", "--from", path))
    assert f"--from: {path}: line 1: not a CSV of rooms (field larger than field limit" in line


def test_dev_zero_is_refused_after_a_bounded_read(cli: Cli) -> None:
    if not os.path.exists("/dev/zero"):
        pytest.skip("needs /dev/zero")
    started = time.monotonic()
    line = _one_usage_line(cli("adopt", "--from", "/dev/zero"))
    assert time.monotonic() - started < 30
    assert line == (
        f"pulumi-meet: error: --from: /dev/zero is larger than {MAX_CSV_BYTES // 2**20} MiB, the "
        "most adopt reads; is it the CSV of rooms? Split a larger list into several files"
    )


def test_stdin_is_read_the_same_way(cli_env: dict[str, str]) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "pulumi_meet", "adopt", "--from", "-"],
        input=b"\xff\xfe",
        env=cli_env,
        capture_output=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2
    assert done.stderr.decode() == (
        "pulumi-meet: error: --from: cannot read <stdin> (not UTF-8 text: byte 0xff at offset 0; "
        "save it as UTF-8)\n"
    )


def test_the_progress_count_reaches_the_total() -> None:
    stream = io.StringIO()
    bar = ProgressBar(stream, 15, "rooms resolved", terminal=False)
    for _ in range(15):
        bar.advance()
    lines = stream.getvalue().splitlines()
    assert lines[-1] == "pulumi-meet: 15/15 rooms resolved"
    assert len(lines) == len(set(lines))  # each count once


def test_a_row_naming_its_resource_pulumi_makes_a_program_that_runs(
    run_main: Cli, rooms: Rooms, tmp_path: Path
) -> None:
    room = rooms.create(owner=LEAD)
    rooms.add_members(room["name"], ["deputy@example.com"], owner=LEAD)
    path = _file(tmp_path, f"{room['meetingCode']},{LEAD},pulumi\n".encode())
    result = run_main("adopt", "--from", path)
    assert result.code == 0, result.err
    assert "\npulumi = " not in result.out  # the module the members' options need
    captured = {r.name: r for r in capture_program(_program(result.out))}
    assert captured["pulumi"].inputs["adopt"] == room["name"]
    assert captured["pulumi-deputy-example-com"].inputs["email"] == "deputy@example.com"


def test_characters_beyond_the_bmp_are_written_as_they_are_read() -> None:
    email = "dev\U0001f680@example.com"
    member = AdoptedMember("spaces/jQCFfuBOdN5z/members/m1", email, "COHOST")
    room = AdoptedRoom("spaces/jQCFfuBOdN5z", "abc-mnop-xyz", {}, members=(member,))
    source = adoption_program([room], owner=email)
    assert "\\ud83d" not in source and "\\U0001f680" in source
    captured = {r.type.rsplit(":", 1)[-1]: r for r in capture_program(_program(source))}
    assert any(r.inputs.get("email") == email for r in captured.values())
    assert any(r.inputs.get("owner") == email for r in captured.values())
    # The same literal is a YAML scalar of the same text (the --format yaml program).
    assert yaml.safe_load(f"owner: {quoted(email)}") == {"owner": email}
