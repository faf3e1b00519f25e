"""Benchmarks 3 and 4: API calls per lifecycle command of a stack, and what each room costs in
state.

One stack of R rooms goes through preview, up (create), up (unchanged), up (one field on every
room), up (one field on one room), refresh and destroy, with quotas raised. For each command:
the Meet API requests the emulator logged, the provider calls the engine made, and the least
number of API calls any provider could make for the same effect.
"""

from __future__ import annotations

import json
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pulumi.runtime import rpc

import pulumi_meet as meet
from bench._env import (
    PROJECT,
    STACK,
    EmulatorProcess,
    capture_rooms,
    client_config,
    provider_host,
    rooms_program,
)
from pulumi_meet.dynamic.providers import SpaceProvider
from tests.engine import Engine

__all__ = ["CommandCost", "LifecycleResult", "StateCost", "measure_lifecycle"]

_PROVIDER_KEY = "__provider"


@dataclass
class CommandCost:
    command: str
    api_calls: dict[str, int]
    provider_calls: dict[str, int]
    minimum: int
    minimum_note: str
    wall_seconds: float

    @property
    def total(self) -> int:
        return sum(self.api_calls.values())

    def to_dict(self) -> dict[str, Any]:
        return {**self.__dict__, "total": self.total}


@dataclass
class StateCost:
    provider_chars: int
    outputs_chars: int
    inputs_chars: int
    provider_is_secret: bool
    provider_secret_flag: bool

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass
class LifecycleResult:
    rooms: int
    commands: list[CommandCost]
    state: StateCost
    failures: int

    def to_dict(self) -> dict[str, Any]:
        return {
            "rooms": self.rooms,
            "failures": self.failures,
            "commands": [command.to_dict() for command in self.commands],
            "state": self.state.to_dict(),
        }


def _one_room_changed(count: int) -> Callable[[], None]:
    """Every room TRUSTED (as after the update of all rooms) except room-0, RESTRICTED."""

    def program() -> None:
        for index in range(count):
            access = "RESTRICTED" if index == 0 else "TRUSTED"
            meet.Space(f"room-{index}", config={"access_type": access})

    return program


def _minimums(rooms: int) -> list[tuple[str, int, str, Any]]:
    """(command, least API calls, why, what the engine runs) — the engine is bound later."""
    return [
        ("preview (new stack)", 0, "nothing changes", ("preview", rooms_program(rooms, "OPEN"))),
        ("up: create", rooms, "one spaces.create per room", ("up", rooms_program(rooms, "OPEN"))),
        ("up: unchanged", 0, "nothing to do", ("up", rooms_program(rooms, "OPEN"))),
        (
            "up: access_type on every room",
            rooms,
            "one spaces.patch per room",
            ("up", rooms_program(rooms, "TRUSTED")),
        ),
        (
            "up: access_type on one room",
            1,
            "one spaces.patch",
            ("up", _one_room_changed(rooms)),
        ),
        ("refresh", rooms, "one spaces.get per room", ("refresh", None)),
        (
            "destroy (RESTRICT)",
            2 * rooms,
            "per room: end or discover the conference, then restrict",
            ("destroy", None),
        ),
    ]


def _state_cost(engine: Engine) -> StateCost:
    states = list(engine.state.values())
    provider_chars = max(len(state.outputs[_PROVIDER_KEY]) for state in states)
    outputs = [{k: v for k, v in state.outputs.items() if k != _PROVIDER_KEY} for state in states]
    inputs = [{k: v for k, v in state.inputs.items() if k != _PROVIDER_KEY} for state in states]
    registered = capture_rooms(1)[0].inputs[_PROVIDER_KEY]
    return StateCost(
        provider_chars=provider_chars,
        outputs_chars=max(len(json.dumps(value, separators=(",", ":"))) for value in outputs),
        inputs_chars=max(len(json.dumps(value, separators=(",", ":"))) for value in inputs),
        provider_is_secret=rpc.is_rpc_secret(registered),
        provider_secret_flag=bool(getattr(SpaceProvider, "serialize_as_secret_always", True)),
    )


def _expected(entry: dict[str, Any]) -> bool:
    """200, or the FAILED_PRECONDITION of ending a conference that is not running."""
    no_conference = entry["apiMethod"] == "spaces.endActiveConference" and entry["status"] == 400
    return bool(entry["status"] == 200 or no_conference)


def measure_lifecycle(emulator: EmulatorProcess, workdir: Path, rooms: int) -> LifecycleResult:
    """Run the lifecycle of a ``rooms``-room stack and count every call."""
    emulator.reset()
    emulator.raise_quotas()
    commands: list[CommandCost] = []
    failures = 0
    state: StateCost | None = None
    with provider_host(emulator, workdir) as host:
        engine = Engine(host, config=client_config(), project=PROJECT, stack=STACK)
        for label, minimum, note, (verb, program) in _minimums(rooms):
            emulator.clear_log()
            grpc_before = len(host.calls)
            started = time.perf_counter()
            action = getattr(engine, verb)
            action(program) if program is not None else action()
            wall = time.perf_counter() - started
            log = emulator.requests_log()
            failures += sum(1 for entry in log if not _expected(entry))
            api = Counter(entry["apiMethod"] for entry in log)
            grpc = Counter(method for method, _urn in host.calls[grpc_before:])
            commands.append(CommandCost(label, dict(api), dict(grpc), minimum, note, wall))
            if label == "up: create":
                state = _state_cost(engine)
    assert state is not None
    return LifecycleResult(rooms, commands, state, failures)
