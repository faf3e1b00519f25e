"""The small part of JWT (RFC 7519) the emulator needs: RS256 signing and verification, base64url.

PyJWT is not a dependency; ``cryptography`` does the RSA work. Only what google-auth produces and
Google's token endpoint accepts is supported: compact serialisation, ``alg`` RS256, a JSON object
as payload.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from pulumi_meet.emulator import _json

__all__ = [
    "JwtError",
    "UnverifiedJwt",
    "b64url_decode",
    "b64url_encode",
    "generate_rsa_key",
    "load_private_key",
    "parse_jwt",
    "private_key_pem",
    "sign_rs256",
]


class JwtError(ValueError):
    """The text is not a well-formed compact JWT."""


def b64url_encode(data: bytes) -> str:
    """Unpadded url-safe base64, as JWTs use it."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text: str) -> bytes:
    """Decode unpadded (or padded) url-safe base64; raise ``JwtError`` on anything else."""
    try:
        raw = text.encode("ascii")
        return base64.urlsafe_b64decode(raw + b"=" * (-len(raw) % 4))
    except (UnicodeEncodeError, binascii.Error, ValueError) as error:
        raise JwtError("not base64url") from error


def _json_object(segment: str) -> dict[str, Any]:
    try:
        value = _json.loads(b64url_decode(segment))
    except ValueError as error:
        raise JwtError("segment is not JSON") from error
    if not isinstance(value, dict):
        raise JwtError("segment is not a JSON object")
    return value


@dataclass(frozen=True)
class UnverifiedJwt:
    """A parsed JWT whose signature has not been checked yet."""

    header: dict[str, Any]
    claims: dict[str, Any]
    signing_input: bytes
    signature: bytes

    @property
    def key_id(self) -> str | None:
        kid = self.header.get("kid")
        return kid if isinstance(kid, str) else None

    def verify(self, public_key: rsa.RSAPublicKey) -> bool:
        """True when the RS256 signature was made by the private half of ``public_key``."""
        if self.header.get("alg") != "RS256":
            return False
        try:
            public_key.verify(
                self.signature, self.signing_input, padding.PKCS1v15(), hashes.SHA256()
            )
        except InvalidSignature:
            return False
        return True


def parse_jwt(token: str) -> UnverifiedJwt:
    """Split and decode a compact JWT (``header.payload.signature``)."""
    parts = token.strip().split(".")
    if len(parts) != 3 or not all(parts):
        raise JwtError("a JWT has three non-empty segments")
    header, claims = _json_object(parts[0]), _json_object(parts[1])
    return UnverifiedJwt(
        header=header,
        claims=claims,
        signing_input=f"{parts[0]}.{parts[1]}".encode("ascii"),
        signature=b64url_decode(parts[2]),
    )


def sign_rs256(private_key: rsa.RSAPrivateKey, key_id: str, claims: dict[str, Any]) -> str:
    """A compact RS256 JWT with the header google-auth writes (``alg``, ``kid``, ``typ``)."""
    header = {"alg": "RS256", "kid": key_id, "typ": "JWT"}
    segments = [
        b64url_encode(json.dumps(header, separators=(",", ":")).encode()),
        b64url_encode(json.dumps(claims, separators=(",", ":")).encode()),
    ]
    signing_input = ".".join(segments).encode("ascii")
    signature = private_key.sign(signing_input, padding.PKCS1v15(), hashes.SHA256())
    return f"{segments[0]}.{segments[1]}.{b64url_encode(signature)}"


def generate_rsa_key() -> rsa.RSAPrivateKey:
    """A fresh RSA-2048 key, the size Google issues for service-account keys."""
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def private_key_pem(private_key: rsa.RSAPrivateKey) -> str:
    """The key as unencrypted PKCS#8 PEM (``-----BEGIN PRIVATE KEY-----``), as in Google's JSON."""
    return private_key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode("ascii")


def load_private_key(pem: str) -> rsa.RSAPrivateKey:
    """Load a PKCS#8 PEM RSA key written by ``private_key_pem``."""
    key = serialization.load_pem_private_key(pem.encode("ascii"), password=None)
    if not isinstance(key, rsa.RSAPrivateKey):
        raise TypeError("not an RSA private key")
    return key
