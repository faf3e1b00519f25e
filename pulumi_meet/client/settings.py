"""Settings: the `meet:` stack configuration (environment as fallback) as plain, picklable data.

`Settings` never holds the credentials JSON. `from_config` puts the raw secret in a module-level,
process-local registry and keeps only an opaque id, so a `Settings` can be pickled (the provider
instance is pickled into every resource's state) and printed without leaking anything. Building a
`Settings` makes no network call and resolves no credentials: a `pulumi preview` with no
credentials at all must work.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import json
import os
import re
import secrets
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from pulumi_meet.client.config_keys import (
    CONFIG_KEYS,
    CONNECT_TIMEOUT_SECONDS,
    DEFAULT_SCOPE,
    DEFAULT_USER,
    KEYS,
    ConfigKey,
    number_default,
)
from pulumi_meet.client.retry import RetryPolicy
from pulumi_meet.core.references import email_violation
from pulumi_meet.exceptions import ConfigurationError
from pulumi_meet.pacing.ledger import ledger_setting
from pulumi_meet.pacing.quota import CREATE, READ, WRITE

__all__ = [
    "CLOUD_PLATFORM_SCOPE",
    "DEFAULT_USER",
    "EMBEDDED",
    "GCLOUD_LOGIN",
    "LEDGER_OFF",
    "MEET_SCOPES",
    "SCOPE_CREATED",
    "SCOPE_PREFIX",
    "SCOPE_READONLY",
    "SCOPE_SETTINGS",
    "Settings",
    "expand_scopes",
    "normalise_emulator_host",
]

SCOPE_PREFIX = "https://www.googleapis.com/auth/"
SCOPE_CREATED = SCOPE_PREFIX + DEFAULT_SCOPE
SCOPE_READONLY = SCOPE_PREFIX + "meetings.space.readonly"
SCOPE_SETTINGS = SCOPE_PREFIX + "meetings.space.settings"
MEET_SCOPES = (SCOPE_CREATED, SCOPE_READONLY, SCOPE_SETTINGS)
"""Every OAuth scope of the Meet REST API's spaces methods (meet.v2.discovery.json)."""
CLOUD_PLATFORM_SCOPE = SCOPE_PREFIX + "cloud-platform"
GCLOUD_LOGIN = (
    "gcloud auth application-default login --scopes=openid,"
    f"{SCOPE_PREFIX}userinfo.email,{CLOUD_PLATFORM_SCOPE},{SCOPE_CREATED}"
)
"""The one login command every message and document gives: gcloud refuses `--scopes` without
cloud-platform, and `openid` + `userinfo.email` let pulumi-meet learn who the login is."""
EMBEDDED = "embedded"
LEDGER_OFF = "off"

# Credential JSON types google-auth can load; service_account and authorized_user are the
# documented ones, the others (workload identity federation, impersonation) work through the
# keyless delegation path.
_CREDENTIAL_TYPES = frozenset(
    {
        "service_account",
        "authorized_user",
        "external_account",
        "external_account_authorized_user",
        "impersonated_service_account",
    }
)

# The process-local secret registry. Ids are keyed HMACs with a per-process random key: they
# reveal nothing about the secret and mean nothing in another process.
_REGISTRY_KEY = secrets.token_bytes(32)
_REGISTRY: dict[str, str] = {}
_REGISTRY_LOCK = threading.Lock()


def _register_secret(raw: str) -> str:
    secret_id = hmac.new(_REGISTRY_KEY, raw.encode(), hashlib.sha256).hexdigest()[:20]
    with _REGISTRY_LOCK:
        _REGISTRY[secret_id] = raw
    return secret_id


def expand_scopes(text: str) -> tuple[str, ...]:
    """``"meetings.space.created, meetings.space.settings"`` → full scope URLs, deduplicated.

    A scope the Meet API does not define is refused here, before any call: a typo would
    otherwise surface only as a token error or a 403 at the first call.
    """
    scopes: list[str] = []
    for item in re.split(r"[\s,]+", text.strip()):
        if not item:
            continue
        scope = item if "://" in item else SCOPE_PREFIX + item.removeprefix("auth/")
        if scope not in MEET_SCOPES:
            valid = ", ".join(s.removeprefix(SCOPE_PREFIX) for s in MEET_SCOPES)
            raise ConfigurationError(
                f"meet:scopes: {item!r} is not a Google Meet scope; use one or more of {valid} "
                f"(short names, or URLs starting with {SCOPE_PREFIX})"
            )
        if scope not in scopes:
            scopes.append(scope)
    if not scopes:
        raise ConfigurationError(
            "meet:scopes: empty, no scope given; set it to e.g. `meetings.space.created` "
            "(the default)"
        )
    return tuple(scopes)


