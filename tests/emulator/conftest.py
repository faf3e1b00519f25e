"""Fixtures of the emulator's tests beyond the shared ones of tests/conftest.py (``emulator``,
``control``, ``meet``).

- ``day``: the emulator clock set (running) to 2030-01-02T00:00:00Z
  (``tests.emulator.records_support.NOW``), for tests of conference records.
"""

from __future__ import annotations

import pytest

from tests.control import Control
from tests.emulator.records_support import NOW


@pytest.fixture
def day(control: Control) -> str:
    """The emulator clock set, running, to a known day (see ``records_support``)."""
    control.put("clock", {"now": NOW})
    return NOW
