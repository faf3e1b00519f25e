"""A pulumi-meet process for the ledger tests: ``python -m tests.pacing.ledger_worker MODE …``.

``create HOST OWNER COUNT WINDOW PER_WINDOW`` creates COUNT rooms as OWNER against the emulator
at HOST, paced at PER_WINDOW creates per WINDOW seconds (ledger: ``MEET_QUOTA_LEDGER``), printing
one line per room. ``hold HOST OWNER WINDOW PER_WINDOW`` fills OWNER's create bucket in the
ledger with calls in flight, then holds the ledger's write lock until it is killed.

``stamp LEDGER THEN`` admits one call into the ledger file LEDGER under the key ``k`` (capacity 1,
window 0.5 s), finishes it (its answer at an injected time, printed with the pid as
``<pid> <answered>``), then: ``wait`` reads stdin to its end and exits; ``exit`` exits at once
(its stamp written by nothing but the exit: the ledger flushes only after 60 s); ``kill`` SIGKILLs
itself, its stamp still pending.

``admit LEDGER KEY CAPACITY COUNT`` admits COUNT calls in flight under KEY (window 60 s), prints
``admitted``, then reads stdin to its end (the rows stay in flight under a live pid).
``alternate LEDGER KEY CAPACITY`` admits and finishes one call under KEY (window 60 s) per line
read from stdin, printing ``ok`` after each (the parent admits in between).
"""

from __future__ import annotations

import os
import signal
import sys
import time
from collections.abc import Callable

from pulumi_meet.client.meet import get_client
from pulumi_meet.client.settings import Settings
from pulumi_meet.pacing.ledger import LedgerKey
from pulumi_meet.pacing.pacer import QuotaCall
from pulumi_meet.pacing.quota import CREATE, EMULATOR_PROJECT
from pulumi_meet.pacing.sqlite_ledger import SqliteLedger


def _settings(host: str, window: str, per_window: str) -> Settings:
    per_minute = str(float(per_window) * 60 / float(window))
    config = {
        "meet:emulatorHost": host,
        "meet:quotaWindowSeconds": window,
        "meet:createsPerMinute": per_minute,
        "meet:projectCreatesPerMinute": per_minute,
    }
    return Settings.from_config(config.get, os.environ)


def create(host: str, owner: str, count: str, window: str, per_window: str) -> None:
    client = get_client(_settings(host, window, per_window), owner)
    for _ in range(int(count)):
        print(client.create_space({})["name"], time.time(), flush=True)


def hold(host: str, owner: str, window: str, per_window: str) -> None:
    settings = _settings(host, window, per_window)
    call = QuotaCall(
        f"http://{host}", owner, EMULATOR_PROJECT, CREATE,
        CREATE.per_user(settings), CREATE.per_project(settings), float(window),
    )  # fmt: skip
    ledger = SqliteLedger(os.environ["MEET_QUOTA_LEDGER"])
    for _ in range(int(per_window)):
        assert isinstance(ledger.admit(call.ledger_keys()), list)  # in flight, never finished
    ledger._db.execute("BEGIN IMMEDIATE")  # and the write lock, until SIGKILL
    print("holding", flush=True)
    time.sleep(600)


_KEPT: list[SqliteLedger] = []


def stamp(path: str, then: str) -> None:
    now = [time.time()]
    flush_after = 0.5 if then == "wait" else 60.0  # wait: the flusher's bound is under test
    ledger = SqliteLedger(path, clock=lambda: now[0], flush_after_seconds=flush_after)
    _KEPT.append(ledger)  # open until the interpreter exits, as a provider's ledgers are
    slot = ledger.admit([LedgerKey("k", 1, 0.5)])
    assert isinstance(slot, list)
    now[0] += 0.25
    ledger.finish(slot)
    print(os.getpid(), repr(now[0]), flush=True)
    now[0] += 100.0  # a stamp taken at the flush would show this
    if then == "wait":
        sys.stdin.read()
    elif then == "kill":
        os.kill(os.getpid(), signal.SIGKILL)


def admit(path: str, key: str, capacity: str, count: str) -> None:
    ledger = SqliteLedger(path)
    _KEPT.append(ledger)
    for _ in range(int(count)):
        assert isinstance(ledger.admit([LedgerKey(key, int(capacity), 60.0)]), list)
    print("admitted", flush=True)
    sys.stdin.read()


def alternate(path: str, key: str, capacity: str) -> None:
    ledger = SqliteLedger(path)
    _KEPT.append(ledger)
    for _ in sys.stdin:
        slot = ledger.admit([LedgerKey(key, int(capacity), 60.0)])
        assert isinstance(slot, list)
        ledger.finish(slot)
        print("ok", flush=True)


if __name__ == "__main__":
    mode, *arguments = sys.argv[1:]
    modes: dict[str, Callable[..., None]] = {
        "create": create, "hold": hold, "stamp": stamp, "admit": admit, "alternate": alternate,
    }  # fmt: skip
    modes[mode](*arguments)
