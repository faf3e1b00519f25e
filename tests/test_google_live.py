"""Against the real Google Meet API — opt in with PULUMI_MEET_GOOGLE_TESTS=1.

Uses the same configuration as the provider: ``GOOGLE_APPLICATION_CREDENTIALS`` or ADC, and
``MEET_IMPERSONATE_USER`` for a service account. ``MEET_EMULATOR_HOST`` must be unset. The test
creates one real meeting space (which the API cannot delete) and leaves it RESTRICTED.
"""

from __future__ import annotations

import os

import pytest

pytestmark = pytest.mark.google


def test_space_round_trip_on_google() -> None:
    assert not os.environ.get("MEET_EMULATOR_HOST"), "unset MEET_EMULATOR_HOST to test Google"
    from pulumi_meet.client.meet import get_client
    from pulumi_meet.client.settings import Settings

    client = get_client(Settings.from_config(lambda _key: None))
    created = client.create_space({"config": {"accessType": "TRUSTED"}})
    assert created["name"].startswith("spaces/")
    fetched = client.get_space(f"spaces/{created['meetingCode'].upper()}")
    assert fetched["name"] == created["name"]
    patched = client.patch_space(
        created["name"], {"config": {"accessType": "RESTRICTED"}}, ["config.accessType"]
    )
    assert patched["config"]["accessType"] == "RESTRICTED"
