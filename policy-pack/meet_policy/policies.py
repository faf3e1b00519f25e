"""The guardrails for Google Meet rooms: five CrossGuard policies, each configurable.

Every policy looks only at pulumi-meet's resources (see :mod:`meet_policy.resources`) and ignores
the rest of the stack. A value the engine does not know yet (preview of a computed input) is
never a violation here: the engine runs the same policies again with the real values during the
update, before anything is created.

Each message names the resource, the property path in the resource's own naming (snake_case for
the dynamic provider, camelCase for ``meet:index:*``) and the change that would satisfy the
policy. Policy names, config keys and defaults are documented in docs/policies.md.
"""

from __future__ import annotations

import fnmatch
import math
import os
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any, Final

from pulumi_policy import (
    EnforcementLevel,
    Policy,
    PolicyConfigSchema,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    Severity,
    StackValidationArgs,
    StackValidationPolicy,
)

from meet_policy.defaults import (
    ALLOWED_DOMAINS,
    ARTIFACTS_NEED_MODERATION,
    CONFIG_DEFAULTS,
    CREATION_QUOTA,
    EXPLICIT_OWNER,
    OPEN_ACCESS,
)
from meet_policy.resources import ACCESS_OPEN, SETTING_ON, UNKNOWN, MeetResource, identify

__all__ = [
    "POLICIES",
    "in_pipeline",
]

# Variables that CI systems set in every job: GitHub Actions and GitLab CI both set CI=true.
_PIPELINE_VARIABLES: Final = ("CI", "GITHUB_ACTIONS", "GITLAB_CI", "TF_BUILD", "BUILDKITE")
_ARTIFACT_LABELS: Final[Mapping[str, str]] = {
    "recording": "auto-recording",
    "transcription": "auto-transcription",
    "smartNotes": "automatic smart notes",
}


def _config(policy: str, args: ResourceValidationArgs | StackValidationArgs) -> dict[str, Any]:
    """The policy's config with the defaults filled in (the CLI does not apply them)."""
    return {**CONFIG_DEFAULTS[policy], **dict(args.get_config() or {})}


def _meet(args: ResourceValidationArgs) -> MeetResource | None:
    return identify(args.resource_type, args.props)


