"""The HTTP server: a stdlib ``ThreadingHTTPServer`` feeding ``Application.handle``.

HTTP/1.1 with keep-alive (Google's clients reuse connections), one daemon thread per
connection, a socket timeout so idle connections end, and ``close_connections`` so that stopping
never waits for a client that keeps its connection open.

Every answer is JSON in Google's error envelope, including those the stdlib would give as an
HTML page (a malformed request line, headers too long, any HTTP method): a body that is not
exactly what its ``Content-Length`` or chunked framing announces is refused with 400 (and the
connection closed) rather than served short, and the request guard (``_guard.py``) runs first.
"""

from __future__ import annotations

import contextlib
import re
import socket
import sys
import threading
from collections.abc import Iterable
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from pulumi_meet.emulator._guard import RequestGuard
from pulumi_meet.emulator.app import Application, Request, Response, error_response
from pulumi_meet.emulator.exceptions import ApiError, error_for_status

__all__ = ["MAX_BODY_BYTES", "MeetHTTPServer"]

_IDLE_TIMEOUT_SECONDS = 60
MAX_BODY_BYTES = 32 * 1024 * 1024
_MAX_LINE = 1024  # a chunk-size line or a trailer
_MAX_TRAILERS = 64
_LENGTH = re.compile(r"[0-9]{1,12}")
_CHUNK_SIZE = re.compile(rb"[0-9A-Fa-f]{1,12}")


class _BadBody(Exception):
    """The body is not what its framing announced: answer ``error`` and close."""

    def __init__(self, error: ApiError) -> None:
        super().__init__(error.message)
        self.error = error


def _bad_body(message: str, status: int = 400) -> _BadBody:
    error = error_for_status(status)
    error.message = message
    return _BadBody(error)


class MeetHTTPServer(ThreadingHTTPServer):
    """Serves an ``Application``; remembers open connections so ``stop`` can cut them."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(
        self,
        address: tuple[str, int],
        application: Application,
        allowed_hosts: Iterable[str] = (),
    ) -> None:
        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        self.application = application
        self._connections: set[socket.socket] = set()
        self._connections_lock = threading.Lock()
        super().__init__(address, _Handler)
        self.guard = RequestGuard(address[0], int(self.server_address[1]), allowed_hosts)

    def process_request(self, request: Any, client_address: Any) -> None:
        with self._connections_lock:
            self._connections.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        with self._connections_lock:
            self._connections.discard(request)
        super().shutdown_request(request)

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client that hangs up (or a connection cut by ``stop``) is not an error worth a
        # traceback; anything else is.
        if isinstance(sys.exc_info()[1], OSError):
            return
        super().handle_error(request, client_address)

    def close_connections(self) -> None:
        """Cut every open client connection (their threads then end)."""
        with self._connections_lock:
            connections = list(self._connections)
        for connection in connections:
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    timeout = _IDLE_TIMEOUT_SECONDS
    # Headers and body go out in separate writes: without TCP_NODELAY, Nagle's algorithm and
    # the client's delayed ACK would add ~40 ms to every keep-alive request.
    disable_nagle_algorithm = True
    server: MeetHTTPServer

    def version_string(self) -> str:
        return "pulumi-meet-emulator"

    # Every HTTP method is served by the application, which answers 404 or 405 in Google's
    # envelope for those no route takes (the stdlib would answer 501 with an HTML page).
    if not TYPE_CHECKING:

        def __getattr__(self, name: str) -> Any:
            if name.startswith("do_"):
                return self._serve
            raise AttributeError(name)

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the request log (``GET /emulator/v1/requests``) is the record."""

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """The stdlib's own refusals (bad request line, headers too long…) in the envelope."""
        error = error_for_status(code)
        with contextlib.suppress(ValueError):
            error.message = message or f"{HTTPStatus(code).description}."
        self.close_connection = True
        if not self.request_version.startswith("HTTP/1."):
            # Refused before its version was read (or for it): answer with a status line, as
            # an HTTP/0.9 answer would have none.
            self.request_version = "HTTP/1.1"
        self._write(error_response(error))

    def _serve(self) -> None:
        url = urlsplit(self.path)
        headers = {key.lower(): value for key, value in self.headers.items()}
        refusal = self.server.guard.refusal(url.path, headers)
        try:
            body = self._read_body()
        except _BadBody as bad:
            self.close_connection = True
            self._write(error_response(bad.error))
            return
        if refusal is not None:
            self._write(error_response(refusal))
            return
        request = Request(
            verb=self.command, path=url.path, query=url.query, headers=headers, body=body
        )
        response = self.server.application.handle(request)
        if response.drop:
            self._drop()
            return
        self._write(response)

    def _read_body(self) -> bytes:
        encoding = self.headers.get("Transfer-Encoding")
        lengths = self.headers.get_all("Content-Length") or []
        if encoding is not None:
            if lengths:
                raise _bad_body("A request cannot have both Transfer-Encoding and Content-Length.")
            if encoding.strip().lower() != "chunked":
                raise _bad_body(f"Transfer-Encoding {encoding!r} is not supported.", 501)
            return self._read_chunked()
        if len(set(lengths)) > 1 or not all(_LENGTH.fullmatch(n.strip()) for n in lengths):
            raise _bad_body("Bad Content-Length.")
        length = int(lengths[0]) if lengths else 0
        if length > MAX_BODY_BYTES:
            raise _bad_body(f"The request body is larger than {MAX_BODY_BYTES} bytes.", 413)
        body = self.rfile.read(length) if length else b""
        if len(body) != length:
            raise _bad_body(f"The body ended after {len(body)} of {length} bytes.")
        return body

    def _read_chunked(self) -> bytes:
        chunks: list[bytes] = []
        total = 0
        while True:
            line = self.rfile.readline(_MAX_LINE)
            size_text = line.split(b";", 1)[0].strip()
            if not line.endswith(b"\n") or not _CHUNK_SIZE.fullmatch(size_text):
                raise _bad_body("Bad chunk size.")
            size = int(size_text, 16)
            total += size
            if total > MAX_BODY_BYTES:
                raise _bad_body(f"The request body is larger than {MAX_BODY_BYTES} bytes.", 413)
            if size == 0:
                self._skip_trailers()
                return b"".join(chunks)
            chunk = self.rfile.read(size)
            if len(chunk) != size or self.rfile.readline(3) not in (b"\r\n", b"\n"):
                raise _bad_body("A chunk is shorter than its size or not followed by CRLF.")
            chunks.append(chunk)

    def _skip_trailers(self) -> None:
        for _ in range(_MAX_TRAILERS):
            line = self.rfile.readline(_MAX_LINE)
            if line in (b"\r\n", b"\n"):
                return
            if not line.endswith(b"\n"):
                raise _bad_body("The chunked body ends without its final CRLF.")
        raise _bad_body("Too many trailer fields.")

    def _write(self, response: Response) -> None:
        self.send_response(response.status)
        for name, value in response.headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(response.body)))
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD":  # a HEAD answer has the headers of its body, not the body
            self.wfile.write(response.body)
        self.wfile.flush()

    def _drop(self) -> None:
        """Close the connection without a byte of answer (fault injection)."""
        self.close_connection = True
        with contextlib.suppress(OSError):
            self.wfile.flush()
            self.connection.shutdown(socket.SHUT_RDWR)
