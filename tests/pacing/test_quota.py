"""The quota buckets, declared once, and which bucket a 429 is about."""

from __future__ import annotations

import requests

from pulumi_meet.client.meet import METHODS
from pulumi_meet.client.settings import Settings
from pulumi_meet.client.transport import _throttled_scope
from pulumi_meet.emulator import Emulator
from pulumi_meet.pacing.quota import BUCKETS, CREATE, EMULATOR_PROJECT, bucket_named, quota_project
from tests.client.conftest import emulator_settings
from tests.control import Control


def test_every_bucket_has_its_settings_and_keys() -> None:
    settings = Settings.from_config(
        {"meet:createsPerMinute": "7", "meet:projectReadsPerMinute": "70"}.get, {}
    )
    assert [b.name for b in BUCKETS] == ["create", "write", "read"]
    assert CREATE.per_user(settings) == 7 and bucket_named("read").per_project(settings) == 70
    defaults = Settings()
    for bucket in BUCKETS:
        assert bucket.per_user(defaults) == bucket.user_default
        assert bucket.per_project(defaults) == bucket.project_default == 10 * bucket.user_default
    assert {m.bucket for m in METHODS} == set(BUCKETS)
    assert (CREATE.user_key, CREATE.project_key) == ("createsPerMinute", "projectCreatesPerMinute")


def test_the_project_label_comes_from_the_credentials(emulator: Emulator) -> None:
    assert quota_project(emulator_settings(emulator)) == EMULATOR_PROJECT
    assert quota_project(emulator_settings(emulator, quotaProject="acme")) == "acme"
    key = '{"type": "service_account", "project_id": "acme-meet", "client_email": "a@b.c"}'
    assert quota_project(Settings.from_config({"meet:credentials": key}.get, {})) == "acme-meet"


def test_a_429_names_the_user_or_the_project_bucket(emulator: Emulator, control: Control) -> None:
    control.quotas(windowSeconds=30, perUser={"create": 1}, perProject={"create": 2})

    def create(email: str) -> requests.Response:
        token = control.token(email)
        return requests.post(
            f"{emulator.base_url}/v2/spaces",
            json={},
            headers={"Authorization": f"Bearer {token}"},
            timeout=10,
        )

    assert create("a@example.com").status_code == 200
    user_refusal = create("a@example.com")  # a's own create is spent
    assert create("b@example.com").status_code == 200
    project_refusal = create("c@example.com")  # the project's two are spent
    assert (user_refusal.status_code, project_refusal.status_code) == (429, 429)
    assert _throttled_scope(user_refusal.content) == "user"
    assert _throttled_scope(project_refusal.content) == "project"
    assert _throttled_scope(b"not json") == "user"
