"""The one rule for re-wording an API refusal into advice the user can act on.

Meet answers "no such space" and "you may not see it" alike (403, sometimes 404). The operations
turn such an error into a message that names the resource, the identity and the way out. Two
403s are already precise and pass through unchanged: the API is disabled in the Cloud project
(:class:`~pulumi_meet.exceptions.ServiceDisabled`) and the token lacks a scope
(:class:`~pulumi_meet.exceptions.ScopeInsufficient`); their messages say which switch to flip. So
does the 404 of a meeting code that names no room
(:class:`~pulumi_meet.exceptions.MeetingCodeNotFound`): it says to use the ``spaces/<id>`` name.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

from pulumi_meet.exceptions import (
    ApiError,
    MeetError,
    MeetingCodeNotFound,
    PermissionDenied,
    ScopeInsufficient,
    ServiceDisabled,
)

__all__ = ["reworded", "reworded_refusal"]

_E = TypeVar("_E", bound=ApiError)


def reworded(cls: type[_E], message: str, error: ApiError, resource: str) -> _E:
    """An error of ``cls`` with a new ``message`` and the rest of ``error``'s envelope."""
    return cls(
        message,
        method=error.method,
        resource=resource,
        reason=error.reason,
        metadata=error.metadata,
        server_message=error.server_message,
    )


@contextmanager
def reworded_refusal(
    reword: Callable[[ApiError], MeetError], *also: type[ApiError]
) -> Iterator[None]:
    """Raise ``reword(error)`` for a 403 (and for the ``also`` classes) raised in the block.

    ``ServiceDisabled``, ``ScopeInsufficient`` and ``MeetingCodeNotFound`` (a code that names no
    room: expired or reused) propagate as they are.
    """
    caught: tuple[type[ApiError], ...] = (PermissionDenied, *also)
    try:
        yield
    except (ServiceDisabled, ScopeInsufficient, MeetingCodeNotFound):
        raise
    except caught as error:
        raise reword(error) from error
