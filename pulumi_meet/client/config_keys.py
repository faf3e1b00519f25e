"""The provider's configuration keys (``meet:<key>``), declared once.

Each row says everything about one key: its type and default, whether it is a secret, the
environment variable(s) it falls back to, the ``pulumi-meet`` flag that stands for it, and its
description. Everything else derives from this table:

- the plugin's schema (``config.variables`` and the provider's ``inputProperties``) and the
  reading of CheckConfig / Configure (:mod:`pulumi_meet.plugin.config`);
- :meth:`pulumi_meet.client.settings.Settings.from_config` (which keys it reads, their
  environment fallback, their defaults) and the defaults of the `Settings` fields;
- the connection flags of the command line (:mod:`pulumi_meet.cli.config`,
  :mod:`pulumi_meet.cli.parser`) and the key each flag's messages name;
- the config tables of the docs (:mod:`pulumi_meet.client.config_docs`, held fresh by a test).

The pacing keys are generated from the bucket table (:data:`pulumi_meet.pacing.quota.BUCKETS`).
This module imports no front-end: the dynamic provider, the plugin and the CLI all read it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final, Literal

from pulumi_meet.pacing.ledger import DEFAULT_PATH
from pulumi_meet.pacing.quota import BUCKETS

__all__ = [
    "CONFIG_KEYS",
    "CONNECT_TIMEOUT_SECONDS",
    "DEFAULT_SCOPE",
    "DEFAULT_USER",
    "KEYS",
    "ConfigKey",
    "Flag",
    "number_default",
]

DEFAULT_USER: Final = "developer@example.com"
"""The emulator's user when nothing names one (`meet:user`'s default)."""
DEFAULT_SCOPE: Final = "meetings.space.created"
"""`meet:scopes`' default, as the short name a user writes."""
CONNECT_TIMEOUT_SECONDS: Final = 10.0
"""The connect timeout of each HTTP request (not configurable; named in `requestTimeoutSeconds`)."""

_WINDOW_SECONDS: Final = 60.0
_REQUEST_TIMEOUT_SECONDS: Final = 60.0
_MAX_RETRY_SECONDS: Final = 120.0
_CLI_RETRY_SECONDS: Final = 30.0


@dataclass(frozen=True)
class Flag:
    """The ``pulumi-meet`` connection flag that stands for a key."""

    names: tuple[str, ...]
    """The flag and its aliases; the first is the one messages name."""
    dest: str
    """The attribute of the parsed arguments (and of `pulumi_meet.cli.config.ClientOptions`)."""
    help: str
    metavar: str | None = None
    default: float | None = None
    """The flag's own default when the command line differs from the provider (else None)."""

    @property
    def name(self) -> str:
        """The flag as messages name it (``--as``)."""
        return self.names[0]


@dataclass(frozen=True)
class ConfigKey:
    """One ``meet:`` configuration key."""

    name: str
    """The key after ``meet:`` (camelCase, as in the stack and in the schema)."""
    type: Literal["string", "number"]
    description: str
    """One or two sentences: the schema's description."""
    details: str
    """What docs/configuration.md says of it (its table's *meaning* column)."""
    default: float | str | None = None
    """The value used when the key and its variables are unset (None: none, see `default_doc`)."""
    default_doc: str | None = None
    """How the docs name the default when it is not a value (``from the credentials``)."""
    environment: tuple[str, ...] = ()
    """Variables read, in order, when the key is not set (the schema's ``defaultInfo``)."""
    fallback_doc: str | None = None
    """The docs' fallback when it is not a variable holding the value (credentials: a path)."""
    secret: bool = False
    list_ok: bool = False
    """A YAML list is accepted too, in each shape the engine sends it (``plugin.config``)."""
    flag: Flag | None = None

    @property
    def qualified(self) -> str:
        """``meet:<name>``: the stack key."""
        return f"meet:{self.name}"

    @property
    def label(self) -> str:
        """The key and its variables as messages name them: ``meet:user / MEET_USER``."""
        return " / ".join((self.qualified, *self.environment))


_PACE_DETAILS: Final[Mapping[str, tuple[str, str]]] = {
    "create": (
        "Client-side pace of `spaces.create` per user (Google's per-user default quota). Raise "
        "it only if your project's quota was raised.",
        "Pace of `spaces.create` per Cloud project, over every owner the credentials act for "
        "(Google's per-project default). Owners proceed in parallel up to it and take turns at "
        "it.",
    ),
    "write": (
        "Pace of writes per user: `spaces.patch`, `endActiveConference`, members "
        "create/patch/delete.",
        "Pace of writes per Cloud project.",
    ),
    "read": (
        "Pace of reads per user: `spaces.get`, members get/list.",
        "Pace of reads per Cloud project.",
    ),
}
"""What the docs say of each bucket's keys (per user, per project), by bucket name."""


