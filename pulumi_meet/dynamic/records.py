"""``get_conference_records``: the ``meet:index:getConferenceRecords`` function for programs that
use the dynamic provider (``pulumi_meet.Space``).

The program itself makes the calls (a dynamic provider has no Invoke), with the stack's ``meet:``
configuration (environment as fallback) and the same client as the provider: paced in the read
quota, shared with the provider host through the quota ledger, the same errors. The rows of
:mod:`pulumi_meet.core.record_fields` declare the arguments and the result; a test holds these
classes to them.

Example::

    import pulumi
    import pulumi_meet as meet

    room = meet.Space("standup")
    used = meet.get_conference_records_output(room.name, since="2030-01-01")
    pulumi.export("standups", used.apply(lambda r: len(r.records)))
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pulumi

from pulumi_meet.client.settings import Settings
from pulumi_meet.operations.records import get_conference_records as _get_records

if TYPE_CHECKING:
    from pulumi_meet.client.meet import MeetClient

__all__ = [
    "ConferenceRecordSummary",
    "GetConferenceRecordsResult",
    "get_conference_records",
    "get_conference_records_output",
]


@dataclass(frozen=True)
class ConferenceRecordSummary:
    """One conference held in the room, from its conference record."""

    name: str
    """The record's name, ``conferenceRecords/<id>``."""
    start_time: str
    """When the conference started (RFC 3339, UTC)."""
    participant_count: int
    """How many participants it had (signed-in, anonymous and phone, each counted once)."""
    end_time: str | None = None
    """When it ended; None while it is still running."""
    expire_time: str | None = None
    """When Meet deletes the record (30 days after the end); None while it runs."""


@dataclass(frozen=True)
class GetConferenceRecordsResult:
    """The result of :func:`get_conference_records`."""

    space: str
    """The room's canonical ``spaces/<id>`` name."""
    records: list[ConferenceRecordSummary]
    """The conferences that still have a record, newest first."""


def _program_settings() -> Settings:
    """The ``meet:`` keys of the running stack (environment as fallback), as the provider reads
    them; a structured value (a YAML list of scopes) arrives as JSON text."""
    config = pulumi.Config("meet")

    def lookup(key: str) -> Any:
        text = config.get(key.removeprefix("meet:"))
        if text and text.lstrip().startswith("["):
            try:
                return json.loads(text)
            except ValueError:
                return text
        return text

    return Settings.from_config(lookup)


def get_conference_records(
    space: str, since: str | None = None, owner: str | None = None
) -> GetConferenceRecordsResult:
    """The conferences held in ``space`` that still have a record (30 days after their end).

    :param space: the room: ``spaces/<id>``, a meeting code or a meeting URL.
    :param since: only conferences that started at or after this time: RFC 3339
        (``2030-01-01T09:00:00Z``) or a date (``2030-01-01``, midnight UTC).
    :param owner: whom to ask as: the room's owner (only the owner lists its records).
        Default: the configured identity (``meet:impersonateUser``...).
    :raises MeetError: as the provider does (e.g. ``PermissionDenied`` when the identity does not
        own the room, ``MeetingCodeNotFound`` for a code that names no room now).

    Calls: one ``spaces.get``, ``conferenceRecords.list`` (a page per 100 records), one
    ``participants.list`` per record; paced in the read quota.
    """
    from pulumi_meet.client.meet import get_client

    settings = _program_settings()

    def client_for(acting_as: str | None) -> MeetClient:
        return get_client(settings, acting_as)

    found = _get_records(client_for, space, since, owner)
    return GetConferenceRecordsResult(
        space=str(found["space"]),
        records=[ConferenceRecordSummary(**record) for record in found["records"]],
    )


def get_conference_records_output(
    space: pulumi.Input[str],
    since: pulumi.Input[str] | None = None,
    owner: pulumi.Input[str] | None = None,
) -> pulumi.Output[GetConferenceRecordsResult]:
    """:func:`get_conference_records` with inputs that may be outputs (``room.name``)."""
    return pulumi.Output.all(space, since, owner).apply(
        lambda values: get_conference_records(values[0], values[1], values[2])
    )
