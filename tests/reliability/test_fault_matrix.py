"""The fault matrix: every operation x every fault ends recovered or with an actionable error,
and the emulator's state never holds a duplicate space, a lost update or a stray member.

Operations go through `SpaceProvider` and `MemberProvider` in-process (the provider host adds
only gRPC, which `test_fault_matrix_host.py` covers with the same faults). Credentials are a
service-account key acting for a user through domain-wide delegation, so the token faults hit
the real OAuth flow.

``PULUMI_MEET_WRITE_DOCS=1`` rewrites the table in ``docs/reliability.md`` from this run;
otherwise the last test checks the document still matches.
"""

from __future__ import annotations

import os
import re
from typing import Any

import pytest

from pulumi_meet.emulator import Emulator
from pulumi_meet.exceptions import AlreadyExists
from tests.conftest import REPO_ROOT
from tests.reliability.conftest import Control
from tests.reliability.matrix import (
    COHOST,
    FAULTS,
    OPERATIONS,
    OWNER,
    CellResult,
    MatrixCell,
    render_table,
    run_cell,
)

RESULTS: dict[tuple[str, str], CellResult] = {}
LOST_ANSWER = {"500", "slower than timeout", "dropped before write", "dropped after commit"}
DOC = REPO_ROOT / "docs" / "reliability.md"
BEGIN, END = "<!-- fault-matrix:begin -->", "<!-- fault-matrix:end -->"


def expected_outcome(operation: str, fault: str) -> str:
    """Creates whose answer may be lost stop (never resent); everything else recovers."""
    if operation in ("create", "member create") and fault in LOST_ANSWER:
        return "CreateOutcomeUnknown"
    return "recovered"


def _space_path(name: str) -> str:
    return f"^/v2/{re.escape(name)}(:endActiveConference)?$"


def _create(cell: MatrixCell, fault: str) -> CellResult:
    path = r"^/v2/spaces$"
    cell.arm(fault, path)
    props = {"config": {"access_type": "OPEN"}}
    outcome, message, created = run_cell(lambda: cell.provider.create(props))
    cell.settle(fault)
    result = CellResult("create", fault, outcome, cell.requests(path), message)
    spaces = cell.spaces()
    assert len(spaces) <= 1, "a create was sent twice"
    if outcome == "recovered":
        assert [s["name"] for s in spaces] == [created.id]
        assert spaces[0]["config"]["accessType"] == "OPEN" and spaces[0]["owner"] == OWNER
        return result
    assert "may have been created" in message and 'adopt="spaces/<id>"' in message
    assert OWNER in message
    # Follow the message: adopt the room if it was created, else simply run again.
    retry = {**props, "adopt": spaces[0]["name"]} if spaces else props
    final = cell.provider.create(retry)
    assert [s["name"] for s in cell.spaces()] == [final.id]
    assert cell.live(final.id)["config"]["accessType"] == "OPEN"
    result.recovery.append("adopted" if spaces else "created on the next run")
    return result


def _existing_space(cell: MatrixCell) -> tuple[str, dict[str, Any]]:
    created = cell.provider.create({"config": {"access_type": "OPEN"}})
    return str(created.id), dict(created.outs or {})


def _update(cell: MatrixCell, fault: str) -> CellResult:
    name, olds = _existing_space(cell)
    cell.arm(fault, _space_path(name))
    news = {"config": {"access_type": "RESTRICTED", "moderation": "ON"}}
    outcome, message, updated = run_cell(lambda: cell.provider.update(name, olds, news))
    cell.settle(fault)
    result = CellResult("update", fault, outcome, cell.requests(_space_path(name)), message)
    live = cell.live(name)["config"]
    assert (live["accessType"], live["moderation"]) == ("RESTRICTED", "ON"), "lost update"
    assert updated.outs["config"]["access_type"] == "RESTRICTED"
    assert len(cell.spaces()) == 1
    return result


def _refresh(cell: MatrixCell, fault: str) -> CellResult:
    name, olds = _existing_space(cell)
    cell.client.patch_space(name, {"config": {"accessType": "TRUSTED"}}, ["config.accessType"])
    cell.arm(fault, _space_path(name))
    outcome, message, read = run_cell(lambda: cell.provider.read(name, olds))
    cell.settle(fault)
    result = CellResult("refresh", fault, outcome, cell.requests(_space_path(name)), message)
    assert read.id == name and read.outs["config"]["access_type"] == "TRUSTED"  # drift shows
    assert read.inputs["config"] == {"access_type": "TRUSTED"}
    return result


