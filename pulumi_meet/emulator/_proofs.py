"""``POST /emulator/v1/credentials:prove``: the emulator shows it issued a set of credentials.

A client configured with credentials sends nothing secret to an emulator until it knows the
emulator issued them: a service-account key or an ``authorized_user`` JSON from the control API.
Google's own credentials must never reach an emulator (whoever opened the port could replay them
at Google). So the client names the credentials by a public identifier and a fresh challenge, and
the emulator answers with what only their issuer can compute:

* ``{"clientEmail", "challenge"}`` → ``{"signatures": [...]}``: RS256 (PKCS#1 v1.5, SHA-256)
  over `PROOF_CONTEXT` + challenge with the private half of each of the service account's keys,
  which the emulator keeps (the client checks one against its own key);
* ``{"clientId", "challenge"}`` → ``{"proof"}``: HMAC-SHA256 of the same message keyed by the
  hex SHA-256 of the client's refresh token, which is how the emulator stores it.

Signatures and proofs are base64url without padding. Unknown identifiers are 404
``NOT_FOUND``. The context prefix keeps a proof from doubling as any JWT the key could sign.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from typing import Any

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding

from pulumi_meet.emulator import _control_bodies as bodies
from pulumi_meet.emulator._accounts import Accounts
from pulumi_meet.emulator._jwt import b64url_encode
from pulumi_meet.emulator.exceptions import InvalidArgument, NotFound

__all__ = ["PROOF_CONTEXT", "prove"]

# The client (pulumi_meet/client/_rehearsal.py) writes the same bytes: a wire constant, kept
# apart because the emulator shares no code with the provider (tests/emulator/test_independence).
PROOF_CONTEXT = b"pulumi-meet emulator proof of issuance\n"
_CHALLENGE_LENGTH = range(16, 513)


def _text(body: Mapping[str, Any], field: str) -> str:
    value = body.get(field)
    if not isinstance(value, str) or not value:
        raise InvalidArgument.for_field(field, f"{field} must be a non-empty string.")
    return value


def prove(accounts: Accounts, body: Mapping[str, Any]) -> dict[str, Any]:
    """The proof for one key or one authorized user (see the module docstring)."""
    bodies.reject_unknown_fields(body, {"clientEmail", "clientId", "challenge"})
    challenge = _text(body, "challenge")
    if len(challenge) not in _CHALLENGE_LENGTH or not challenge.isascii():
        raise InvalidArgument.for_field("challenge", "challenge must be 16-512 ASCII characters.")
    message = PROOF_CONTEXT + challenge.encode("ascii")
    if ("clientEmail" in body) == ("clientId" in body):
        raise InvalidArgument("Exactly one of clientEmail and clientId is required.")
    if "clientEmail" in body:
        keys = accounts.keys_of(_text(body, "clientEmail"), kind="user")
        if not keys:
            raise NotFound("This emulator did not issue a key of that service account.")
        signatures = [
            key.private_key.sign(message, padding.PKCS1v15(), hashes.SHA256()) for key in keys
        ]
        return {"signatures": [b64url_encode(signature) for signature in signatures]}
    secret = accounts.refresh_token_digest(_text(body, "clientId"))
    if secret is None:
        raise NotFound("This emulator did not issue that OAuth client.")
    proof = hmac.new(secret.encode("ascii"), message, hashlib.sha256).digest()
    return {"proof": b64url_encode(proof)}
