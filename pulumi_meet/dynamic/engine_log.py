"""Progress into the engine's log from the dynamic provider host.

The Python dynamic host (``python -u -m pulumi.dynamic``, started by the
``pulumi-resource-pulumi-python`` shim with the engine's arguments) ignores the engine's address
and configures the SDK without an engine, so ``pulumi.log`` there prints to stderr; the address is
still in ``sys.argv``, and :func:`install_in_dynamic_host` sends progress to it through the shared
:class:`pulumi_meet.engine_log.EngineLogSink`.
"""

from __future__ import annotations

import sys
import threading

from pulumi_meet.client import progress
from pulumi_meet.engine_log import EngineLogSink, engine_address_from_argv

__all__ = ["in_dynamic_host", "install_in_dynamic_host"]

_DYNAMIC_HOST_MAIN = "pulumi.dynamic.__main__"

_INSTALLED: dict[str, EngineLogSink] = {}  # address → the sink (at most one: the engine's)
_INSTALL_LOCK = threading.Lock()


def in_dynamic_host() -> bool:
    """Whether this process is a dynamic provider host (``python -m pulumi.dynamic``)."""
    spec = getattr(sys.modules.get("__main__"), "__spec__", None)
    return getattr(spec, "name", None) == _DYNAMIC_HOST_MAIN


def install_in_dynamic_host() -> EngineLogSink | None:
    """In a dynamic provider host started by the engine: progress goes to its log (once).

    Anywhere else (a test calling a provider in-process, a program) nothing changes.
    """
    with _INSTALL_LOCK:
        if not _INSTALLED and in_dynamic_host():
            address = engine_address_from_argv(sys.argv)
            if address is not None:
                _INSTALLED[address] = EngineLogSink(address)
                progress.install(_INSTALLED[address])
        return next(iter(_INSTALLED.values()), None)
