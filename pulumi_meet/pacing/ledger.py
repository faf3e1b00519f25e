"""The quota ledgers: what other processes, and other machines, spent of the same quotas.

In-process limiters (`pulumi_meet.pacing.window`) see only their own process. A ledger is the
place every pulumi-meet process acting for the same users meets, behind one small interface
(`Ledger`: ``admit`` / ``finish`` / ``forget``) with three kinds, chosen by `meet:quotaLedger`
(``MEET_QUOTA_LEDGER``):

- ``off`` — `NoLedger`: this process alone (also for the embedded emulator, which belongs to one
  process);
- a file path (default `DEFAULT_PATH`) — `pulumi_meet.pacing.sqlite_ledger`: the processes of
  one machine;
- ``redis://[user:password@]host:port/db``, ``rediss://…`` (TLS) or ``unix:///path.sock`` —
  `pulumi_meet.pacing.redis_ledger`: every machine that reaches the same Redis (or Valkey).

A ledger never raises into a call: a ledger that fails says so once (``on_failure``) and admits
calls locally, so pacing degrades to what a process without a ledger does.

A password in a Redis URL is a secret: `ledger_setting` keeps it in this process's memory and
puts a meaningless marker in its place, so `Settings` (pickled into every dynamic resource's
state) and every message hold the URL without it.
"""

from __future__ import annotations

import abc
import hashlib
import hmac
import importlib.util
import os
import re
import secrets
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal
from urllib.parse import parse_qsl, urlencode, urlsplit

from pulumi_meet.exceptions import ConfigurationError

__all__ = [
    "DEFAULT_PATH",
    "LEDGER_SETTING",
    "REDIS_EXTRA",
    "Ledger",
    "LedgerKey",
    "LedgerRefusal",
    "LedgerSpec",
    "NoLedger",
    "Slot",
    "ledger_setting",
    "open_ledger",
    "parse_ledger",
    "reset_ledgers",
]

DEFAULT_PATH = "~/.pulumi-meet/quota-ledger.sqlite"
"""The ledger when `meet:quotaLedger` is not set: per user account, so every stack's provider
host and every ``pulumi-meet`` of that account meet in it (``~`` expanded when opened)."""
LEDGER_SETTING = "meet:quotaLedger / MEET_QUOTA_LEDGER"
REDIS_EXTRA = "pip install redis (the `redis` extra of pulumi-meet)"
_REDIS_SCHEMES = ("redis", "rediss", "unix")
_OFF = "off"

Slot = object
"""What a ledger hands back for an admitted call, to be given to its ``finish`` / ``forget``."""


@dataclass(frozen=True)
class LedgerKey:
    """One quota key of a call and what may be spent of it per window."""

    key: str
    """``<endpoint> user <e-mail> <bucket>`` or ``<endpoint> project <label> <bucket>``."""
    capacity: int
    window_seconds: float
    namespace: str = ""
    """The Cloud project the quota belongs to: a shared Redis keeps each project's keys apart."""


@dataclass(frozen=True)
class LedgerRefusal:
    """No room yet: which key is full and how long until it may have room."""

    key: LedgerKey
    wait_seconds: float


class Ledger(abc.ABC):
    """Where processes count the calls they send; every method is thread-safe, none raises."""

    description: str = "no quota ledger"
    """How messages name it: a file's path, or ``Redis at host:port`` (never a password)."""

    @abc.abstractmethod
    def admit(self, keys: Sequence[LedgerKey]) -> Slot | LedgerRefusal:
        """Count one call under every key at once, or say which key is full and for how long.

        Atomic: two processes never both take a key's last slot.
        """

    @abc.abstractmethod
    def finish(self, slot: Slot) -> None:
        """The call was answered: it leaves the window one window from now."""

    @abc.abstractmethod
    def forget(self, slot: Slot) -> None:
        """The server refused the call (429): it consumed no quota."""

    def close(self) -> None:  # noqa: B027 (optional: only some ledgers hold connections)
        """Release connections (idempotent)."""


class NoLedger(Ledger):
    """``off``: every call is admitted; the in-process limiters pace alone."""

    def admit(self, keys: Sequence[LedgerKey]) -> Slot | LedgerRefusal:
        """Admit at once."""
        return None

    def finish(self, slot: Slot) -> None:
        """Nothing was counted."""

    def forget(self, slot: Slot) -> None:
        """Nothing was counted."""


@dataclass(frozen=True)
class LedgerSpec:
    """A parsed `meet:quotaLedger`."""

    kind: Literal["off", "sqlite", "redis"]
    location: str
    """The expanded file path, or the URL (with the password, for connecting only)."""
    where: str
    """For messages: the path, ``host:port`` or the socket's path; never a password."""


# ------------------------------------------------------------------ the password, kept apart

_SECRET_MARKER = "pulumi-meet-secret-"
_SECRET_KEY = secrets.token_bytes(32)
_SECRETS: dict[str, str] = {}
_SECRETS_LOCK = threading.Lock()


def _hide(password: str) -> str:
    secret_id = hmac.new(_SECRET_KEY, password.encode(), hashlib.sha256).hexdigest()[:20]
    with _SECRETS_LOCK:
        _SECRETS[secret_id] = password
    return _SECRET_MARKER + secret_id


