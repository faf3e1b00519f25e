"""The usage-report benchmark, small: one page of records per room and no 429 (counts, not
times: the figures of a full run are in bench/results/usage_report.md)."""

from __future__ import annotations

from bench.usage_report import run


def test_one_page_of_records_per_room_and_no_429() -> None:
    result = run(rooms=8, owners=2)
    assert result["exitStatus"] == 0
    assert result["countsCorrect"] is True
    assert result["recordPagesPerRoomMax"] == 1
    assert result["http429"] == 0
    assert result["calls"]["conferenceRecords.list"] == 8
    assert result["calls"]["spaces.get"] == 8
    assert result["calls"]["conferenceRecords.participants.list"] == result["conferences"]
