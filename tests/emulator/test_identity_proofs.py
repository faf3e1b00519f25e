"""``POST /emulator/v1/credentials:prove``: the emulator shows it issued a key or a login.

A client sends an emulator no secret until it proves it issued the credentials; these tests
check the proofs verify only for what this emulator issued, and name nothing else.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from typing import Any

import pytest
import requests
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from pulumi_meet.emulator import Emulator
from pulumi_meet.emulator._proofs import PROOF_CONTEXT
from tests.control import Control

CHALLENGE = "a-fresh-challenge-of-the-client-0123456789"


def _prove(emulator: Emulator, body: dict[str, Any]) -> requests.Response:
    return requests.post(
        f"{emulator.base_url}/emulator/v1/credentials:prove", json=body, timeout=10
    )


def _decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def test_a_key_it_issued_is_proved_by_a_signature_over_the_challenge(
    emulator: Emulator, control: Control
) -> None:
    key = control.service_account()
    answer = _prove(emulator, {"clientEmail": key["client_email"], "challenge": CHALLENGE})
    assert answer.status_code == 200
    private = serialization.load_pem_private_key(key["private_key"].encode(), None)
    assert isinstance(private, rsa.RSAPrivateKey)
    (signature,) = answer.json()["signatures"]
    message = PROOF_CONTEXT + CHALLENGE.encode()
    private.public_key().verify(_decode(signature), message, padding.PKCS1v15(), hashes.SHA256())
    with pytest.raises(InvalidSignature):  # bound to this challenge
        private.public_key().verify(
            _decode(signature), PROOF_CONTEXT + b"another", padding.PKCS1v15(), hashes.SHA256()
        )


def test_a_login_it_issued_is_proved_by_an_hmac_keyed_by_its_refresh_token(
    emulator: Emulator, control: Control
) -> None:
    login = control.authorized_user("alice@example.com")
    answer = _prove(emulator, {"clientId": login["client_id"], "challenge": CHALLENGE})
    assert answer.status_code == 200
    key = hashlib.sha256(login["refresh_token"].encode()).hexdigest().encode()
    expected = hmac.new(key, PROOF_CONTEXT + CHALLENGE.encode(), hashlib.sha256).digest()
    assert _decode(answer.json()["proof"]) == expected
    assert login["refresh_token"] not in answer.text


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"clientEmail": "rooms@rooms-prod.iam.gserviceaccount.com", "challenge": CHALLENGE}, 404),
        ({"clientId": "764086051850-x.apps.googleusercontent.com", "challenge": CHALLENGE}, 404),
        ({"clientId": "x", "clientEmail": "a@b.c", "challenge": CHALLENGE}, 400),
        ({"challenge": CHALLENGE}, 400),
        ({"clientId": "x", "challenge": "short"}, 400),
        ({"clientId": "x", "challenge": CHALLENGE, "privateKey": "-----BEGIN"}, 400),
    ],
    ids=[
        "unknown-account",
        "unknown-client",
        "both",
        "neither",
        "short-challenge",
        "unknown-field",
    ],
)
def test_anything_it_did_not_issue_is_refused(
    emulator: Emulator, body: dict[str, Any], status: int
) -> None:
    answer = _prove(emulator, body)
    assert answer.status_code == status
    assert answer.json()["error"]["code"] == status
