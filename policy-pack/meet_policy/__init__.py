"""pulumi-meet's CrossGuard policy pack: guardrails for Google Meet rooms.

:data:`POLICIES` is the pack's policy list; ``__main__.py`` beside this package serves it as the
Pulumi engine expects (``pulumi preview --policy-pack <this folder>``).
"""

from __future__ import annotations

from meet_policy.policies import CONFIG_DEFAULTS, POLICIES

__all__ = ["CONFIG_DEFAULTS", "PACK_NAME", "POLICIES"]

PACK_NAME = "pulumi-meet-guardrails"
"""The name the pack reports (and the one `pulumi policy publish` uses)."""
