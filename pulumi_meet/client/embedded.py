"""The embedded emulator (`meet:emulatorHost: embedded`): one per process, started on first use.

Its state lives in ``.pulumi-meet/emulator.db`` under the current directory (the Pulumi project
directory when the provider runs), so rooms survive from one ``pulumi up`` to the next. It
listens on a free loopback port and is stopped when the process exits.
"""

from __future__ import annotations

import atexit
import logging
import threading
from pathlib import Path
from typing import Any

__all__ = ["embedded_base_url", "stop_embedded", "use_database"]

_LOGGER = logging.getLogger("pulumi_meet")
_LOCK = threading.Lock()
# The running pulumi_meet.emulator.Emulator under "emulator"; imported lazily because most
# processes never need it.
_STATE: dict[str, Any] = {}


def use_database(db: str | Path | None) -> None:
    """Keep the embedded emulator's state in `db` (``":memory:"``: nowhere) instead of
    ``.pulumi-meet/emulator.db``; None restores that default. Applies to the next start."""
    with _LOCK:
        _STATE["db"] = db


def embedded_base_url() -> str:
    """Start the process's embedded emulator if needed and return its base URL."""
    with _LOCK:
        emulator = _STATE.get("emulator")
        if emulator is None:
            from pulumi_meet.emulator import DEFAULT_DB, start_emulator

            db = _STATE.get("db") or Path.cwd() / DEFAULT_DB
            emulator = start_emulator(db=db)  # a free port on 127.0.0.1
            if not _STATE.get("atexit"):
                atexit.register(stop_embedded)
                _STATE["atexit"] = True
            _STATE["emulator"] = emulator
            _LOGGER.info("embedded Meet emulator at %s (state in %s)", emulator.base_url, db)
        return str(emulator.base_url)


def stop_embedded() -> None:
    """Stop the embedded emulator if it runs (idempotent; also registered with atexit)."""
    with _LOCK:
        emulator = _STATE.pop("emulator", None)
    if emulator is not None:
        emulator.stop()