def _pace_keys() -> tuple[ConfigKey, ...]:
    """The pacing keys of every quota bucket, per user then per Cloud project."""
    user = tuple(
        ConfigKey(
            bucket.user_key,
            "number",
            f"Client-side pacing of {bucket.name}s per user (default {bucket.user_default:g}).",
            _PACE_DETAILS[bucket.name][0],
            default=bucket.user_default,
        )
        for bucket in BUCKETS
    )
    project = tuple(
        ConfigKey(
            bucket.project_key,
            "number",
            f"Client-side pacing of {bucket.name}s per Cloud project, over every owner (default "
            f"{bucket.project_default:g}).",
            _PACE_DETAILS[bucket.name][1],
            default=bucket.project_default,
        )
        for bucket in BUCKETS
    )
    return user + project


CONFIG_KEYS: Final[tuple[ConfigKey, ...]] = (
    ConfigKey(
        "credentials",
        "string",
        "A service-account key JSON or an `authorized_user` JSON (the file's contents). Without "
        "it: `GOOGLE_APPLICATION_CREDENTIALS`, then Application Default Credentials.",
        "The *contents* of a service-account key JSON or an `authorized_user` JSON (also "
        "accepted: the other JSON types google-auth loads, e.g. a workload identity federation "
        "`external_account` configuration). See [authentication](authentication.md).",
        fallback_doc="`GOOGLE_APPLICATION_CREDENTIALS` (a path), then Application Default "
        "Credentials",
        secret=True,
        flag=Flag(
            ("--credentials",),
            "credentials_file",
            "a service-account key or authorized_user JSON file (default: "
            "$GOOGLE_APPLICATION_CREDENTIALS, else Application Default Credentials)",
            metavar="FILE",
        ),
    ),
    ConfigKey(
        "impersonateUser",
        "string",
        "The user a service account acts for (domain-wide delegation); the default owner of rooms.",
        "The user every call acts as when a resource sets no `owner`, and so the default owner "
        "of every room: the Workspace user a service account acts for through domain-wide "
        "delegation, the user the emulator issues tokens for, or — with a user login — that "
        "login's own address (another address is refused). Required with service-account "
        "credentials unless every resource sets `owner`. See [who the calls act "
        "as](#who-the-calls-act-as).",
        environment=("MEET_IMPERSONATE_USER",),
        flag=Flag(
            ("--as", "--impersonate-user"),
            "acting_as",
            "act as this user, as meet:impersonateUser does for the provider: the delegated "
            "user of a service account, the emulator's user, or the login's own user (default: "
            "$MEET_IMPERSONATE_USER, else the login's user; on an emulator without credentials "
            f"{DEFAULT_USER})",
            metavar="EMAIL",
        ),
    ),
    ConfigKey(
        "scopes",
        "string",
        f"OAuth scopes, short names or URLs, comma-separated (default `{DEFAULT_SCOPE}`).",
        "OAuth scopes requested, comma- or space-separated; short names get the "
        "`https://www.googleapis.com/auth/` prefix, full URLs are kept. Only the Meet scopes are "
        "accepted — `meetings.space.created`, `meetings.space.readonly`, "
        "`meetings.space.settings` — anything else is refused before any call, with that list. "
        "Used for service accounts; a user login carries the scopes granted at login.",
        default=DEFAULT_SCOPE,
        list_ok=True,
        flag=Flag(
            ("--scopes",),
            "scopes",
            "OAuth scopes to request, comma-separated, short names allowed (default: "
            f"{DEFAULT_SCOPE}; a user login has the scopes granted at login)",
        ),
    ),
    ConfigKey(
        "emulatorHost",
        "string",
        "Talk to a Meet emulator instead of Google: `host:port`, a URL, or `embedded`.",
        "Send every call — Meet API, token endpoint, tokeninfo, IAM signJwt — to an emulator: "
        "`host:port` (the port is required, 1–65535), an `http://…` URL, or `embedded`; "  # noqa: RUF001
        "anything else (`foo`, `127.0.0.1:abc`, `localhost:99999`) is refused at once. Nothing "
        "listening at a loopback address is reported after 2 s, not retried like a flaky "
        "network (start one inside the provider on a free loopback port, state in "
        "`.pulumi-meet/emulator.db` in the project directory).",
        default_doc="— (Google)",
        environment=("MEET_EMULATOR_HOST",),
        flag=Flag(
            ("--emulator-host",),
            "emulator_host",
            "talk to an emulator: host:port, an http:// URL or 'embedded' "
            "(default: $MEET_EMULATOR_HOST, else Google)",
            metavar="HOST:PORT",
        ),
    ),
    ConfigKey(
        "user",
        "string",
        f"The emulator user when no credentials are set (default `{DEFAULT_USER}`).",
        "Emulator only, and only without `meet:credentials`: the user the emulator issues tokens "
        "for when neither the resource's `owner` nor `meet:impersonateUser` names one. Ignored "
        "against Google.",
        default=DEFAULT_USER,
    ),
    *_pace_keys(),
    ConfigKey(
        "quotaProject",
        "string",
        "The Cloud project whose quota the calls spend, as a label (default: from the "
        "credentials).",
        "Name of the Cloud project whose quota the calls spend, only to label the project's "
        "bucket (in messages and in the ledger). Default: the key's `project_id`, else the "
        "login's `quota_project_id`, else its OAuth `client_id`; the emulator's own tokens are "
        "`emulator-project`. Set it when processes with *different* credentials of the same "
        "project run at once, so they share one bucket.",
        default_doc="from the credentials",
    ),
    ConfigKey(
        "quotaLedger",
        "string",
        "Where pulumi-meet processes share the quotas: a SQLite file (the processes of this "
        f"machine; default `{DEFAULT_PATH}`), a Redis or Valkey URL "
        "(`redis://[:password@]host:port/db`, `rediss://`, `unix://`: every machine using it; "
        "needs redis-py, the `redis` extra; set it as a secret when it holds a password), or `off` "
        "(this process alone).",
        "Where pulumi-meet processes share the quotas ([the quota ledger](#the-quota-ledger)): a "
        "SQLite file, shared by every process of this account on this machine (provider hosts "
        "of parallel stacks, the CLI); a Redis or Valkey URL, "
        "`redis://[user:password@]host:port/db`, `rediss://…` (TLS) or "
        "`unix:///path/to/redis.sock`, shared by every machine that uses it (needs redis-py: the "
        "`redis` extra, or `pip install redis`; set it with `--secret` when it holds a password); "
        "or `off`, each "
        "process alone (so does `meet:emulatorHost: embedded`, whose emulator belongs to one "
        "process). A ledger that cannot be used is said once and pacing falls back (see below).",
        default_doc=f"`{DEFAULT_PATH}`",
        environment=("MEET_QUOTA_LEDGER",),
        flag=Flag(
            ("--quota-ledger",),
            "quota_ledger",
            "where pulumi-meet processes share Meet's quotas, as meet:quotaLedger: a SQLite file "
            "(this machine), redis://[:password@]host:port/db, rediss://... or "
            "unix:///path.sock (every machine using that Redis), or 'off' (default: "
            f"$MEET_QUOTA_LEDGER, else {DEFAULT_PATH})",
            metavar="PATH|URL",
        ),
    ),
    ConfigKey(
        "quotaWindowSeconds",
        "number",
        f"The window the pacing applies over (default {_WINDOW_SECONDS:g} s).",
        "Length of the sliding quota window the pace applies over. Google's is 60 s; set it to "
        "match an emulator whose window was compressed (`PUT /emulator/v1/quotas "
        '{"windowSeconds": 3}`) — the per-window allowance is `perMinute × window / 60`.',  # noqa: RUF001
        default=_WINDOW_SECONDS,
    ),
    ConfigKey(
        "requestTimeoutSeconds",
        "number",
        f"Read timeout per HTTP request (default {_REQUEST_TIMEOUT_SECONDS:g} s; connect: "
        f"{CONNECT_TIMEOUT_SECONDS:g} s).",
        f"Read timeout of each HTTP request (the connect timeout is {CONNECT_TIMEOUT_SECONDS:g} "
        "s).",
        default=_REQUEST_TIMEOUT_SECONDS,
    ),
    ConfigKey(
        "maxRetryDurationSeconds",
        "number",
        f"Total time one call may spend retrying (default {_MAX_RETRY_SECONDS:g} s).",
        "Total time one call may spend retrying transient failures (429, 500, 502, 503, 504, "
        "connection failures) before it fails.",
        default=_MAX_RETRY_SECONDS,
        flag=Flag(
            ("--max-retry-seconds",),
            "max_retry_seconds",
            "give up retrying transient failures after this long "
            f"(default: {_CLI_RETRY_SECONDS:g})",
            metavar="SECONDS",
            default=_CLI_RETRY_SECONDS,  # a person is waiting
        ),
    ),
)
"""Every ``meet:`` key, in the order of the schema and of docs/configuration.md."""

KEYS: Final[Mapping[str, ConfigKey]] = {key.name: key for key in CONFIG_KEYS}
"""The keys by name (``KEYS["scopes"]``)."""


def number_default(name: str) -> float:
    """The default of the number key ``name`` (for the `Settings` and retry defaults)."""
    default = KEYS[name].default
    if not isinstance(default, float):
        raise TypeError(f"meet:{name} has no number default")
    return default
