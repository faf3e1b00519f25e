"""What the ``pulumi-meet`` commands share: SPACE arguments, and the client built from the flags.

The configuration is the provider's (`Settings.from_config`): the flags play the part of the
`meet:` stack keys, so a flag wins over its environment variable exactly as a stack key does.
"""

from __future__ import annotations

import argparse
import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from pulumi_meet.client.config_keys import CONFIG_KEYS, ConfigKey, Flag
from pulumi_meet.client.settings import (
    EMBEDDED,
    Settings,
    expand_scopes,
    normalise_emulator_host,
)
from pulumi_meet.core.space_fields import (
    describe_value,
    email_violation,
    is_meeting_code,
    space_name_from_reference,
)
from pulumi_meet.exceptions import ConfigurationError, unreadable_file
from pulumi_meet.pacing.ledger import LEDGER_SETTING, ledger_setting

if TYPE_CHECKING:
    from pulumi_meet.client.meet import MeetClient

__all__ = [
    "ACCEPTED_FORMS",
    "CONNECTION_FLAGS",
    "FLAG_OF_KEY",
    "ClientOptions",
    "SpaceArgument",
    "cli_wording",
    "email_argument",
    "emulator_host_argument",
    "quota_ledger_argument",
    "scopes_argument",
    "space_argument",
]

ACCEPTED_FORMS = (
    "spaces/<id>, a meeting code (abc-mnop-xyz, any case) or a meeting URL "
    "(https://meet.google.com/abc-mnop-xyz)"
)
"""The SPACE forms, as every usage error and help text names them."""

CONNECTION_FLAGS: tuple[tuple[ConfigKey, Flag], ...] = tuple(
    (key, key.flag) for key in CONFIG_KEYS if key.flag is not None
)
"""The keys the command line has a flag for, and their flags (from the config table)."""

FLAG_OF_KEY = {key.qualified: flag.name for key, flag in CONNECTION_FLAGS}
"""The `meet:` stack key each connection flag stands for (and the flag its messages name)."""

_KEY_MENTION = re.compile(r"(" + "|".join(map(re.escape, FLAG_OF_KEY)) + r")\b")

# The provider's advice that names a way of the provider (a stack setting to type, a resource
# input), in the command line's words; then every remaining key becomes its flag.
_PROVIDER_PHRASES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), replacement)
    for pattern, replacement in (
        (
            r"set it to the contents of (a service-account key or authorized_user JSON file)",
            r"pass \1",
        ),
        (r"`pulumi config set --secret meet:credentials < ([\w.]+)`", r"`--credentials \1`"),
        (
            r"set meet:credentials \(a secret\), or GOOGLE_APPLICATION_CREDENTIALS",
            "pass --credentials FILE, or set GOOGLE_APPLICATION_CREDENTIALS",
        ),
        (r"`pulumi config set meet:impersonateUser ([^`]+)`", r"`--as \1`"),
        (
            r"[Ss]et meet:impersonateUser \(or MEET_IMPERSONATE_USER\) to",
            "pass --as (or set MEET_IMPERSONATE_USER) to",
        ),
        (r",? or set owner= on the resource", ""),
        (r"[Ss]et `owner` \(or meet:impersonateUser\) to", "pass --as"),
        (r"set `owner` to", "pass --as"),
        (
            r"owner (\S+) \(declared with owner=, or recorded when the room was created or "
            r"adopted\)",
            r"owner \1 (the room's owner)",
        ),
        (
            r"\(named by meet:impersonateUser / MEET_IMPERSONATE_USER; --as on the command line\)",
            "(named by --as / MEET_IMPERSONATE_USER)",
        ),
        (r"; the provider then acts as that user", "; the command then acts as that user"),
    )
)


def _as_typed(replacement: str) -> Callable[[re.Match[str]], str]:
    """A replacement that keeps the capital of the phrase it replaces (a sentence's start)."""

    def replace(match: re.Match[str]) -> str:
        text = match.expand(replacement)
        return text[:1].upper() + text[1:] if match.group(0)[:1].isupper() else text

    return replace


def cli_wording(message: str) -> str:
    """A message written for the provider, in the command line's words: its flags and
    environment variables in place of the `meet:` keys, stack commands and resource inputs."""
    for pattern, replacement in _PROVIDER_PHRASES:
        message = pattern.sub(_as_typed(replacement), message)
    return _KEY_MENTION.sub(lambda match: FLAG_OF_KEY[match.group(1)], message)


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


def _checked_with(check: Callable[[str], object], key: str) -> Callable[[str], str]:
    """An argparse ``type=`` that runs the provider's own check of `key` on the flag's value.

    Its refusal is a usage error (exit 2, before any call), worded after the flag: argparse
    already names it, so the key (and its environment variable) is cut from the message.
    """

    def argument(text: str) -> str:
        try:
            check(text)
        except ConfigurationError as error:
            reason = re.sub(rf"^{re.escape(key)}( / [A-Z_]+)?:? ", "", str(error))
            raise argparse.ArgumentTypeError(cli_wording(reason)) from None
        return text

    return argument


