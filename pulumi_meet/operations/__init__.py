"""Engine-independent resource operations shared by every front-end.

The dynamic providers (:mod:`pulumi_meet.dynamic.providers`) and the provider plugin
(:mod:`pulumi_meet.plugin`) are thin adapters over these functions: each takes and returns plain
dicts keyed by the field tables' snake_case names, reaches the API only through the client
factory it is given, and knows nothing about Pulumi's wire formats.

- :mod:`~pulumi_meet.operations.space`: check, diff, create/adopt, update, read, delete (per
  deletion policy) and lookup of a Space.
- :mod:`~pulumi_meet.operations.member`: the same for a SpaceMember.
- :mod:`~pulumi_meet.operations.errors`: the one rule that re-words a 403/404 into advice.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, TypeAlias

if TYPE_CHECKING:
    from pulumi_meet.client.meet import MeetClient

__all__ = ["ClientFor"]

ClientFor: TypeAlias = "Callable[[str | None], MeetClient]"
"""The client factory of a front-end: ``client_for(acting_as)`` (``None``: the configured user)."""
