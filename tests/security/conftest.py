"""Fixtures for the security tests: the reliability tests' (provider hosts, fast retries)."""

from __future__ import annotations

from tests.reliability.conftest import fast_retries, start_host

__all__ = ["fast_retries", "start_host"]