emulator_host_argument = _checked_with(normalise_emulator_host, "meet:emulatorHost")
"""argparse ``type=`` of ``--emulator-host``: host:port, an http(s) URL or ``embedded``."""
scopes_argument = _checked_with(expand_scopes, "meet:scopes")
"""argparse ``type=`` of ``--scopes``: Meet scopes only, at least one."""
quota_ledger_argument = _checked_with(ledger_setting, "meet:quotaLedger")
"""argparse ``type=`` of ``--quota-ledger``: a file path, a Redis URL or ``off``."""


def email_argument(text: str) -> str:
    """argparse ``type=`` of ``--as``: an e-mail address, lower-cased."""
    value = text.strip()
    for violation in email_violation("--as", value):
        raise argparse.ArgumentTypeError(violation.reason)
    return value.lower()


@dataclass(frozen=True)
class ClientOptions:
    """The connection flags of a command line (``None`` = not given): one field per
    :data:`CONNECTION_FLAGS` entry (its ``dest``), and ``db``."""

    emulator_host: str | None = None
    acting_as: str | None = None
    credentials_file: str | None = None
    scopes: str | None = None
    max_retry_seconds: float | None = None
    quota_ledger: str | None = None
    db: str | None = None
    """``--db``: the embedded emulator's database (with ``--emulator-host embedded``)."""

    @classmethod
    def from_namespace(cls, args: argparse.Namespace) -> ClientOptions:
        """Read the flags from parsed arguments (absent attributes count as not given)."""
        given = {flag.dest: getattr(args, flag.dest, None) for _, flag in CONNECTION_FLAGS}
        return cls(**given, db=getattr(args, "db", None))

    def usage_problem(self, environ: Mapping[str, str] | None = None) -> str | None:
        """What makes this command line unusable before any call, or None.

        The flags are checked by the parser; this checks what they fall back to
        (``MEET_EMULATOR_HOST``) and what they combine into (``--db`` needs ``embedded``).
        """
        env = os.environ if environ is None else environ
        acting = env.get("MEET_IMPERSONATE_USER", "").strip()
        if self.acting_as is None and acting:  # the rule of --as, for its variable too
            for violation in email_violation("MEET_IMPERSONATE_USER", acting):
                return f"MEET_IMPERSONATE_USER: {violation.reason}"
        host = self.emulator_host or env.get("MEET_EMULATOR_HOST", "").strip() or None
        if host is not None and self.emulator_host is None:
            try:
                normalise_emulator_host(host)
            except ConfigurationError as error:
                return str(error).replace("meet:emulatorHost / ", "")
        ledger = env.get("MEET_QUOTA_LEDGER", "").strip() or None
        if ledger is not None and self.quota_ledger is None:
            try:
                ledger_setting(ledger)
            except ConfigurationError as error:
                return str(error).replace(LEDGER_SETTING, "MEET_QUOTA_LEDGER")
        if self.db is not None and (host or "").lower() != EMBEDDED:
            return "--db applies only to the embedded emulator (--emulator-host embedded)"
        return None

    def _embedded_database(self) -> None:
        """Where an embedded emulator keeps its rooms: ``--db``, else the project's existing
        ``.pulumi-meet/emulator.db``; a command never creates that file by itself."""
        from pulumi_meet.client import embedded
        from pulumi_meet.emulator import DEFAULT_DB

        if self.db is not None:
            embedded.use_database(self.db)
        elif not os.path.exists(DEFAULT_DB):
            embedded.use_database(":memory:")

    def settings(self, environ: Mapping[str, str] | None = None) -> Settings:
        """The provider's `Settings`, with the flags as the `meet:` keys they stand for."""
        keys = {key.qualified: self._key_text(key, flag) for key, flag in CONNECTION_FLAGS}
        settings = Settings.from_config(keys.get, os.environ if environ is None else environ)
        if settings.emulator_host == EMBEDDED:
            self._embedded_database()
        return settings

    def client(self, environ: Mapping[str, str] | None = None) -> MeetClient:
        """The client acting as the provider would (`pulumi_meet.client.identity`): ``--as``,
        else ``MEET_IMPERSONATE_USER``, else the credentials' user, or the emulator's user."""
        # Imported here: google-auth and requests are not needed for --help or a usage error.
        from pulumi_meet.client.meet import get_client

        # --as is already meet:impersonateUser in the settings: no owner, the rule picks it.
        return get_client(self.settings(environ))

    def _key_text(self, key: ConfigKey, flag: Flag) -> str | None:
        """The value of `key` the flag stands for (its own default if not given), as text."""
        if key.name == "credentials":
            return self._credentials_text()  # --credentials names a file, the key holds its text
        value = getattr(self, flag.dest)
        if value is None:
            value = flag.default  # the command line's own default, if any (a person is waiting)
        if isinstance(value, float):
            return f"{value:g}"
        return None if value is None else str(value)

    def _credentials_text(self) -> str | None:
        if self.credentials_file is None:
            return None
        # Imported here, like get_client: google-auth is not needed for --help.
        from pulumi_meet.client._credential_files import read_capped

        try:
            with open(self.credentials_file, encoding="utf-8") as handle:
                # Bounded: `--credentials /dev/zero` must not read forever.
                return read_capped(handle, f"--credentials {self.credentials_file}")
        except (OSError, UnicodeDecodeError) as error:
            raise ConfigurationError(
                unreadable_file("--credentials", self.credentials_file, error)
            ) from None
