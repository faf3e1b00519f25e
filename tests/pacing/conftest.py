"""The pacing tests use the client tests' in-process emulator and its control API."""

from __future__ import annotations

from tests.client.conftest import control, emulator, no_jitter

__all__ = ["control", "emulator", "no_jitter"]
