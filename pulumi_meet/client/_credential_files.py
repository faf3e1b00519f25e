# google-auth ships py.typed but most of its functions are unannotated.
# mypy: disallow-untyped-calls=False
"""Reading a credentials JSON (bounded) and loading it with google-auth, as Google's own forms.

Every message names the file or setting and the field at fault and what was expected, never a
field's value: a key file's text must not reach stderr, a gRPC status or a CI log.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import IO, Any

import google.auth
import google.auth.credentials
import google.auth.exceptions
import google.oauth2.credentials
import google.oauth2.service_account

from pulumi_meet.client.settings import CLOUD_PLATFORM_SCOPE, GCLOUD_LOGIN
from pulumi_meet.exceptions import CredentialsError, unreadable_file

__all__ = [
    "MAX_CREDENTIALS_BYTES",
    "application_default_credentials",
    "check_fields",
    "load_credentials",
    "read_capped",
    "read_credentials_file",
]

MAX_CREDENTIALS_BYTES = 1 << 20
"""The most read from a credentials file: a key or a login JSON is a few KB; /dev/zero is not."""

# The string fields google-auth reads from each documented kind; all are required.
_REQUIRED_STRINGS: dict[str, tuple[str, ...]] = {
    "service_account": ("client_email", "private_key", "token_uri"),
    "authorized_user": ("client_id", "client_secret", "refresh_token"),
}
_OPTIONAL_STRINGS = ("private_key_id", "project_id", "client_id", "quota_project_id", "account")
_SHORTEST_SECRET = 8  # values at least this long are kept out of any message
_AWS_SUBJECT_TOKEN_TYPE = "urn:ietf:params:aws:token-type:aws4_request"


def read_capped(handle: IO[str], what: str) -> str:
    """The text of an open credentials file, refused beyond `MAX_CREDENTIALS_BYTES`."""
    text = handle.read(MAX_CREDENTIALS_BYTES + 1)
    if len(text) > MAX_CREDENTIALS_BYTES:
        raise CredentialsError(
            f"{what}: the file is larger than {MAX_CREDENTIALS_BYTES // (1 << 20)} MiB, so it is "
            "not a credentials file (a service-account key or an authorized_user JSON is a few "
            "KB); name the key file itself"
        )
    return text


def read_credentials_file(path: str) -> dict[str, Any]:
    """The JSON object of ``GOOGLE_APPLICATION_CREDENTIALS`` (read lazily, bounded)."""
    what = f"GOOGLE_APPLICATION_CREDENTIALS={path}"
    try:
        with open(path, encoding="utf-8") as handle:
            text = read_capped(handle, what)
    except (OSError, UnicodeDecodeError) as error:
        raise CredentialsError(
            unreadable_file("GOOGLE_APPLICATION_CREDENTIALS", path, error)
        ) from None
    try:
        data = json.loads(text)
    except ValueError:
        # `from None`, no detail: a decoder's message may quote the document.
        raise CredentialsError(f"{what} is not valid JSON") from None
    if not isinstance(data, dict):
        raise CredentialsError(f"{what} is not a JSON object")
    return data


def check_fields(info: Mapping[str, Any]) -> None:
    """Each field google-auth reads is a string; the message names the field, not its value."""
    kind = info.get("type")
    required = _REQUIRED_STRINGS.get(str(kind), ())
    for field in required:
        if field not in info:
            raise CredentialsError(
                f"the {kind} credentials lack the field {field!r} (a string); use the JSON file "
                "exactly as Google issued it"
            )
    for field in (*required, *_OPTIONAL_STRINGS):
        value = info.get(field)
        if field in info and not isinstance(value, str):
            raise CredentialsError(
                f"the {kind} credentials' field {field!r} must be a string, not a JSON "
                f"{_json_type(value)}; use the JSON file exactly as Google issued it"
            )


def _json_type(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, (list, tuple)):
        return "array"
    if isinstance(value, Mapping):
        return "object"
    return "null" if value is None else type(value).__name__


def _safe_detail(error: BaseException, info: Mapping[str, Any]) -> str:
    """google-auth's reason, unless it quotes any value of the credentials."""
    text = str(error)
    values = [v for v in info.values() if isinstance(v, str) and len(v) >= _SHORTEST_SECRET]
    if any(value in text for value in values) or len(text) > 200:
        return type(error).__name__
    return f"{type(error).__name__}: {text}"


def application_default_credentials() -> google.auth.credentials.Credentials:
    """Application Default Credentials with the cloud-platform scope (keyless delegation needs
    it to call IAM); a clear CredentialsError when there are none."""
    try:
        adc: google.auth.credentials.Credentials
        adc, _ = google.auth.default(scopes=[CLOUD_PLATFORM_SCOPE])
    except google.auth.exceptions.DefaultCredentialsError as error:
        raise CredentialsError(
            "no credentials found: set meet:credentials (a secret), or "
            f"GOOGLE_APPLICATION_CREDENTIALS, or run `{GCLOUD_LOGIN}`, or use an emulator "
            f"(meet:emulatorHost). ({error.args[0] if error.args else error})"
        ) from None
    return adc


def _external_account(info: Mapping[str, Any]) -> google.auth.credentials.Credentials:
    """Workload identity federation, chosen as google-auth's loader does, minus the network
    call it makes to learn a project id nobody here needs (nothing may be sent before the first
    API call)."""
    source = info.get("credential_source")
    scopes = [CLOUD_PLATFORM_SCOPE]
    credentials: google.auth.credentials.Credentials
    if info.get("subject_token_type") == _AWS_SUBJECT_TOKEN_TYPE:
        from google.auth import aws

        credentials = aws.Credentials.from_info(info, scopes=scopes)
    elif isinstance(source, Mapping) and source.get("executable") is not None:
        from google.auth import pluggable

        credentials = pluggable.Credentials.from_info(info, scopes=scopes)
    else:
        from google.auth import identity_pool

        credentials = identity_pool.Credentials.from_info(info, scopes=scopes)
    return credentials


def load_credentials(info: Mapping[str, Any]) -> google.auth.credentials.Credentials:
    """google-auth credentials from a credentials JSON, exactly as Google issued it.

    Nothing is sent: google-auth fetches tokens on the first refresh. User credentials keep
    Google's token endpoint whatever the file says (google-auth pins it: a file must not
    redirect a refresh token).
    """
    data = dict(info)
    check_fields(data)
    try:
        credentials: google.auth.credentials.Credentials
        if data.get("type") == "service_account":
            credentials = google.oauth2.service_account.Credentials.from_service_account_info(data)
        elif data.get("type") == "authorized_user":
            credentials = google.oauth2.credentials.Credentials.from_authorized_user_info(data)
        elif data.get("type") == "external_account":
            credentials = _external_account(data)
        else:
            credentials, _ = google.auth.load_credentials_from_dict(
                data, scopes=[CLOUD_PLATFORM_SCOPE]
            )
    except (ValueError, KeyError, TypeError, google.auth.exceptions.GoogleAuthError) as error:
        raise CredentialsError(
            f"could not load {data.get('type')} credentials ({_safe_detail(error, data)}); use "
            "the JSON file exactly as Google issued it"
        ) from None
    return credentials
