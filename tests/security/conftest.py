"""Fixtures for the security tests: those of the reliability tests (emulator, control, hosts)."""

from __future__ import annotations

from tests.reliability.conftest import control, emulator, fast_retries, start_host

__all__ = ["control", "emulator", "fast_retries", "start_host"]
