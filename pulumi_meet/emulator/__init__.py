"""A local emulator of the Google Meet REST API v2 (spaces and members), with Google's identity
endpoints and a control API for tests.

In-process::

    with Emulator(db=":memory:") as emulator:      # free port, background thread
        requests.post(emulator.base_url + "/emulator/v1/token", json={"email": "me@example.com"})

From the shell: ``pulumi-meet emulator [--host 127.0.0.1] [--port 8686] [--db PATH]
[--allowed-host NAME]`` — the first line printed is the base URL to use from this machine; a
warning on stderr says so when it listens beyond loopback. See ``docs/emulator.md``.
"""

from __future__ import annotations

import argparse
import os
import signal
import sqlite3
import sys
import threading
from collections.abc import Iterable, Sequence
from types import FrameType, TracebackType
from typing import NoReturn

from pulumi_meet.emulator._guard import is_loopback_host, is_wildcard_host
from pulumi_meet.emulator.app import Application
from pulumi_meet.emulator.server import MeetHTTPServer
from pulumi_meet.emulator.store import Store, database_path

__all__ = ["DEFAULT_DB", "DEFAULT_PORT", "Emulator", "exposure_warning", "main", "start_emulator"]

DEFAULT_DB = ".pulumi-meet/emulator.db"
DEFAULT_PORT = 8686


class Emulator:
    """The emulator serving on a background thread; ``stop()`` (or ``with``) ends it."""

    def __init__(
        self,
        db: str | os.PathLike[str] = ":memory:",
        host: str = "127.0.0.1",
        port: int = 0,
        allowed_hosts: Iterable[str] = (),
    ) -> None:
        self.db = os.fspath(db)
        self.host = host
        self.port = port
        self.allowed_hosts = tuple(allowed_hosts)
        """Host names served besides loopback names and the bound address (``--allowed-host``)."""
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

    @property
    def listening_on(self) -> str:
        """The address really bound, ``ADDRESS:PORT`` (``0.0.0.0:8686`` for every interface)."""
        if self._server is None:
            raise RuntimeError("the emulator is not running")
        address = str(self._server.server_address[0])
        return f"[{address}]:{self.port}" if ":" in address else f"{address}:{self.port}"

    @property
    def exposed(self) -> bool:
        """Whether other machines may reach it (it listens beyond loopback)."""
        return not is_loopback_host(self.host)

    def start(self) -> Emulator:
        """Bind, start serving on a daemon thread, and return once connections are accepted."""
        with self._lock:
            if self._server is not None:
                return self
            store = Store(self.db)
            try:
                application = Application(store, base_url=lambda: self.base_url)
                server = MeetHTTPServer((self.host, self.port), application, self.allowed_hosts)
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
    db: str | os.PathLike[str] = ":memory:",
    host: str = "127.0.0.1",
    port: int = 0,
    allowed_hosts: Iterable[str] = (),
) -> Emulator:
    """Start an emulator on a background thread and return it (call ``stop()`` when done)."""
    return Emulator(db=db, host=host, port=port, allowed_hosts=allowed_hosts).start()


def exposure_warning(emulator: Emulator) -> str | None:
    """The stderr warning for an emulator other machines can reach, or None on loopback."""
    if not emulator.exposed:
        return None
    where = "every interface" if is_wildcard_host(emulator.host) else "a network address"
    return (
        f"pulumi-meet emulator: warning: listening on {where} ({emulator.listening_on}): "
        "anyone who can reach this port can mint tokens for any user, read the request log "
        "and reset everything; use --host 127.0.0.1 unless other machines must call it"
    )


def _port(text: str) -> int:
    try:
        port = int(text)
    except ValueError:
        port = -1
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port: give 0-65535 (0 = a free one)")
    return port


def _database(text: str) -> str:
    try:
        return database_path(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


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
        "--port", type=_port, default=DEFAULT_PORT, help=f"port (default {DEFAULT_PORT}; 0 = free)"
    )
    parser.add_argument(
        "--db",
        type=_database,
        help=f"SQLite file keeping state across restarts (default {DEFAULT_DB}; :memory: = none)",
    )
    parser.add_argument(
        "--allowed-host",
        action="append",
        default=[],
        metavar="NAME",
        help="a host name clients may use besides localhost and the bound address (repeatable)",
    )
    arguments = list(argv)
    bare = _option_given_double_dash(arguments)
    if bare is not None:
        parser.error(f"argument {bare}: expected one argument")
    return parser.parse_args(arguments)


def _option_given_double_dash(argv: Sequence[str]) -> str | None:
    """The option of an ``--option=--`` argument, if any (as ``pulumi_meet.cli.parser`` does;
    repeated here because the emulator imports nothing of the rest of the package).

    Python 3.11's argparse turns that value into an empty list without calling the option's
    type: ``--port=--`` reached ``bind`` as ``[]``.
    """
    for argument in argv:
        if argument == "--":
            return None
        if argument.startswith("--") and argument.endswith("=--"):
            return argument[:-3]
    return None


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
            emulator = start_emulator(
                db=arguments.db or DEFAULT_DB,
                host=arguments.host,
                port=arguments.port,
                allowed_hosts=arguments.allowed_host,
            )
        except (OSError, sqlite3.Error, ValueError) as error:
            print(f"pulumi-meet emulator: cannot serve: {error}", file=sys.stderr)
            return 1
        print(emulator.base_url, flush=True)
        warning = exposure_warning(emulator)
        if warning:
            print(warning, file=sys.stderr, flush=True)
        try:
            while not stop_requested.wait(0.5):
                pass
        finally:
            emulator.stop()
        return 0
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
