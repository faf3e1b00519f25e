"""Settings: parsing of every `meet:` key, environment fallback, and secret hygiene."""

from __future__ import annotations

import json
import pickle

import pytest

from pulumi_meet.client.settings import SCOPE_CREATED, SCOPE_PREFIX, SCOPE_SETTINGS, Settings
from pulumi_meet.exceptions import ConfigurationError

SECRET_KEY = (
    "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----\n"
)
SA_JSON = json.dumps(
    {
        "type": "service_account",
        "client_email": "robot@acme.iam.gserviceaccount.com",
        "private_key": SECRET_KEY,
        "token_uri": "https://oauth2.googleapis.com/token",
    }
)


def settings(config: dict[str, str], environ: dict[str, str] | None = None) -> Settings:
    return Settings.from_config(config.get, environ or {})


def test_defaults_without_any_config() -> None:
    result = settings({})
    assert result == Settings()
    assert result.scopes == (SCOPE_CREATED,)
    assert result.user == "developer@example.com"
    assert (result.creates_per_minute, result.writes_per_minute, result.reads_per_minute) == (
        10,
        100,
        600,
    )
    assert result.request_timeout_seconds == 60
    assert result.connect_timeout_seconds == 10
    assert result.max_retry_duration_seconds == 120
    assert result.emulator_host is None
    assert result.credentials_id is None


def test_every_key_is_read() -> None:
    result = settings(
        {
            "meet:impersonateUser": "Lead@Example.com",
            "meet:scopes": "meetings.space.created, meetings.space.settings",
            "meet:emulatorHost": "localhost:8686",
            "meet:user": "Dev@Example.com",
            "meet:createsPerMinute": "20",
            "meet:writesPerMinute": "200.0",
            "meet:readsPerMinute": "1200",
            "meet:quotaWindowSeconds": "3",
            "meet:requestTimeoutSeconds": "5",
            "meet:maxRetryDurationSeconds": "7.5",
        }
    )
    assert result.impersonate_user == "lead@example.com"
    assert result.scopes == (SCOPE_CREATED, SCOPE_SETTINGS)
    assert result.emulator_host == "http://localhost:8686"
    assert result.user == "dev@example.com"
    assert (result.creates_per_minute, result.writes_per_minute, result.reads_per_minute) == (
        20,
        200,
        1200,
    )
    assert result.quota_window_seconds == 3
    assert result.request_timeout_seconds == 5
    assert result.max_retry_duration_seconds == 7.5


def test_environment_is_the_fallback_and_config_wins() -> None:
    environ = {"MEET_EMULATOR_HOST": "127.0.0.1:9000", "MEET_IMPERSONATE_USER": "a@example.com"}
    assert settings({}, environ).emulator_host == "http://127.0.0.1:9000"
    assert settings({}, environ).impersonate_user == "a@example.com"
    config = {"meet:emulatorHost": "embedded", "meet:impersonateUser": "b@example.com"}
    assert settings(config, environ).emulator_host == "embedded"
    assert settings(config, environ).impersonate_user == "b@example.com"
    from_env = settings({}, {"GOOGLE_APPLICATION_CREDENTIALS": "/k.json"})
    assert from_env.google_application_credentials == "/k.json"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("http://127.0.0.1:8686/", "http://127.0.0.1:8686"),
        ("https://emulator.internal", "https://emulator.internal"),
        ("EMBEDDED", "embedded"),
        ("[::1]:8686", "http://[::1]:8686"),
    ],
)
def test_emulator_host_forms(value: str, expected: str) -> None:
    assert settings({"meet:emulatorHost": value}).emulator_host == expected


