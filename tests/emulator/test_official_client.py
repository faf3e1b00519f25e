"""Google's generated client (google-apps-meet, REST transport, integer enums) against the emulator:
every spaces and members method, and its error mapping."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from google.api_core import exceptions as core_exceptions
from google.apps import meet_v2
from google.oauth2.credentials import Credentials
from google.protobuf import field_mask_pb2

from pulumi_meet.emulator import Emulator
from tests.control import Control

Config = meet_v2.SpaceConfig
Client = meet_v2.SpacesServiceClient


@pytest.fixture
def client_for(emulator: Emulator, control: Control) -> Callable[..., Client]:
    def build(email: str = "owner@example.com", scopes: list[str] | None = None) -> Client:
        token = control.token(email, scopes)
        return Client(
            credentials=Credentials(token),
            transport="rest",
            client_options={"api_endpoint": emulator.base_url},
        )

    return build


def test_every_spaces_method(client_for: Callable[..., Client], control: Control) -> None:
    client = client_for()
    space = client.create_space(
        request={"space": {"config": {"access_type": Config.AccessType.OPEN}}}
    )
    assert space.name.startswith("spaces/") and len(space.name) == len("spaces/") + 12
    assert space.meeting_uri == f"https://meet.google.com/{space.meeting_code}"
    assert space.config.access_type == Config.AccessType.OPEN
    # Unset settings come back resolved, never *_UNSPECIFIED.
    assert space.config.entry_point_access == Config.EntryPointAccess.ALL
    assert space.config.moderation == Config.Moderation.OFF
    recording = space.config.artifact_config.recording_config
    assert recording.auto_recording_generation == Config.ArtifactConfig.AutoGenerationType.OFF
    assert space.phone_access[0].phone_number.startswith("+")
    assert space.gateway_sip_access[0].sip_access_code

    by_code = client.get_space(name=f"spaces/{space.meeting_code.upper()}")
    assert by_code.name == space.name

    updated = client.update_space(
        request={
            "space": {
                "name": space.name,
                "config": {
                    "moderation": Config.Moderation.ON,
                    "moderation_restrictions": {
                        "chat_restriction": Config.ModerationRestrictions.RestrictionType.HOSTS_ONLY
                    },
                },
            },
            "update_mask": field_mask_pb2.FieldMask(
                paths=["config.moderation", "config.moderation_restrictions.chat_restriction"]
            ),
        }
    )
    assert updated.config.moderation == Config.Moderation.ON
    restrictions = updated.config.moderation_restrictions
    assert restrictions.chat_restriction == Config.ModerationRestrictions.RestrictionType.HOSTS_ONLY
    assert updated.config.access_type == Config.AccessType.OPEN

    with pytest.raises(core_exceptions.BadRequest) as no_conference:
        client.end_active_conference(name=space.name)
    assert no_conference.value.message.endswith(
        ": There is no active conference for the given space."
    )
    record = control.post(f"{space.name}:startConference", {"participants": ["guest@example.com"]})
    assert (
        client.get_space(name=space.name).active_conference.conference_record
        == (record["conferenceRecord"])
    )
    client.end_active_conference(name=space.name)
    assert not client.get_space(name=space.name).active_conference.conference_record


def test_every_members_method(client_for: Callable[..., Client]) -> None:
    client = client_for()
    space = client.create_space(request={"space": {}})
    cohost = client.create_member(
        parent=space.name, member={"email": "co@example.com", "role": meet_v2.Member.Role.COHOST}
    )
    assert cohost.name.startswith(f"{space.name}/members/")
    assert cohost.role == meet_v2.Member.Role.COHOST
    plain = client.create_member(parent=space.name, member={"email": "plain@example.com"})
    assert plain.role == meet_v2.Member.Role.ROLE_UNSPECIFIED

    assert client.get_member(name=cohost.name).email == "co@example.com"
    pager = client.list_members(request={"parent": space.name, "page_size": 1})
    assert [m.email for m in pager] == ["co@example.com", "plain@example.com"]

    promoted = client.update_member(
        request={
            "member": {"name": plain.name, "role": meet_v2.Member.Role.COHOST},
            "update_mask": field_mask_pb2.FieldMask(paths=["role"]),
        }
    )
    assert promoted.role == meet_v2.Member.Role.COHOST

    batch = client.batch_update_members(
        request={
            "parent": space.name,
            "requests": [
                {"member": {"name": cohost.name, "role": meet_v2.Member.Role.ROLE_UNSPECIFIED}},
                {"member": {"name": plain.name, "role": meet_v2.Member.Role.ROLE_UNSPECIFIED}},
            ],
            "update_mask": field_mask_pb2.FieldMask(paths=["role"]),
        }
    )
    assert [m.role for m in batch.members] == [meet_v2.Member.Role.ROLE_UNSPECIFIED] * 2

    client.delete_member(name=cohost.name)
    with pytest.raises(core_exceptions.NotFound):
        client.get_member(name=cohost.name)
    assert [m.name for m in client.list_members(parent=space.name)] == [plain.name]


def test_errors_map_to_the_clients_exceptions(client_for: Callable[..., Client]) -> None:
    owner = client_for()
    space = owner.create_space(request={"space": {}})
    stranger = client_for("stranger@example.com")
    with pytest.raises(core_exceptions.Forbidden) as denied:
        stranger.update_space(
            request={
                "space": {"name": space.name, "config": {"access_type": 1}},
                "update_mask": field_mask_pb2.FieldMask(paths=["config.access_type"]),
            }
        )
    assert "Permission denied on resource Space" in denied.value.message
    reader = client_for("owner@example.com", ["meetings.space.readonly"])
    with pytest.raises(core_exceptions.Forbidden) as scope:
        reader.create_space(request={"space": {}})
    assert scope.value.reason == "ACCESS_TOKEN_SCOPE_INSUFFICIENT"
    owner.create_member(parent=space.name, member={"email": "dup@example.com"})
    with pytest.raises(core_exceptions.Conflict):
        owner.create_member(parent=space.name, member={"email": "DUP@example.com"})
    with pytest.raises(core_exceptions.BadRequest):
        owner.update_space(
            request={
                "space": {"name": space.name},
                "update_mask": field_mask_pb2.FieldMask(paths=["meeting_code"]),
            }
        )