@dataclass(frozen=True)
class Settings:
    """Everything the client layer needs, as plain values (no secret, no network)."""

    credentials_id: str | None = None
    """Opaque id of `meet:credentials` in this process's secret registry (never the JSON)."""
    credentials_type: str | None = None
    """The `type` of `meet:credentials` (``service_account``, ``authorized_user``, …)."""
    google_application_credentials: str | None = None
    """Path from ``GOOGLE_APPLICATION_CREDENTIALS`` when `meet:credentials` is not set."""
    impersonate_user: str | None = None
    scopes: tuple[str, ...] = (SCOPE_CREATED,)
    emulator_host: str | None = None
    """Base URL of an emulator (``http://host:port``), ``"embedded"``, or None for Google."""
    user: str = DEFAULT_USER
    # The paces per bucket of pacing/quota.py (defaults: Google's quotas); from_config reads
    # them through the config table, so a new bucket is one line there and two fields here.
    creates_per_minute: float = CREATE.user_default
    writes_per_minute: float = WRITE.user_default
    reads_per_minute: float = READ.user_default
    quota_window_seconds: float = number_default("quotaWindowSeconds")
    request_timeout_seconds: float = number_default("requestTimeoutSeconds")
    connect_timeout_seconds: float = CONNECT_TIMEOUT_SECONDS
    max_retry_duration_seconds: float = number_default("maxRetryDurationSeconds")
    max_retry_attempts: int = RetryPolicy().max_attempts
    project_creates_per_minute: float = CREATE.project_default
    project_writes_per_minute: float = WRITE.project_default
    project_reads_per_minute: float = READ.project_default
    quota_project: str | None = None
    """`meet:quotaProject`: the label of the Cloud project whose quota the calls spend (None:
    derived from the credentials, see `pacing.quota.quota_project`)."""
    quota_ledger: str | None = None
    """`meet:quotaLedger` / ``MEET_QUOTA_LEDGER``: where processes share the quota
    (`pulumi_meet.pacing.ledger`): a SQLite file (None: `pulumi_meet.pacing.ledger.DEFAULT_PATH`),
    a Redis URL (its password replaced by a marker that means something in this process only),
    or ``off`` for in-process pacing only."""

    @classmethod
    def from_config(
        cls,
        lookup: Callable[[str], str | None],
        environ: Mapping[str, str] | None = None,
    ) -> Settings:
        """Build from `meet:*` keys (``lookup("meet:user")``) with the environment as fallback."""
        env: Mapping[str, str] = os.environ if environ is None else environ
        reader = _ConfigReader(lookup, env)
        values: dict[str, Any] = {}
        for key in CONFIG_KEYS:  # every key, each through its environment fallback
            text = reader.get(key)
            read = _READERS.get(key.name)
            if read is not None:
                values.update(read(text, key))
            elif key.type == "number":
                values[_attribute(key)] = _number(key, text)
            else:
                values[_attribute(key)] = text
        return cls(
            google_application_credentials=env.get("GOOGLE_APPLICATION_CREDENTIALS") or None,
            **values,
        )

    def credentials_info(self) -> dict[str, Any] | None:
        """The parsed `meet:credentials` JSON from this process's registry, or None if unset."""
        if self.credentials_id is None:
            return None
        with _REGISTRY_LOCK:
            raw = _REGISTRY.get(self.credentials_id)
        if raw is None:
            raise ConfigurationError(
                "meet:credentials was configured in another process and is not available here; "
                "build Settings with Settings.from_config() in this process (the provider does it "
                "in configure())"
            )
        info: dict[str, Any] = json.loads(raw)
        return info


class _ConfigReader:
    """Reads `meet:<key>` through the lookup, then the key's environment variables."""

    def __init__(self, lookup: Callable[[str], str | None], environ: Mapping[str, str]) -> None:
        self._lookup = lookup
        self._environ = environ

    def get(self, key: ConfigKey) -> str | None:
        text = _config_text(key.name, self._lookup(key.qualified))
        for env_name in key.environment:
            if text is not None:
                break
            text = _config_text(key.name, self._environ.get(env_name))
        return text


def _attribute(key: ConfigKey) -> str:
    """The `Settings` field of a key read as it is: ``quotaWindowSeconds`` → ``quota_window_…``."""
    return re.sub(r"(?<!^)(?=[A-Z])", "_", key.name).lower()


def _number(key: ConfigKey, text: str | None) -> float:
    if text is None:
        return float(key.default or 0)
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not value > 0 or value == float("inf"):
        raise ConfigurationError(f"{key.qualified} must be a positive number, got {text!r}")
    return value


def _credentials(text: str | None, _key: ConfigKey) -> dict[str, Any]:
    credentials_id, credentials_type = _parse_credentials(text)
    return {"credentials_id": credentials_id, "credentials_type": credentials_type}


def _scopes(text: str | None, key: ConfigKey) -> dict[str, Any]:
    return {"scopes": expand_scopes(text if text is not None else str(key.default))}


