"""Each policy, called over gRPC with resources shaped as the engine sends them.

Dynamic resources carry snake_case inputs and (as the engine sends them) no ``__provider``;
``meet:index:*`` resources carry camelCase inputs. Unknown values use the SDK's sentinel strings.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.policy.analyzer import Analyzer, EngineResource
from tests.policy.conftest import IN_CI, AnalyzerFactory

SPACE = "pulumi-python:dynamic/meet:Space"
MEMBER = "pulumi-python:dynamic/meet:SpaceMember"
PLUGIN_SPACE = "meet:index:Space"
PLUGIN_MEMBER = "meet:index:SpaceMember"
UNKNOWN_STRING = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"

OPEN = "meet-open-access-allowlist"
DOMAINS = "meet-allowed-domains"
ARTIFACTS = "meet-artifacts-require-moderation"
OWNER = "meet-explicit-owner"
QUOTA = "meet-creation-quota"


def space(resource: str, config: dict[str, Any] | None = None, **props: Any) -> EngineResource:
    return EngineResource(SPACE, resource, {"config": config or {}, **props})


def plugin_space(
    resource: str, config: dict[str, Any] | None = None, **props: Any
) -> EngineResource:
    return EngineResource(PLUGIN_SPACE, resource, {"config": config or {}, **props})


def only(analyzer: Analyzer, resource: EngineResource, policy: str) -> list[str]:
    """The messages ``policy`` reports for ``resource`` (others are not under test here)."""
    return [d.message for d in analyzer.analyze(resource).diagnostics if d.policy == policy]


# ------------------------------------------------------------------ open access


def test_an_open_room_needs_its_name_on_the_allow_list(analyzer: Analyzer) -> None:
    [message] = only(analyzer, space("lobby", {"access_type": "OPEN"}), OPEN)
    assert "Room 'lobby' sets config.access_type = OPEN" in message
    assert "Set config.access_type to TRUSTED" in message
    assert (
        "add 'lobby' to allowedNames of meet-open-access-allowlist (allowed now: none)" in message
    )
    analyzer.configure({OPEN: {"enforcementLevel": "mandatory", "allowedNames": ["lob*"]}})
    assert only(analyzer, space("lobby", {"access_type": "OPEN"}), OPEN) == []
    [message] = only(analyzer, space("standup", {"access_type": "OPEN"}), OPEN)
    assert "(allowed now: lob*)" in message


def test_trusted_restricted_unset_and_unknown_access_are_fine(analyzer: Analyzer) -> None:
    for config in ({"access_type": "TRUSTED"}, {"access_type": "RESTRICTED"}, {}):
        assert only(analyzer, space("room", config), OPEN) == []
    result = analyzer.analyze(space("room", {"access_type": UNKNOWN_STRING}))
    # Not a violation, and not the SDK's "can't run policy during preview" either.
    assert result.diagnostics == []


def test_the_plugin_space_is_checked_with_camel_case_paths(analyzer: Analyzer) -> None:
    [message] = only(analyzer, plugin_space("lobby", {"accessType": "OPEN"}), OPEN)
    assert "sets config.accessType = OPEN" in message
    # The snake_case spelling means nothing to the plugin's resource.
    assert only(analyzer, plugin_space("lobby", {"access_type": "OPEN"}), OPEN) == []


def test_other_resources_are_ignored(analyzer: Analyzer) -> None:
    for type_ in ("aws:s3/bucket:Bucket", "pulumi-python:dynamic/other:Space", "meet:index:Room"):
        resource = EngineResource(type_, "x", {"config": {"access_type": "OPEN"}, "owner": None})
        assert analyzer.analyze(resource).diagnostics == []


# ------------------------------------------------------------------ domains


def test_domains_do_not_apply_until_configured(analyzer: Analyzer) -> None:
    result = analyzer.analyze(space("room", owner="someone@elsewhere.org"))
    assert result.policies() == []
    assert "no allowedDomains configured" in result.not_applicable[DOMAINS]


def test_owners_and_cohosts_come_from_allowed_domains(analyzer: Analyzer) -> None:
    analyzer.configure({DOMAINS: {"enforcementLevel": "mandatory", "allowedDomains": ["corp.com"]}})
    assert only(analyzer, space("room", owner="Lead@CORP.com"), DOMAINS) == []
    [message] = only(analyzer, space("room", owner="lead@corp.com.evil.io"), DOMAINS)
    assert message.endswith(
        "Room 'room' is owned by lead@corp.com.evil.io (owner), outside the allowed domains "
        "corp.com. Use an address of an allowed domain, or add its domain to allowedDomains of "
        "meet-allowed-domains."
    )
    member = EngineResource(MEMBER, "guest", {"email": "guest@gmail.com", "owner": "a@corp.com"})
    [message] = only(analyzer, member, DOMAINS)
    assert "'guest' makes guest@gmail.com a co-host (email)" in message
    plugin_member = EngineResource(PLUGIN_MEMBER, "guest", {"email": "x@eu.corp.com"})
    assert len(only(analyzer, plugin_member, DOMAINS)) == 1
    # The room's own owner is checked on the room, not again on each member.
    fine = EngineResource(MEMBER, "ok", {"email": "ok@corp.com", "owner": "boss@elsewhere.org"})
    assert only(analyzer, fine, DOMAINS) == []
    # An owner not known yet is checked when it is (during the update).
    assert only(analyzer, space("room", owner=UNKNOWN_STRING), DOMAINS) == []


def test_subdomains_only_when_asked(analyzer: Analyzer) -> None:
    analyzer.configure(
        {
            DOMAINS: {
                "allowedDomains": ["corp.com"],
                "includeSubdomains": True,
                "enforcementLevel": "mandatory",
            }
        }
    )
    assert (
        only(analyzer, EngineResource(PLUGIN_MEMBER, "m", {"email": "x@eu.corp.com"}), DOMAINS)
        == []
    )
    [message] = only(
        analyzer, EngineResource(PLUGIN_MEMBER, "m", {"email": "x@notcorp.com"}), DOMAINS
    )
    assert "corp.com (or their subdomains)" in message


# ------------------------------------------------------------------ artifacts need moderation


RECORDING_ON = {"artifact_config": {"recording_config": {"auto_recording_generation": "ON"}}}
TRANSCRIPTION_ON = {
    "artifact_config": {"transcription_config": {"auto_transcription_generation": "ON"}}
}


def test_recording_or_transcription_needs_moderation_on(analyzer: Analyzer) -> None:
    [message] = only(analyzer, space("town-hall", RECORDING_ON), ARTIFACTS)
    assert (
        "Room 'town-hall' turns on auto-recording "
        "(config.artifact_config.recording_config.auto_recording_generation = ON) "
        "but config.moderation is not set (the owner's default applies). "
        "Set config.moderation to ON"
    ) in message
    [message] = only(analyzer, space("t", {**TRANSCRIPTION_ON, "moderation": "OFF"}), ARTIFACTS)
    assert "auto-transcription" in message and "config.moderation = OFF" in message
    assert only(analyzer, space("t", {**RECORDING_ON, "moderation": "ON"}), ARTIFACTS) == []
    off = {"artifact_config": {"recording_config": {"auto_recording_generation": "OFF"}}}
    assert only(analyzer, space("t", off), ARTIFACTS) == []
    camel = {"artifactConfig": {"recordingConfig": {"autoRecordingGeneration": "ON"}}}
    [message] = only(analyzer, plugin_space("t", camel), ARTIFACTS)
    assert "config.artifactConfig.recordingConfig.autoRecordingGeneration = ON" in message
    assert "config.moderation is not set" in message


def test_smart_notes_count_only_when_configured(analyzer: Analyzer) -> None:
    notes = {"artifact_config": {"smart_notes_config": {"auto_smart_notes_generation": "ON"}}}
    assert only(analyzer, space("t", notes), ARTIFACTS) == []
    analyzer.configure({ARTIFACTS: {"enforcementLevel": "mandatory", "artifacts": ["smartNotes"]}})
    [message] = only(analyzer, space("t", notes), ARTIFACTS)
    assert "automatic smart notes" in message
    assert only(analyzer, space("t", RECORDING_ON), ARTIFACTS) == []


# ------------------------------------------------------------------ explicit owner


def test_owner_is_required_in_pipelines_only_by_default(
    analyzer: Analyzer, start_analyzer: AnalyzerFactory
) -> None:
    result = analyzer.analyze(space("standup"))
    assert result.policies() == []
    assert "not in a pipeline" in result.not_applicable[OWNER]
    in_ci = start_analyzer(IN_CI)
    [message] = only(in_ci, space("standup"), OWNER)
    assert "Room 'standup' has no owner: it would be owned by the identity the pipeline" in message
    assert "Set owner to the person who hosts it" in message
    assert only(in_ci, space("standup", owner="lead@example.com"), OWNER) == []
    assert only(in_ci, space("standup", owner=UNKNOWN_STRING), OWNER) == []
    assert len(only(in_ci, plugin_space("standup", {"accessType": "TRUSTED"}), OWNER)) == 1
    # Members act as their room's owner: nothing to require on them.
    assert only(in_ci, EngineResource(MEMBER, "m", {"email": "a@example.com"}), OWNER) == []


@pytest.mark.parametrize("variable", ["GITHUB_ACTIONS", "GITLAB_CI"])
def test_each_ci_system_counts_as_a_pipeline(
    start_analyzer: AnalyzerFactory, variable: str
) -> None:
    analyzer = start_analyzer({"CI": "", variable: "true"})
    assert len(only(analyzer, space("standup"), OWNER)) == 1


def test_owner_always_required_when_configured(analyzer: Analyzer) -> None:
    analyzer.configure({OWNER: {"enforcementLevel": "mandatory", "when": "always"}})
    assert len(only(analyzer, space("standup"), OWNER)) == 1


# ------------------------------------------------------------------ creation quota (stack)


def test_too_many_new_rooms_for_one_owner_fail_with_the_arithmetic(analyzer: Analyzer) -> None:
    new = [space(f"room-{i}", owner="lead@example.com") for i in range(11)]
    existing = [
        space(f"old-{i}", owner="lead@example.com", name=f"spaces/old{i}") for i in range(5)
    ]
    adopted = [
        space(f"adopted-{i}", owner="lead@example.com", adopt=f"spaces/a{i}") for i in range(5)
    ]
    others = [space(f"other-{i}", owner="other@example.com") for i in range(10)]
    result = analyzer.analyze_stack([*new, *existing, *adopted, *others])
    [diagnostic] = result.diagnostics
    assert (diagnostic.policy, diagnostic.level, diagnostic.urn) == (QUOTA, "advisory", "")
    assert (
        "This update creates 11 rooms for lead@example.com, more than the quota allows in "
        "1 minute(s): 10 creates per minute per user x 1 minute(s) = 10. At that pace the creates "
        "alone span 2 quota windows (about 60 s of waiting). Split the change into updates of at "
        "most 10 new rooms per owner"
    ) in diagnostic.message


def test_rooms_without_owner_and_with_unknown_names_count_as_new(analyzer: Analyzer) -> None:
    analyzer.configure(
        {QUOTA: {"enforcementLevel": "mandatory", "createsPerMinute": 2, "minutes": 1.5}}
    )
    rooms = [space(f"r{i}", name=UNKNOWN_STRING) for i in range(4)]
    rooms += [plugin_space(f"p{i}", owner=UNKNOWN_STRING) for i in range(3)]
    # 3 rooms for the unknown owner are within 2 x 1.5 = 3; a fourth is one too many.
    assert [d.message for d in analyzer.analyze_stack(rooms[4:]).diagnostics] == []
    rooms.append(plugin_space("p3", owner=UNKNOWN_STRING))
    messages = sorted(d.message for d in analyzer.analyze_stack(rooms).diagnostics)
    assert len(messages) == 2
    assert "creates 4 rooms for an owner known only after apply" in messages[0]
    assert "2 creates per minute per user x 1.5 minute(s) = 3" in messages[1]
    assert "creates 4 rooms for the deploy identity (no owner set)" in messages[1]


def test_a_raised_quota_allows_more(analyzer: Analyzer) -> None:
    analyzer.configure({QUOTA: {"enforcementLevel": "advisory", "createsPerMinute": 100}})
    rooms = [space(f"room-{i}", owner="lead@example.com") for i in range(50)]
    assert analyzer.analyze_stack(rooms).diagnostics == []
