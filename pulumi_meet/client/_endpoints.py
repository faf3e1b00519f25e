"""Where every call goes: Google's services, or one emulator standing in for all of them."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from pulumi_meet.client import embedded as _embedded
from pulumi_meet.client.settings import EMBEDDED, Settings

__all__ = ["Endpoints", "resolve_endpoints"]

_EMULATOR_FIX = "Check meet:emulatorHost / MEET_EMULATOR_HOST."
_TOKEN_FIX = (
    "Check the token_uri of the credentials (meet:credentials, GOOGLE_APPLICATION_CREDENTIALS) "
    "and this machine's DNS."
)
_NETWORK_FIX = "Check this machine's DNS and network (and HTTPS_PROXY if one is needed)."


def _host(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()


@dataclass(frozen=True)
class Endpoints:
    """Where every call goes: Google's services, or one emulator for all of them."""

    api: str
    token_uri: str
    tokeninfo_uri: str
    iam: str
    emulator: str | None = None

    @classmethod
    def google(cls) -> Endpoints:
        return cls(
            api="https://meet.googleapis.com",
            token_uri="https://oauth2.googleapis.com/token",
            tokeninfo_uri="https://oauth2.googleapis.com/tokeninfo",
            iam="https://iamcredentials.googleapis.com",
        )

    @classmethod
    def for_emulator(cls, base: str) -> Endpoints:
        return cls(base, f"{base}/token", f"{base}/tokeninfo", base, emulator=base)

    def role(self, host: str) -> tuple[str, str]:
        """Which part a host plays, and where to look when it cannot be reached.

        A host that is none of these endpoints is the token endpoint a credentials file names
        (its ``token_uri``), the only other place the client ever connects to.
        """
        host = host.lower()
        if self.emulator and host == _host(self.emulator):
            return "the emulator", _EMULATOR_FIX
        if host == _host(self.api):
            return "the Meet API", _NETWORK_FIX
        if host in (_host(self.token_uri), _host(self.tokeninfo_uri)):
            return "the token endpoint", _NETWORK_FIX
        if host == _host(self.iam):
            return "IAM Credentials (signJwt)", _NETWORK_FIX
        return "the token endpoint named by the credentials", _TOKEN_FIX


def resolve_endpoints(settings: Settings, google: Endpoints | None = None) -> Endpoints:
    """The endpoints for `settings` (`google`: where Google's services are, None: Google's own
    addresses); starts the embedded emulator when configured (lazily)."""
    if settings.emulator_host is None:
        return google or Endpoints.google()
    if settings.emulator_host == EMBEDDED:
        return Endpoints.for_emulator(_embedded.embedded_base_url())
    return Endpoints.for_emulator(settings.emulator_host)
