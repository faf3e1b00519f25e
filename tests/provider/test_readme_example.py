"""The README's "Using it" example, as written, through a real provider host in every auth mode
the README offers: the emulator's user, a user login, a service-account key with domain-wide
delegation acting for a deploy user, and keyless delegation (IAM signJwt).

The example's room names an explicit ``owner``; its co-host must be added as that owner (only
the owner manages members), whoever the pipeline's default identity is.
"""

from __future__ import annotations

import json
import re
import textwrap
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from pulumi_meet import __version__
from tests.conftest import REPO_ROOT
from tests.engine import Engine, Program
from tests.provider.conftest import Control, HostFactory

EXAMPLE_OWNER = "platform-lead@example.com"
DEPLOY_USER = "deploy@example.com"
CREATED = "https://www.googleapis.com/auth/meetings.space.created"


def readme_example() -> str:
    """The first Python block of the README's "Using it" section."""
    readme = (REPO_ROOT / "README.md").read_text()
    section = readme.split("\n## Using it\n", 1)[1]
    match = re.search(r"```python\n(.*?)```", section, re.DOTALL)
    assert match is not None, "the README's Using it section has no python block"
    return match.group(1)


def _program(source: str) -> Program:
    code = compile(source, "README.md", "exec")

    def run() -> None:
        exec(code, {"__name__": "__main__"})

    return run


# Keyless delegation needs Application Default Credentials that are a service account without a
# key (GCE, workload identity). A provider host is a subprocess, so this sitecustomize (on the
# host's PYTHONPATH) gives it such ADC, and points "Google" at the test's emulator.
_KEYLESS_SITECUSTOMIZE = textwrap.dedent(
    """
    import datetime, json, os, urllib.request
    import google.auth.credentials
    from pulumi_meet.client import auth

    BASE = os.environ["KEYLESS_TEST_EMULATOR"]
    EMAIL = os.environ["KEYLESS_TEST_ACCOUNT"]

    class KeylessAccount(google.auth.credentials.Credentials):
        service_account_email = EMAIL

        def refresh(self, request):
            body = {"email": EMAIL, "serviceAccount": True, "scopes": [auth.CLOUD_PLATFORM_SCOPE]}
            sent = urllib.request.Request(
                BASE + "/emulator/v1/token",
                json.dumps(body).encode(),
                {"Content-Type": "application/json"},
                method="POST",
            )
            with urllib.request.urlopen(sent, timeout=10) as answer:
                self.token = json.load(answer)["access_token"]
            self.expiry = datetime.datetime.utcnow() + datetime.timedelta(hours=1)

    auth.application_default_credentials = KeylessAccount
    google = auth.Endpoints(BASE, BASE + "/token", BASE + "/tokeninfo", BASE)
    auth.Endpoints.google = classmethod(lambda cls: google)
    """
)


def _mode(
    mode: str, control: Control, tmp_path: Path
) -> tuple[dict[str, str], dict[str, str], str]:
    """(host environment, stack config, the identity the pipeline acts as by default)."""
    emulator = {"MEET_EMULATOR_HOST": control.host_port}
    if mode == "emulator user":
        return emulator, {}, "developer@example.com"
    if mode == "user login":
        # A user login acts as that user: the README's owner= must be the login's own address.
        login = control.authorized_user(EXAMPLE_OWNER, scopes=[CREATED])
        return emulator, {"meet:credentials": json.dumps(login)}, EXAMPLE_OWNER
    key = control.service_account([CREATED])
    if mode == "service account key":
        config = {"meet:credentials": json.dumps(key), "meet:impersonateUser": DEPLOY_USER}
        return emulator, config, DEPLOY_USER
    site = tmp_path / "keyless-site"
    site.mkdir()
    (site / "sitecustomize.py").write_text(_KEYLESS_SITECUSTOMIZE)
    env = {
        "PYTHONPATH": str(site),
        "KEYLESS_TEST_EMULATOR": control.base_url,
        "KEYLESS_TEST_ACCOUNT": str(key["client_email"]),
    }
    return env, {"meet:impersonateUser": DEPLOY_USER}, DEPLOY_USER


def _principals(control: Control) -> Counter[tuple[str, str]]:
    return Counter((call["apiMethod"], call["principal"]) for call in control.calls())


@pytest.mark.parametrize("mode", ["emulator user", "user login", "service account key", "keyless"])
def test_the_readme_example_runs_in_every_auth_mode(
    mode: str, control: Control, start_host: HostFactory, tmp_path: Path
) -> None:
    env, config, default_identity = _mode(mode, control, tmp_path)
    engine = Engine(start_host(env), config=config)
    program = _program(readme_example())

    steps = engine.up(program)
    assert Counter(step.op for step in steps) == {"create": 2}
    # The room and its co-host are both the owner's, whoever the pipeline acts as by default.
    assert _principals(control) == {
        ("spaces.create", EXAMPLE_OWNER): 1,
        ("spaces.members.create", EXAMPLE_OWNER): 1,
    }
    member = engine.resource("standup-cohost")
    assert member.outputs["owner"] == EXAMPLE_OWNER
    # The provider reports the one version (pulumi_meet/_version.py) with every call.
    assert {c["userAgent"].split()[0] for c in control.calls()} == {f"pulumi-meet/{__version__}"}
    assert str(engine.exports["standup_url"]).startswith("https://meet.google.com/")
    if default_identity != EXAMPLE_OWNER:
        assert [s["owner"] for s in control.spaces()] == [EXAMPLE_OWNER]

    control.clear()
    assert Counter(step.op for step in engine.up(program)) == {"same": 2}
    assert control.calls() == []

    assert Counter(step.op for step in engine.destroy()) == {"delete": 2}
    assert {principal for _, principal in _principals(control)} == {EXAMPLE_OWNER}


def test_a_member_given_the_rooms_name_output_acts_as_the_rooms_owner(
    control: Control, start_host: HostFactory
) -> None:
    """``space=room.name`` (the pattern docs/space-member.md used to call wrong) works: the
    output still knows its Space, so the member acts as the room's recorded owner."""
    import pulumi_meet as meet

    def program() -> None:
        room = meet.Space("room", owner=EXAMPLE_OWNER)
        meet.SpaceMember("by-name", space=room.name, email="deputy@example.com")
        meet.SpaceMember("by-derived", space=room.name.apply(str), email="erin@example.com")
        meet.SpaceMember("explicit", space=room.name, email="sam@example.com", owner=EXAMPLE_OWNER)

    config = {"meet:impersonateUser": DEPLOY_USER}
    key = control.service_account([CREATED])
    engine = Engine(
        start_host({"MEET_EMULATOR_HOST": control.host_port}),
        config={**config, "meet:credentials": json.dumps(key)},
    )
    engine.up(program)
    assert _principals(control) == {
        ("spaces.create", EXAMPLE_OWNER): 1,
        ("spaces.members.create", EXAMPLE_OWNER): 3,
    }
    owners: dict[str, Any] = {
        name: engine.resource(name).outputs["owner"]
        for name in ("by-name", "by-derived", "explicit")
    }
    assert owners == dict.fromkeys(owners, EXAMPLE_OWNER)
