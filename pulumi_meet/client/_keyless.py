# google-auth ships py.typed but most of its functions are unannotated.
# mypy: disallow-untyped-calls=False
"""Domain-wide delegation without a private key: IAM ``signJwt`` signs the assertion."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from urllib.parse import quote

import google.auth.credentials
import google.auth.exceptions
import google.auth.transport
from google.oauth2 import _client as oauth2_client

from pulumi_meet.client._auth_http import AUTH_TIMEOUT, raise_for_auth_status, response_json
from pulumi_meet.client._endpoints import Endpoints
from pulumi_meet.client._shared_credentials import SharedCredentials
from pulumi_meet.exceptions import ConfigurationError, CredentialsError

__all__ = ["DWD_HELP", "KeylessDelegatedCredentials"]

_ASSERTION_LIFETIME_SECONDS = 3600
DWD_HELP = (
    "In the Google Admin console (Security → Access and data control → API controls → "
    "Domain-wide delegation) authorize the service account's client ID for the scopes {scopes}, "
    "and check that {user} is an active user of the Workspace domain."
)


class KeylessDelegatedCredentials(google.auth.credentials.Credentials):
    """Domain-wide delegation without a private key: IAM ``signJwt`` signs the assertion.

    `source` is the service account's own credentials (ADC with the cloud-platform scope); its
    token authorises the ``signJwt`` call, which needs roles/iam.serviceAccountTokenCreator.
    """

    def __init__(
        self,
        source: SharedCredentials,
        subject: str,
        scopes: tuple[str, ...],
        endpoints: Endpoints,
        clock: Callable[[], float] = time.time,
    ) -> None:
        super().__init__()
        self._source = source
        self.subject = subject
        self._scopes = scopes
        self._endpoints = endpoints
        self._clock = clock

    def _service_account_email(self, request: google.auth.transport.Request) -> tuple[str, str]:
        """The account's e-mail and token (GCE credentials learn the e-mail on refresh)."""
        token = self._source.token_for_request(request)
        email = getattr(self._source.inner, "service_account_email", None)
        if not email or email == "default":
            raise ConfigurationError(
                "the Application Default Credentials are not a service account (workload identity "
                "federation without service-account impersonation?), so they cannot act for a "
                "Workspace user; create the credential configuration with "
                "`gcloud iam workload-identity-pools create-cred-config --service-account=...`"
            )
        return str(email), token

    def _sign(self, request: google.auth.transport.Request) -> tuple[str, str]:
        email, token = self._service_account_email(request)
        now = int(self._clock())
        claims = {
            "iss": email,
            "sub": self.subject,
            "scope": " ".join(self._scopes),
            "aud": self._endpoints.token_uri,
            "iat": now,
            "exp": now + _ASSERTION_LIFETIME_SECONDS,
        }
        headers = {"Content-Type": "application/json"}
        self._source.inner.apply(headers, token=token)
        response = request(
            url=f"{self._endpoints.iam}/v1/projects/-/serviceAccounts/{quote(email)}:signJwt",
            method="POST",
            body=json.dumps({"payload": json.dumps(claims)}).encode(),
            headers=headers,
            timeout=AUTH_TIMEOUT,
        )
        raise_for_auth_status(
            response,
            f"IAM signJwt for {email}",
            f"Grant {email} the role Service Account Token Creator "
            "(roles/iam.serviceAccountTokenCreator) on itself, and enable the IAM Service "
            "Account Credentials API in its project.",
        )
        return email, str(response_json(response).get("signedJwt", ""))

    def refresh(self, request: google.auth.transport.Request) -> None:
        email, assertion = self._sign(request)
        try:
            token, expiry, _ = oauth2_client.jwt_grant(
                request, self._endpoints.token_uri, assertion
            )
        except google.auth.exceptions.RefreshError as error:
            if error.retryable:
                raise
            help_text = DWD_HELP.format(scopes=",".join(self._scopes), user=self.subject)
            raise CredentialsError(
                f"the token endpoint refused {email} acting for {self.subject}: {error.args[0]}. "
                f"{help_text}"
            ) from None
        self.token = token
        self.expiry = expiry
