"""Client state: everything the clients of one process share, in one object that owns it.

A `ClientState` holds what must be shared for the quotas and the credentials to be honoured:

- the clients themselves, one per settings x identity (`client`);
- the credential cache (`pulumi_meet.client.auth.CredentialCache`): one token per identity,
  however many clients and threads act as it;
- the pacer and its limiters, one per endpoint x user or project x quota bucket
  (`pulumi_meet.pacing.pacer.Pacer`, `pulumi_meet.pacing.window.Limiters`): a provider process
  shares one set across all its threads and resources;
- the quota ledgers it opened (`pulumi_meet.pacing.ledger.Ledgers`), one per `meet:quotaLedger`;
- the clock, sleep and random source every retry and wait reads.

The front-ends (the plugin, the dynamic provider, the CLI) use the process's default state
(`default_state`, through `pulumi_meet.client.meet.get_client`). A program embedding the client,
or a test, builds its own, with its own clock, randomness or ADC, and either asks it for clients
(`ClientState.client`) or installs it as the default for a while (`use_state`).
"""

from __future__ import annotations

import contextlib
import random
import threading
import time
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

from pulumi_meet.client import cancellation
from pulumi_meet.client.auth import CredentialCache
from pulumi_meet.client.settings import Settings
from pulumi_meet.pacing.ledger import DEFAULT_PATH, Ledgers
from pulumi_meet.pacing.pacer import Pacer
from pulumi_meet.pacing.window import Limiters

if TYPE_CHECKING:
    from pulumi_meet.client.meet import MeetClient

__all__ = ["ClientState", "default_state", "install_state", "use_state"]


class ClientState:
    """The caches and the sources of time and chance that the clients built with it share.

    Every argument has the production default: `clock` is ``time.monotonic``, `sleep` is
    cancellation-aware (`pulumi_meet.client.cancellation.sleep`), `rng` a fresh
    ``random.Random`` (backoff jitter), `credentials` a cache finding ADC on this machine, and
    `ledger_path` the file an unset `meet:quotaLedger` means.
    """

    def __init__(
        self,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = cancellation.sleep,
        rng: random.Random | None = None,
        credentials: CredentialCache | None = None,
        ledger_path: str = DEFAULT_PATH,
    ) -> None:
        self.clock = clock
        self.sleep = sleep
        self.rng = rng if rng is not None else random.Random()
        self.credentials = credentials if credentials is not None else CredentialCache()
        self.limiters = Limiters(clock)
        self.pacer = Pacer(self.limiters, clock)
        self.ledgers = Ledgers(ledger_path)
        self._clients: dict[tuple[Settings, str | None], MeetClient] = {}
        self._lock = threading.Lock()

    def client(self, settings: Settings, acting_as: str | None = None) -> MeetClient:
        """This state's client for `settings` acting as `acting_as` (default identity if None).

        No network call and no credential resolution happen here; the first API call does both.
        """
        from pulumi_meet.client.meet import MeetClient  # meet builds clients with a state

        key = (settings, acting_as.lower() if acting_as else None)
        with self._lock:
            client = self._clients.get(key)
            if client is None:
                client = self._clients[key] = MeetClient(settings, key[1], state=self)
            return client

    def close(self) -> None:
        """Release what the state holds open (its ledgers' files and connections)."""
        self.ledgers.close()


_DEFAULT: ClientState | None = None
_DEFAULT_LOCK = threading.Lock()


def default_state() -> ClientState:
    """The process's state: what the front-ends' clients share (built on first use)."""
    global _DEFAULT  # noqa: PLW0603 (the one process-wide object, set under its lock)
    with _DEFAULT_LOCK:
        if _DEFAULT is None:
            _DEFAULT = ClientState()
        return _DEFAULT


def install_state(state: ClientState | None) -> ClientState | None:
    """Make `state` the process's state (None: a fresh one on next use); returns the previous.

    For a program that embeds the front-ends with its own state (its own ADC, its own clock),
    set before the first call.
    """
    global _DEFAULT
    with _DEFAULT_LOCK:
        previous, _DEFAULT = _DEFAULT, state
        return previous


@contextlib.contextmanager
def use_state(state: ClientState) -> Iterator[ClientState]:
    """`state` as the process's state for the block; the previous one afterwards, `state`
    closed."""
    previous = install_state(state)
    try:
        yield state
    finally:
        install_state(previous)
        state.close()
