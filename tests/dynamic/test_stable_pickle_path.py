"""Old and new states name the dynamic providers by the stable path ``pulumi_meet._provider``."""

from __future__ import annotations

import base64
import pickle
import pickletools

import pytest
from pulumi.dynamic.dynamic import serialize_provider

from pulumi_meet import _provider
from pulumi_meet.dynamic import providers


def _globals_named(pickled: str) -> set[str]:
    """The ``module name`` pairs a base64 pickle imports, read without unpickling it."""
    data = base64.b64decode(pickled)
    strings: list[str] = []
    named: set[str] = set()
    for opcode, arg, _pos in pickletools.genops(data):
        if isinstance(arg, str):
            strings.append(arg)
        if opcode.name == "STACK_GLOBAL":
            named.add(" ".join(strings[-2:]))
        elif opcode.name == "GLOBAL":
            named.add(str(arg))
    return named


@pytest.mark.parametrize("cls", [providers.SpaceProvider, providers.MemberProvider])
def test_new_states_name_the_stable_path(cls: type) -> None:
    pickled = serialize_provider(cls())
    assert f"pulumi_meet._provider {cls.__name__}" in _globals_named(pickled)
    assert not any("dynamic.providers" in name for name in _globals_named(pickled))


@pytest.mark.parametrize("name", ["SpaceProvider", "MemberProvider"])
def test_a_state_written_before_the_move_still_loads(name: str) -> None:
    # What an old state holds: protocol 4, the class by reference, an instance with no state.
    payload = (
        b"\x80\x04"
        + b"\x8c"
        + bytes([len("pulumi_meet._provider")])
        + b"pulumi_meet._provider\x94"
        + b"\x8c"
        + bytes([len(name)])
        + name.encode()
        + b"\x94"
        + b"\x93\x94)\x81\x94."
    )
    loaded = pickle.loads(payload)
    assert type(loaded) is getattr(_provider, name)
    assert type(loaded) is getattr(providers, name)
