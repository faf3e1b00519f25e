"""Every MeetClient method over real HTTP against the emulator, checked in its request log."""

from __future__ import annotations

from typing import Any

import pytest

from pulumi_meet import exceptions
from pulumi_meet.client.meet import METHODS, get_client
from pulumi_meet.emulator import Emulator
from tests.client.conftest import Control, emulator_settings


def test_get_client_is_lazy_and_cached() -> None:
    from pulumi_meet.client.settings import Settings

    # Nothing listens on port 9: building clients must not notice.
    settings = Settings.from_config({"meet:emulatorHost": "127.0.0.1:9"}.get, {})
    client = get_client(settings)
    assert get_client(settings) is client
    assert get_client(settings, "Lead@Example.com") is get_client(settings, "lead@example.com")
    assert get_client(settings, "lead@example.com") is not client


def test_spaces_methods(emulator: Emulator, control: Control) -> None:
    client = get_client(emulator_settings(emulator))
    assert client.identity == "developer@example.com"
    space = client.create_space({"config": {"accessType": "OPEN", "moderation": "ON"}})
    name = space["name"]
    assert name.startswith("spaces/")
    assert space["config"]["accessType"] == "OPEN"
    assert client.get_space(name)["name"] == name
    alias = "spaces/" + space["meetingCode"].upper()
    assert client.get_space(alias)["name"] == name
    patched = client.patch_space(
        name,
        {
            "config": {
                "accessType": "RESTRICTED",
                "moderationRestrictions": {"chatRestriction": "HOSTS_ONLY"},
            }
        },
        ["config.accessType", "config.moderationRestrictions.chatRestriction"],
    )
    assert patched["config"]["accessType"] == "RESTRICTED"
    assert patched["config"]["moderationRestrictions"]["chatRestriction"] == "HOSTS_ONLY"
    control.call("POST", f"{name}:startConference", {"participants": ["guest@example.com"]})
    assert "activeConference" in client.get_space(name)
    client.end_active_conference(name)
    assert "activeConference" not in client.get_space(name)
    with pytest.raises(exceptions.FailedPrecondition, match="no active conference"):
        client.end_active_conference(name)

    log = control.calls()
    assert [entry["apiMethod"] for entry in log] == [
        "spaces.create",
        "spaces.get",
        "spaces.get",
        "spaces.patch",
        "spaces.get",
        "spaces.endActiveConference",
        "spaces.get",
        "spaces.endActiveConference",
    ]
    assert log[0]["body"] == {"config": {"accessType": "OPEN", "moderation": "ON"}}
    assert log[3]["query"] == {
        "updateMask": "config.accessType,config.moderationRestrictions.chatRestriction"
    }
    assert {entry["principal"] for entry in log} == {"developer@example.com"}


def test_members_methods(emulator: Emulator, control: Control) -> None:
    client = get_client(emulator_settings(emulator))
    parent = client.create_space({})["name"]
    created = [
        client.create_member(parent, {"email": f"user{i}@example.com", "role": "COHOST"})
        for i in range(5)
    ]
    member = created[0]
    assert member["name"].startswith(parent + "/members/")
    assert client.get_member(member["name"])["email"] == "user0@example.com"
    page = client.list_members(parent, page_size=2)
    assert len(page["members"]) == 2 and page["nextPageToken"]
    second = client.list_members(parent, page_size=2, page_token=page["nextPageToken"])
    assert {m["name"] for m in second["members"]}.isdisjoint(m["name"] for m in page["members"])
    assert sorted(m["email"] for m in client.iter_members(parent)) == [
        f"user{i}@example.com" for i in range(5)
    ]
    patched = client.patch_member(member["name"], {"role": "ROLE_UNSPECIFIED"}, ["role"])
    assert patched.get("role", "ROLE_UNSPECIFIED") == "ROLE_UNSPECIFIED"
    client.delete_member(member["name"])
    with pytest.raises(exceptions.NotFound) as caught:
        client.get_member(member["name"])
    assert caught.value.method == "members.get"
    with pytest.raises(exceptions.AlreadyExists):
        client.create_member(parent, {"email": "USER1@example.com"})
    methods = control.methods()
    assert methods.count("spaces.members.create") == 6
    assert methods.count("spaces.members.list") == 3  # two pages by hand, one by iter_members
    assert "spaces.members.patch" in methods and "spaces.members.delete" in methods
    list_queries = [e["query"] for e in control.calls() if e["apiMethod"].endswith("list")]
    assert list_queries[0] == {"pageSize": "2"}


def test_errors_are_typed_and_name_method_and_resource(
    emulator: Emulator, control: Control
) -> None:
    client = get_client(emulator_settings(emulator))
    with pytest.raises(exceptions.PermissionDenied) as denied:
        client.patch_space(
            "spaces/doesnotexist", {"config": {"accessType": "OPEN"}}, ["config.accessType"]
        )
    assert denied.value.method == "spaces.patch"
    assert denied.value.resource == "spaces/doesnotexist"
    assert "developer@example.com" in str(denied.value)
    with pytest.raises(exceptions.InvalidArgument) as invalid:
        client.create_space({"config": {"moderation": "MODERATION_ON"}})
    assert "space.config.moderation" in str(invalid.value)
    name = client.create_space({})["name"]
    other = get_client(emulator_settings(emulator), "someone.else@example.com")
    with pytest.raises(exceptions.PermissionDenied):
        other.patch_space(name, {"config": {"accessType": "OPEN"}}, ["config.accessType"])
    # Errors that retrying cannot fix are sent once.
    assert control.methods().count("spaces.patch") == 2


def test_a_bad_update_mask_is_refused_before_any_request(
    emulator: Emulator, control: Control
) -> None:
    client = get_client(emulator_settings(emulator))
    with pytest.raises(ValueError, match="at least one field"):
        client.patch_space("spaces/abc", {}, [])
    with pytest.raises(TypeError):
        client.patch_space("spaces/abc", {}, "config.accessType")
    with pytest.raises(exceptions.InvalidArgument, match="resource name"):
        client.get_space("spaces/../emulator/v1/reset")
    with pytest.raises(exceptions.InvalidArgument, match=r"members\.create '': not a resource"):
        client.create_member("", {"email": "a@example.com"})
    assert control.calls() == []


def test_the_method_table_matches_the_discovery_document(
    meet_discovery: dict[str, Any],
) -> None:
    spaces = meet_discovery["resources"]["spaces"]
    documented = {f"spaces.{n}": m for n, m in spaces["methods"].items()}
    documented |= {f"members.{n}": m for n, m in spaces["resources"]["members"]["methods"].items()}
    for method in METHODS:
        entry = documented[method.id]
        assert entry["httpMethod"] == method.verb, method.id
        assert set(method.scopes) == set(entry["scopes"]), method.id
    buckets = {m.id: m.bucket.name for m in METHODS}
    assert buckets["spaces.create"] == "create"
    assert buckets["members.create"] == "write"
    assert {buckets[i] for i in ("spaces.get", "members.get", "members.list")} == {"read"}
