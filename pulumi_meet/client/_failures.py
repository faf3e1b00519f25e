"""Classifying a request that got no HTTP answer: may it have arrived, is it worth retrying?

requests, urllib3 and google-auth each wrap the error below them (in ``args``, ``reason`` or
``__cause__``), so every question here walks the whole chain.

Two failures are not transient and are never retried: a host name that does not resolve, and a
TLS handshake that cannot succeed (a plain-HTTP server behind an ``https://`` URL, a certificate
that does not verify). Both are reported at once, naming the host and the part it plays; the
resolver's or TLS library's own words go to the debug log (``--debug``).
"""

from __future__ import annotations

import logging
import socket
import ssl
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal

import requests
import urllib3.exceptions

from pulumi_meet.client._endpoints import Endpoints
from pulumi_meet.exceptions import TransportError

__all__ = [
    "NetworkFault",
    "SendFailure",
    "network_fault",
    "refused",
    "unreachable",
    "was_sent",
]

_LOGGER = logging.getLogger("pulumi_meet")
_PROBE_TIMEOUT_SECONDS = 2.0
# The TLS library's words for "the peer answered, but not in TLS".
_NOT_TLS_REASONS = frozenset({"WRONG_VERSION_NUMBER", "HTTP_REQUEST", "RECORD_LAYER_FAILURE"})


class SendFailure(Exception):
    """The request failed without an HTTP answer; `sent` tells whether it may have arrived,
    `refused` whether the peer actively refused the connection (nothing listens there)."""

    def __init__(self, description: str, *, sent: bool, refused: bool = False) -> None:
        super().__init__(description)
        self.description = description
        self.sent = sent
        self.refused = refused


def _chain(error: BaseException) -> Iterator[BaseException]:
    """`error` and every exception it wraps, each once."""
    pending: list[object] = [error]
    seen: set[int] = set()
    while pending:
        current = pending.pop()
        if id(current) in seen or not isinstance(current, BaseException):
            continue
        seen.add(id(current))
        yield current
        pending += [*current.args, getattr(current, "reason", None)]
        pending += [current.__cause__, current.__context__]


def refused(error: BaseException) -> bool:
    """Whether a ConnectionRefusedError lies anywhere under `error`."""
    return any(isinstance(cause, ConnectionRefusedError) for cause in _chain(error))


def was_sent(error: requests.RequestException) -> bool:
    """False only when the failure happened before any byte of the request left."""
    if isinstance(error, requests.exceptions.ConnectTimeout | requests.exceptions.SSLError):
        return False
    reason = error.args[0] if error.args else None
    reason = getattr(reason, "reason", reason)  # MaxRetryError wraps the cause
    return not isinstance(
        reason, urllib3.exceptions.NewConnectionError | urllib3.exceptions.ConnectTimeoutError
    )


@dataclass(frozen=True)
class NetworkFault:
    """A failure no retry mends: `host` does not resolve, or cannot speak TLS with us."""

    kind: Literal["dns", "plain_http", "tls"]
    host: str
    port: int | None
    root: str
    """The resolver's or the TLS library's own message (for the debug log)."""
    reason: str = ""
    """The TLS library's short reason code (``CERTIFICATE_VERIFY_FAILED``)."""

    @property
    def address(self) -> str:
        return f"{self.host}:{self.port}" if self.port else self.host

    def message(self, part: str, fix: str) -> str:
        """One sentence for the person: what failed, where, and what to do."""
        if self.kind == "dns":
            return (
                f"cannot resolve the host {self.host} ({part}): no such name, or DNS cannot be "
                f"reached. {fix}"
            )
        if self.kind == "plain_http":
            return (
                f"{self.address} ({part}) speaks plain HTTP, not HTTPS (the TLS handshake "
                f"failed): use http://{self.address} or {self.address} instead of "
                f"https://{self.address}."
            )
        return (
            f"the TLS handshake with {self.address} ({part}) failed ({self.reason or 'TLS error'})"
            ". If a proxy inspects HTTPS on this network, point REQUESTS_CA_BUNDLE at its "
            "certificate authority."
        )


def _target(chain: list[BaseException]) -> tuple[str, int | None]:
    """The host and port urllib3 was connecting to."""
    for cause in chain:
        pool = getattr(cause, "pool", None)
        if isinstance(cause, urllib3.exceptions.MaxRetryError) and pool is not None:
            return str(pool.host), pool.port
    return "the host", None


def speaks_plain_http(host: str, port: int | None) -> bool:
    """Whether the server answers a plain-HTTP request (a quick, bounded probe; no secret)."""
    try:
        with socket.create_connection((host, port or 443), timeout=_PROBE_TIMEOUT_SECONDS) as sock:
            sock.sendall(f"HEAD / HTTP/1.0\r\nHost: {host}\r\n\r\n".encode("ascii"))
            return sock.recv(5) == b"HTTP/"
    except (OSError, UnicodeEncodeError):
        return False


def network_fault(error: BaseException) -> NetworkFault | None:
    """The non-transient network failure under `error`, if it is one (logged at debug level)."""
    chain = list(_chain(error))
    resolver = next((cause for cause in chain if isinstance(cause, socket.gaierror)), None)
    tls = next((cause for cause in chain if isinstance(cause, ssl.SSLError)), None)
    fault: NetworkFault | None = None
    if resolver is not None:
        host, port = _target(chain)
        fault = NetworkFault("dns", host, port, str(resolver))
    elif tls is not None:
        fault = _tls_fault(tls, *_target(chain))
    if fault is not None:
        _LOGGER.debug("%s: root cause: %s", fault.address, fault.root)
    return fault


def _tls_fault(error: ssl.SSLError, host: str, port: int | None) -> NetworkFault | None:
    reason = str(getattr(error, "reason", "") or "")
    if isinstance(error, ssl.SSLCertVerificationError):
        return NetworkFault("tls", host, port, str(error), reason)
    if speaks_plain_http(host, port):
        return NetworkFault("plain_http", host, port, str(error), reason)
    if reason in _NOT_TLS_REASONS:
        return NetworkFault("tls", host, port, str(error), reason)
    # A handshake cut short (EOF, reset) by a flaky network: transient, left to the retries.
    return None


def unreachable(error: BaseException, endpoints: Endpoints, doing: str) -> TransportError | None:
    """The error for a host no retry can reach, naming the part it plays, else None."""
    fault = network_fault(error)
    if fault is None:
        return None
    part, fix = endpoints.role(fault.host)
    return TransportError(f"{doing}: {fault.message(part, fix)}", method=doing)
