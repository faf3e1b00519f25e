"""The plugin with a timer on every layer a call crosses: where an operation's time goes.

``python bench/_layers.py OUT_JSON ENGINE_ADDRESS`` runs ``pulumi-resource-meet`` (its real
``main``) with each layer below wrapped in a ``perf_counter`` timer; on SIGUSR1 it writes every
sample so far to ``OUT_JSON`` as ``{gRPC method: {layer: [seconds, ...]}}`` and starts afresh
(the benchmark dumps after each operation's pass, so a Diff of a refresh and a Diff of a patch
stay apart). The benchmark drives it
with the same calls as the plugin it measures, in a run of its own (the timers cost a few
microseconds each, which must not be in the measured figures).

Layers, outermost first (each includes the ones below it):

- ``servicer``: ``MeetServicer.<Method>``, the whole call once the gRPC server hands it to a
  thread of its pool; ``servicer - provider`` is the error guard;
- ``provider``: ``MeetProvider.<method>``: the request's property maps read as plain data, the
  check or diff, the answer built (all on the call's thread);
- ``run``: ``MeetProvider._run``: waiting for one of the provider's operation slots, and the
  operation;
- ``operation``: the operation function (``space_ops.create_space`` ...);
- ``admission``: ``Pacer.admit`` and ``Ticket.done`` (the in-process windows and the ledger);
  ``ledger``: the part of it spent in the SQLite quota ledger (``Ledger.admit``/``finish``);
- ``http``: ``Transport._send`` (requests + urllib3 + the emulator's own time);
- ``decode``: ``Transport._decode`` (the answer's JSON).

With ``BENCH_CPROFILE=path`` every call is also run under cProfile (one profile per thread),
and the merged statistics are written to ``path`` on SIGUSR1.

Run as a file: it imports ``pulumi_meet`` from the environment and nothing of ``bench``.
"""

from __future__ import annotations

import cProfile
import functools
import json
import os
import pstats
import signal
import sys
import threading
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

_SAMPLES: dict[str, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
_CURRENT = threading.local()  # the gRPC method a pool thread is serving
_METHODS = ("Check", "Diff", "Create", "Read", "Update", "Configure")
_PROFILES: list[cProfile.Profile] = []
_LOCAL_PROFILE = threading.local()


def _record(layer: str, started: tuple[float, float], method: str | None = None) -> None:
    """One sample of ``layer``: wall seconds, and CPU seconds of this thread (``layer_cpu``)."""
    name = method or getattr(_CURRENT, "method", None) or "?"
    _SAMPLES[name][layer].append(time.perf_counter() - started[0])
    _SAMPLES[name][f"{layer}_cpu"].append(time.thread_time() - started[1])


def _now() -> tuple[float, float]:
    return time.perf_counter(), time.thread_time()


def _timed_sync(layer: str, function: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(function)
    def timed(*args: Any, **kwargs: Any) -> Any:
        started = _now()
        try:
            return function(*args, **kwargs)
        finally:
            _record(layer, started)

    return timed


def _install() -> None:
    from pulumi_meet.client import transport
    from pulumi_meet.pacing import pacer
    from pulumi_meet.pacing.sqlite_ledger import SqliteLedger
    from pulumi_meet.plugin import provider, server

    def servicer_method(method: str) -> None:
        original = getattr(server.MeetServicer, method)

        def timed(self: Any, request: Any, context: Any) -> Any:
            _CURRENT.method = method
            profile = _thread_profile()
            started = _now()
            try:
                if profile is not None:
                    return profile.runcall(original, self, request, context)
                return original(self, request, context)
            finally:
                _record("servicer", started, method)

        setattr(server.MeetServicer, method, timed)

    def provider_method(method: str) -> None:
        setattr(
            provider.MeetProvider,
            method.lower(),
            _timed_sync("provider", getattr(provider.MeetProvider, method.lower())),
        )

    for method in _METHODS:
        servicer_method(method)
        provider_method(method)

    original_run = provider.MeetProvider._run

    def run(function: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        started = _now()
        try:
            return original_run(_timed_sync("operation", function), *args, **kwargs)
        finally:
            _record("run", started)

    provider.MeetProvider._run = staticmethod(run)  # type: ignore[method-assign]
    pacer.Pacer.admit = _timed_sync("admission", pacer.Pacer.admit)  # type: ignore[method-assign]
    pacer.Ticket.done = _timed_sync("admission", pacer.Ticket.done)  # type: ignore[method-assign]
    SqliteLedger.admit = _timed_sync("ledger", SqliteLedger.admit)  # type: ignore[method-assign]
    SqliteLedger.finish = _timed_sync("ledger", SqliteLedger.finish)  # type: ignore[method-assign]
    transport.Transport._send = _timed_sync("http", transport.Transport._send)  # type: ignore[method-assign]
    transport.Transport._decode = _timed_sync("decode", transport.Transport._decode)  # type: ignore[method-assign]


def _thread_profile() -> cProfile.Profile | None:
    if not os.environ.get("BENCH_CPROFILE"):
        return None
    profile: cProfile.Profile | None = getattr(_LOCAL_PROFILE, "profile", None)
    if profile is None:
        profile = _LOCAL_PROFILE.profile = cProfile.Profile()
        _PROFILES.append(profile)
    return profile


def _dump(out: Path) -> None:
    samples = {method: dict(layers) for method, layers in _SAMPLES.items()}
    _SAMPLES.clear()
    out.with_suffix(".tmp").write_text(json.dumps(samples))
    out.with_suffix(".tmp").replace(out)
    target = os.environ.get("BENCH_CPROFILE")
    if target and _PROFILES:
        for profile in _PROFILES:
            profile.disable()
        stats = pstats.Stats(_PROFILES[0])
        for profile in _PROFILES[1:]:
            stats.add(profile)
        stats.dump_stats(target)


def main(argv: list[str]) -> None:
    out = Path(argv[0])
    _install()
    signal.signal(signal.SIGUSR1, lambda *_: _dump(out))
    from pulumi_meet.plugin.server import main as plugin_main

    plugin_main(argv[1:])


if __name__ == "__main__":
    main(sys.argv[1:])
