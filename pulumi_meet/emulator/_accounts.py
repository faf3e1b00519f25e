"""Persistence of the identity layer: service accounts and their keys, authorized users, the
per-app Meet API switch and the secret that signs access tokens.

Everything lives in the emulator's SQLite database so that a restart with the same ``--db`` keeps
keys, refresh tokens and issued access tokens valid. Client secrets and refresh tokens are stored
only as SHA-256 digests: they are shown once, when created, like Google does. Private keys are
kept because the emulator's IAM ``signJwt`` signs with them.
"""

from __future__ import annotations

import hashlib
import json
import secrets
import sqlite3
import threading
from dataclasses import dataclass

from cryptography.hazmat.primitives.asymmetric import rsa

from pulumi_meet.emulator._jwt import (
    UnverifiedJwt,
    generate_rsa_key,
    load_private_key,
    private_key_pem,
)
from pulumi_meet.emulator.store import Store

__all__ = ["Accounts", "AuthorizedUser", "ServiceAccount", "ServiceAccountKey", "digest"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS identity_settings (
    name  TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS identity_service_accounts (
    email      TEXT PRIMARY KEY,
    project    TEXT NOT NULL,
    client_id  TEXT NOT NULL UNIQUE,
    dwd_scopes TEXT NOT NULL               -- JSON list of scope URLs granted for delegation
);
CREATE TABLE IF NOT EXISTS identity_keys (
    key_id      TEXT PRIMARY KEY,
    email       TEXT NOT NULL REFERENCES identity_service_accounts(email) ON DELETE CASCADE,
    kind        TEXT NOT NULL CHECK (kind IN ('user', 'system')),
    private_key TEXT NOT NULL,             -- PKCS#8 PEM
    seq         INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS identity_authorized_users (
    client_id            TEXT PRIMARY KEY,
    client_secret_sha256 TEXT NOT NULL,
    refresh_token_sha256 TEXT NOT NULL UNIQUE,
    email                TEXT NOT NULL,
    scopes               TEXT NOT NULL,    -- JSON list of granted scope URLs
    app                  TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS identity_apps (
    app              TEXT PRIMARY KEY,
    meet_api_enabled INTEGER NOT NULL
);
"""


def digest(secret: str) -> str:
    """The SHA-256 hex digest under which a client secret or refresh token is stored."""
    return hashlib.sha256(secret.encode()).hexdigest()


@dataclass(frozen=True)
class ServiceAccount:
    email: str
    project: str
    client_id: str
    dwd_scopes: frozenset[str]


@dataclass(frozen=True)
class ServiceAccountKey:
    key_id: str
    email: str
    private_key: rsa.RSAPrivateKey

    @property
    def public_key(self) -> rsa.RSAPublicKey:
        return self.private_key.public_key()

    @property
    def private_key_pem(self) -> str:
        return private_key_pem(self.private_key)


@dataclass(frozen=True)
class AuthorizedUser:
    client_id: str
    client_secret_sha256: str
    email: str
    scopes: frozenset[str]
    app: str


def _account(row: sqlite3.Row) -> ServiceAccount:
    return ServiceAccount(
        email=row["email"],
        project=row["project"],
        client_id=row["client_id"],
        dwd_scopes=frozenset(json.loads(row["dwd_scopes"])),
    )


class Accounts:
    """Typed access to the identity tables; one short transaction per call."""

    def __init__(self, store: Store) -> None:
        self._store = store
        store.register(_SCHEMA)
        # PEM parsing costs about a millisecond; keys never change once written, so cache them.
        self._key_cache: dict[str, rsa.RSAPrivateKey] = {}
        self._cache_lock = threading.Lock()

    def token_secret(self) -> bytes:
        """The HMAC secret of access tokens, created on first use and kept in the database."""
        with self._store.transaction() as db:
            db.execute(
                "INSERT OR IGNORE INTO identity_settings (name, value) VALUES ('token_secret', ?)",
                (secrets.token_hex(32),),
            )
            row = db.execute(
                "SELECT value FROM identity_settings WHERE name = 'token_secret'"
            ).fetchone()
        return bytes.fromhex(row["value"])

    # -- service accounts and keys ------------------------------------------------------------

    def service_account(self, email_or_client_id: str) -> ServiceAccount | None:
        """The account with this e-mail (case-insensitive) or numeric unique id, if any."""
        with self._store.transaction() as db:
            row = db.execute(
                "SELECT * FROM identity_service_accounts WHERE email = ? OR client_id = ?",
                (email_or_client_id.lower(), email_or_client_id),
            ).fetchone()
        return _account(row) if row else None

    def save_service_account(self, account: ServiceAccount) -> None:
        """Create the account, or replace its delegation scopes if it exists."""
        with self._store.transaction() as db:
            db.execute(
                "INSERT INTO identity_service_accounts (email, project, client_id, dwd_scopes) "
                "VALUES (?, ?, ?, ?) "
                "ON CONFLICT (email) DO UPDATE SET dwd_scopes = excluded.dwd_scopes",
                (
                    account.email,
                    account.project,
                    account.client_id,
                    json.dumps(sorted(account.dwd_scopes)),
                ),
            )

    def add_key(self, email: str, kind: str) -> ServiceAccountKey:
        """Generate, store and return a new RSA key of the account (``kind`` user or system)."""
        private_key = generate_rsa_key()
        key_id = secrets.token_hex(20)  # Google's private_key_id: 40 hex digits
        with self._store.transaction() as db:
            seq = db.execute("SELECT COALESCE(MAX(seq), 0) + 1 FROM identity_keys").fetchone()[0]
            db.execute(
                "INSERT INTO identity_keys (key_id, email, kind, private_key, seq) "
                "VALUES (?, ?, ?, ?, ?)",
                (key_id, email, kind, private_key_pem(private_key), seq),
            )
        with self._cache_lock:
            self._key_cache[key_id] = private_key
        return ServiceAccountKey(key_id, email, private_key)

    def _loaded(self, row: sqlite3.Row) -> ServiceAccountKey:
        with self._cache_lock:
            private_key = self._key_cache.get(row["key_id"])
            if private_key is None:
                private_key = load_private_key(row["private_key"])
                self._key_cache[row["key_id"]] = private_key
        return ServiceAccountKey(row["key_id"], row["email"], private_key)

    def key(self, key_id: str) -> ServiceAccountKey | None:
        """The key with this id, if any."""
        with self._store.transaction() as db:
            row = db.execute("SELECT * FROM identity_keys WHERE key_id = ?", (key_id,)).fetchone()
        return self._loaded(row) if row else None

    def keys_of(self, email: str, kind: str | None = None) -> list[ServiceAccountKey]:
        """The account's keys, oldest first, optionally only those of one kind."""
        with self._store.transaction() as db:
            rows = db.execute(
                "SELECT * FROM identity_keys "
                "WHERE email = ? AND (? IS NULL OR kind = ?) ORDER BY seq",
                (email.lower(), kind, kind),
            ).fetchall()
        return [self._loaded(row) for row in rows]

    def verified_signer(self, jwt: UnverifiedJwt) -> ServiceAccount | None:
        """The service account named by ``iss`` if one of its keys made the RS256 signature.

        With a ``kid`` header only that key is tried (and it must be the issuer's); without
        one, every key of the issuer is.
        """
        issuer = jwt.claims.get("iss")
        account = self.service_account(issuer) if isinstance(issuer, str) else None
        if account is None or account.email != str(issuer).lower():
            return None
        if jwt.key_id is not None:
            key = self.key(jwt.key_id)
            candidates = [key] if key is not None and key.email == account.email else []
        else:
            candidates = self.keys_of(account.email)
        return account if any(jwt.verify(key.public_key) for key in candidates) else None

    # -- authorized users ---------------------------------------------------------------------

    def save_authorized_user(self, user: AuthorizedUser, refresh_token: str) -> None:
        with self._store.transaction() as db:
            db.execute(
                "INSERT INTO identity_authorized_users (client_id, client_secret_sha256, "
                "refresh_token_sha256, email, scopes, app) VALUES (?, ?, ?, ?, ?, ?)",
                (
                    user.client_id,
                    user.client_secret_sha256,
                    digest(refresh_token),
                    user.email,
                    json.dumps(sorted(user.scopes)),
                    user.app,
                ),
            )

    def authorized_user(
        self, client_id: str, refresh_token: str | None = None
    ) -> AuthorizedUser | None:
        """The user of this OAuth client (and refresh token, when given), if any."""
        token_digest = None if refresh_token is None else digest(refresh_token)
        with self._store.transaction() as db:
            row = db.execute(
                "SELECT * FROM identity_authorized_users WHERE client_id = ? "
                "AND (? IS NULL OR refresh_token_sha256 = ?)",
                (client_id, token_digest, token_digest),
            ).fetchone()
        if row is None:
            return None
        return AuthorizedUser(
            client_id=row["client_id"],
            client_secret_sha256=row["client_secret_sha256"],
            email=row["email"],
            scopes=frozenset(json.loads(row["scopes"])),
            app=row["app"],
        )

    def refresh_token_digest(self, client_id: str) -> str | None:
        """The stored SHA-256 (hex) of this OAuth client's refresh token, if the client exists."""
        with self._store.transaction() as db:
            row = db.execute(
                "SELECT refresh_token_sha256 FROM identity_authorized_users WHERE client_id = ?",
                (client_id,),
            ).fetchone()
        return None if row is None else str(row["refresh_token_sha256"])

    # -- apps ---------------------------------------------------------------------------------

    def set_meet_api_enabled(self, app: str, enabled: bool) -> None:
        with self._store.transaction() as db:
            db.execute(
                "INSERT INTO identity_apps (app, meet_api_enabled) VALUES (?, ?) "
                "ON CONFLICT (app) DO UPDATE SET meet_api_enabled = excluded.meet_api_enabled",
                (app, int(enabled)),
            )

    def meet_api_enabled(self, app: str) -> bool:
        """Whether the Meet API is enabled for the app; every app starts enabled."""
        with self._store.transaction() as db:
            row = db.execute(
                "SELECT meet_api_enabled FROM identity_apps WHERE app = ?", (app,)
            ).fetchone()
        return row is None or bool(row["meet_api_enabled"])

    def reset(self) -> None:
        """Forget accounts, keys, authorized users and switches; the token secret stays."""
        with self._store.transaction() as db:
            db.execute("DELETE FROM identity_keys")
            db.execute("DELETE FROM identity_service_accounts")
            db.execute("DELETE FROM identity_authorized_users")
            db.execute("DELETE FROM identity_apps")
        with self._cache_lock:
            self._key_cache.clear()
