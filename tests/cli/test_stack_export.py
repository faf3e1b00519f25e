"""Reading a stack export: both front-ends' rooms, the pickled provider read without loading it,
secrets, and what is not a room."""

from __future__ import annotations

import base64
import io
import json
import pickle

import pytest

from pulumi_meet.cli.stack_export import provider_global, read_stack_rooms, stack_rooms
from pulumi_meet.exceptions import ConfigurationError
from tests.cli.records_support import SECRET, dynamic_room, member_resource, plugin_room

ROOM = {"name": "spaces/abcDEF123456", "meetingCode": "abc-mnop-xyz", "meetingUri": "u"}


class _Loud:
    def __reduce__(self) -> tuple[object, tuple[str]]:
        return (print, ("unpickled!",))


def test_the_provider_class_is_read_without_unpickling(capsys: pytest.CaptureFixture[str]) -> None:
    dynamic = dynamic_room(ROOM, None)["outputs"]["__provider"]
    assert provider_global(dynamic) == ("pulumi_meet._provider", "SpaceProvider")
    member = member_resource(ROOM["name"])["outputs"]["__provider"]
    assert provider_global(member) == ("pulumi_meet._provider", "MemberProvider")
    hostile = base64.b64encode(pickle.dumps(_Loud())).decode()
    assert provider_global(hostile) == ("builtins", "print")
    assert capsys.readouterr().out == ""  # nothing ran
    for junk in ("not base64!", base64.b64encode(b"\x80\x04junk").decode(), "A" * 100_000):
        assert provider_global(junk) is None


def test_rooms_of_both_front_ends_and_nothing_else() -> None:
    hidden_owner = dynamic_room(ROOM, None, name="hidden")
    hidden_owner["outputs"]["owner"] = {
        SECRET: "1b47061264138c4ac30d75fd1eb44270",
        "ciphertext": "x",
    }
    other = {**ROOM, "name": "spaces/otherROOM123"}
    export = {
        "version": 3,
        "deployment": {
            "resources": [
                plugin_room(ROOM, "Lead@Example.com"),
                hidden_owner,
                dynamic_room(other, "ops@example.com", typed=True),
                member_resource(ROOM["name"]),
                {**dynamic_room(other, None, name="gone"), "delete": True},
                {**plugin_room(other, "x@example.com", name="looked-up"), "external": True},
                {"type": "pulumi-python:dynamic:Resource", "outputs": {"name": "spaces/x"}},
            ]
        },
    }
    rooms = list(stack_rooms(export))
    assert [(r.space, r.owner, r.front_end) for r in rooms] == [
        (ROOM["name"], "lead@example.com", "plugin"),
        (ROOM["name"], None, "dynamic"),
        (other["name"], "ops@example.com", "dynamic"),
    ]
    distinct = read_stack_rooms(io.StringIO(json.dumps(export)), "stack.json")
    assert [r.space for r in distinct] == [ROOM["name"], other["name"]]


@pytest.mark.parametrize("text", ["[]", '{"deployment": 5}', '{"resources": {}}', "{"])
def test_not_a_stack_export(text: str) -> None:
    with pytest.raises(ConfigurationError, match="stack export"):
        read_stack_rooms(io.StringIO(text), "x.json")
