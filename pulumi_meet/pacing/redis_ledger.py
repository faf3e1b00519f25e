"""The Redis ledger: every runner of an organisation paces through one Redis (or Valkey).

Meet's quotas are per user and per Cloud project, not per machine: a pipeline's matrix of runners
and an operator's laptop spend one deploy user's quota, and share no file. With
`meet:quotaLedger` = ``redis://[user:password@]host:port/db`` (``rediss://`` for TLS,
``unix:///path.sock``), they count their calls in one Redis, through redis-py (the optional extra
``pulumi-meet[redis]``). Valkey speaks the same protocol and works the same.

Semantics are the SQLite ledger's, across machines. Each quota key (a user's or a project's
bucket) is two sorted sets: calls in flight and calls answered, each scored with the server time
(ms) at which it stops counting. One Lua script (`_ADMIT`: one round trip, atomic in Redis)
drops what stopped counting, admits the call only if both keys have room, and adds it to both;
no two runners can take the last slot.

- A call answered at *t* counts until *t* + window (+ margin), like the server's window.
- A call in flight counts until its lease ends: one window (+ margin) + `LEASE_SLACK_SECONDS`
  ahead, renewed every `_HEARTBEAT_SECONDS` while its process lives. A pid means nothing on
  another machine: a runner that dies mid-call stops renewing, and its slot frees at most one
  window and the slack after its death (the call may have counted on the server at its death).
- Every key is given an expiry beyond anything it holds, at every write: nothing grows in a
  Redis shared by many stacks. Keys are ``pulumi-meet:{<Cloud project>}:<endpoint>:<scope>:
  <subject>:<bucket>:in-flight|done``: one Redis serves several organisations' projects, and one
  project's keys share a hash tag.
- Times are Redis's own (``TIME``): the runners' clocks need not agree.

When Redis cannot be reached (at start or mid-run), or refuses the password, that is said once
through `on_failure`, naming the host and port (never the password), and calls are paced by this
machine's ledger (`fallback`: the SQLite file) until a background probe finds Redis again, which
is said too. No call waits on a dead Redis longer than the socket timeouts
(`TIMEOUT_SECONDS`, connect and reply), and only the call that finds it dead.
"""

from __future__ import annotations

import itertools
import os
import secrets
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

import redis
from redis.backoff import NoBackoff
from redis.retry import Retry

from pulumi_meet.pacing.ledger import Ledger, LedgerKey, LedgerRefusal, Slot

__all__ = ["LEASE_SLACK_SECONDS", "TIMEOUT_SECONDS", "RedisLedger", "redis_key"]

TIMEOUT_SECONDS = 1.0
"""Connect timeout and reply timeout of every Redis command."""
_HEARTBEAT_SECONDS = 2.0
"""How often a process renews its calls in flight, and probes a Redis that was down."""
LEASE_SLACK_SECONDS = 3 * _HEARTBEAT_SECONDS
"""How far beyond one window a call in flight is leased: three missed renewals."""
_MARGIN_SECONDS = 0.1  # as the in-process limiter: timer granularity
_POLL_SECONDS = 0.05  # every slot is in flight: check again soon

_ADMIT = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local function wait_ms(busy_key, done_key, capacity)
  redis.call('ZREMRANGEBYSCORE', busy_key, '-inf', now)
  redis.call('ZREMRANGEBYSCORE', done_key, '-inf', now)
  local busy = redis.call('ZCARD', busy_key)
  local done = redis.call('ZCARD', done_key)
  if busy + done < capacity then return 0 end
  if busy >= capacity or done == 0 then return -1 end
  local index = math.min(busy + done - capacity, done - 1)
  local oldest = redis.call('ZRANGE', done_key, index, index, 'WITHSCORES')
  return math.max(1, tonumber(oldest[2]) - now)
end
local wait = wait_ms(KEYS[1], KEYS[2], tonumber(ARGV[2]))
if wait ~= 0 then return {1, wait} end
wait = wait_ms(KEYS[3], KEYS[4], tonumber(ARGV[3]))
if wait ~= 0 then return {2, wait} end
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[4]), ARGV[1])
redis.call('ZADD', KEYS[3], now + tonumber(ARGV[5]), ARGV[1])
redis.call('PEXPIRE', KEYS[1], ARGV[6])
redis.call('PEXPIRE', KEYS[3], ARGV[7])
return {0, now}
"""
"""KEYS: user in flight, user done, project in flight, project done. ARGV: member, user and
project capacity, user and project lease (ms), user and project key expiry (ms)."""

_FINISH = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
for i = 1, #KEYS, 2 do
  local n = (i + 1) / 2
  redis.call('ZREM', KEYS[i], ARGV[1])
  redis.call('ZADD', KEYS[i + 1], now + tonumber(ARGV[2 * n]), ARGV[1])
  redis.call('PEXPIRE', KEYS[i + 1], ARGV[2 * n + 1])
end
return now
"""
"""KEYS: (in flight, done) per key. ARGV: member, then per key how long an answered call counts
(ms) and the key's expiry (ms). Counted even when its lease had lapsed: it was sent."""

