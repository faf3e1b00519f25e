"""Helpers for the conference-record tests: a clock set to a known day, spaces, conferences.

Times are minutes after ``BASE`` (2030-01-01T09:00:00Z); the ``day`` fixture (conftest.py) sets
the emulator clock to ``NOW``, the next day, so every conference of a test is in the past and far
from expiring.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any

import requests

if TYPE_CHECKING:
    from tests.control import Control, MeetHttp

Meet = Callable[..., "MeetHttp"]

OWNER = "owner@example.com"
READERS = ["meetings.space.created", "meetings.space.readonly"]
BASE = datetime(2030, 1, 1, 9, 0, tzinfo=timezone.utc)
NOW = "2030-01-02T00:00:00Z"
ALL_ARTIFACTS = {
    "artifactConfig": {
        "recordingConfig": {"autoRecordingGeneration": "ON"},
        "transcriptionConfig": {"autoTranscriptionGeneration": "ON"},
        "smartNotesConfig": {"autoSmartNotesGeneration": "ON"},
    }
}


def at(minutes: float) -> str:
    """``BASE`` + ``minutes`` as RFC 3339, in the emulator's own format."""
    moment = BASE + timedelta(minutes=minutes)
    text = moment.strftime("%Y-%m-%dT%H:%M:%S")
    return text + (f".{moment.microsecond // 1000:03d}Z" if moment.microsecond else "Z")


def new_space(meet: Meet, owner: str = OWNER, config: dict[str, Any] | None = None) -> str:
    """A space created by ``owner``; its name."""
    response = meet(owner).post("spaces", json={"config": config or {}})
    assert response.status_code == 200, response.text
    return str(response.json()["name"])


def conference(control: Control, space: str, **body: Any) -> dict[str, Any]:
    """``startConference`` with ``body``; its answer (conferenceRecord, participants)."""
    return dict(control.post(f"{space}:startConference", body))


def past_conference(
    control: Control, space: str, start: float, end: float, people: list[Any] | None = None
) -> str:
    """A conference from ``at(start)`` to ``at(end)`` with ``people`` joined throughout."""
    answer = conference(
        control, space, startTime=at(start), endTime=at(end), participants=people or [OWNER]
    )
    return str(answer["conferenceRecord"])


def control_error(control: Control, verb: str, path: str, body: Any) -> dict[str, Any]:
    """The error envelope of a control call expected to fail with a 4xx."""
    response = requests.request(
        verb, f"{control.base_url}/emulator/v1/{path}", json=body, timeout=10
    )
    assert 400 <= response.status_code < 500, response.text
    error: dict[str, Any] = response.json()["error"]
    return error


def api_error(response: requests.Response, status: int, canonical: str) -> dict[str, Any]:
    """The error envelope of a Meet API answer, checked for its HTTP and canonical status."""
    assert response.status_code == status, response.text
    error: dict[str, Any] = response.json()["error"]
    assert error["code"] == status and error["status"] == canonical
    return error