def _delete(cell: MatrixCell, fault: str) -> CellResult:
    name, olds = _existing_space(cell)
    cell.control.call("POST", f"{name}:startConference", {"participants": [COHOST]})
    cell.arm(fault, _space_path(name))
    outcome, message, _ = run_cell(lambda: cell.provider.delete(name, olds))
    cell.settle(fault)
    result = CellResult("delete", fault, outcome, cell.requests(_space_path(name)), message)
    live = cell.live(name)
    assert live["config"]["accessType"] == "RESTRICTED" and "activeConference" not in live
    return result


def _member_create(cell: MatrixCell, fault: str) -> CellResult:
    space, _ = _existing_space(cell)
    path = f"^/v2/{re.escape(space)}/members$"
    cell.arm(fault, path)
    props = {"space": space, "email": COHOST, "role": "COHOST"}
    outcome, message, _ = run_cell(lambda: cell.members_provider.create(props))
    cell.settle(fault)
    result = CellResult("member create", fault, outcome, cell.requests(path), message)
    found = cell.members(space)
    assert [m["email"] for m in found] in ([COHOST], []), found
    if outcome == "recovered":
        assert [m["email"] for m in found] == [COHOST]
        return result
    assert "member may have been created" in message and "members list" in message
    if found:  # "if the member is there, remove it and run `pulumi up` again"
        with pytest.raises(AlreadyExists, match="remove it"):
            cell.members_provider.create(props)  # what the next `pulumi up` would say
        cell.client.delete_member(found[0]["name"])
    created = cell.members_provider.create(props)  # "just run `pulumi up` again"
    assert [m["name"] for m in cell.members(space)] == [created.id]
    result.recovery.append("removed and recreated" if found else "created on the next run")
    return result


def _member_delete(cell: MatrixCell, fault: str) -> CellResult:
    space, _ = _existing_space(cell)
    props = {"space": space, "email": COHOST, "role": "COHOST"}
    created = cell.members_provider.create(props)
    path = f"^/v2/{re.escape(str(created.id))}$"
    cell.arm(fault, path)
    olds = dict(created.outs or {})
    outcome, message, _ = run_cell(lambda: cell.members_provider.delete(str(created.id), olds))
    cell.settle(fault)
    result = CellResult("member delete", fault, outcome, cell.requests(path), message)
    assert cell.members(space) == [], "stray member"
    return result


DRIVERS = {
    "create": _create,
    "update": _update,
    "refresh": _refresh,
    "delete": _delete,
    "member create": _member_create,
    "member delete": _member_delete,
}


@pytest.mark.parametrize("fault", FAULTS)
@pytest.mark.parametrize("operation", OPERATIONS)
def test_fault_matrix_cell(
    operation: str, fault: str, emulator: Emulator, control: Control, fast_retries: None
) -> None:
    cell = MatrixCell(control, emulator.host_port)
    result = DRIVERS[operation](cell, fault)
    RESULTS[(operation, fault)] = result
    assert result.outcome == expected_outcome(operation, fault), result.message
    assert result.requests >= 1
    if fault == "token expired mid-run":
        assert 401 in [r["status"] for r in control.calls()]
    if fault in ("429 burst", "500", "503", "slower than timeout", "dropped before write"):
        # The fault was seen by the API and, unless the create stopped, retried.
        stopped = result.outcome != "recovered"
        assert result.requests >= (1 if stopped else 2), result


def test_reliability_doc_shows_this_matrix() -> None:
    if len(RESULTS) != len(OPERATIONS) * len(FAULTS):
        pytest.skip("the whole matrix did not run in this session")
    table = render_table(RESULTS)
    text = DOC.read_text(encoding="utf-8")
    if os.environ.get("PULUMI_MEET_WRITE_DOCS") == "1":
        head, _, rest = text.partition(BEGIN)
        _, _, tail = rest.partition(END)
        DOC.write_text(f"{head}{BEGIN}\n{table}\n{END}{tail}", encoding="utf-8")
        text = DOC.read_text(encoding="utf-8")
    assert f"{BEGIN}\n{table}\n{END}" in text, "run with PULUMI_MEET_WRITE_DOCS=1 to update"
