"""Thin handlers, one per Meet API operation, named after it.

Each takes a ``Call`` (the open transaction, the caller's ``Access``, path parameters, typed
query parameters, the parsed JSON body) and returns a ``Reply``: the value and the message type
it renders as. The rules live in ``models.py`` and ``members.py``; the conferenceRecords
handlers are in ``conferences/responses.py``. Before any handler runs, ``sweep`` brings the
state up to the emulator clock (expired records deleted, expired meeting codes replaced).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from pulumi_meet.emulator.masks import parse_field_mask
from pulumi_meet.emulator.members import Members
from pulumi_meet.emulator.messages import MESSAGES, parse_message
from pulumi_meet.emulator.models import Access, Spaces

__all__ = ["Call", "MeetResponses", "Reply"]


@dataclass(frozen=True)
class Call:
    """Everything a handler needs about one request."""

    db: sqlite3.Connection
    access: Access
    params: Mapping[str, str]
    query: Mapping[str, Any]
    body: Any
    # Whether the `fields` system parameter was sent: some fields are only served when asked
    # for (participants.list's totalSize).
    fields_selected: bool = False


@dataclass(frozen=True)
class Reply:
    """A handler's answer: the value and the name of its message type in ``MESSAGES``."""

    value: dict[str, Any]
    message: str


_EMPTY = Reply({}, "Empty")

Handler = Callable[[Call], Reply]


class MeetResponses:
    """The Meet API handlers (moto-style): each method is one API operation."""

    def __init__(
        self,
        spaces: Spaces,
        members: Members,
        *,
        more: Callable[[str], Handler | None] = lambda name: None,
        sweep: Callable[[sqlite3.Connection], None] = lambda db: None,
    ) -> None:
        self._spaces = spaces
        self._members = members
        self._more = more
        self._sweep = sweep

    def handler(self, name: str) -> Handler:
        """The handler called ``name`` in the routing table (here or in ``more``)."""
        found: Handler | None = self._more(name) or getattr(self, name)
        assert found is not None

        def swept(call: Call) -> Reply:
            self._sweep(call.db)
            return found(call)

        return swept

    # spaces

    def create_space(self, call: Call) -> Reply:
        return Reply(self._spaces.create(call.db, call.access, _body(call)), "Space")

    def get_space(self, call: Call) -> Reply:
        return Reply(self._spaces.get(call.db, call.access, call.params["name"]), "Space")

    def patch_space(self, call: Call) -> Reply:
        mask = parse_field_mask(call.query.get("update_mask"), MESSAGES["Space"], "update_mask")
        space = self._spaces.update(call.db, call.access, call.params["name"], _body(call), mask)
        return Reply(space, "Space")

    def end_active_conference(self, call: Call) -> Reply:
        # The body is an EndActiveConferenceRequest: checked for unknown fields, then unused.
        parse_message(_body(call), MESSAGES["EndActiveConferenceRequest"])
        self._spaces.end_active_conference(call.db, call.access, call.params["name"])
        return _EMPTY

    # spaces.members

    def create_member(self, call: Call) -> Reply:
        member = self._members.create(call.db, call.access, call.params["parent"], _body(call))
        return Reply(member, "Member")

    def get_member(self, call: Call) -> Reply:
        return Reply(self._members.get(call.db, call.access, call.params["name"]), "Member")

    def list_members(self, call: Call) -> Reply:
        page = self._members.list(
            call.db,
            call.access,
            call.params["parent"],
            call.query.get("page_size"),
            call.query.get("page_token"),
        )
        return Reply(page, "ListMembersResponse")

    def patch_member(self, call: Call) -> Reply:
        mask = parse_field_mask(call.query.get("update_mask"), MESSAGES["Member"], "update_mask")
        member = self._members.update(call.db, call.access, call.params["name"], _body(call), mask)
        return Reply(member, "Member")

    def delete_member(self, call: Call) -> Reply:
        self._members.delete(call.db, call.access, call.params["name"])
        return _EMPTY

    def batch_update_members(self, call: Call) -> Reply:
        result = self._members.batch_update(
            call.db, call.access, call.params["parent"], _body(call)
        )
        return Reply(result, "BatchUpdateMembersResponse")


def _body(call: Call) -> Any:
    """The JSON body; an empty body is the empty message."""
    return {} if call.body is None else call.body
