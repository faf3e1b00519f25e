"""Meet's quota buckets, declared once: their names, config keys and Google's default limits.

Google counts requests per minute in three buckets, each both per user (of a Cloud project) and
per project (``meet-api-behaviour.md`` "Quotas"). Everything else — the `Settings` fields and
`meet:` keys, the `ApiMethod` of each API method, the limiters, the messages — takes its bucket
from this table.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Protocol

__all__ = [
    "BUCKETS",
    "CREATE",
    "EMULATOR_PROJECT",
    "READ",
    "WRITE",
    "QuotaBucket",
    "QuotaSettings",
    "bucket_named",
    "capacity_per_window",
    "quota_project",
]


class QuotaSettings(Protocol):
    """What this module reads of `pulumi_meet.client.settings.Settings`.

    A protocol, not an import: the settings declare their pace fields from the table below, so
    this module must not import them back.
    """

    @property
    def quota_project(self) -> str | None:
        """`meet:quotaProject`."""

    @property
    def emulator_host(self) -> str | None:
        """The emulator's URL, or None for Google."""

    @property
    def google_application_credentials(self) -> str | None:
        """``GOOGLE_APPLICATION_CREDENTIALS``."""

    def credentials_info(self) -> dict[str, Any] | None:
        """The parsed credentials JSON, or None."""


@dataclass(frozen=True)
class QuotaBucket:
    """One quota bucket: its name, what it counts, and where its limits are configured."""

    name: str
    """``create``, ``write`` or ``read`` (the emulator's and the log's name)."""
    noun: str
    """What a queued call of this bucket is, for people: ``rooms`` for creates, else ``calls``."""
    user_default: float
    """Google's default per-user limit (per minute)."""
    project_default: float
    """Google's default per-project limit (per minute)."""

    @property
    def user_key(self) -> str:
        """The `meet:` key of the per-user pace: ``createsPerMinute``."""
        return f"{self.name}sPerMinute"

    @property
    def project_key(self) -> str:
        """The `meet:` key of the per-project pace: ``projectCreatesPerMinute``."""
        return f"project{self.name.title()}sPerMinute"

    @property
    def user_attribute(self) -> str:
        """The `Settings` field of the per-user pace: ``creates_per_minute``."""
        return f"{self.name}s_per_minute"

    @property
    def project_attribute(self) -> str:
        """The `Settings` field of the per-project pace: ``project_creates_per_minute``."""
        return f"project_{self.name}s_per_minute"

    def per_user(self, settings: object) -> float:
        """The configured per-user pace (per minute)."""
        return float(getattr(settings, self.user_attribute))

    def per_project(self, settings: object) -> float:
        """The configured per-project pace (per minute)."""
        return float(getattr(settings, self.project_attribute))


CREATE = QuotaBucket("create", "rooms", user_default=10.0, project_default=100.0)
"""``spaces.create`` only (Google: "reduced write requests")."""
WRITE = QuotaBucket("write", "calls", user_default=100.0, project_default=1000.0)
"""``spaces.patch``, ``endActiveConference``, members create / patch / delete."""
READ = QuotaBucket("read", "calls", user_default=600.0, project_default=6000.0)
"""``spaces.get``, members get / list."""
BUCKETS = (CREATE, WRITE, READ)

EMULATOR_PROJECT = "emulator-project"
"""The Cloud project of the tokens an emulator's control API mints (its documented default)."""


def bucket_named(name: str) -> QuotaBucket:
    """The bucket called `name`; ValueError for any other name."""
    for bucket in BUCKETS:
        if bucket.name == name:
            return bucket
    raise ValueError(f"unknown quota bucket {name!r}")


def capacity_per_window(per_minute: float, window_seconds: float) -> int:
    """How many calls a rate of `per_minute` allows in one window of `window_seconds` (≥ 1)."""
    return max(1, math.floor(per_minute * window_seconds / 60.0 + 1e-9))


def quota_project(settings: QuotaSettings) -> str:
    """The Cloud project whose per-project quota the calls spend, as a stable label.

    `meet:quotaProject` when set; else the project named by the credentials (a key's
    ``project_id``, a login's ``quota_project_id``, else its OAuth ``client_id``, which belongs to
    exactly one project); the emulator's project for its own tokens. Every process with the same
    credentials derives the same label, so they meet on the same ledger rows.
    """
    if settings.quota_project:
        return settings.quota_project
    info = settings.credentials_info()
    if info is not None:
        for field in ("project_id", "quota_project_id", "client_id"):
            value = info.get(field)
            if isinstance(value, str) and value:
                return value
    if settings.emulator_host is not None and info is None:
        return EMULATOR_PROJECT
    if settings.google_application_credentials:
        return f"credentials file {settings.google_application_credentials}"
    return "application-default"
