"""Who may talk to the emulator: the checks made on every request before it is served.

The control API has no authentication (it mints tokens for any user and resets everything), so
the emulator must not be reachable by what the developer did not mean to let in:

- *DNS rebinding*: a web page whose name re-resolves to 127.0.0.1 reaches a loopback port with
  its own name in ``Host``. Only the address the emulator serves, an IP literal of it, loopback
  names (``localhost``, ``*.localhost``) and names allowed with ``--allowed-host`` are served;
  a request without ``Host`` (not a browser) is served too.
- *Cross-site requests*: a page may send a "simple" ``POST`` (``text/plain``, a form, no
  preflight) to any address. Control requests from another ``Origin`` are refused, and those
  that carry a body or a ``Content-Type`` must declare ``application/json``, which a page cannot
  send to another origin without a preflight the emulator never grants (it serves no CORS). A
  bodiless request without ``Content-Type`` is served: from a browser it is a ``fetch``, which
  always carries its ``Origin``.

Google's front end checks neither (it has real authentication); both refusals use Google's error
envelope with a message saying what to do.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Iterable, Mapping
from urllib.parse import urlsplit

from pulumi_meet.emulator.exceptions import ApiError, InvalidArgument, PermissionDenied

__all__ = ["CONTROL_PREFIX", "RequestGuard", "is_loopback_host", "is_wildcard_host"]

CONTROL_PREFIX = "/emulator/"
_JSON_TYPES = ("application/json",)


def _address(name: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(name.split("%", 1)[0])
    except ValueError:
        return None


def is_wildcard_host(host: str) -> bool:
    """Whether binding ``host`` listens on every interface (``''``, ``0.0.0.0``, ``::``)."""
    address = _address(host)
    return host == "" or (address is not None and address.is_unspecified)


def is_loopback_host(host: str) -> bool:
    """Whether ``host`` (an address or a name) can only be reached from this machine."""
    name = host.lower().rstrip(".")
    if name == "localhost" or name.endswith(".localhost"):
        return True
    address = _address(name)
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return address is not None and address.is_loopback


def _host_name(authority: str) -> str:
    """The host of ``Host``/``Origin`` authority text, without port or IPv6 brackets."""
    text = authority.strip().lower()
    if text.startswith("["):
        return text[1 : text.find("]")] if "]" in text else text
    if text.count(":") == 1:
        text = text.split(":", 1)[0]
    return text.rstrip(".")


class RequestGuard:
    """The Host, Origin and Content-Type rules of one listening emulator."""

    def __init__(self, bound_host: str, port: int, allowed_hosts: Iterable[str] = ()) -> None:
        self.port = port
        self._wildcard = is_wildcard_host(bound_host)
        self._bound = _address(bound_host)
        names = {name.lower().rstrip(".") for name in allowed_hosts if name}
        if bound_host and self._bound is None:
            names.add(bound_host.lower().rstrip("."))  # served by the name it was given
        if self._wildcard:
            hostname = socket.gethostname().lower()
            names |= {hostname, hostname.split(".", 1)[0]}
        self._names = frozenset(names)

    def serves(self, host: str) -> bool:
        """Whether a request naming ``host`` (no port) is meant for this emulator."""
        if not host or is_loopback_host(host) or host in self._names:
            return True
        address = _address(host)
        return address is not None and (self._wildcard or address == self._bound)

    def refusal(self, path: str, headers: Mapping[str, str]) -> ApiError | None:
        """Why this request must not be served, or None (header names are lower case)."""
        host_header = headers.get("host")
        if host_header is not None and not self.serves(_host_name(host_header)):
            return PermissionDenied(
                f"Host {host_header!r} is not an address this emulator serves: requests through "
                "other names are refused (a web page could rebind its name to this port). Use "
                "127.0.0.1 or localhost, or start it with --allowed-host NAME."
            )
        if not path.startswith(CONTROL_PREFIX):
            return None
        origin = headers.get("origin")
        if origin is not None and not self._same_origin(origin):
            return PermissionDenied(
                f"The control API refuses requests from the web page at {origin!r}: only "
                "programs on this machine may drive the emulator."
            )
        content_type = headers.get("content-type")
        length = headers.get("content-length", "0").strip()
        has_body = "transfer-encoding" in headers or length not in ("", "0")
        if (content_type is not None or has_body) and not _is_json(content_type or ""):
            return InvalidArgument(
                "The control API takes JSON: send the request with the header "
                "'Content-Type: application/json' (curl: --json BODY, or "
                "-H 'Content-Type: application/json' -d BODY)."
            )
        return None

    def _same_origin(self, origin: str) -> bool:
        parts = urlsplit(origin.strip())
        try:
            port = parts.port or {"http": 80, "https": 443}.get(parts.scheme)
        except ValueError:
            return False
        return parts.scheme == "http" and port == self.port and self.serves(parts.hostname or "")


def _is_json(content_type: str) -> bool:
    media = content_type.split(";", 1)[0].strip().lower()
    return media in _JSON_TYPES or (media.startswith("application/") and media.endswith("+json"))
