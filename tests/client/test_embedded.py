"""`meet:emulatorHost: embedded`: one emulator per process, state under the project directory."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests

from pulumi_meet.client import embedded as _embedded
from pulumi_meet.client.meet import get_client
from pulumi_meet.client.settings import Settings
from pulumi_meet.client.state import ClientState, use_state


@pytest.fixture
def project_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.chdir(tmp_path)
    yield tmp_path
    _embedded.stop_embedded()


def test_embedded_starts_once_lazily_and_keeps_state_in_the_project(
    project_dir: Path, client_state: ClientState
) -> None:
    settings = Settings.from_config({"meet:emulatorHost": "embedded"}.get, {})
    client = get_client(settings)
    assert not (project_dir / ".pulumi-meet").exists()  # nothing before the first call
    with ThreadPoolExecutor(max_workers=4) as pool:
        urls = set(pool.map(lambda _: _embedded.embedded_base_url(), range(8)))
    assert len(urls) == 1
    name = client.create_space({})["name"]
    assert (project_dir / ".pulumi-meet" / "emulator.db").is_file()
    # A later process (here: a restart) finds the same room in the same database.
    _embedded.stop_embedded()
    with use_state(ClientState(ledger_path=client_state.ledgers.default_path)):  # a new process
        again = get_client(Settings.from_config({"meet:emulatorHost": "embedded"}.get, {}))
        assert again.get_space(name)["name"] == name


def test_stop_is_idempotent_and_the_next_call_starts_a_new_one(project_dir: Path) -> None:
    _embedded.stop_embedded()  # none runs yet: nothing to stop, no error
    first = _embedded.embedded_base_url()
    _embedded.stop_embedded()
    _embedded.stop_embedded()  # a second stop, as atexit's after a test's own, is harmless
    with pytest.raises(requests.ConnectionError):
        requests.get(f"{first}/emulator/v1/spaces", timeout=5)  # the first one is gone
    second = _embedded.embedded_base_url()
    assert requests.get(f"{second}/emulator/v1/spaces", timeout=10).status_code == 200
