"""Raw HTTP to an emulator, with every header and byte under the test's control.

``send`` makes one request with exactly the headers given (no ``Host`` unless given);
``exchange`` writes raw bytes, optionally half-closes, and reads whatever comes back.
"""

from __future__ import annotations

import http.client
import json
import socket
from dataclasses import dataclass
from typing import Any

__all__ = ["Answer", "exchange", "parse_answer", "send"]

TIMEOUT = 10.0


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)

    @property
    def error(self) -> dict[str, Any]:
        """The ``error`` of Google's envelope (asserting the answer is one)."""
        assert self.headers.get("content-type", "").startswith("application/json"), self
        error: dict[str, Any] = self.json()["error"]
        assert error["code"] == self.status and isinstance(error["message"], str), error
        assert isinstance(error["status"], str) and error["status"].isupper(), error
        return error


def send(
    port: int,
    verb: str,
    path: str,
    headers: dict[str, str] | None = None,
    body: bytes | None = None,
) -> Answer:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT)
    try:
        connection.putrequest(verb, path, skip_host=True, skip_accept_encoding=True)
        for name, value in (headers or {}).items():
            connection.putheader(name, value)
        if body is not None:
            connection.putheader("Content-Length", str(len(body)))
        connection.endheaders(body)
        response = connection.getresponse()
        data = response.read()
        names = {k.lower(): v for k, v in response.getheaders()}
        return Answer(response.status, names, data)
    finally:
        connection.close()


def exchange(port: int, data: bytes, *, half_close: bool = False) -> bytes:
    """Write ``data``; read until the server closes (or ``TIMEOUT``)."""
    with socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT) as sock:
        sock.sendall(data)
        if half_close:
            sock.shutdown(socket.SHUT_WR)
        received = b""
        while True:
            try:
                chunk = sock.recv(65536)
            except (TimeoutError, ConnectionResetError):
                break
            if not chunk:
                break
            received += chunk
        return received


def parse_answer(raw: bytes) -> Answer:
    """The first HTTP response in ``raw``."""
    head, _, rest = raw.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    length = int(headers.get("content-length", len(rest)))
    return Answer(status, headers, rest[:length])
