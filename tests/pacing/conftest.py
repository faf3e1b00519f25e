"""The pacing tests use the client tests' backoff without waits."""

from __future__ import annotations

from tests.client.conftest import no_jitter

__all__ = ["no_jitter"]
