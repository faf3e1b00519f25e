"""IAM Credentials ``signJwt``: ``POST /v1/projects/-/serviceAccounts/{account}:signJwt``.

Keyless domain-wide delegation rests on it: a workload whose identity is a service account (no key
file) asks IAM to sign the delegation assertion, then exchanges it at ``/token`` like a key-signed
one. Google signs with a Google-managed key of the account; the emulator likewise keeps one
"system" key per account, made on first use and never handed out.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from pulumi_meet.emulator import _json
from pulumi_meet.emulator._access_tokens import TokenIssuer
from pulumi_meet.emulator._accounts import Accounts
from pulumi_meet.emulator._control_bodies import reject_unknown_fields
from pulumi_meet.emulator._jwt import sign_rs256
from pulumi_meet.emulator._principal import SCOPE_CLOUD_PLATFORM, SCOPE_IAM, AuthRefusal, Principal
from pulumi_meet.emulator.exceptions import (
    ApiError,
    InvalidArgument,
    NotFound,
    PermissionDenied,
    Unauthenticated,
    error_info,
)

__all__ = ["IAM_SERVICE", "SIGN_JWT_METHOD", "SignJwt"]

IAM_SERVICE = "iamcredentials.googleapis.com"
SIGN_JWT_METHOD = "google.iam.credentials.v1.IAMCredentials.SignJwt"
_SIGN_JWT_SCOPES = frozenset({SCOPE_CLOUD_PLATFORM, SCOPE_IAM})
_MAX_EXP_AHEAD = 12 * 3600  # IAM: exp "no more than 12 hours in the future"


def _metadata() -> dict[str, str]:
    return {"service": IAM_SERVICE, "method": SIGN_JWT_METHOD}


def _unauthenticated(reason: str) -> ApiError:
    error = Unauthenticated(reason, SIGN_JWT_METHOD)
    error.details = [error_info(reason, _metadata())]
    return error


def _scope_insufficient() -> ApiError:
    return PermissionDenied(
        "Request had insufficient authentication scopes.",
        details=[error_info("ACCESS_TOKEN_SCOPE_INSUFFICIENT", _metadata())],
    )


def _permission_denied() -> ApiError:
    permission = "iam.serviceAccounts.signJwt"
    detail = error_info("IAM_PERMISSION_DENIED", {"permission": permission})
    detail["domain"] = "iam.googleapis.com"
    return PermissionDenied(
        f"Permission '{permission}' denied on resource (or it may not exist).", details=[detail]
    )


class SignJwt:
    """Authorises the caller and signs the claims with the target account's system key."""

    def __init__(
        self,
        accounts: Accounts,
        issuer: TokenIssuer,
        principal_of: Callable[[str | None], Principal],
    ) -> None:
        self._accounts = accounts
        self._issuer = issuer
        self._principal_of = principal_of  # raises AuthRefusal

    def handle(
        self, authorization: str | None, service_account: str, body: Mapping[str, Any]
    ) -> dict[str, Any]:
        """``{"keyId", "signedJwt"}``, or an ``ApiError`` (401, 403, 400, 404)."""
        try:
            caller = self._principal_of(authorization)
        except AuthRefusal as refusal:
            raise _unauthenticated(refusal.reason) from None
        if not caller.scopes & _SIGN_JWT_SCOPES:
            raise _scope_insufficient()
        claims = self._claims(body)
        target = self._accounts.service_account(service_account)
        if target is None:
            raise NotFound(f"Not found; Gaia id not found for email {service_account}")
        # [rule] stands in for roles/iam.serviceAccountTokenCreator: a service account acting as
        # itself may sign for itself and for the other service accounts of its project.
        if not caller.is_service_account or caller.app != target.project:
            raise _permission_denied()
        system_keys = self._accounts.keys_of(target.email, kind="system")
        key = system_keys[0] if system_keys else self._accounts.add_key(target.email, "system")
        return {"keyId": key.key_id, "signedJwt": sign_rs256(key.private_key, key.key_id, claims)}

    def _claims(self, body: Mapping[str, Any]) -> dict[str, Any]:
        reject_unknown_fields(body, {"payload", "delegates"})
        if body.get("delegates"):
            # [rule] delegation chains are not emulated: call as the account that may sign.
            raise InvalidArgument.for_field("delegates", "Delegation chains are not supported.")
        payload = body.get("payload")
        try:
            claims = _json.loads(payload) if isinstance(payload, str) else None
        except ValueError:
            claims = None
        if not isinstance(claims, dict):
            raise InvalidArgument.for_field("payload", "The payload must be a JSON object.")
        expires = claims.get("exp")
        now = self._issuer.now()
        if "exp" in claims and (
            not isinstance(expires, int) or not now <= expires <= now + _MAX_EXP_AHEAD
        ):
            raise InvalidArgument.for_field(
                "payload",
                "The exp claim must be an integer timestamp that is not in the past and no more "
                "than 12 hours in the future.",
            )
        return claims
