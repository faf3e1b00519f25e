"""How many inputs each fuzz test tried (``docs/reliability.md`` reports them).

Each fuzz test counts its examples here; ``PULUMI_MEET_FUZZ_REPORT=FILE`` appends the counts to
``FILE`` at the end of the session (see ``tests/security/conftest.py``).
"""

from __future__ import annotations

from collections import Counter

__all__ = ["COUNTS", "count"]

COUNTS: Counter[str] = Counter()


def count(surface: str) -> None:
    """One more input tried on ``surface``."""
    COUNTS[surface] += 1
