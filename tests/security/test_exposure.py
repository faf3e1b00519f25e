"""Issue 19 §2: the control API is not open to the network or to web pages.

The emulator says on stderr when it listens beyond loopback (with the address it really binds),
serves only requests addressed to it (DNS rebinding sends another name in ``Host``), and refuses
control requests from another ``Origin`` or without a JSON content type (the "simple" request a
page can send without a preflight). Clients that name it properly are unaffected: the project's
client, google-auth's token requests and Google's generated clients pass in their own tests.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest

from pulumi_meet.emulator import Emulator
from tests.control import Control
from tests.security.wire import send

PAGE = "http://evil.example"


def _space_count(control: Control) -> int:
    return len(control.get("spaces")["spaces"])


@pytest.fixture
def populated(emulator: Emulator, control: Control) -> Control:
    token = control.token("developer@example.com")
    answer = send(
        emulator.port,
        "POST",
        "/v2/spaces",
        {"Host": emulator.host_port, "Authorization": f"Bearer {token}"},
        b"{}",
    )
    assert answer.status == 200, answer
    assert _space_count(control) == 1
    return control


def test_a_web_page_cannot_reset_the_emulator(emulator: Emulator, populated: Control) -> None:
    # The exact request: foreign Origin and Host, text/plain (no preflight).
    headers = {
        "Host": f"evil.example:{emulator.port}",
        "Origin": PAGE,
        "Content-Type": "text/plain",
    }
    answer = send(emulator.port, "POST", "/emulator/v1/reset", headers, b"{}")
    assert (answer.status, answer.error["status"]) == (403, "PERMISSION_DENIED")
    assert _space_count(populated) == 1


@pytest.mark.parametrize(
    "content_type",
    ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", None],
)
def test_a_control_post_must_declare_json(
    emulator: Emulator, populated: Control, content_type: str | None
) -> None:
    headers = {"Host": emulator.host_port}
    if content_type is not None:
        headers["Content-Type"] = content_type
    answer = send(emulator.port, "POST", "/emulator/v1/reset", headers, b"{}")
    assert (answer.status, answer.error["status"]) == (400, "INVALID_ARGUMENT")
    assert "Content-Type: application/json" in answer.error["message"]
    assert _space_count(populated) == 1


def test_a_bodiless_post_without_content_type_is_served(
    emulator: Emulator, populated: Control
) -> None:
    # `requests.post(url)`, `curl -X POST url`: no body, no type. A browser's bodiless fetch
    # always says its Origin, which is refused above.
    answer = send(emulator.port, "POST", "/emulator/v1/reset", {"Host": emulator.host_port})
    assert answer.status == 200, answer
    assert _space_count(populated) == 0


def test_a_foreign_origin_is_refused_even_with_json(emulator: Emulator, populated: Control) -> None:
    for origin in (PAGE, "null", f"http://localhost:{emulator.port + 1}", "https://127.0.0.1"):
        headers = {
            "Host": emulator.host_port,
            "Origin": origin,
            "Content-Type": "application/json",
        }
        answer = send(emulator.port, "POST", "/emulator/v1/reset", headers, b"{}")
        assert answer.status == 403, origin
        assert origin in answer.error["message"]
    answer = send(emulator.port, "GET", "/emulator/v1/requests", {"Origin": PAGE})
    assert answer.status == 403
    assert _space_count(populated) == 1


def test_its_own_origin_and_json_are_served(emulator: Emulator, populated: Control) -> None:
    for origin in (f"http://127.0.0.1:{emulator.port}", f"http://localhost:{emulator.port}"):
        headers = {"Host": emulator.host_port, "Origin": origin}
        assert send(emulator.port, "GET", "/emulator/v1/spaces", headers).status == 200
    headers = {"Host": emulator.host_port, "Content-Type": "application/json; charset=utf-8"}
    assert send(emulator.port, "POST", "/emulator/v1/reset", headers, b"{}").status == 200
    assert _space_count(populated) == 0


@pytest.mark.parametrize(
    "host", ["evil.example", "evil.example:8686", "127.0.0.1.nip.io", "localhost.evil.example"]
)
@pytest.mark.parametrize("path", ["/emulator/v1/spaces", "/v2/spaces/abc", "/tokeninfo"])
def test_a_rebound_name_is_refused_everywhere(emulator: Emulator, host: str, path: str) -> None:
    answer = send(emulator.port, "GET", path, {"Host": host})
    assert (answer.status, answer.error["status"]) == (403, "PERMISSION_DENIED")
    assert "--allowed-host" in answer.error["message"]


@pytest.mark.parametrize(
    "host", ["127.0.0.1", "localhost", "LOCALHOST.", "rooms.localhost", "[::1]", "127.0.0.2"]
)
def test_loopback_names_are_served(emulator: Emulator, host: str) -> None:
    answer = send(emulator.port, "GET", "/emulator/v1/spaces", {"Host": f"{host}:{emulator.port}"})
    assert answer.status == 200, answer


def test_a_request_without_host_is_served(emulator: Emulator) -> None:
    # Not a browser (browsers always send Host): HTTP/1.0 tools, raw sockets.
    assert send(emulator.port, "GET", "/emulator/v1/spaces").status == 200


def test_allowed_hosts_are_served() -> None:
    with Emulator(allowed_hosts=["emulator.internal"]) as emulator:
        headers = {"Host": f"emulator.internal:{emulator.port}"}
        assert send(emulator.port, "GET", "/emulator/v1/spaces", headers).status == 200
        headers = {"Host": f"other.internal:{emulator.port}"}
        assert send(emulator.port, "GET", "/emulator/v1/spaces", headers).status == 403


def test_google_auth_token_requests_stay_form_encoded(emulator: Emulator, control: Control) -> None:
    # The token endpoint is not the control API: google-auth posts a form, with no Origin.
    login = control.authorized_user("alice@example.com")
    form = (
        "grant_type=refresh_token&client_id={client_id}&client_secret={client_secret}"
        "&refresh_token={refresh_token}".format(**login)
    ).encode()
    headers = {"Host": emulator.host_port, "Content-Type": "application/x-www-form-urlencoded"}
    answer = send(emulator.port, "POST", "/token", headers, form)
    assert answer.status == 200, answer
    assert "access_token" in answer.json()


# ---------------------------------------------------------------- listening beyond loopback


def _in_private_network(*arguments: str) -> subprocess.CompletedProcess[str]:
    """Run ``pulumi-meet emulator`` in a network namespace of its own, so that binding every
    interface exposes nothing; stop it once it has printed its address and warning."""
    if (
        shutil.which("unshare") is None
        or subprocess.run(["unshare", "-n", "true"], capture_output=True, check=False).returncode
    ):
        pytest.skip("needs `unshare -n` (root) to bind every interface without exposing it")
    script = (
        f"{sys.executable} -m pulumi_meet emulator --port 0 --db :memory: {' '.join(arguments)} "
        "& sleep 3; kill -TERM $!; wait $!"
    )
    return subprocess.run(
        ["unshare", "-n", "sh", "-c", script],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env={**os.environ},
    )


@pytest.mark.parametrize("host", ["''", "0.0.0.0"])
def test_every_interface_is_said_on_stderr(host: str) -> None:
    result = _in_private_network("--host", host)
    assert result.returncode == 0, result.stderr
    url = result.stdout.splitlines()[0]
    assert url.startswith("http://127.0.0.1:")
    port = url.rsplit(":", 1)[1]
    warning = result.stderr.strip()
    assert warning.count("\n") == 0, warning
    assert f"listening on every interface (0.0.0.0:{port})" in warning
    assert "mint tokens" in warning and "--host 127.0.0.1" in warning


def test_loopback_is_said_nothing() -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "pulumi_meet", "emulator", "--port", "0", "--db", ":memory:"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        assert process.stdout.readline().startswith("http://127.0.0.1:")
    finally:
        process.terminate()
        _, stderr = process.communicate(timeout=30)
    assert stderr == ""
