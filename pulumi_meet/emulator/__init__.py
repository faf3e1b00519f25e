"""A local emulator of the Google Meet REST API v2 (spaces and members), with Google's identity
endpoints and a control API for tests.

In-process::

    with Emulator(db=":memory:") as emulator:      # free port, background thread
        requests.post(emulator.base_url + "/emulator/v1/token", json={"email": "me@example.com"})

From the shell: ``pulumi-meet emulator [--host 127.0.0.1] [--port 8686] [--db PATH]`` — the first
line printed is the base URL. See ``docs/emulator.md``.
"""

from __future__ import annotations

import argparse
import os
import signal
import sqlite3
import sys
import threading
from collections.abc import Sequence
from types import FrameType, TracebackType
from typing import NoReturn

from pulumi_meet.emulator.app import Application
from pulumi_meet.emulator.server import MeetHTTPServer
from pulumi_meet.emulator.store import Store

__all__ = ["DEFAULT_DB", "DEFAULT_PORT", "Emulator", "main", "start_emulator"]

DEFAULT_DB = ".pulumi-meet/emulator.db"
DEFAULT_PORT = 8686


class Emulator:
    """The emulator serving on a background thread; ``stop()`` (or ``with``) ends it."""

    def __init__(
        self,
        db: str | os.PathLike[str] = ":memory:",
        host: str = "127.0.0.1",
        port: int = 0,
    ) -> None:
        self.db = os.fspath(db)
        self.host = host
        self.port = port
        self._server: MeetHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._store: Store | None = None
        self._lock = threading.Lock()

    @property
    def application(self) -> Application:
        """The running emulator's state (for tests that look inside)."""
        if self._server is None:
            raise RuntimeError("the emulator is not running")
        return self._server.application

    @property
    def host_port(self) -> str:
        """``127.0.0.1:PORT`` — the ``MEET_EMULATOR_HOST`` form."""
        host = _url_host(self.host)
        return f"{host}:{self.port}"

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:PORT``."""
        return f"http://{self.host_port}"

    def start(self) -> Emulator:
        """Bind, start serving on a daemon thread, and return once connections are accepted."""
        with self._lock:
            if self._server is not None:
                return self
            store = Store(self.db)
            try:
                application = Application(store, base_url=lambda: self.base_url)
                server = MeetHTTPServer((self.host, self.port), application)
            except BaseException:
                store.close()
                raise
            self._store, self._server = store, server
            self.port = int(server.server_address[1])
            # The listening socket accepts connections from here on; serve_forever picks them up.
            self._thread = threading.Thread(
                target=server.serve_forever,
                kwargs={"poll_interval": 0.05},
                name=f"meet-emulator-{self.port}",
                daemon=True,
            )
            self._thread.start()
            return self

    def stop(self) -> None:
        """Stop serving, cut open connections, close the database. Idempotent."""
        with self._lock:
            server, thread, store = self._server, self._thread, self._store
            self._server = self._thread = self._store = None
        if server is not None:
            server.application.close()
            server.shutdown()
            server.close_connections()
            server.server_close()
        if thread is not None:
            thread.join(timeout=5)
        if store is not None:
            store.close()

    def __enter__(self) -> Emulator:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


def _url_host(host: str) -> str:
    if host in ("", "0.0.0.0"):  # a wildcard bind is reached through loopback
        return "127.0.0.1"
    if host == "::":
        return "[::1]"
    return f"[{host}]" if ":" in host else host


def start_emulator(
    db: str | os.PathLike[str] = ":memory:", host: str = "127.0.0.1", port: int = 0
) -> Emulator:
    """Start an emulator on a background thread and return it (call ``stop()`` when done)."""
    return Emulator(db=db, host=host, port=port).start()


class _OneLineErrorParser(argparse.ArgumentParser):
    """Usage errors as one line on stderr and exit 2, like the rest of ``pulumi-meet``."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message}\n")


def _parse_arguments(argv: Sequence[str]) -> argparse.Namespace:
    parser = _OneLineErrorParser(
        prog="pulumi-meet emulator",
        description="Run a local emulator of the Google Meet REST API v2.",
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    parser.add_argument(
        "--port", type=int, default=DEFAULT_PORT, help=f"port (default {DEFAULT_PORT}; 0 = free)"
    )
    parser.add_argument(
        "--db",
        default=DEFAULT_DB,
        help=f"SQLite file keeping state across restarts (default {DEFAULT_DB}; :memory: = none)",
    )
    return parser.parse_args(list(argv))


def main(argv: Sequence[str] | None = None) -> int:
    """``pulumi-meet emulator``: serve until SIGINT or SIGTERM, then exit 0."""
    arguments = _parse_arguments(sys.argv[1:] if argv is None else argv)
    stop_requested = threading.Event()

    def request_stop(signum: int, frame: FrameType | None) -> None:
        stop_requested.set()

    previous = {
        signum: signal.signal(signum, request_stop) for signum in (signal.SIGINT, signal.SIGTERM)
    }
    try:
        try:
            emulator = start_emulator(db=arguments.db, host=arguments.host, port=arguments.port)
        except (OSError, sqlite3.Error) as error:
            print(f"pulumi-meet emulator: cannot serve: {error}", file=sys.stderr)
            return 1
        print(emulator.base_url, flush=True)
        try:
            while not stop_requested.wait(0.5):
                pass
        finally:
            emulator.stop()
        return 0
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
