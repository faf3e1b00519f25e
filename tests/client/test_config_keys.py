"""The config table is the one source of the `meet:` keys: the docs' tables, `Settings`' reading
and defaults, the retry default and the command line's connection flags all follow its rows."""

from __future__ import annotations

import argparse
import dataclasses
from pathlib import Path

import pytest

from pulumi_meet.cli.config import FLAG_OF_KEY, ClientOptions
from pulumi_meet.cli.parser import build_parser
from pulumi_meet.client.config_docs import DOCUMENTS, DocTable, refreshed, table_markdown
from pulumi_meet.client.config_keys import CONFIG_KEYS, KEYS, ConfigKey, Flag
from pulumi_meet.client.retry import RetryPolicy
from pulumi_meet.client.settings import Settings

REPO_ROOT = Path(__file__).resolve().parents[2]
_VALID_ENV_VALUES = {
    "MEET_IMPERSONATE_USER": ("impersonate_user", "lead@example.com"),
    "MEET_EMULATOR_HOST": ("emulator_host", "http://127.0.0.1:8686"),
    "MEET_QUOTA_LEDGER": ("quota_ledger", "off"),
}


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda d: d.path)
def test_the_docs_config_tables_are_generated_from_the_table(document: DocTable) -> None:
    path = REPO_ROOT / document.path
    if not path.exists():
        pytest.skip(f"{document.path} is not in this tree")
    text = path.read_text(encoding="utf-8")
    assert refreshed(document, text) == text, (
        f"{document.path} is stale: run `python -m pulumi_meet.client.config_docs`"
    )
    for key in CONFIG_KEYS:  # one row per key, in the table's order
        assert f"`{key.qualified if document.qualified else key.name}`" in text


def test_a_new_row_is_a_new_line_of_every_docs_table() -> None:
    extra = ConfigKey(
        "newKey",
        "number",
        "Something new (default 7).",
        "Something new, at length.",
        default=7.0,
        environment=("MEET_NEW",),
        flag=Flag(("--new",), "new", "something new"),
    )
    for document in DOCUMENTS:
        table = table_markdown(document, (*CONFIG_KEYS, extra))
        row = table.splitlines()[-2]
        assert "newKey`" in row and "`7`" in row and "`MEET_NEW`" in row
        assert len(table.splitlines()) == len(table_markdown(document).splitlines()) + 1


def test_settings_defaults_are_the_tables() -> None:
    unset = Settings.from_config(lambda _key: None, environ={})
    assert unset == Settings()  # the dataclass's defaults are the table's too
    assert unset.user == KEYS["user"].default
    assert unset.scopes == (f"https://www.googleapis.com/auth/{KEYS['scopes'].default}",)
    assert unset.max_retry_duration_seconds == KEYS["maxRetryDurationSeconds"].default


@pytest.mark.parametrize(
    "key", [k for k in CONFIG_KEYS if k.type == "number"], ids=lambda key: key.name
)
def test_every_number_key_sets_its_settings_field(key: ConfigKey) -> None:
    before = dataclasses.asdict(Settings.from_config(lambda _key: None, environ={}))
    after = dataclasses.asdict(Settings.from_config({key.qualified: "4321"}.get, environ={}))
    changed = {name for name in before if before[name] != after[name]}
    assert len(changed) == 1 and after[changed.pop()] == 4321.0
    assert float(key.default or 0) in before.values()


@pytest.mark.parametrize("key", [k for k in CONFIG_KEYS if k.environment], ids=lambda key: key.name)
def test_each_environment_variable_of_the_table_is_read_and_the_key_wins(key: ConfigKey) -> None:
    (variable,) = key.environment
    attribute, value = _VALID_ENV_VALUES[variable]
    from_env = Settings.from_config(lambda _key: None, environ={variable: value})
    assert getattr(from_env, attribute) not in (None, getattr(Settings(), attribute))
    other = {"impersonate_user": "b@example.com", "emulator_host": "embedded"}.get(attribute, "")
    if other:
        both = Settings.from_config({key.qualified: other}.get, environ={variable: value})
        assert getattr(both, attribute) == other


def test_only_the_tables_variables_are_read() -> None:
    read: list[str] = []

    class Spy(dict[str, str]):
        def get(self, name: str, default: object = None) -> None:  # type: ignore[override]
            read.append(name)

    Settings.from_config(lambda _key: None, environ=Spy())
    variables = {name for key in CONFIG_KEYS for name in key.environment}
    assert set(read) - {"GOOGLE_APPLICATION_CREDENTIALS"} == variables


def test_the_retry_policy_default_is_the_tables() -> None:
    assert RetryPolicy().max_duration_seconds == KEYS["maxRetryDurationSeconds"].default
    assert Settings().max_retry_attempts == RetryPolicy().max_attempts


def test_the_command_line_has_one_flag_per_flagged_key() -> None:
    flagged = [key for key in CONFIG_KEYS if key.flag is not None]
    assert {key.qualified: key.flag.name for key in flagged if key.flag} == FLAG_OF_KEY
    fields = {field.name for field in dataclasses.fields(ClientOptions)}
    assert fields == {key.flag.dest for key in flagged if key.flag} | {"db"}
    parser = build_parser()
    options = {o for action in parser._actions for o in action.option_strings}
    for key in flagged:
        assert key.flag is not None
        assert set(key.flag.names) <= options, key.name


def test_each_flag_stands_for_its_key_and_the_flags_own_default_applies() -> None:
    args = build_parser().parse_args(
        [
            "--as",
            "Lead@Example.com",
            "--scopes",
            "meetings.space.settings",
            "--quota-ledger",
            "off",
            "--emulator-host",
            "127.0.0.1:9",
            "spaces",
            "get",
            "abc-mnop-xyz",
        ]
    )
    settings = ClientOptions.from_namespace(args).settings(environ={})
    assert settings.impersonate_user == "lead@example.com"
    assert settings.scopes == ("https://www.googleapis.com/auth/meetings.space.settings",)
    assert settings.quota_ledger == "off"
    assert settings.emulator_host == "http://127.0.0.1:9"
    retry = KEYS["maxRetryDurationSeconds"].flag
    assert retry is not None and retry.default is not None
    assert settings.max_retry_duration_seconds == retry.default  # a person is waiting
    given = ClientOptions.from_namespace(argparse.Namespace(max_retry_seconds=7.5))
    assert given.settings(environ={}).max_retry_duration_seconds == 7.5
