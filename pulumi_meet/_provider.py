"""The stable import path of the dynamic providers. NEVER rename, move or remove this module.

Every dynamic resource's state holds its provider pickled *by reference* to
``pulumi_meet._provider.SpaceProvider`` (or ``MemberProvider``): states written before the code
moved into :mod:`pulumi_meet.dynamic` must still load, and the classes declare this module as their
``__module__`` so that new states name the same path.
"""

from __future__ import annotations

from pulumi_meet.dynamic.providers import MemberProvider, SpaceProvider

__all__ = ["MemberProvider", "SpaceProvider"]
