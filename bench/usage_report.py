"""Benchmark: ``pulumi-meet usage`` over a stack of 200 rooms, against the emulator's default
(Google's) quotas.

Setup: an emulator process; ``--rooms`` rooms split among ``--owners`` owners; room ``i`` gets
``i % 4`` past conferences (two participants each) in the records' window, so no room has more
than a page of records (100); a stack export of the rooms (the plugin's ``meet:index:Space``,
owners recorded). Measured: one run of ``python -m pulumi_meet usage --from export --json`` as a
user runs it: wall time, the Meet API calls by method (the emulator's request log), the most
``conferenceRecords.list`` calls any room needed (the target: 1), the 429 answers (the target:
0), and that every room's count is right.

    python -m bench.usage_report              # 200 rooms, 4 owners
    python -m bench.usage_report --rooms 20   # a smoke run

Writes ``bench/results/usage_report.json`` and ``bench/results/usage_report.md``.
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from bench._env import EmulatorProcess

RESULTS = Path(__file__).parent / "results"
_TIMEOUT = 30


class _Emulator(EmulatorProcess):
    """The benchmark's emulator process (bench._env), able to create a room as any owner."""

    def __init__(self) -> None:
        super().__init__()
        self.start()

    def create_space(self, owner: str) -> dict[str, Any]:
        if owner not in self._tokens:
            self._tokens[owner] = self.control("POST", "token", {"email": owner})["access_token"]
        response = self._session.post(
            f"{self.base_url}/v2/spaces",
            json={},
            headers={"Authorization": f"Bearer {self._tokens[owner]}"},
            timeout=_TIMEOUT,
        )
        response.raise_for_status()
        answer: dict[str, Any] = response.json()
        return answer


def _rfc3339(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _setup(
    emulator: _Emulator, rooms: int, owners: int
) -> tuple[list[dict[str, Any]], dict[str, int]]:
    """The rooms (with their owner) and each room's number of conferences."""
    now = datetime.now(timezone.utc).replace(microsecond=0)
    made, expected = [], {}
    for index in range(rooms):
        owner = f"owner{index % owners}@example.com"
        space = emulator.create_space(owner)
        count = index % 4
        for day in reversed(range(count)):  # oldest first: conferences follow each other
            start = now - timedelta(days=day + 1, hours=1)
            emulator.control(
                "POST",
                f"{space['name']}:startConference",
                {
                    "startTime": _rfc3339(start),
                    "endTime": _rfc3339(start + timedelta(minutes=30)),
                    "participants": [owner, f"guest{day}@example.com"],
                },
            )
        made.append({**space, "owner": owner})
        expected[space["name"]] = count
    return made, expected


def _export(rooms: list[dict[str, Any]], path: Path) -> None:
    resources = [
        {
            "urn": f"urn:pulumi:bench::rooms::meet:index:Space::room-{index}",
            "custom": True,
            "id": room["name"],
            "type": "meet:index:Space",
            "outputs": {
                "name": room["name"],
                "meetingCode": room["meetingCode"],
                "owner": room["owner"],
            },
        }
        for index, room in enumerate(rooms)
    ]
    path.write_text(json.dumps({"version": 3, "deployment": {"resources": resources}}))


def run(rooms: int, owners: int) -> dict[str, Any]:
    """Set up, run the report once, and measure it."""
    emulator = _Emulator()
    try:
        unlimited = dict.fromkeys(("create", "write", "read"), 1_000_000)
        emulator.control("PUT", "quotas", {"perUser": unlimited, "perProject": unlimited})
        made, expected = _setup(emulator, rooms, owners)  # setting up is not measured
        emulator.control("PUT", "quotas", {})  # Google's default quotas, a fresh window
        emulator.control("DELETE", "requests")
        with tempfile.TemporaryDirectory() as scratch:
            export = Path(scratch) / "stack.json"
            _export(made, export)
            env = {
                **os.environ,
                "MEET_EMULATOR_HOST": emulator.host_port,
                "MEET_QUOTA_LEDGER": str(Path(scratch) / "ledger.db"),
            }
            started = time.monotonic()
            done = subprocess.run(
                [sys.executable, "-m", "pulumi_meet", "usage", "--from", str(export), "--json"],
                env=env,
                capture_output=True,
                text=True,
                check=False,
            )
            seconds = time.monotonic() - started
        log = emulator.control("GET", "requests")["requests"]
    finally:
        emulator.stop()
    report = json.loads(done.stdout) if done.stdout else []
    counted = {row["space"]: row["conferences"] for row in report}
    lists = collections.Counter(
        entry["query"].get("filter", "")
        for entry in log
        if entry["apiMethod"] == "conferenceRecords.list"
    )
    return {
        "rooms": rooms,
        "owners": owners,
        "conferences": sum(expected.values()),
        "exitStatus": done.returncode,
        "seconds": round(seconds, 2),
        "calls": dict(collections.Counter(entry["apiMethod"] for entry in log)),
        "totalCalls": len(log),
        "recordPagesPerRoomMax": max(lists.values(), default=0),
        "recordPagesPerRoomMean": round(sum(lists.values()) / max(1, len(lists)), 3),
        "http429": sum(1 for entry in log if entry["status"] == 429),
        "countsCorrect": counted == expected,
        "machine": (
            f"{platform.system()} {platform.machine()}, Python {platform.python_version()}, "
            f"{os.cpu_count()} CPUs"
        ),
        "date": datetime.now(timezone.utc).strftime("%Y-%m-%d"),
    }


def _markdown(result: dict[str, Any]) -> str:
    calls = "\n".join(
        f"| `{method}` | {count} |" for method, count in sorted(result["calls"].items())
    )
    return f"""# `pulumi-meet usage` over {result["rooms"]} rooms

{result["rooms"]} rooms of {result["owners"]} owners, {result["conferences"]} conferences (0-3 a
room, so no room has more than a page of records), the emulator's default quotas (Google's: 600
reads a minute per user, 6000 per project). One run of
`pulumi-meet usage --from stack.json --json`; {result["machine"]}; {result["date"]}.

| figure | value |
|---|---|
| wall time | {result["seconds"]} s |
| Meet API calls | {result["totalCalls"]} |
| `conferenceRecords.list` calls per room, max (target: 1) | {result["recordPagesPerRoomMax"]} |
| `conferenceRecords.list` calls per room, mean | {result["recordPagesPerRoomMean"]} |
| 429 answers (target: 0) | {result["http429"]} |
| every room's conference count right | {result["countsCorrect"]} |
| exit status | {result["exitStatus"]} |

| method | calls |
|---|---|
{calls}

Per room: one `spaces.get` (the code now, and that the owner reads it), one page of records, one
`participants.list` per conference.
"""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.usage_report", description=__doc__)
    parser.add_argument("--rooms", type=int, default=200)
    parser.add_argument("--owners", type=int, default=4)
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    result = run(args.rooms, args.owners)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "usage_report.json").write_text(json.dumps(result, indent=2) + "\n")
    (args.out / "usage_report.md").write_text(_markdown(result))
    print(_markdown(result))
    ok = result["recordPagesPerRoomMax"] <= 1 and result["http429"] == 0 and result["countsCorrect"]
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
