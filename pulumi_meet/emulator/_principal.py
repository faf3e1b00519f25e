"""The principal type and scope names shared by the identity modules (re-exported by
``identity``, which is the import path the rest of the emulator uses)."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "DEFAULT_APP",
    "SCOPE_CLOUD_PLATFORM",
    "SCOPE_CREATED",
    "SCOPE_IAM",
    "SCOPE_READONLY",
    "SCOPE_SETTINGS",
    "AuthRefusal",
    "Principal",
]

SCOPE_CREATED = "https://www.googleapis.com/auth/meetings.space.created"
SCOPE_READONLY = "https://www.googleapis.com/auth/meetings.space.readonly"
SCOPE_SETTINGS = "https://www.googleapis.com/auth/meetings.space.settings"
SCOPE_CLOUD_PLATFORM = "https://www.googleapis.com/auth/cloud-platform"
SCOPE_IAM = "https://www.googleapis.com/auth/iam"
DEFAULT_APP = "emulator-project"  # the Cloud project of tokens minted without an explicit app


@dataclass(frozen=True)
class Principal:
    """The caller of a request, as the rest of the emulator sees it."""

    email: str  # lower-cased e-mail of the user (or of the service account acting as itself)
    scopes: frozenset[str]  # full scope URLs
    app: str  # the Cloud project (OAuth client's / service account's project) the token is for
    is_service_account: bool  # True only when a service account acts as itself (no delegation)


class AuthRefusal(Exception):
    """Why a bearer credential was refused: an ErrorInfo reason such as ACCESS_TOKEN_EXPIRED.

    Each API turns it into its own 401 envelope (the service named in the metadata differs).
    """

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason
