"""A huge input is named in a failure reason, not repeated: reasons stay short."""

from __future__ import annotations

from pulumi_meet.core.member_fields import check_member
from pulumi_meet.core.space_rules import check_space_inputs


def test_space_reasons_for_huge_values_stay_short() -> None:
    violations = check_space_inputs(
        {"owner": "x" * 100_000, "adopt": "y" * 50_000, "deletion_policy": "z" * 9_999}
    )
    assert {v.property for v in violations} == {"owner", "adopt", "deletion_policy"}
    assert all(len(v.reason) < 300 for v in violations)


def test_member_reasons_for_huge_values_stay_short() -> None:
    violations = check_member({"space": "s" * 100_000, "email": "e" * 100_000})
    assert {v.property for v in violations} >= {"space", "email"}
    assert all(len(v.reason) < 300 for v in violations)