def _reveal(text: str) -> str:
    """The password a marker stands for ('' when this process never saw it)."""
    if not text.startswith(_SECRET_MARKER):
        return text
    with _SECRETS_LOCK:
        return _SECRETS.get(text.removeprefix(_SECRET_MARKER), "")


def _with_password(url: str, reveal: Callable[[str], str]) -> str:
    """`url` with its password (in the user part, or a ``password=`` query) passed to `reveal`."""
    parts = urlsplit(url)
    netloc = parts.netloc
    if parts.password is not None:
        user = parts.username or ""
        host = netloc.rpartition("@")[2]
        netloc = f"{user}:{reveal(parts.password)}@{host}"
    query = [(k, reveal(v) if k == "password" else v) for k, v in parse_qsl(parts.query, True)]
    # Built by hand: urlunsplit drops the `//` of `unix:///path` (an empty host).
    text = f"{parts.scheme}://{netloc}{parts.path}"
    return text + (f"?{urlencode(query)}" if query else "")


# ------------------------------------------------------------------ parsing the setting


def _problem(text: str, reason: str) -> ConfigurationError:
    shown = text if "://" not in text else _with_password(text, lambda _p: "****")
    return ConfigurationError(
        f"{LEDGER_SETTING}: {shown!r} {reason}; give a file path, a Redis URL "
        "(redis://[:password@]host:port/db, rediss://… for TLS, unix:///path/to/redis.sock) "
        "or `off`"
    )


def _redis_where(text: str) -> str:
    parts = urlsplit(text)
    if parts.scheme == "unix":
        if not parts.path:
            raise _problem(text, "names no socket")
        return f"unix socket {parts.path}"
    try:
        port = parts.port or 6379
    except ValueError:
        raise _problem(text, "has a port that is not a number in 1-65535") from None
    if not parts.hostname:
        raise _problem(text, "names no host")
    if not re.fullmatch(r"/?(\d+)?", parts.path):
        raise _problem(text, "has a database that is not a number (redis://host:6379/0)")
    host = f"[{parts.hostname}]" if ":" in parts.hostname else parts.hostname
    return f"{host}:{port}"


def parse_ledger(text: str | None) -> LedgerSpec:
    """`meet:quotaLedger` as a `LedgerSpec` (None: `DEFAULT_PATH`); ConfigurationError when
    it cannot mean anything (an unknown scheme, a malformed URL, ``~user`` of no user)."""
    value = (text or "").strip() or DEFAULT_PATH
    if value.lower() == _OFF:
        return LedgerSpec("off", _OFF, _OFF)
    scheme = value.partition("://")[0].lower() if "://" in value else ""
    if scheme in _REDIS_SCHEMES:
        where = _redis_where(value)
        if importlib.util.find_spec("redis") is None:
            raise ConfigurationError(
                f"{LEDGER_SETTING} names a Redis server ({where}), and talking to Redis needs "
                f"the redis package, which is not installed: {REDIS_EXTRA}"
            )
        return LedgerSpec("redis", _with_password(value, _reveal), where)
    if scheme:
        raise _problem(value, f"has the scheme {scheme}://, which is not redis, rediss or unix")
    path = os.path.expanduser(value)
    if path.startswith("~"):
        user = path.partition("/")[0]
        if text is None:  # the default, in a process without a home directory
            return LedgerSpec("sqlite", path, path)
        raise _problem(value, f"starts with {user}, but there is no such user's home directory")
    return LedgerSpec("sqlite", path, path)


def ledger_setting(text: str | None) -> str | None:
    """`meet:quotaLedger` as `Settings` keeps it: checked (ConfigurationError at once), with a
    Redis password replaced by a marker that means something in this process only."""
    if text is None:
        return None
    parse_ledger(text)
    if "://" not in text:
        return text
    return _with_password(text, lambda password: _hide(_reveal(password)))


# ------------------------------------------------------------------ the process's ledgers

_LEDGERS: dict[str, Ledger] = {}
_LEDGERS_LOCK = threading.Lock()


def open_ledger(text: str | None, on_failure: Callable[[str], None]) -> Ledger:
    """The process's ledger for `meet:quotaLedger` = `text` (one per setting; None: the
    default file). One that cannot be used is reported once through `on_failure`, and pacing
    stays in this process (a Redis that is down is tried again: see `RedisLedger`)."""
    try:
        spec = parse_ledger(text)
    except ConfigurationError as error:  # Settings checked it: only a changed environment
        on_failure(str(error))
        spec = LedgerSpec("off", _OFF, _OFF)
    with _LEDGERS_LOCK:
        ledger = _LEDGERS.get(spec.location)
        if ledger is None:
            ledger = _LEDGERS[spec.location] = _open(spec, on_failure)
        return ledger


def _open(spec: LedgerSpec, on_failure: Callable[[str], None]) -> Ledger:
    if spec.kind == "off":
        return NoLedger()
    if spec.kind == "redis":
        from pulumi_meet.pacing.redis_ledger import RedisLedger

        return RedisLedger(
            spec.location, spec.where, on_failure, lambda: open_ledger(None, on_failure)
        )
    from pulumi_meet.pacing.sqlite_ledger import open_sqlite_ledger

    return open_sqlite_ledger(spec.location, on_failure)


def reset_ledgers() -> None:
    """Close and forget every open ledger (tests)."""
    with _LEDGERS_LOCK:
        ledgers = list(_LEDGERS.values())
        _LEDGERS.clear()
    for ledger in ledgers:
        ledger.close()
