"""The HTTP server: a stdlib ``ThreadingHTTPServer`` feeding ``Application.handle``.

HTTP/1.1 with keep-alive (Google's clients reuse connections), one daemon thread per
connection, a socket timeout so idle connections end, and ``close_connections`` so that stopping
never waits for a client that keeps its connection open.
"""

from __future__ import annotations

import contextlib
import socket
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

from pulumi_meet.emulator.app import Application, Request, Response

__all__ = ["MeetHTTPServer"]

_IDLE_TIMEOUT_SECONDS = 60
_MAX_BODY_BYTES = 32 * 1024 * 1024


class MeetHTTPServer(ThreadingHTTPServer):
    """Serves an ``Application``; remembers open connections so ``stop`` can cut them."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], application: Application) -> None:
        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        self.application = application
        self._connections: set[socket.socket] = set()
        self._connections_lock = threading.Lock()
        super().__init__(address, _Handler)

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

    def do_GET(self) -> None:
        self._serve()

    def do_POST(self) -> None:
        self._serve()

    def do_PUT(self) -> None:
        self._serve()

    def do_PATCH(self) -> None:
        self._serve()

    def do_DELETE(self) -> None:
        self._serve()

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the request log (``GET /emulator/v1/requests``) is the record."""

    def _serve(self) -> None:
        body = self._read_body()
        if body is None:
            return
        url = urlsplit(self.path)
        request = Request(
            verb=self.command,
            path=url.path,
            query=url.query,
            headers={key.lower(): value for key, value in self.headers.items()},
            body=body,
        )
        response = self.server.application.handle(request)
        if response.drop:
            self._drop()
            return
        self._write(response)

    def _read_body(self) -> bytes | None:
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            return self._read_chunked()
        length_text = self.headers.get("Content-Length") or "0"
        try:
            length = int(length_text)
        except ValueError:
            length = -1
        if not 0 <= length <= _MAX_BODY_BYTES:
            self.send_error(400, "Bad Content-Length")
            return None
        return self.rfile.read(length) if length else b""

    def _read_chunked(self) -> bytes | None:
        chunks: list[bytes] = []
        total = 0
        while True:
            size_line = self.rfile.readline(1024).split(b";", 1)[0].strip()
            try:
                size = int(size_line, 16)
            except ValueError:
                self.send_error(400, "Bad chunk")
                return None
            total += size
            if total > _MAX_BODY_BYTES:
                self.send_error(413, "Body too large")
                return None
            if size == 0:
                while self.rfile.readline(1024).strip():
                    pass  # trailers
                return b"".join(chunks)
            chunks.append(self.rfile.read(size))
            self.rfile.readline(8)

    def _write(self, response: Response) -> None:
        self.send_response(response.status)
        for name, value in response.headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(response.body)))
        self.end_headers()
        self.wfile.write(response.body)
        self.wfile.flush()

    def _drop(self) -> None:
        """Close the connection without a byte of answer (fault injection)."""
        self.close_connection = True
        with contextlib.suppress(OSError):
            self.wfile.flush()
            self.connection.shutdown(socket.SHUT_RDWR)