def _emulator_host(text: str | None, _key: ConfigKey) -> dict[str, Any]:
    return {"emulator_host": normalise_emulator_host(text) if text else None}


def _user(text: str | None, key: ConfigKey) -> dict[str, Any]:
    return {"user": _email(text, key.label) or str(key.default)}


def _impersonate_user(text: str | None, key: ConfigKey) -> dict[str, Any]:
    return {"impersonate_user": _email(text, key.label)}


def _quota_ledger(text: str | None, _key: ConfigKey) -> dict[str, Any]:
    return {"quota_ledger": ledger_setting(text)}


_READERS: dict[str, Callable[[str | None, ConfigKey], dict[str, Any]]] = {
    "credentials": _credentials,
    "impersonateUser": _impersonate_user,
    "scopes": _scopes,
    "emulatorHost": _emulator_host,
    "user": _user,
    "quotaLedger": _quota_ledger,
}
"""How a key that is more than its text or a number becomes `Settings` fields (by key name;
every other key sets the field of its snake_case name)."""
if not _READERS.keys() <= KEYS.keys():  # a reader of no key is a renamed key: fail at import
    raise AssertionError(f"readers of unknown keys: {sorted(_READERS.keys() - KEYS.keys())}")


def _config_text(key: str, value: Any) -> str | None:
    """A config value as text. Stack YAML may hold lists, objects and numbers, not only strings."""
    if isinstance(value, bool):
        text = "true" if value else "false"
    elif isinstance(value, (int, float)):
        # The engine's Struct turns 5 into 5.0; write whole numbers back without the artefact.
        text = str(int(value)) if float(value).is_integer() else str(value)
    elif isinstance(value, (list, tuple)):
        if not all(isinstance(item, str) for item in value):
            raise ConfigurationError(f"meet:{key} must be a list of strings")
        text = ",".join(item.strip() for item in value)
    elif isinstance(value, Mapping):
        text = json.dumps(value)
    elif value is None or isinstance(value, str):
        text = value or ""
    else:
        raise ConfigurationError(f"meet:{key} must be a string, got a {type(value).__name__}")
    return text.strip() or None


def _parse_credentials(raw: str | None) -> tuple[str | None, str | None]:
    if raw is None:
        return None, None
    hint = (
        "set it to the contents of a service-account key or authorized_user JSON file, e.g. "
        "`pulumi config set --secret meet:credentials < key.json`"
    )
    try:
        info = json.loads(raw)
    except ValueError:
        # `from None`: the decoder's exception keeps the whole document; never chain it.
        raise ConfigurationError(f"meet:credentials is not valid JSON; {hint}") from None
    kind = info.get("type") if isinstance(info, dict) else None
    if kind not in _CREDENTIAL_TYPES:
        raise ConfigurationError(
            f"meet:credentials has type {kind!r}, expected one of "
            f"{', '.join(sorted(_CREDENTIAL_TYPES))}; {hint}"
        )
    return _register_secret(raw), str(kind)


def _email(value: str | None, key: str) -> str | None:
    if value is None:
        return None
    for violation in email_violation(key, value):
        raise ConfigurationError(f"{key}: {violation.reason}")
    return value.lower()


_HOST_NAME = re.compile(
    r"[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*"
)


def normalise_emulator_host(value: str) -> str:
    """``host:port``, an http(s) URL or ``embedded`` → ``http://host:port`` (or ``embedded``).

    Refused at once, before any connection is tried: a missing or non-numeric port, a port
    outside 1-65535, a host that is not a name or an IP address, a path.
    """
    text = value.strip()
    if text.lower() == EMBEDDED:
        return EMBEDDED
    url = text if "://" in text else f"http://{text}"
    parts = urlsplit(url)
    port_text = re.fullmatch(r".*:(\d+)", parts.netloc)
    if port_text is not None and not 0 < int(port_text.group(1)) < 65536:
        raise ConfigurationError(
            f"meet:emulatorHost / MEET_EMULATOR_HOST: port {port_text.group(1)} is out of range "
            f"(1-65535), got {value!r} (e.g. 127.0.0.1:8686)"
        )
    try:
        port = parts.port
    except ValueError:
        port = -1
    host = parts.hostname or ""
    valid_host = bool(_HOST_NAME.fullmatch(host)) or _is_ip(host)
    if (
        parts.scheme not in ("http", "https")
        or not valid_host
        or parts.path not in ("", "/")
        or parts.query
        or parts.username is not None
        or port == -1
        or (port is not None and not 0 < port < 65536)
        or (port is None and "://" not in text)  # a bare host: the port is not optional
    ):
        raise ConfigurationError(
            f"meet:emulatorHost / MEET_EMULATOR_HOST must be host:port, an http:// URL or "
            f"`embedded`, got {value!r} (e.g. 127.0.0.1:8686)"
        )
    return f"{parts.scheme}://{parts.netloc}"


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True
