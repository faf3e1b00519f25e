"""Who the Meet calls act as: one rule for the providers, the command line and the plugin.

The order is the same against an emulator and against Google, so a rehearsal acts as the user a
production deploy acts as:

1. the resource's ``owner`` (``owner=`` as declared, or the owner recorded when the room was
   created or adopted);
2. ``meet:impersonateUser``, else ``MEET_IMPERSONATE_USER`` (the command line's ``--as`` stands
   for the stack key, so it comes first there);
3. only when an emulator mints the tokens (an emulator host and no ``meet:credentials``):
   ``meet:user``, else ``developer@example.com``.

When none applies, the credentials decide (see ``auth.CredentialCache.authorization_for``): a
user login acts as itself, a service account has nobody to act for and is refused. A user login
named to act for someone else by 1 or 2 is refused as well: rooms must not silently get another
owner.

Nothing here touches the network.
"""

from __future__ import annotations

from dataclasses import dataclass

from pulumi_meet.client.settings import DEFAULT_USER, Settings

__all__ = [
    "IMPERSONATE_SOURCE",
    "OWNER_SOURCE",
    "ActingUser",
    "acting_user",
    "emulator_mints_tokens",
]

OWNER_SOURCE = "owner"
IMPERSONATE_SOURCE = "meet:impersonateUser / MEET_IMPERSONATE_USER"
_USER_SOURCE = "meet:user"
_DEFAULT_SOURCE = f"the emulator's default user ({DEFAULT_USER})"


@dataclass(frozen=True)
class ActingUser:
    """The user the calls act as, and which setting named them (for error messages)."""

    email: str
    """Lower-case e-mail."""
    source: str
    """``owner``, ``meet:impersonateUser / MEET_IMPERSONATE_USER``, ``meet:user`` or the
    emulator's default user."""

    def describe(self) -> str:
        """``owner@example.com (meet:impersonateUser / MEET_IMPERSONATE_USER)``, for messages."""
        if self.source == OWNER_SOURCE:
            return (
                f"owner {self.email} (declared with owner=, or recorded when the room was "
                "created or adopted)"
            )
        if self.source == IMPERSONATE_SOURCE:
            return f"{self.email} (named by {IMPERSONATE_SOURCE}; --as on the command line)"
        return f"{self.email} ({self.source})"


def emulator_mints_tokens(settings: Settings) -> bool:
    """True when the emulator's control API issues the tokens: an emulator, no credentials.

    ``GOOGLE_APPLICATION_CREDENTIALS`` and Application Default Credentials do not count, so a real
    key on the machine is never sent to an emulator.
    """
    return settings.emulator_host is not None and settings.credentials_id is None


def acting_user(settings: Settings, owner: str | None = None) -> ActingUser | None:
    """The user the calls act as for a resource owned by ``owner`` (see the module docstring).

    None only when credentials are configured and no user is named: then the credentials' own
    user (a login) is the identity, and a service account is refused.
    """
    if owner:
        return ActingUser(owner.lower(), OWNER_SOURCE)
    if settings.impersonate_user:
        return ActingUser(settings.impersonate_user.lower(), IMPERSONATE_SOURCE)
    if emulator_mints_tokens(settings):
        source = _USER_SOURCE if settings.user != DEFAULT_USER else _DEFAULT_SOURCE
        return ActingUser(settings.user.lower(), source)
    return None