@pytest.mark.parametrize(
    ("key", "value", "words"),
    [
        ("meet:emulatorHost", "ftp://x:1", "emulatorHost"),
        ("meet:emulatorHost", "http://x:1/path", "emulatorHost"),
        ("meet:emulatorHost", "foo", "must be host:port"),
        ("meet:emulatorHost", "127.0.0.1:abc", "must be host:port"),
        ("meet:emulatorHost", "localhost:99999", "port 99999 is out of range"),
        ("meet:emulatorHost", "localhost:0", "port 0 is out of range"),
        ("meet:emulatorHost", "garbage::", "must be host:port"),
        ("meet:emulatorHost", "a b:80", "must be host:port"),
        ("meet:scopes", "meetings.bogus", "'meetings.bogus' is not a Google Meet scope"),
        ("meet:scopes", "meetings.space.created cloud-platform", "meetings.space.readonly"),
        ("meet:createsPerMinute", "ten", "positive number"),
        ("meet:readsPerMinute", "0", "positive number"),
        ("meet:requestTimeoutSeconds", "-1", "positive number"),
        ("meet:maxRetryDurationSeconds", "inf", "positive number"),
        ("meet:impersonateUser", "not-an-email", "e-mail"),
        ("meet:user", "a b@example.com", "e-mail"),
        ("meet:scopes", " , ", "empty"),
        ("meet:credentials", "{not json", "not valid JSON"),
        ("meet:credentials", '{"type": "api_key"}', "expected one of"),
        ("meet:credentials", "[1, 2]", "expected one of"),
    ],
)
def test_bad_values_are_configuration_errors(key: str, value: str, words: str) -> None:
    with pytest.raises(ConfigurationError, match=words) as caught:
        settings({key: value})
    assert key.split(":")[1] in str(caught.value) or key == "meet:credentials"


def test_scopes_expand_short_names_and_keep_full_urls() -> None:
    result = settings(
        {"meet:scopes": f"meetings.space.readonly {SCOPE_PREFIX}meetings.space.created,"}
    )
    assert result.scopes == (SCOPE_PREFIX + "meetings.space.readonly", SCOPE_CREATED)


def test_credentials_are_kept_out_of_settings() -> None:
    result = settings({"meet:credentials": SA_JSON})
    assert result.credentials_type == "service_account"
    assert result.credentials_info() == json.loads(SA_JSON)
    for text in (repr(result), str(result), pickle.dumps(result).decode("latin-1")):
        assert "PRIVATE KEY" not in text
        assert "MIIEvQ" not in text
    assert result.credentials_id is not None
    assert result.credentials_id not in SA_JSON


def test_a_bad_credentials_error_does_not_echo_the_secret() -> None:
    broken = SA_JSON[:-1]  # truncated JSON still carrying the key
    with pytest.raises(ConfigurationError) as caught:
        settings({"meet:credentials": broken})
    assert "PRIVATE KEY" not in str(caught.value)
    assert caught.value.__cause__ is None and caught.value.__suppress_context__


def test_unpickled_settings_without_the_registry_entry_explain_themselves() -> None:
    result = settings({"meet:credentials": SA_JSON})
    clone = pickle.loads(pickle.dumps(result))
    assert clone == result
    stranger = Settings(credentials_id="0" * 20, credentials_type="service_account")
    with pytest.raises(ConfigurationError, match="another process"):
        stranger.credentials_info()


def test_settings_are_hashable_and_equal_by_value() -> None:
    first = settings({"meet:user": "a@example.com"})
    second = settings({"meet:user": "A@example.com"})
    assert first == second
    assert len({first, second}) == 1


def test_numbers_arriving_as_floats_are_accepted() -> None:
    lookup = {"meet:createsPerMinute": 5.0}.get
    assert Settings.from_config(lookup, {}).creates_per_minute == 5.0  # type: ignore[arg-type]


def test_structured_config_values_are_read_as_their_text() -> None:
    from pulumi_meet.client.settings import Settings

    values = {
        "meet:scopes": ["meetings.space.created", "meetings.space.settings"],
        "meet:createsPerMinute": 20.0,
        "meet:credentials": {
            "type": "authorized_user",
            "client_id": "id",
            "client_secret": "secret",
            "refresh_token": "refresh",
        },
    }
    settings = Settings.from_config(values.get, {})
    assert settings.scopes == (
        "https://www.googleapis.com/auth/meetings.space.created",
        "https://www.googleapis.com/auth/meetings.space.settings",
    )
    assert settings.creates_per_minute == 20.0
    assert settings.credentials_type == "authorized_user"
    assert "secret" not in repr(settings)


def test_a_config_value_of_another_type_names_the_key() -> None:
    import pytest

    from pulumi_meet.client.settings import Settings
    from pulumi_meet.exceptions import ConfigurationError

    with pytest.raises(ConfigurationError, match="meet:scopes must be a list of strings"):
        Settings.from_config({"meet:scopes": [1, 2]}.get, {})
