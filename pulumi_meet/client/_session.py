# google-auth's AuthorizedSession is unannotated; building one is what this module is for.
# mypy: disallow-untyped-calls=False
"""The API session of one thread: an `AuthorizedSession` that reads the environment once.

requests reads the environment on every call (``Session.merge_environment_settings``): it
walks every variable for proxies, checks ``NO_PROXY`` against the host, and looks for
``REQUESTS_CA_BUNDLE``; that costs about 0.2 ms per call here, as much as all of pulumi-meet's
own work on a call. The answers cannot change under a running process, so
:func:`api_session` reads them once per session, as requests would for this endpoint, and turns
``trust_env`` off. Turning it off also stops requests from replacing the bearer token with a
``~/.netrc`` entry for the API's host (requests adds netrc credentials to any call that has no
``auth`` of its own, and google-auth's token travels as a header).
"""

from __future__ import annotations

import os

import google.auth.credentials
import requests.adapters
import requests.utils
from google.auth.transport.requests import AuthorizedSession

from pulumi_meet._version import __version__

__all__ = ["api_session", "environment_settings"]


def environment_settings(url: str) -> tuple[dict[str, str], bool | str]:
    """The proxies and the certificate check requests would derive from the environment for a
    call to `url` (``HTTP(S)_PROXY``, ``ALL_PROXY``, ``NO_PROXY``, ``REQUESTS_CA_BUNDLE``,
    ``CURL_CA_BUNDLE``)."""
    proxies: dict[str, str] = requests.utils.get_environ_proxies(url)
    bundle = os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("CURL_CA_BUNDLE")
    return proxies, bundle or True


def api_session(
    credentials: google.auth.credentials.Credentials, api_url: str
) -> AuthorizedSession:
    """A session for calls to `api_url` as `credentials`: its User-Agent names pulumi-meet, it
    never resends on its own (the caller's retry loop decides, creates included), and it takes
    the environment's proxies and CA bundle for `api_url` once."""
    session = AuthorizedSession(credentials, max_refresh_attempts=1)
    # Which client and version made a call, in Google's logs and the emulator's.
    underlying = str(session.headers.get("User-Agent") or "")
    session.headers["User-Agent"] = f"pulumi-meet/{__version__} {underlying}".rstrip()
    adapter = requests.adapters.HTTPAdapter(max_retries=0)
    session.mount("https://", adapter)
    session.mount("http://", adapter)
    session.proxies, session.verify = environment_settings(api_url)
    session.trust_env = False
    return session
