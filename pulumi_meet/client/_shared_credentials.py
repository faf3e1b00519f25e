# google-auth ships py.typed but most of its functions are unannotated.
# mypy: disallow-untyped-calls=False
"""One identity's credentials shared by every thread: one refresh at a time, not N."""

from __future__ import annotations

import logging
import threading
from datetime import timedelta

import google.auth.credentials
import google.auth.exceptions
import google.auth.transport

from pulumi_meet.client._auth_http import utcnow
from pulumi_meet.exceptions import CredentialsError

__all__ = ["SharedCredentials"]

_LOGGER = logging.getLogger("pulumi_meet")


class SharedCredentials(google.auth.credentials.Credentials):
    """Wraps one identity's credentials for every thread: one refresh at a time, not N.

    ``before_request`` refreshes only when the token is missing or near its expiry; ``refresh``
    (called by AuthorizedSession after a 401) refreshes only if no other thread did so since this
    thread's request used its token.
    """

    def __init__(
        self, inner: google.auth.credentials.Credentials, label: str, help_text: str = ""
    ) -> None:
        super().__init__()
        self.inner = inner
        self.label = label
        self.help_text = help_text
        self.refresh_count = 0
        self._lock = threading.Lock()
        self._used = threading.local()
        self._lifetime = timedelta(0)

    def _fresh(self) -> bool:
        if not self.inner.token:
            return False
        if self.inner.expiry is None:
            return True
        # Refresh when a quarter of the lifetime (at most google-auth's 3 min 45 s) is left,
        # so short-lived tokens (emulator tests) are not refreshed on every call.
        margin = min(timedelta(minutes=3, seconds=45), self._lifetime / 4)
        return bool(utcnow() < self.inner.expiry - margin)

    @property
    def valid(self) -> bool:
        with self._lock:
            return self._fresh()

    def _refresh_locked(self, request: google.auth.transport.Request) -> None:
        try:
            self.inner.refresh(request)
        except google.auth.exceptions.RefreshError as error:
            if error.retryable:
                raise
            raise CredentialsError(
                f"could not obtain a token for {self.label}: {error.args[0]}. {self.help_text}"
            ) from None
        self.refresh_count += 1
        expiry = self.inner.expiry
        self._lifetime = (expiry - utcnow()) if expiry is not None else timedelta(0)
        _LOGGER.info(
            "obtained an access token for %s (valid for %d s)",
            self.label,
            int(self._lifetime.total_seconds()),
        )

    def token_for_request(self, request: google.auth.transport.Request) -> str:
        """A fresh token (refreshing under the lock if needed), remembered for this thread."""
        with self._lock:
            if not self._fresh():
                self._refresh_locked(request)
            token = str(self.inner.token)
        self._used.token = token
        return token

    def before_request(
        self,
        request: google.auth.transport.Request,
        method: str,
        url: str,
        headers: dict[str, str],
    ) -> None:
        token = self.token_for_request(request)
        self.inner.apply(headers, token=token)

    def refresh(self, request: google.auth.transport.Request) -> None:
        with self._lock:
            if self._fresh() and self.inner.token != getattr(self._used, "token", None):
                return  # another thread already replaced the token this thread used
            self._refresh_locked(request)
