"""Issue 19 §6: the command line, fuzzed.

Hypothesis builds command lines from the real commands and flags with fuzzed values
(``--emulator-host``, ``--as``, ``--scopes``, ``--max-retry-seconds``, ``--db``, SPACE values,
``adopt --format``) and fuzzed files (``--credentials`` holding random bytes or JSON of every
shape, including keys whose ``private_key`` is not a string; ``adopt --from`` CSV rows of
random text and bytes), run in-process against an emulator; and ``pulumi-meet emulator``'s own
arguments (``--port``, ``--host``, ``--db``) through its parser, without serving.

The property: the exit status is one of those docs/cli.md documents (0, 1, 2); never a
traceback; a failure prints only ``pulumi-meet: …`` lines on stderr and never an
``unexpected`` error (the CLI's name for a bug).
"""

from __future__ import annotations

import contextlib
import io
import json
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pulumi_meet.client import embedded
from pulumi_meet.emulator import Emulator
from tests.cli.conftest import Result, emulator_host_env, run_main
from tests.security.fuzz_counts import count

__all__ = ["emulator_host_env", "run_main"]

FUZZ = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

_text = st.text(max_size=24) | st.sampled_from(["", "-", "--", "😀", "x" * 2_000, "\u00e9"])
_spaces = _text | st.sampled_from(
    ["spaces/abcDEF123456", "abc-mnop-xyz", "https://meet.google.com/abc-mnop-xyz", "spaces/..",
     "/spaces/x", "spaces/x/members/y"]
)  # fmt: skip
_flag_values: dict[str, st.SearchStrategy[str]] = {
    "--emulator-host": _text | st.sampled_from(["embedded", "127.0.0.1:1", "http://[::1]:x"]),
    "--as": _text | st.sampled_from(["lead@example.com", "LEAD@EXAMPLE.COM", "a@b"]),
    "--scopes": _text | st.sampled_from(["meetings.space.created", "meetings.space.readonly,x"]),
    "--max-retry-seconds": _text | st.sampled_from(["0", "1e400", "nan", "-0", "0.5"]),
    "--db": _text | st.sampled_from([":memory:", "/etc/passwd", "/tmp", "/dev/null", "~nouser/x"]),
}
_commands = st.sampled_from(
    [
        ["spaces", "get"],
        ["spaces", "end-conference"],
        ["members", "list"],
        ["adopt"],
        ["adopt", "--format", "yaml"],
        ["spaces"],
        ["frobnicate"],
        [],
    ]
)
_json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | _text,
    lambda children: st.lists(children, max_size=3)
    | st.dictionaries(
        st.sampled_from(["type", "private_key", "client_email", "client_id", "refresh_token",
                         "client_secret", "token_uri", "private_key_id"]) | _text,
        children,
        max_size=6,
    ),
    max_leaves=12,
)  # fmt: skip
_credentials = (
    st.binary(max_size=200)
    | _json_values.map(lambda value: json.dumps(value).encode())
    | st.builds(
        lambda kind, key: json.dumps(
            {"type": kind, "private_key": key, "client_email": "sa@p.iam.gserviceaccount.com"}
        ).encode(),
        st.sampled_from(["service_account", "authorized_user", "external_account"]),
        _json_values,
    )
)
_csv_cell = _text.filter(lambda text: "\x00" not in text)
_csv = st.lists(st.lists(_csv_cell, max_size=4), max_size=4).map(
    lambda rows: "\n".join(",".join(row) for row in rows).encode()
)


def _assert_documented(result: Result, argv: list[str]) -> None:
    shown = [arg if len(arg) < 60 else arg[:20] + "…" for arg in argv]
    where = f"{shown} -> {result.code}: {result.err[:400]!r}"
    assert result.code in (0, 1, 2), where
    assert "Traceback" not in result.err, where
    if result.code:
        lines = result.err.rstrip("\n").split("\n")
        assert lines and all(line.startswith("pulumi-meet") for line in lines), where
        assert "unexpected" not in result.err, where


@FUZZ
@given(
    command=_commands,
    spaces=st.lists(_spaces, max_size=2),
    flags=st.dictionaries(st.sampled_from(sorted(_flag_values)), st.just(""), max_size=3),
    data=st.data(),
)
def test_any_command_line_exits_as_documented(
    run_main: Callable[..., Result],
    emulator: Emulator,
    command: list[str],
    spaces: list[str],
    flags: dict[str, str],
    data: st.DataObject,
) -> None:
    argv = list(command)
    for flag in flags:
        argv += [flag, data.draw(_flag_values[flag], flag)]
    argv += ["--", *spaces] if spaces and command else spaces
    count("CLI command lines")
    try:
        result = run_main("--max-retry-seconds", "1", *argv)
    finally:
        embedded.stop_embedded()
    _assert_documented(result, argv)


@FUZZ
@given(content=_credentials, space=_spaces)
def test_any_credentials_file_exits_as_documented(
    run_main: Callable[..., Result], tmp_path: Path, content: bytes, space: str
) -> None:
    key = tmp_path / "key.json"
    key.write_bytes(content)
    argv = ["--credentials", str(key), "--as", "lead@example.com", "spaces", "get", "--", space]
    count("CLI credential files")
    _assert_documented(run_main("--max-retry-seconds", "1", *argv), argv)


# Any bytes too: a CSV that is not UTF-8 is one line and exit 2, like every other bad file.
@FUZZ
@given(content=_csv | st.binary(max_size=120), yaml=st.booleans())
def test_any_adopt_csv_exits_as_documented(
    run_main: Callable[..., Result], tmp_path: Path, content: bytes, yaml: bool
) -> None:
    rows = tmp_path / "rooms.csv"
    rows.write_bytes(content)
    argv = ["adopt", "--from", str(rows), *(["--format", "yaml"] if yaml else [])]
    count("CLI adopt CSV files")
    _assert_documented(run_main("--max-retry-seconds", "1", *argv), argv)


_emulator_flags = st.lists(
    st.tuples(
        st.sampled_from(["--port", "--host", "--db", "--allowed-host", "--bogus"]),
        _text
        | st.sampled_from(["99999", "-1", "70000", "0", "8686", "1e3", "0x10", ":memory:", "/tmp"]),
    ),
    max_size=3,
)


@settings(FUZZ, max_examples=200)
@given(flags=_emulator_flags)
def test_any_emulator_arguments_parse_or_exit_2(flags: list[tuple[str, str]]) -> None:
    from pulumi_meet.emulator import _parse_arguments

    argv = [f"{flag}={value}" for flag, value in flags]
    count("emulator command lines")
    err = io.StringIO()
    try:
        with contextlib.redirect_stderr(err):
            parsed = _parse_arguments(argv)
    except SystemExit as exit_:
        assert exit_.code == 2, (argv, exit_.code)
        lines = err.getvalue().rstrip("\n").split("\n")
        assert len(lines) == 1 and lines[0].startswith("pulumi-meet emulator: error: "), lines
        return
    assert 0 <= parsed.port <= 65535
    assert parsed.db is None or parsed.db == ":memory:" or Path(parsed.db).parent.is_dir()


@pytest.fixture(autouse=True)
def _no_embedded_left() -> None:
    embedded.stop_embedded()
