"""Who takes part in a conference, as the ``Participant`` resource shows them [rule].

- A signed-in user is ``users/{id}``, the id a stable 21-digit number derived from the e-mail
  (Google uses the Admin SDK / People API id, which the emulator does not have), with a display
  name given by the control API or made from the e-mail (``ada.lovelace@x`` → ``Ada Lovelace``).
- An anonymous user is the display name typed when joining.
- A phone user is the number, partly redacted: the country digits after ``+`` (the first two)
  and the last three stay (``+14155550123`` → ``+14******123``).
"""

from __future__ import annotations

import hashlib
import re

__all__ = ["display_name_of", "redact_phone", "user_id"]

_WORD_SEPARATORS = re.compile(r"[._+-]+")


def user_id(email: str) -> str:
    """``users/{id}`` for an e-mail: the same address always gives the same id."""
    digest = int(hashlib.sha256(email.lower().encode()).hexdigest(), 16)
    return f"users/1{digest % 10**20:020d}"


def display_name_of(email: str) -> str:
    """A display name made from the e-mail's local part."""
    local = email.split("@", 1)[0]
    words = [word for word in _WORD_SEPARATORS.split(local) if word]
    return " ".join(word[:1].upper() + word[1:] for word in words) or email


def redact_phone(number: str) -> str:
    """The partly redacted form Meet shows for a dial-in participant."""
    digits = number.removeprefix("+")
    hidden = max(len(digits) - 5, 0)
    return "+" + digits[:2] + "*" * hidden + digits[2 + hidden :]
