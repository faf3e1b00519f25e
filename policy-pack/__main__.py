"""Serve pulumi-meet's policy pack: the engine runs ``python -u -m pulumi.policy <engine> <dir>``.

Constructing :class:`PolicyPack` starts the analyzer's gRPC server, prints its port and blocks,
so this module is only ever run by the engine (or by a test, in a subprocess).
"""

from __future__ import annotations

from meet_policy.defaults import PACK_NAME
from meet_policy.policies import POLICIES
from pulumi_policy import EnforcementLevel, PolicyPack

PolicyPack(
    name=PACK_NAME,
    policies=POLICIES,
    enforcement_level=EnforcementLevel.ADVISORY,
    description="Guardrails for Google Meet rooms managed with pulumi-meet.",
    display_name="pulumi-meet guardrails",
)
