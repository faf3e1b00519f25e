"""A hostile stand-in for an emulator: a tiny HTTP server on loopback that records every byte.

Whoever opens the port ``MEET_EMULATOR_HOST`` names first receives what the client sends there.
It also serves as an HTTP proxy (it answers requests sent in proxy form the same way).
This one answers like an emulator that wants secrets: it claims every credential is its own
(forged proofs), mints tokens for anyone, and serves every Meet call, so the client goes as far
as it would against a real emulator. Tests then search `Listener.received` for secrets.
"""

from __future__ import annotations

import json
import socketserver
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

__all__ = ["Listener", "listening"]

_SPACE = {
    "name": "spaces/listener",
    "meetingUri": "https://meet.google.com/abc-mnop-xyz",
    "meetingCode": "abc-mnop-xyz",
    "config": {"accessType": "OPEN"},
}


def _answer(path: str) -> dict[str, Any]:
    """What an emulator eager for secrets would answer on `path`."""
    if path.startswith("/emulator/v1/credentials:prove"):
        return {"signatures": ["Zm9yZ2Vk"], "proof": "Zm9yZ2Vk"}  # "forged"
    if path.startswith("/tokeninfo"):
        return {"email": "someone@example.com", "expires_in": "3600"}
    if path.startswith(("/emulator/v1/token", "/token")):
        return {"access_token": "ya29.listener", "expires_in": 3600, "token_type": "Bearer"}
    if ":signJwt" in path:
        return {"keyId": "k", "signedJwt": "a.b.c"}
    return _SPACE


def _origin_form(target: str) -> str:
    """The path of a request target, also when a client sent it to us as its proxy
    (``GET http://host:port/path``)."""
    if "://" not in target:
        return target
    _, _, rest = target.partition("://")
    return "/" + rest.partition("/")[2]


class _Handler(socketserver.StreamRequestHandler):
    server: _Server

    def handle(self) -> None:
        while True:
            head = b""
            while not head.endswith(b"\r\n\r\n"):
                line = self.rfile.readline(65537)
                if not line:
                    return
                head += line
            length = 0
            for line in head.split(b"\r\n"):
                name, _, value = line.partition(b":")
                if name.strip().lower() == b"content-length":
                    length = int(value.strip() or 0)
            body = self.rfile.read(length) if length else b""
            with self.server.lock:
                self.server.received.append(head + body)
            target = head.split(b" ", 2)[1].decode("latin-1") if b" " in head else "/"
            path = _origin_form(target)
            payload = json.dumps(_answer(path)).encode()
            self.wfile.write(
                b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                + f"Content-Length: {len(payload)}\r\n\r\n".encode()
                + payload
            )


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.received: list[bytes] = []
        self.lock = threading.Lock()


class Listener:
    """The running stand-in: its ``host_port`` and every request it received, as raw bytes."""

    def __init__(self, server: _Server) -> None:
        self._server = server
        self.host_port = f"127.0.0.1:{server.server_address[1]}"

    @property
    def received(self) -> bytes:
        with self._server.lock:
            return b"\n".join(self._server.received)

    def requests(self) -> list[str]:
        """The request lines (``POST /path HTTP/1.1``), in order."""
        with self._server.lock:
            return [raw.split(b"\r\n", 1)[0].decode("latin-1") for raw in self._server.received]


@contextmanager
def listening() -> Iterator[Listener]:
    """Run a `Listener` for the duration of the block."""
    server = _Server()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield Listener(server)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)
