"""The rules of the Space resource's check and diff: pure functions of the inputs and outputs.

No API call and no credentials here; the front-ends (the dynamic provider's
:class:`~pulumi_meet.dynamic.providers.SpaceProvider`) apply them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from pulumi_meet.core import space_fields as schema
from pulumi_meet.core.enums import DeletionPolicy

__all__ = [
    "DEFAULT_POLICY",
    "adopt_changed",
    "check_space_inputs",
    "owner_changed",
    "policy_changed",
]

DEFAULT_POLICY: Final[str] = DeletionPolicy.RESTRICT.value
"""The deletion policy of a Space that sets none."""


# -------------------------------------------------------------------- check rules


def check_space_inputs(news: Mapping[str, Any]) -> list[schema.Violation]:
    """Every invalid input of a Space, each naming its property path; unknowns pass."""
    violations = schema.unknown_key_violations(news, schema.INPUT_NAMES)
    config = news.get("config")
    violations += schema.validate_object("config", config, schema.CONFIG_FIELDS)
    violations += schema.config_conflicts(config)
    violations += _check_enum("deletion_policy", news.get("deletion_policy"), DeletionPolicy)
    violations += _check_adopt(news.get("adopt"))
    violations += schema.email_violation("owner", news.get("owner"))
    return violations


def _check_enum(name: str, value: object, enum: type[DeletionPolicy]) -> list[schema.Violation]:
    allowed = [member.value for member in enum]
    if value is None or schema.is_unknown(value) or value in allowed:
        return []
    return [
        schema.Violation(name, f"{schema.describe_value(value)} is not one of {', '.join(allowed)}")
    ]


def _check_adopt(value: object) -> list[schema.Violation]:
    if value is None or schema.is_unknown(value):
        return []
    if isinstance(value, str) and schema.space_name_from_reference(value):
        return []
    return [
        schema.Violation(
            "adopt",
            f"{schema.describe_value(value)} is not a space reference; use spaces/<id>, "
            "a meeting code such as abc-mnop-xyz, or a meeting URL such as https://meet.google.com/abc-mnop-xyz",
        )
    ]


# -------------------------------------------------------------------- diff rules


def adopt_changed(olds: Mapping[str, Any], news: Mapping[str, Any]) -> bool:
    """Whether ``adopt`` now names another space. Removing it keeps the adopted space managed."""
    new = news.get("adopt")
    if new is None:
        return False
    if schema.is_unknown(new) or not isinstance(new, str):
        return True
    target = schema.space_name_from_reference(new)
    code = olds.get("meeting_code")
    same_space = {
        olds.get("name"),
        f"spaces/{str(code).lower()}" if code else None,
        schema.space_name_from_reference(str(olds.get("adopt") or "")),
    }
    return target is None or target not in same_space


def owner_changed(olds: Mapping[str, Any], news: Mapping[str, Any]) -> bool:
    """Whether an explicit ``owner`` names someone other than the recorded owner."""
    new = news.get("owner")
    if new is None:
        return False
    if schema.is_unknown(new) or not isinstance(new, str):
        return True
    recorded = schema.recorded_owner(olds)
    return recorded is not None and not schema.same_email(new, recorded)


def policy_changed(olds: Mapping[str, Any], news: Mapping[str, Any]) -> bool:
    """Whether the deletion policy changed (an update with no API call)."""
    new = news.get("deletion_policy")
    if schema.is_unknown(new):
        return True
    return (new or DEFAULT_POLICY) != (olds.get("deletion_policy") or DEFAULT_POLICY)