def _known_str(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def in_pipeline(environ: Mapping[str, str] | None = None) -> bool:
    """Whether the preview runs in a CI job (the analyzer inherits the CLI's environment)."""
    env = os.environ if environ is None else environ
    return any(
        env.get(key, "").strip().lower() not in ("", "0", "false") for key in _PIPELINE_VARIABLES
    )


# ------------------------------------------------------------------ rooms open to anyone


def _open_access(args: ResourceValidationArgs, report: ReportViolation) -> None:
    room = _meet(args)
    if room is None or room.kind != "space" or room.get("access_type") != ACCESS_OPEN:
        return
    patterns = [str(p) for p in _config(OPEN_ACCESS, args)["allowedNames"]]
    if any(fnmatch.fnmatchcase(args.name, pattern) for pattern in patterns):
        return
    path = room.path("access_type")
    allowed = ", ".join(patterns) if patterns else "none"
    report(
        f"Room '{args.name}' sets {path} = OPEN: anyone with the link joins without knocking. "
        f"Set {path} to TRUSTED (people of your organisation and invitees) or RESTRICTED "
        f"(invitees only), or add '{args.name}' to allowedNames of {OPEN_ACCESS} "
        f"(allowed now: {allowed}).",
        None,  # no URN: the engine attaches the diagnostic to the resource
    )


# ------------------------------------------------------------------ owners and co-hosts by domain


def _domain_allowed(email: str, domains: Sequence[str], subdomains: bool) -> bool:
    domain = email.rpartition("@")[2].lower()
    for allowed in (d.lower().lstrip("@") for d in domains):
        if domain == allowed or (subdomains and domain.endswith("." + allowed)):
            return True
    return False


def _allowed_domains(args: ResourceValidationArgs, report: ReportViolation) -> None:
    room = _meet(args)
    if room is None:
        return
    config = _config(ALLOWED_DOMAINS, args)
    domains = [str(d) for d in config["allowedDomains"]]
    if not domains:
        args.not_applicable(f"no allowedDomains configured for {ALLOWED_DOMAINS}")
        return  # not reached: not_applicable raises
    # A member's `owner` is the room's owner (checked on the room): only its e-mail is a person
    # this resource brings in.
    field = "owner" if room.kind == "space" else "email"
    address = _known_str(room.get(field))
    if address is None or _domain_allowed(address, domains, bool(config["includeSubdomains"])):
        return
    who = (
        f"Room '{args.name}' is owned by {address}"
        if room.kind == "space"
        else f"'{args.name}' makes {address} a co-host"
    )
    scope = " (or their subdomains)" if config["includeSubdomains"] else ""
    report(
        f"{who} ({room.path(field)}), outside the allowed domains {', '.join(domains)}{scope}. "
        f"Use an address of an allowed domain, or add its domain to allowedDomains of "
        f"{ALLOWED_DOMAINS}.",
        None,  # no URN: the engine attaches the diagnostic to the resource
    )


# ------------------------------------------------------------------ recording needs moderation


def _artifacts_need_moderation(args: ResourceValidationArgs, report: ReportViolation) -> None:
    room = _meet(args)
    if room is None or room.kind != "space":
        return
    artifacts = [str(a) for a in _config(ARTIFACTS_NEED_MODERATION, args)["artifacts"]]
    turned_on = [a for a in artifacts if a in _ARTIFACT_LABELS and room.get(a) == SETTING_ON]
    moderation = room.get("moderation")
    if not turned_on or moderation == SETTING_ON or moderation is UNKNOWN:
        return
    what = " and ".join(f"{_ARTIFACT_LABELS[a]} ({room.path(a)} = ON)" for a in turned_on)
    state = "is not set (the owner's default applies)" if moderation is None else f"= {moderation}"
    report(
        f"Room '{args.name}' turns on {what} but {room.path('moderation')} {state}. "
        f"Set {room.path('moderation')} to ON, so that only hosts and co-hosts control "
        f"recording, transcription and who presents, or turn the artifacts OFF.",
        None,  # no URN: the engine attaches the diagnostic to the resource
    )


# ------------------------------------------------------------------ explicit owners


def _explicit_owner(args: ResourceValidationArgs, report: ReportViolation) -> None:
    room = _meet(args)
    if room is None or room.kind != "space":
        return
    if _config(EXPLICIT_OWNER, args)["when"] == "pipeline" and not in_pipeline():
        args.not_applicable("not in a pipeline (no CI variable set) and when = pipeline")
        return  # not reached: not_applicable raises
    if room.get("owner") is not None:  # an unknown owner is still an explicit one
        return
    report(
        f"Room '{args.name}' has no {room.path('owner')}: it would be owned by the identity the "
        f"pipeline deploys as (meet:impersonateUser or the credentials' user), and changing that "
        f"later replaces the room. Set owner to the person who hosts it, "
        f"e.g. owner='lead@example.com'.",
        None,  # no URN: the engine attaches the diagnostic to the resource
    )


# ------------------------------------------------------------------ creates per update (stack)


def _creation_quota(args: StackValidationArgs, report: ReportViolation) -> None:
    config = _config(CREATION_QUOTA, args)
    per_minute = float(config["createsPerMinute"])
    minutes = float(config["minutes"])
    limit = math.floor(per_minute * minutes)
    new_rooms: Counter[str] = Counter()
    for resource in args.resources:
        room = identify(resource.resource_type, resource.props)
        # A room created by this update has no `name` yet; an adopted one is never created.
        if room is None or room.kind != "space" or room.get("adopt") is not None:
            continue
        if room.get("name") not in (None, UNKNOWN):
            continue
        owner = room.get("owner")
        if owner is UNKNOWN:
            new_rooms["an owner known only after apply"] += 1
        elif isinstance(owner, str):
            new_rooms[owner.lower()] += 1
        else:
            new_rooms["the deploy identity (no owner set)"] += 1
    for owner, count in sorted(new_rooms.items()):
        if count <= limit:
            continue
        windows = math.ceil(count / per_minute)
        report(
            f"This update creates {count} rooms for {owner}, more than the quota allows in "
            f"{_number(minutes)} minute(s): {_number(per_minute)} creates per minute per user "
            f"x {_number(minutes)} minute(s) = {limit}. At that pace the creates alone span "
            f"{windows} quota windows (about {_number((windows - 1) * 60)} s of waiting). "
            f"Split the change into updates of at most {limit} new rooms per owner, or raise "
            f"createsPerMinute / minutes of {CREATION_QUOTA} if your project's quota or your "
            f"pipeline's time allows.",
            None,  # a finding about the update as a whole, not one resource
        )


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


# ------------------------------------------------------------------ the list


def _schema(properties: Mapping[str, Any], policy: str) -> PolicyConfigSchema:
    defaults = CONFIG_DEFAULTS[policy]
    return PolicyConfigSchema(
        properties={key: {**spec, "default": defaults[key]} for key, spec in properties.items()},
    )


_NAMES_ARRAY: Final = {"type": "array", "items": {"type": "string", "minLength": 1}}

POLICIES: Final[list[Policy]] = [
    ResourceValidationPolicy(
        name=OPEN_ACCESS,
        description="Meet rooms open to anyone with the link (access type OPEN) only by name.",
        enforcement_level=EnforcementLevel.MANDATORY,
        severity=Severity.HIGH,
        validate=_open_access,
        config_schema=_schema(
            {
                "allowedNames": {
                    **_NAMES_ARRAY,
                    "description": "Resource names (shell patterns, e.g. 'webinar-*') of rooms "
                    "that may be OPEN.",
                }
            },
            OPEN_ACCESS,
        ),
    ),
    ResourceValidationPolicy(
        name=ALLOWED_DOMAINS,
        description="Meet room owners and co-hosts come only from the allowed domains.",
        enforcement_level=EnforcementLevel.MANDATORY,
        severity=Severity.HIGH,
        validate=_allowed_domains,
        config_schema=_schema(
            {
                "allowedDomains": {
                    **_NAMES_ARRAY,
                    "description": "E-mail domains (example.com) of owners and co-hosts; the "
                    "policy does not apply while the list is empty.",
                },
                "includeSubdomains": {
                    "type": "boolean",
                    "description": "Also allow subdomains (eu.example.com for example.com).",
                },
            },
            ALLOWED_DOMAINS,
        ),
    ),
    ResourceValidationPolicy(
        name=ARTIFACTS_NEED_MODERATION,
        description="Meet rooms that record or transcribe automatically are moderated.",
        enforcement_level=EnforcementLevel.MANDATORY,
        severity=Severity.MEDIUM,
        validate=_artifacts_need_moderation,
        config_schema=_schema(
            {
                "artifacts": {
                    "type": "array",
                    "items": {"type": "string", "enum": list(_ARTIFACT_LABELS)},
                    "description": "Which automatic artifacts require moderation ON.",
                }
            },
            ARTIFACTS_NEED_MODERATION,
        ),
    ),
    ResourceValidationPolicy(
        name=EXPLICIT_OWNER,
        description="Every Meet room names its owner, so no room is owned by a deploy identity.",
        enforcement_level=EnforcementLevel.MANDATORY,
        severity=Severity.MEDIUM,
        validate=_explicit_owner,
        config_schema=_schema(
            {
                "when": {
                    "type": "string",
                    "enum": ["pipeline", "always"],
                    "description": "'pipeline': only in CI jobs (CI, GITHUB_ACTIONS, GITLAB_CI… "
                    "set); 'always': on every preview and update.",
                }
            },
            EXPLICIT_OWNER,
        ),
    ),
    StackValidationPolicy(
        name=CREATION_QUOTA,
        description="One update creates no more Meet rooms per owner than the create quota "
        "allows in the given time.",
        enforcement_level=EnforcementLevel.ADVISORY,
        severity=Severity.LOW,
        validate=_creation_quota,
        config_schema=_schema(
            {
                "createsPerMinute": {
                    "type": "number",
                    "exclusiveMinimum": 0,
                    "description": "The Meet API's create quota per user and minute (Google's "
                    "default: 10; match meet:createsPerMinute).",
                },
                "minutes": {
                    "type": "number",
                    "exclusiveMinimum": 0,
                    "description": "How long one update may spend creating rooms for one owner.",
                },
            },
            CREATION_QUOTA,
        ),
    ),
]
"""Every policy of the pack, in the order the docs list them."""
