"""The provider's configuration keys (``meet:<key>``) as the plugin declares them in its schema.

:class:`~pulumi_meet.client.settings.Settings` reads the keys; this table describes them for the
schema (type, secrecy, environment fallback). A test keeps it equal to the keys ``Settings``
actually looks up, so a key added there without a line here fails the suite.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from pulumi_meet.pacing.quota import BUCKETS

__all__ = ["CONFIG_KEYS", "ConfigKey"]


@dataclass(frozen=True)
class ConfigKey:
    """One ``meet:`` configuration key."""

    name: str
    type: str
    description: str
    environment: tuple[str, ...] = ()
    secret: bool = False
    list_ok: bool = False
    """A YAML list is accepted too. The engine JSON-encodes a structured value in
    ``ConfigureRequest.variables``, so the plugin decodes such a key's JSON list there."""


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
