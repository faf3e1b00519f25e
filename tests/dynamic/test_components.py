"""The dynamic provider front-end serves rooms and members declared inside components.

Under ``set_mocks`` the SDK registers them with the parent chain in their URNs; through the real
``python -m pulumi.dynamic`` host, every operation (Check, Diff, Create, Read, Update, Delete)
runs with those URNs, one and two components deep, making the calls it makes at the top level.
"""

from __future__ import annotations

from collections import Counter

import pulumi
import pytest

import pulumi_meet as meet
from tests.dynamic.conftest import Control, HostFactory
from tests.engine import Engine, Program, capture_program

SPACE_TYPE = "pulumi-python:dynamic/meet:Space"
MEMBER_TYPE = "pulumi-python:dynamic/meet:SpaceMember"
DEPTHS = {"one component deep": 1, "two components deep": 2}


class Rooms(pulumi.ComponentResource):
    """A component holding a room and its co-host (or, ``depth`` > 1, another ``Rooms``)."""

    def __init__(
        self, name: str, access: str, depth: int, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("test:index:Rooms", name, None, opts)
        children = pulumi.ResourceOptions(parent=self)
        if depth > 1:
            self.room: meet.Space = Rooms(f"{name}-inner", access, depth - 1, children).room
        else:
            self.room = meet.Space(f"{name}-room", config={"access_type": access}, opts=children)
            meet.SpaceMember(f"{name}-cohost", self.room, "deputy@example.com", opts=children)
        self.register_outputs({})


def program(depth: int, access: str = "TRUSTED") -> Program:
    def run() -> None:
        Rooms("team", access, depth)

    return run


@pytest.mark.parametrize("depth", DEPTHS.values(), ids=DEPTHS.keys())
def test_under_mocks_the_urns_carry_the_parent_chain(depth: int) -> None:
    resources = capture_program(program(depth))
    chain = "$".join(["test:index:Rooms"] * depth)
    custom = {r.type: r for r in resources if r.custom}
    assert set(custom) == {SPACE_TYPE, MEMBER_TYPE}
    assert custom[SPACE_TYPE].urn.split("::")[2] == f"{chain}${SPACE_TYPE}"
    assert custom[MEMBER_TYPE].urn.split("::")[2] == f"{chain}${MEMBER_TYPE}"
    assert custom[MEMBER_TYPE].inputs["email"] == "deputy@example.com"


@pytest.mark.parametrize("depth", DEPTHS.values(), ids=DEPTHS.keys())
def test_through_the_dynamic_host_every_operation_works(
    control: Control, start_host: HostFactory, depth: int
) -> None:
    engine = Engine(start_host({"MEET_EMULATOR_HOST": control.host_port}))
    steps = engine.up(program(depth))
    assert Counter(step.op for step in steps) == {"create": 2}
    assert all("test:index:Rooms$" in step.urn for step in steps)
    assert Counter(c["apiMethod"] for c in control.calls()) == {
        "spaces.create": 1,
        "spaces.members.create": 1,
    }
    control.clear()
    steps = engine.up(program(depth, access="OPEN"))
    assert Counter(step.op for step in steps) == {"update": 1, "same": 1}
    assert [(c["apiMethod"], c["query"]["updateMask"]) for c in control.calls()] == [
        ("spaces.patch", "config.accessType")
    ]
    control.clear()
    assert Counter(step.op for step in engine.refresh()) == {"refresh": 2}
    assert sorted(c["apiMethod"] for c in control.calls()) == ["spaces.get", "spaces.members.get"]
    control.clear()
    assert Counter(step.op for step in engine.destroy()) == {"delete": 2}
    assert [c["apiMethod"] for c in control.calls()] == [
        "spaces.members.delete",
        "spaces.endActiveConference",
        "spaces.patch",
    ]
    host_calls = {method for method, _urn in engine.host.calls}
    assert {"Check", "Diff", "Create", "Read", "Update", "Delete"} <= host_calls
