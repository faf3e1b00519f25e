"""A pulumi-meet process for the Redis ledger tests: ``python -m tests.pacing.redis_worker MODE …``.

``hammer URL SECONDS THREADS CAPACITY WINDOW`` admits calls on one user's bucket from THREADS
threads for SECONDS, each answered at once, printing Redis's time (ms) of every admission.
``hold URL HOST OWNER WINDOW PER_WINDOW`` fills OWNER's create bucket (the keys a client of the
emulator at HOST uses) with calls in flight, prints ``holding``, and waits to be killed.
"""

from __future__ import annotations

import sys
import threading
import time

from pulumi_meet.pacing.ledger import LedgerKey, LedgerRefusal, Ledgers
from pulumi_meet.pacing.pacer import QuotaCall
from pulumi_meet.pacing.quota import CREATE, EMULATOR_PROJECT
from pulumi_meet.pacing.redis_ledger import RedisLedger


def _ledger(url: str) -> RedisLedger:
    ledger = Ledgers().open(url, lambda text: print(f"warning: {text}", file=sys.stderr))
    assert isinstance(ledger, RedisLedger)
    return ledger


def hammer(url: str, seconds: str, threads: str, capacity: str, window: str) -> None:
    ledger = _ledger(url)
    keys = (
        LedgerKey("bench user contended@example.com create", int(capacity), float(window), "t"),
        LedgerKey("bench project t create", 10**6, float(window), "t"),
    )
    stamps: list[int] = []
    lock = threading.Lock()
    deadline = time.monotonic() + float(seconds)

    def run() -> None:
        while time.monotonic() < deadline:
            answer = ledger.admit(keys)
            if isinstance(answer, LedgerRefusal):
                time.sleep(min(answer.wait_seconds, 0.02))
                continue
            ledger.finish(answer)
            with lock:
                stamps.append(answer.admitted_ms)  # type: ignore[attr-defined]

    workers = [threading.Thread(target=run) for _ in range(int(threads))]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    print("\n".join(map(str, stamps)), flush=True)


def hold(url: str, host: str, owner: str, window: str, per_window: str) -> None:
    per_minute = float(per_window) * 60 / float(window)
    call = QuotaCall(
        f"http://{host}", owner, EMULATOR_PROJECT, CREATE, per_minute, per_minute, float(window)
    )
    ledger = _ledger(url)
    for _ in range(int(per_window)):
        assert not isinstance(ledger.admit(call.ledger_keys()), LedgerRefusal)
    print("holding", flush=True)
    time.sleep(600)


if __name__ == "__main__":
    mode, *arguments = sys.argv[1:]
    {"hammer": hammer, "hold": hold}[mode](*arguments)
