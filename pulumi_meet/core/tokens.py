"""The package's type tokens: the names the engine, every SDK and the state use for each type.

Declared once here; the plugin's schema, the operations registry
(:mod:`pulumi_meet.operations.registry`) and the command line's generated programs take them
from this module.
"""

from __future__ import annotations

from typing import Final

__all__ = ["GET_CONFERENCE_RECORDS", "GET_SPACE", "PACKAGE", "PROVIDER", "SPACE", "SPACE_MEMBER"]

PACKAGE: Final = "meet"
"""The package name: the ``meet:`` of config keys and of every token."""
SPACE: Final = f"{PACKAGE}:index:Space"
"""A meeting space (``meet.Space``)."""
SPACE_MEMBER: Final = f"{PACKAGE}:index:SpaceMember"
"""A member of a space (``meet.SpaceMember``)."""
GET_SPACE: Final = f"{PACKAGE}:index:getSpace"
"""The function that reads one space (``meet.getSpace``)."""
GET_CONFERENCE_RECORDS: Final = f"{PACKAGE}:index:getConferenceRecords"
"""The function that lists a room's conference records (``meet.getConferenceRecords``)."""
PROVIDER: Final = f"pulumi:providers:{PACKAGE}"
"""The type of a ``meet`` provider resource (default or explicit)."""
