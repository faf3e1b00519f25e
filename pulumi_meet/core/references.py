"""References to rooms (``spaces/<id>``, meeting codes, URLs) and the identities the calls act as.

Used by ``adopt``, ``Space.get``, ``getSpace`` and the CLI to find a room, and by both resources
(and the settings) to check an e-mail address before any call.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, Final
from urllib.parse import urlsplit

from pulumi_meet.core.engine import Violation
from pulumi_meet.core.values import describe_value, is_unknown

__all__ = [
    "email_violation",
    "is_meeting_code",
    "is_space_name",
    "recorded_owner",
    "same_email",
    "space_name_from_reference",
]

# -------------------------------------------------------------------- space references

_SPACE_NAME = re.compile(r"spaces/[A-Za-z0-9_-]{1,128}")
_MEETING_CODE = re.compile(r"[a-z]+-[a-z]+-[a-z]+", re.IGNORECASE)
_MEET_HOSTS: Final = frozenset({"meet.google.com"})


def is_space_name(text: str) -> bool:
    """Whether ``text`` has the shape of a canonical ``spaces/<id>`` name."""
    return _SPACE_NAME.fullmatch(text) is not None


def is_meeting_code(text: str) -> bool:
    """Whether ``text`` has the shape of a meeting code (``abc-mnop-xyz``, any case)."""
    return len(text) <= 128 and _MEETING_CODE.fullmatch(text) is not None


def space_name_from_reference(reference: str) -> str | None:
    """Turn ``spaces/<id>``, a meeting code (any case) or a meeting URL into a name for ``get``.

    A meeting code ``abc-mnop-xyz`` becomes the alias ``spaces/abc-mnop-xyz`` (``get`` accepts it
    and answers with the canonical name). A URL may lack its scheme, as pasted from a browser's
    address bar (``meet.google.com/abc-mnop-xyz``). Returns ``None`` when ``reference`` is none
    of these.
    """
    text = reference.strip()
    if is_space_name(text):
        return text
    if is_meeting_code(text):
        return f"spaces/{text.lower()}"
    if "://" not in text:
        text = f"https://{text}"
    try:
        parts = urlsplit(text)
    except ValueError:  # e.g. an unbalanced "[" reads as a broken IPv6 host
        return None
    if parts.scheme in {"http", "https"} and (parts.hostname or "") in _MEET_HOSTS:
        code = parts.path.strip("/")
        if is_meeting_code(code):
            return f"spaces/{code.lower()}"
    return None


# -------------------------------------------------------------------- identities

_EMAIL_LOCAL: Final = re.compile(r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+")
_DOMAIN_LABEL: Final = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?")


def email_violation(name: str, value: object) -> list[Violation]:
    """A violation unless ``value`` is a plausible e-mail address (``local@domain.tld``).

    Deliberately permissive (RFC 5322's dot-atom, no quoted local parts): the point is to catch
    typos such as a missing ``@``, spaces or a bare name before any call; Google has the last word.
    Unknowns and ``None`` pass (whether the value is required is the caller's rule).
    """
    if value is None or is_unknown(value):
        return []
    reason = f"{describe_value(value)} is not an e-mail address (e.g. lead@example.com)"
    if not isinstance(value, str) or len(value) > 254 or value.count("@") != 1:
        return [Violation(name, reason)]
    local, domain = value.split("@")
    labels = domain.split(".")
    if (
        not _EMAIL_LOCAL.fullmatch(local)
        or local.startswith(".")
        or local.endswith(".")
        or ".." in local
        or len(labels) < 2
        or not all(_DOMAIN_LABEL.fullmatch(label) for label in labels)
    ):
        return [Violation(name, reason)]
    return []


def same_email(left: str, right: str) -> bool:
    """Whether two addresses name the same user (Meet compares them case-insensitively)."""
    return left.strip().lower() == right.strip().lower()


def recorded_owner(outputs: Mapping[str, Any]) -> str | None:
    """Who the calls on an existing resource act as: the owner recorded at create or adopt."""
    owner = outputs.get("owner") or outputs.get("declared_owner")
    return str(owner) if owner else None