_RENEW = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
for i = 1, #KEYS do
  local base = 3 * (i - 1)
  redis.call('ZADD', KEYS[i], 'XX', now + tonumber(ARGV[base + 2]), ARGV[base + 1])
  redis.call('PEXPIRE', KEYS[i], ARGV[base + 3])
end
return now
"""
"""KEYS: in-flight sets. ARGV per key: member, lease (ms), expiry (ms). ``XX``: a call answered
meanwhile is not brought back."""


def redis_key(key: LedgerKey) -> str:
    """The Redis name of a quota key, without its ``:in-flight`` / ``:done`` suffix."""
    return f"pulumi-meet:{{{key.namespace}}}:{key.key.replace(' ', ':')}"


@dataclass(frozen=True)
class _Key:
    """One quota key as the scripts use it."""

    in_flight: str
    done: str
    capacity: int
    lease_ms: int
    hold_ms: int
    expiry_ms: int

    @classmethod
    def of(cls, key: LedgerKey) -> _Key:
        base = redis_key(key)
        hold = key.window_seconds + _MARGIN_SECONDS
        lease = hold + LEASE_SLACK_SECONDS
        return cls(
            f"{base}:in-flight",
            f"{base}:done",
            key.capacity,
            round(lease * 1000),
            round(hold * 1000),
            round((lease + TIMEOUT_SECONDS) * 1000),
        )


@dataclass(frozen=True)
class _Call:
    """A call admitted through Redis."""

    member: str
    keys: tuple[_Key, ...]
    admitted_ms: int
    """Redis's time of the admission (ms since the epoch)."""


@dataclass(frozen=True)
class _Local:
    """A call admitted by the fallback ledger while Redis was away."""

    ledger: Ledger
    slot: Slot


