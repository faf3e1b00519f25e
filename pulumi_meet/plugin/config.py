"""The provider's configuration keys (``meet:<key>``) as the plugin declares them in its schema.

:class:`~pulumi_meet.client.settings.Settings` reads the keys; this table describes them for the
schema (type, secrecy, environment fallback). A test keeps it equal to the keys ``Settings``
actually looks up, so a key added there without a line here fails the suite.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Final

from pulumi_meet.pacing.quota import BUCKETS

__all__ = ["CONFIG_KEYS", "ConfigKey", "config_value", "redacted"]


@dataclass(frozen=True)
class ConfigKey:
    """One ``meet:`` configuration key."""

    name: str
    type: str
    description: str
    environment: tuple[str, ...] = ()
    secret: bool = False
    list_ok: bool = False
    """A YAML list is accepted too, in each shape the engine sends it (see :func:`config_value`)."""


CONFIG_KEYS: Final[tuple[ConfigKey, ...]] = (
    ConfigKey(
        "credentials",
        "string",
        "A service-account key JSON or an `authorized_user` JSON (the file's contents). Without "
        "it: `GOOGLE_APPLICATION_CREDENTIALS`, then Application Default Credentials.",
        secret=True,
    ),
    ConfigKey(
        "impersonateUser",
        "string",
        "The user a service account acts for (domain-wide delegation); the default owner of rooms.",
        ("MEET_IMPERSONATE_USER",),
    ),
    ConfigKey(
        "scopes",
        "string",
        "OAuth scopes, short names or URLs, comma-separated (default `meetings.space.created`).",
        list_ok=True,
    ),
    ConfigKey(
        "emulatorHost",
        "string",
        "Talk to a Meet emulator instead of Google: `host:port`, a URL, or `embedded`.",
        ("MEET_EMULATOR_HOST",),
    ),
    ConfigKey(
        "user",
        "string",
        "The emulator user when no credentials are set (default `developer@example.com`).",
    ),
    *(
        ConfigKey(
            bucket.user_key,
            "number",
            f"Client-side pacing of {bucket.name}s per user (default {bucket.user_default:g}).",
        )
        for bucket in BUCKETS
    ),
    *(
        ConfigKey(
            bucket.project_key,
            "number",
            f"Client-side pacing of {bucket.name}s per Cloud project, over every owner (default "
            f"{bucket.project_default:g}).",
        )
        for bucket in BUCKETS
    ),
    ConfigKey(
        "quotaProject",
        "string",
        "The Cloud project whose quota the calls spend, as a label (default: from the "
        "credentials).",
    ),
    ConfigKey(
        "quotaLedger",
        "string",
        "Where pulumi-meet processes share the quotas: a SQLite file (the processes of this "
        "machine; default `~/.pulumi-meet/quota-ledger.sqlite`), a Redis or Valkey URL "
        "(`redis://[:password@]host:port/db`, `rediss://`, `unix://`: every machine using it; "
        "needs `pulumi-meet[redis]`; set it as a secret when it holds a password), or `off` "
        "(this process alone).",
        ("MEET_QUOTA_LEDGER",),
    ),
    ConfigKey("quotaWindowSeconds", "number", "The window the pacing applies over (default 60 s)."),
    ConfigKey(
        "requestTimeoutSeconds",
        "number",
        "Read timeout per HTTP request (default 60 s; connect: 10 s).",
    ),
    ConfigKey(
        "maxRetryDurationSeconds",
        "number",
        "Total time one call may spend retrying (default 120 s).",
    ),
)
"""Every ``meet:`` key, in the order of docs/configuration.md."""

_LIST_KEYS: Final = frozenset(key.name for key in CONFIG_KEYS if key.list_ok)
_HIDDEN: Final = "'***'"


def config_value(key: str, value: Any) -> Any:
    """A ``meet:<key>`` value as the engine sent it, in the shape ``Settings`` reads.

    A default provider gets every stack config value as a string, a YAML list as its JSON text
    (in CheckConfig's ``news``, Configure's ``args`` and its ``variables``); an explicit provider
    sends typed values (a list). For a key that takes a list, JSON text of a list is that list;
    every other value is passed on as it is (``Settings`` reads numbers, strings and lists).
    """
    return _json_list(value) if key in _LIST_KEYS else value


def _json_list(value: Any) -> Any:
    """JSON text of a list as that list; anything else unchanged."""
    if not isinstance(value, str) or not value.lstrip().startswith("["):
        return value
    try:
        decoded = json.loads(value)
    except ValueError:
        return value  # not JSON after all: Settings reports the text as it is
    return decoded if isinstance(decoded, list) else value


def _texts(value: Any) -> Iterator[str]:
    """Every string a config value holds, and the items of a list written as text."""
    value = _json_list(value)
    if isinstance(value, str):
        yield value
        yield from (item for item in value.replace(",", " ").split() if item)
    elif isinstance(value, Mapping):
        for item in value.values():
            yield from _texts(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _texts(item)
    elif value is not None:
        yield str(value)


def redacted(message: str, values: Iterable[Any]) -> str:
    """``message`` with every quoted appearance of ``values`` (and their items) hidden.

    Configuration errors quote the value they refuse (``'abc' is not a Google Meet scope``).
    A value that is, or may be, secret must not reach the engine's output that way.
    """
    texts = sorted({text for value in values for text in _texts(value) if text}, key=len)
    for text in reversed(texts):
        for quoted in (repr(text), json.dumps(text)):
            message = message.replace(quoted, _HIDDEN)
    return message
