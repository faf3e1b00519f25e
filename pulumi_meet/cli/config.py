"""What the ``pulumi-meet`` commands share: SPACE arguments, and the client built from the flags.

The configuration is the provider's (`Settings.from_config`): the flags play the part of the
`meet:` stack keys, so a flag wins over its environment variable exactly as a stack key does.
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from pulumi_meet.client.settings import Settings
from pulumi_meet.core.space_fields import (
    describe_value,
    email_violation,
    is_meeting_code,
    space_name_from_reference,
)
from pulumi_meet.exceptions import ConfigurationError

if TYPE_CHECKING:
    from pulumi_meet.client.meet import MeetClient

__all__ = [
    "ACCEPTED_FORMS",
    "CLI_RETRY_SECONDS",
    "ClientOptions",
    "SpaceArgument",
    "email_argument",
    "space_argument",
]

ACCEPTED_FORMS = (
    "spaces/<id>, a meeting code (abc-mnop-xyz, any case) or a meeting URL "
    "(https://meet.google.com/abc-mnop-xyz)"
)
"""The SPACE forms, as every usage error and help text names them."""

CLI_RETRY_SECONDS = 30.0
"""Default retry budget of one command: a person is waiting (the provider's default is 120 s)."""


@dataclass(frozen=True)
class SpaceArgument:
    """A SPACE as typed, and the name ``spaces.get`` accepts for it."""

    text: str
    name: str
    """``spaces/<id>`` as typed, or the alias ``spaces/<meeting code>`` (lower case)."""
    is_alias: bool
    """True for a meeting code or URL: only ``spaces.get`` accepts the alias form."""


def space_argument(text: str) -> SpaceArgument:
    """argparse ``type=`` of SPACE; a malformed value is a usage error naming the accepted forms."""
    reference = text.strip()
    name = space_name_from_reference(reference) if reference else None
    if name is None:
        raise argparse.ArgumentTypeError(
            f"{describe_value(text)} is not a space; use {ACCEPTED_FORMS}"
        )
    # `spaces/abc-mnop-xyz` is the alias form typed by hand: resolve it like a bare code (a get
    # first costs one read, and for a real id that happens to look like a code it is harmless).
    looks_like_code = is_meeting_code(name.removeprefix("spaces/"))
    is_alias = not reference.startswith("spaces/") or looks_like_code
    return SpaceArgument(text=text, name=name, is_alias=is_alias)


def email_argument(text: str) -> str:
    """argparse ``type=`` of ``--as``: an e-mail address, lower-cased."""
    value = text.strip()
    for violation in email_violation("--as", value):
        raise argparse.ArgumentTypeError(violation.reason)
    return value.lower()


@dataclass(frozen=True)
class ClientOptions:
    """The connection flags of a command line (``None`` = not given)."""

    emulator_host: str | None = None
    acting_as: str | None = None
    credentials_file: str | None = None
    scopes: str | None = None
    max_retry_seconds: float | None = None

    @classmethod
    def from_namespace(cls, args: argparse.Namespace) -> ClientOptions:
        """Read the flags from parsed arguments (absent attributes count as not given)."""
        return cls(
            emulator_host=getattr(args, "emulator_host", None),
            acting_as=getattr(args, "acting_as", None),
            credentials_file=getattr(args, "credentials", None),
            scopes=getattr(args, "scopes", None),
            max_retry_seconds=getattr(args, "max_retry_seconds", None),
        )

    def settings(self, environ: Mapping[str, str] | None = None) -> Settings:
        """The provider's `Settings`, with the flags as the `meet:` keys they stand for."""
        retry = self.max_retry_seconds if self.max_retry_seconds is not None else CLI_RETRY_SECONDS
        keys: dict[str, str | None] = {
            "meet:emulatorHost": self.emulator_host,
            "meet:impersonateUser": self.acting_as,
            "meet:scopes": self.scopes,
            "meet:credentials": self._credentials_text(),
            "meet:maxRetryDurationSeconds": f"{retry:g}",
        }
        return Settings.from_config(keys.get, os.environ if environ is None else environ)

    def client(self, environ: Mapping[str, str] | None = None) -> MeetClient:
        """The client acting as the provider would (`pulumi_meet.client.identity`): ``--as``,
        else ``MEET_IMPERSONATE_USER``, else the credentials' user, or the emulator's user."""
        # Imported here: google-auth and requests are not needed for --help or a usage error.
        from pulumi_meet.client.meet import get_client

        # --as is already meet:impersonateUser in the settings: no owner, the rule picks it.
        return get_client(self.settings(environ))

    def _credentials_text(self) -> str | None:
        if self.credentials_file is None:
            return None
        try:
            with open(self.credentials_file, encoding="utf-8") as handle:
                return handle.read()
        except (OSError, UnicodeDecodeError) as error:
            reason = getattr(error, "strerror", None) or type(error).__name__
            raise ConfigurationError(
                f"--credentials {self.credentials_file}: cannot read the file ({reason})"
            ) from None