class RedisLedger(Ledger):
    """One process's connection pool to the shared Redis; thread-safe, never raises."""

    def __init__(
        self,
        url: str,
        where: str,
        on_failure: Callable[[str], None],
        fallback: Callable[[], Ledger],
    ) -> None:
        self.description = f"the quota ledger in Redis at {where}"
        self._where = where
        self._on_failure = on_failure
        self._fallback_factory = fallback
        self._fallback: Ledger | None = None
        self._redis = redis.Redis.from_url(
            url,
            socket_timeout=TIMEOUT_SECONDS,
            socket_connect_timeout=TIMEOUT_SECONDS,
            retry=Retry(NoBackoff(), 0),  # a retry would double the wait on a dead server
            client_name="pulumi-meet",
        )
        self._admit = self._redis.register_script(_ADMIT)
        self._finish = self._redis.register_script(_FINISH)
        self._renew = self._redis.register_script(_RENEW)
        self._keys: dict[LedgerKey, _Key] = {}
        # Members are unique across runners: this process's random prefix and a counter.
        self._prefix = f"{os.getpid()}-{secrets.token_hex(6)}-"
        self._counter = itertools.count()
        self._lock = threading.Lock()
        self._in_flight: dict[str, _Call] = {}
        self._down = False
        self._closed = threading.Event()
        self._thread: threading.Thread | None = None

    # -------------------------------------------------------------- the interface

    def admit(self, keys: Sequence[LedgerKey]) -> Slot | LedgerRefusal:
        """Admit through Redis (the fallback's answer while Redis is away)."""
        if self._down:
            return self._local_admit(keys)
        plan = tuple(self._key(key) for key in keys)
        user, project = plan
        member = f"{self._prefix}{next(self._counter)}"
        try:
            answer = self._admit(
                keys=[user.in_flight, user.done, project.in_flight, project.done],
                args=[member, user.capacity, project.capacity, user.lease_ms,
                      project.lease_ms, user.expiry_ms, project.expiry_ms],
            )  # fmt: skip
        except redis.RedisError as error:
            self._lost(error)
            return self._local_admit(keys)
        status, value = int(answer[0]), int(answer[1])  # full: (1 or 2, ms to wait); (0, now)
        if status:
            wait = _POLL_SECONDS if value < 0 else value / 1000
            return LedgerRefusal(keys[status - 1], wait)
        call = _Call(member, plan, value)
        with self._lock:
            self._in_flight[member] = call
        self._start_heartbeat()
        return call

    def finish(self, slot: Slot) -> None:
        """Move the call from in flight to answered (server time)."""
        if isinstance(slot, _Local):
            slot.ledger.finish(slot.slot)
        elif isinstance(slot, _Call) and self._settle(slot) and not self._down:
            arguments: list[Any] = [slot.member]
            for key in slot.keys:
                arguments += [key.hold_ms, key.expiry_ms]
            keys = [name for key in slot.keys for name in (key.in_flight, key.done)]
            self._quietly(partial(self._finish, keys=keys, args=arguments))

    def forget(self, slot: Slot) -> None:
        """A 429: the call leaves the window at once."""
        if isinstance(slot, _Local):
            slot.ledger.forget(slot.slot)
        elif isinstance(slot, _Call) and self._settle(slot) and not self._down:
            pipe = self._redis.pipeline(transaction=True)
            for key in slot.keys:
                pipe.zrem(key.in_flight, slot.member)
            self._quietly(pipe.execute)

    def close(self) -> None:
        """Stop the heartbeat and close the connections (idempotent)."""
        self._closed.set()
        thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout=TIMEOUT_SECONDS * 3)
        self._redis.close()

    # -------------------------------------------------------------- Redis away and back

    def _key(self, key: LedgerKey) -> _Key:
        found = self._keys.get(key)
        if found is None:
            found = self._keys[key] = _Key.of(key)
        return found

    def _settle(self, call: _Call) -> bool:
        with self._lock:
            return self._in_flight.pop(call.member, None) is not None

    def _quietly(self, action: Callable[[], object]) -> None:
        try:
            action()
        except redis.RedisError as error:
            self._lost(error)

    def _local_admit(self, keys: Sequence[LedgerKey]) -> Slot | LedgerRefusal:
        with self._lock:
            if self._fallback is None:
                self._fallback = self._fallback_factory()
            fallback = self._fallback
        answer = fallback.admit(keys)
        return answer if isinstance(answer, LedgerRefusal) else _Local(fallback, answer)

    def _lost(self, error: redis.RedisError) -> None:
        with self._lock:
            first, self._down = not self._down, True
        if first:
            self._on_failure(
                f"{self.description} cannot be used ({self._reason(error)}); pacing falls back "
                "to this machine's quota ledger, so pulumi-meet on other machines acting for "
                f"the same users may meet 429s. Trying {self._where} again every "
                f"{_HEARTBEAT_SECONDS:g} s."
            )
            self._start_heartbeat()

    def _reason(self, error: redis.RedisError) -> str:
        if isinstance(error, redis.AuthenticationError) or "WRONGPASS" in str(error):
            return "it refused the password or user: check the URL in meet:quotaLedger"
        if isinstance(error, redis.TimeoutError):
            return f"no answer within {TIMEOUT_SECONDS:g} s"
        if isinstance(error, redis.ConnectionError):
            return f"cannot connect: {type(error).__name__}"
        # A script error, a read-only replica, out of memory: its own words, which never echo
        # the URL (the password is only ever sent in AUTH).
        return f"{type(error).__name__}: {str(error)[:200]}"

    def _start_heartbeat(self) -> None:
        with self._lock:
            if self._thread is not None or self._closed.is_set():
                return
            self._thread = threading.Thread(
                target=self._heartbeat, name="pulumi-meet-redis-ledger", daemon=True
            )
        self._thread.start()

    def _heartbeat(self) -> None:
        """Renew the leases of this process's calls in flight; while Redis is down, probe it."""
        while not self._closed.wait(_HEARTBEAT_SECONDS):
            if self._down:
                self._probe()
                continue
            with self._lock:
                calls = list(self._in_flight.values())
            if not calls:
                continue
            keys: list[str] = []
            arguments: list[Any] = []
            for call in calls:
                for key in call.keys:
                    keys.append(key.in_flight)
                    arguments += [call.member, key.lease_ms, key.expiry_ms]
            self._quietly(partial(self._renew, keys=keys, args=arguments))

    def _probe(self) -> None:
        try:
            self._redis.ping()
        except redis.RedisError:
            return
        with self._lock:
            self._down = False
            self._in_flight.clear()  # their leases lapsed or are renewed by nobody: let go
        self._on_failure(
            f"{self.description} answers again; pacing is shared across machines again."
        )
