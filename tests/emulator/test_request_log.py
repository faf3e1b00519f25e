"""The request log keeps no credential: an access token sent in the query string is redacted."""

from __future__ import annotations

from typing import Any

import requests


def test_an_access_token_in_the_query_is_redacted_in_the_log(emulator: Any) -> None:
    base = emulator.base_url
    token = requests.post(
        f"{base}/emulator/v1/token", json={"email": "owner@example.com"}, timeout=10
    ).json()["access_token"]
    requests.post(f"{base}/v2/spaces", params={"access_token": token}, json={}, timeout=10)
    log = requests.get(f"{base}/emulator/v1/requests", timeout=10).text
    assert token not in log
    assert "[redacted]" in log
