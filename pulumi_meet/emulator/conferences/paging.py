"""Pages of the seven ``list`` methods: sizes, order keys and opaque page tokens.

Each list has a default and a maximum page size [doc]; a larger size is coerced to the maximum
[doc], 0 means the default and a negative size is 400 [rule]. A page token names the method,
the parent, the filter and the order key of the last item served; it never expires, and is 400
when damaged or used with another method, parent or filter [rule]. Pages are taken by key, not
by offset, so records added between two calls neither repeat nor hide items.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from pulumi_meet.emulator.exceptions import InvalidArgument

__all__ = ["PAGE_SIZES", "PageSize", "Paged", "page_of"]

Item = TypeVar("Item")
Key = tuple[int, ...]


@dataclass(frozen=True)
class PageSize:
    """A list method's page size when none is given, and the most it serves."""

    default: int
    maximum: int


PAGE_SIZES: dict[str, PageSize] = {
    "conferenceRecords": PageSize(25, 100),
    "participants": PageSize(100, 250),
    "participantSessions": PageSize(100, 250),
    "recordings": PageSize(10, 100),
    "transcripts": PageSize(10, 100),
    "entries": PageSize(10, 100),
    "smartNotes": PageSize(10, 100),
}


@dataclass(frozen=True)
class Paged:
    """Where a list request stands: its identity (for the token) and the asked size."""

    method: str
    parent: str
    filter: str
    page_size: int | None
    page_token: str | None


def page_of(
    items: Sequence[Item], key: Callable[[Item], Key], request: Paged
) -> tuple[list[Item], str | None]:
    """The page of ``items`` (already filtered) that ``request`` asks for, and the next token."""
    sizes = PAGE_SIZES[request.method]
    if request.page_size is not None and request.page_size < 0:
        raise InvalidArgument.for_field("page_size", "page_size must not be negative.")
    size = min(request.page_size or sizes.default, sizes.maximum)
    ordered = sorted(items, key=key)
    if request.page_token:
        after = _decode(request.page_token, request)
        ordered = [item for item in ordered if key(item) > after]
    page = ordered[:size]
    token = _encode(request, key(page[-1])) if len(ordered) > size else None
    return page, token


def _identity(request: Paged) -> dict[str, Any]:
    return {"m": request.method, "p": request.parent, "f": request.filter}


def _encode(request: Paged, after: Key) -> str:
    raw = json.dumps({**_identity(request), "k": list(after)}, separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def _decode(token: str, request: Paged) -> Key:
    try:
        decoded = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
    except (binascii.Error, ValueError):
        decoded = None
    valid = (
        isinstance(decoded, dict)
        and all(decoded.get(name) == value for name, value in _identity(request).items())
        and isinstance(decoded.get("k"), list)
        and all(isinstance(part, int) and not isinstance(part, bool) for part in decoded["k"])
    )
    if not valid:
        # Google's wording for a bad page token is not documented. [rule]
        raise InvalidArgument.for_field(
            "page_token",
            "Invalid page token: it must come from the previous page of the same list, "
            "with the same filter.",
        )
    assert isinstance(decoded, dict)
    return tuple(decoded["k"])
