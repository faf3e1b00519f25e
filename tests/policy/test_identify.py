"""Telling pulumi-meet's resources apart, reading ``__provider`` without ever unpickling it."""

from __future__ import annotations

import base64
import os
import pickle
import subprocess
from pathlib import Path
from typing import Any

from pulumi.runtime.proto import analyzer_pb2

import pulumi_meet as meet
from tests.engine import CapturedResource, capture_program
from tests.policy.analyzer import Analyzer, EngineResource, engine_properties

GENERIC = "pulumi-python:dynamic:Resource"


def captured() -> list[CapturedResource]:
    """A Space and a co-host as the SDK serializes them (``__provider`` included)."""

    def program() -> None:
        room = meet.Space("lobby", config=meet.SpaceConfigArgs(access_type=meet.AccessType.OPEN))
        meet.SpaceMember("cohost", room, "guest@example.com")

    return capture_program(program)


class _Foreign:
    """Someone else's provider class."""


class _Hostile:
    """A pickle that would run a command if it were ever loaded."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[Any, tuple[str]]:
        return os.system, (f"touch {self.marker}",)


def encode(value: object, protocol: int = 4) -> str:
    return base64.b64encode(pickle.dumps(value, protocol=protocol)).decode()


def test_our_providers_are_recognised_from_the_sdk_s_own_pickles() -> None:
    from meet_policy.resources import identify, provider_class

    space, member = captured()
    assert provider_class(space.inputs["__provider"]) == ("pulumi_meet._provider", "SpaceProvider")
    assert provider_class(member.inputs["__provider"]) == (
        "pulumi_meet._provider",
        "MemberProvider",
    )
    # With the pickle present, even the shared type token is enough.
    found = identify(GENERIC, space.inputs)
    assert found is not None
    assert (found.kind, found.plugin, found.evidence) == (
        "space",
        False,
        "pulumi_meet._provider.SpaceProvider",
    )
    assert identify(GENERIC, member.inputs).kind == "member"  # type: ignore[union-attr]


def test_other_pickles_are_not_ours_whatever_the_type_token_says(tmp_path: Path) -> None:
    from meet_policy.resources import DYNAMIC_SPACE_TYPE, identify, provider_class

    props = {"config": {"access_type": "OPEN"}}
    foreign = encode(_Foreign())
    assert provider_class(foreign) == (__name__, "_Foreign")
    assert identify(DYNAMIC_SPACE_TYPE, {**props, "__provider": foreign}) is None
    assert identify(GENERIC, props) is None  # no pickle, shared token: undecidable, not claimed
    # Our class somewhere inside another object is not our provider.
    space = captured()[0]
    ours = pickle.loads(base64.b64decode(space.inputs["__provider"]))
    assert provider_class(encode([ours])) is None
    for protocol in range(pickle.HIGHEST_PROTOCOL + 1):
        expected = ("pulumi_meet._provider", "SpaceProvider")
        assert provider_class(encode(ours, protocol)) == expected, protocol
    # Scanning a hostile pickle runs nothing.
    marker = tmp_path / "ran"
    assert provider_class(encode(_Hostile(marker))) in {("posix", "system"), ("nt", "system")}
    assert not marker.exists()


def test_garbage_is_never_ours() -> None:
    from meet_policy.resources import provider_class

    good = captured()[0].inputs["__provider"]
    for value in (
        "",
        "not base64!",
        base64.b64encode(b"\x80\x04junk").decode(),
        good[:-8],
        "A" * 70_000,
        encode(42),
        encode("pulumi_meet._provider SpaceProvider"),
    ):
        assert provider_class(value) is None, value


def test_the_engine_s_own_properties_with_and_without_provider(analyzer: Analyzer) -> None:
    """Older engines (and Remediate) keep ``__provider``; current ones drop it for Analyze."""
    space = captured()[0]
    for skip in (True, False):
        request = analyzer_pb2.AnalyzeRequest(
            type=space.type,
            name=space.name,
            urn=EngineResource(space.type, space.name, {}).urn,
            properties=engine_properties(space.inputs, skip_internal_keys=skip),
        )
        assert analyzer.analyze_raw(request).policies() == ["meet-open-access-allowlist"]
    # The shared token is claimed only thanks to the pickle.
    generic = analyzer_pb2.AnalyzeRequest(
        type=GENERIC,
        name="lobby",
        properties=engine_properties(space.inputs, skip_internal_keys=False),
    )
    assert analyzer.analyze_raw(generic).policies() == ["meet-open-access-allowlist"]
    generic.properties.CopyFrom(engine_properties(space.inputs))
    assert analyzer.analyze_raw(generic).policies() == []


def test_the_unknown_sentinels_are_the_policy_sdk_s(python: Path) -> None:
    from meet_policy.resources import UNKNOWN_SENTINELS

    script = (
        "import pulumi_policy.proxy as p; "
        "print(' '.join(sorted(getattr(p, n) for n in dir(p) if n.startswith('UNKNOWN_'))))"
    )
    result = subprocess.run([str(python), "-c", script], capture_output=True, text=True, check=True)
    assert set(result.stdout.split()) == UNKNOWN_SENTINELS


def test_dynamic_type_tokens_are_the_ones_the_sdk_registers() -> None:
    from meet_policy.resources import DYNAMIC_MEMBER_TYPE, DYNAMIC_SPACE_TYPE

    assert [r.type for r in captured()] == [DYNAMIC_SPACE_TYPE, DYNAMIC_MEMBER_TYPE]
