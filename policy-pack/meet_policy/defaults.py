"""The pack's policy names and the defaults of their config keys (no policy SDK needed here)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

__all__ = [
    "ALLOWED_DOMAINS",
    "ARTIFACTS_NEED_MODERATION",
    "CONFIG_DEFAULTS",
    "CREATION_QUOTA",
    "EXPLICIT_OWNER",
    "OPEN_ACCESS",
    "PACK_NAME",
]

PACK_NAME: Final = "pulumi-meet-guardrails"
"""The name the pack reports (and the one `pulumi policy publish` uses)."""

OPEN_ACCESS: Final = "meet-open-access-allowlist"
ALLOWED_DOMAINS: Final = "meet-allowed-domains"
ARTIFACTS_NEED_MODERATION: Final = "meet-artifacts-require-moderation"
EXPLICIT_OWNER: Final = "meet-explicit-owner"
CREATION_QUOTA: Final = "meet-creation-quota"

CONFIG_DEFAULTS: Final[Mapping[str, Mapping[str, Any]]] = {
    OPEN_ACCESS: {"allowedNames": []},
    ALLOWED_DOMAINS: {"allowedDomains": [], "includeSubdomains": False},
    ARTIFACTS_NEED_MODERATION: {"artifacts": ["recording", "transcription"]},
    EXPLICIT_OWNER: {"when": "pipeline"},
    CREATION_QUOTA: {"createsPerMinute": 10, "minutes": 1},
}
"""The value each config key takes when the stack's policy config leaves it out.

The same defaults are declared in each policy's config schema (a test keeps the two equal).
"""
