"""The API session reads the environment once: proxies, NO_PROXY and the CA bundle still rule,
and a ``~/.netrc`` entry for the API's host never replaces the bearer token."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from pulumi_meet.client._session import environment_settings
from pulumi_meet.client.meet import get_client
from pulumi_meet.client.settings import Settings
from pulumi_meet.emulator import Emulator
from tests.client.conftest import emulator_settings
from tests.listener import listening

_PROXY_VARIABLES = ("http_proxy", "https_proxy", "all_proxy", "no_proxy")


@pytest.fixture(autouse=True)
def no_proxy_in_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in _PROXY_VARIABLES:
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.upper(), raising=False)


def _dead_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_calls_go_through_the_proxy_the_environment_names(monkeypatch: pytest.MonkeyPatch) -> None:
    with listening() as proxy:
        monkeypatch.setenv("HTTP_PROXY", f"http://{proxy.host_port}")
        settings = Settings.from_config({"meet:emulatorHost": "meet-emulator.test:8686"}.get, {})
        client = get_client(settings)
        client.get_space("spaces/listener")
        client.get_space("spaces/listener")
        api_calls = [line for line in proxy.requests() if "/v2/" in line]
    expected = "GET http://meet-emulator.test:8686/v2/spaces/listener HTTP/1.1"
    assert api_calls == [expected, expected]


def test_no_proxy_sends_the_emulators_calls_straight_to_it(
    emulator: Emulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HTTP_PROXY", f"http://127.0.0.1:{_dead_port()}")  # nobody listens
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    client = get_client(emulator_settings(emulator))
    name = client.create_space({})["name"]
    assert client.get_space(name)["name"] == name


def test_a_netrc_entry_for_the_api_host_does_not_replace_the_token(
    emulator: Emulator, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    netrc = tmp_path / ".netrc"
    netrc.write_text("machine 127.0.0.1 login someone password not-a-token\n")
    netrc.chmod(0o600)
    monkeypatch.setenv("NETRC", str(netrc))
    client = get_client(emulator_settings(emulator))
    name = client.create_space({})["name"]  # Basic auth in place of the token would be 401
    assert client.get_space(name)["name"] == name


@pytest.mark.parametrize("variable", ["REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE"])
def test_the_ca_bundle_of_the_environment_checks_the_apis_certificate(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, variable: str
) -> None:
    monkeypatch.delenv("REQUESTS_CA_BUNDLE", raising=False)
    monkeypatch.delenv("CURL_CA_BUNDLE", raising=False)
    bundle = tmp_path / "corporate-ca.pem"
    monkeypatch.setenv(variable, str(bundle))
    assert environment_settings("https://meet.googleapis.com") == ({}, str(bundle))


def test_without_a_bundle_the_system_store_checks_certificates(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("REQUESTS_CA_BUNDLE", raising=False)
    monkeypatch.delenv("CURL_CA_BUNDLE", raising=False)
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.example:3128")
    proxies, verify = environment_settings("https://meet.googleapis.com")
    assert proxies["https"] == "http://proxy.example:3128" and verify is True
