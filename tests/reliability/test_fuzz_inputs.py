"""Property-based fuzzing of what a program may hand the provider: `SpaceProvider.check` with
arbitrary nested values, and the `Space` constructor under Pulumi's mocks (the real SDK
serialization), then check on what the engine would receive.

Beyond ``tests/provider/test_check_diff.py``: huge and non-ASCII strings, NaN and infinities,
huge integers, floats and enum members where enums go, ``SpaceConfigArgs`` instances, nesting
at every level, unknowns both as objects and in their wire form, and the checked inputs fed
back to check, diff and the API body builder.

The property: never an exception; every failure names a property the program set, with a
reason; no failure means the inputs are valid (checking them again finds nothing, and diff and
the API body accept them).
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pulumi.output import UNKNOWN

import pulumi_meet as meet
from pulumi_meet.core import space_fields as schema
from pulumi_meet.core.enums import AccessType, DeletionPolicy, Moderation, RestrictionType
from pulumi_meet.dynamic.providers import MemberProvider, SpaceProvider
from tests.engine import CapturedResource, CheckFailed, _run_under_mocks

PROVIDER = "serialized-provider"
WIRE_UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"
OLD_OUTPUTS: dict[str, Any] = {
    "name": "spaces/abcDEF123456",
    "meeting_code": "abc-mnop-xyz",
    "config": {"access_type": "TRUSTED", "moderation": "OFF"},
    "owner": "lead@example.com",
    "deletion_policy": "RESTRICT",
    "declared_config": {"access_type": "TRUSTED"},
}
FIELD_NAMES = [
    "access_type",
    "entry_point_access",
    "moderation",
    "moderation_restrictions",
    "chat_restriction",
    "reaction_restriction",
    "present_restriction",
    "default_join_as_viewer_type",
    "attendance_report_generation_type",
    "artifact_config",
    "recording_config",
    "auto_recording_generation",
    "transcription_config",
    "smart_notes_config",
]
ENUM_WORDS = ["OPEN", "TRUSTED", "RESTRICTED", "ON", "OFF", "ALL", "HOSTS_ONLY", "ABANDON"]

_huge_text = st.builds(
    lambda piece, count: piece * count,
    st.text(min_size=1, max_size=3),
    st.integers(min_value=1_000, max_value=50_000),
)
_FULLWIDTH_OPEN = "\uff2f\uff30\uff25\uff2e"
_odd_text = st.text(alphabet=st.characters(codec="utf-8"), max_size=40) | st.sampled_from(
    ["", " ", "ÖFFEN", "open", _FULLWIDTH_OPEN, "spaces/", "a@b", "@", "\x00", "😀"]
)
_scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=True, allow_infinity=True)
    | _odd_text
    | _huge_text
    | st.sampled_from(ENUM_WORDS)
    | st.sampled_from([AccessType.OPEN, Moderation.ON, RestrictionType.HOSTS_ONLY])
    | st.sampled_from([DeletionPolicy.ABANDON, "spaces/abcDEF123456", "abc-mnop-xyz"])
    | st.just(UNKNOWN)
    | st.just(WIRE_UNKNOWN)
)
_keys = st.sampled_from(FIELD_NAMES) | st.text(max_size=8)
_values = st.recursive(
    _scalars,
    lambda children: (
        st.lists(children, max_size=3)
        | st.tuples(children)
        | st.dictionaries(_keys, children, max_size=5)
    ),
    max_leaves=25,
)
_news = st.dictionaries(
    # Top-level keys are Python keyword arguments: identifiers.
    st.sampled_from(["config", "deletion_policy", "adopt", "owner"])
    | st.from_regex(r"[a-z_][a-z0-9_]{0,7}", fullmatch=True),
    _values,
    max_size=5,
)


def _top_segment(prop: str) -> str:
    return re.split(r"[.\[]", prop, maxsplit=1)[0]


def _assert_checked(news: dict[str, Any]) -> None:
    """The property of check (and of what follows it when the inputs pass)."""
    provider = SpaceProvider()
    result = provider.check({}, {"__provider": PROVIDER, **news})
    for failure in result.failures:
        assert isinstance(failure.property, str) and failure.property, failure
        assert isinstance(failure.reason, str) and failure.reason, failure
        assert _top_segment(failure.property) in news, (failure.property, list(news))
    if result.failures:
        return
    inputs = dict(result.inputs or {})
    assert not provider.check({}, inputs).failures  # valid means valid: stable under re-check
    provider.diff("spaces/abcDEF123456", OLD_OUTPUTS, inputs)
    config = inputs.get("config")
    if isinstance(config, dict) and not _has_unknown(config):
        schema.api_body({"config": config}, schema.CONFIG_FIELDS)


def _has_unknown(value: Any) -> bool:
    if schema.is_unknown(value):
        return True
    if isinstance(value, dict):
        return any(_has_unknown(v) for v in value.values())
    if isinstance(value, list | tuple):
        return any(_has_unknown(v) for v in value)
    return False


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_news)
def test_check_never_raises_and_names_the_property(news: dict[str, Any]) -> None:
    _assert_checked(news)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(st.sampled_from(FIELD_NAMES), _values, max_size=6))
def test_config_fields_in_any_shape(config: dict[str, Any]) -> None:
    _assert_checked({"config": config})


MEMBER_OLDS: dict[str, Any] = {
    "name": "spaces/abcDEF123456/members/m1",
    "space": "spaces/abcDEF123456",
    "email": "cohost@example.com",
    "role": "COHOST",
    "owner": "lead@example.com",
}
_member_values = _values | st.sampled_from(
    ["spaces/abcDEF123456", "abc-mnop-xyz", "COHOST", "ROLE_UNSPECIFIED", "Co@Host.example"]
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.dictionaries(
        st.sampled_from(["space", "email", "role", "owner"])
        | st.from_regex(r"[a-z_][a-z0-9_]{0,7}", fullmatch=True),
        _member_values,
        max_size=5,
    )
)
def test_member_check_never_raises_and_names_the_property(news: dict[str, Any]) -> None:
    provider = MemberProvider()
    result = provider.check({}, {"__provider": PROVIDER, **news})
    for failure in result.failures:
        assert isinstance(failure.property, str) and failure.property, failure
        assert isinstance(failure.reason, str) and failure.reason, failure
    named = {_top_segment(f.property) for f in result.failures}
    assert named <= {*news, "space", "email"}, named  # required properties may be missing
    if not result.failures:
        inputs = dict(result.inputs or {})
        assert not provider.check({}, inputs).failures
        provider.diff(MEMBER_OLDS["name"], MEMBER_OLDS, inputs)


# ------------------------------------------------------------------ the constructor under mocks

# What a program can pass to Space(...): JSON-like values the SDK serializes, enum members,
# argument classes, and Pulumi outputs (known or unknown).
_program_scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**53), max_value=2**53)
    | st.floats(allow_nan=False)
    | _odd_text
    | st.sampled_from(ENUM_WORDS)
    | st.sampled_from([AccessType.OPEN, Moderation.OFF, DeletionPolicy.RESTRICT])
    | st.just("<unknown output>")
    | st.just("<known output>")
)
_program_values = st.recursive(
    _program_scalars,
    lambda children: st.lists(children, max_size=3) | st.dictionaries(_keys, children, max_size=4),
    max_leaves=12,
)
_config_args = st.builds(
    meet.SpaceConfigArgs,
    access_type=_program_scalars,
    moderation=_program_scalars,
    moderation_restrictions=st.none()
    | st.builds(meet.ModerationRestrictionsArgs, chat_restriction=_program_scalars),
)


def _outputs(value: Any) -> Any:
    """Replace the markers by Pulumi outputs (built inside the program, on its event loop)."""
    import pulumi

    if value == "<unknown output>":
        return pulumi.Output.from_input("x").apply(lambda _v: UNKNOWN)
    if value == "<known output>":
        return pulumi.Output.from_input("OPEN")
    if isinstance(value, dict):
        return {k: _outputs(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_outputs(v) for v in value]
    return value


def _space_program(kwargs: dict[str, Any]) -> Callable[[], None]:
    def program() -> None:
        meet.Space("room", **{k: _outputs(v) for k, v in kwargs.items()})

    return program


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.fixed_dictionaries(
        {},
        optional={
            "config": _program_values | _config_args,
            "deletion_policy": _program_scalars,
            "adopt": _program_scalars,
            "owner": _program_scalars,
        },
    ),
    st.booleans(),
)
def test_space_constructor_then_check(kwargs: dict[str, Any], preview: bool) -> None:
    checked: list[CapturedResource] = []

    def register(resource: CapturedResource) -> tuple[str, dict[str, Any]]:
        # As the engine does: check what the SDK serialized, stop on failures (the program then
        # fails with them), otherwise answer without echoing the inputs as outputs.
        checked.append(resource)
        # Output-only properties are registered as None (the SDK sends them as absent).
        news = {k: v for k, v in resource.inputs.items() if v is not None}
        news.pop("__provider", None)
        _assert_checked(news)
        failures = SpaceProvider().check({}, news).failures
        if failures:
            raise CheckFailed("room", [(f.property, f.reason) for f in failures])
        return "spaces/abcDEF123456", {}

    # A CheckFailed stops the program on named failures, as under the engine; any other
    # exception fails the test.
    with contextlib.suppress(CheckFailed):
        _run_under_mocks(
            _space_program(kwargs),
            register,
            config={},
            project="meet-test",
            stack="dev",
            preview=preview,
        )
    assert [c.type for c in checked] == ["pulumi-python:dynamic/meet:Space"]
