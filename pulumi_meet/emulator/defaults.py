"""Per-user space defaults: what unset settings of a new (or cleared) space resolve to.

Google resolves every unset ``SpaceConfig`` field to a concrete value from the user's or the
organisation's policy, and never returns ``*_UNSPECIFIED``. The emulator keeps a
``spaceConfigDefaults`` per user (``PUT /emulator/v1/users/{email}``) over emulator-wide defaults,
and resolves a space's settings from its *owner's* defaults whenever the space is written [rule].
"""

from __future__ import annotations

import copy
import json
import sqlite3
from collections.abc import Mapping
from typing import Any

from pulumi_meet.emulator.exceptions import InvalidArgument
from pulumi_meet.emulator.messages import MESSAGES, MessageType, parse_message
from pulumi_meet.emulator.store import Store

__all__ = ["EMULATOR_DEFAULTS", "UserDefaults", "finish_config", "resolve_config", "user_defaults"]

SPACE_CONFIG = MESSAGES["SpaceConfig"]

SCHEMA = """
CREATE TABLE IF NOT EXISTS meet_users (
    email TEXT PRIMARY KEY,
    space_config_defaults TEXT NOT NULL
);
"""

# What an unset field resolves to when the user has no default of their own [rule: the notes
# give ALL for entryPointAccess; the rest are the settings of a new consumer account].
EMULATOR_DEFAULTS: dict[str, Any] = {
    "accessType": "TRUSTED",
    "entryPointAccess": "ALL",
    "moderation": "OFF",
    "moderationRestrictions": {
        "chatRestriction": "NO_RESTRICTION",
        "reactionRestriction": "NO_RESTRICTION",
        "presentRestriction": "NO_RESTRICTION",
        "defaultJoinAsViewerType": "OFF",
    },
    "attendanceReportGenerationType": "DO_NOT_GENERATE",
    "artifactConfig": {
        "recordingConfig": {"autoRecordingGeneration": "OFF"},
        "transcriptionConfig": {"autoTranscriptionGeneration": "OFF"},
        "smartNotesConfig": {"autoSmartNotesGeneration": "OFF"},
    },
}


def resolve_config(
    config: Mapping[str, Any], defaults: Mapping[str, Any], message: MessageType = SPACE_CONFIG
) -> dict[str, Any]:
    """Fill every unset or ``*_UNSPECIFIED`` field of ``config`` from ``defaults``."""
    resolved: dict[str, Any] = {}
    for spec in message.fields:
        value = config.get(spec.json_name)
        default = defaults.get(spec.json_name)
        if spec.kind == "message" and spec.message:
            resolved[spec.json_name] = resolve_config(
                value or {}, default or {}, MESSAGES[spec.message]
            )
        elif value is None or (spec.enum is not None and value == spec.enum.unspecified):
            resolved[spec.json_name] = copy.deepcopy(default)
        else:
            resolved[spec.json_name] = value
    return resolved


def finish_config(config: Mapping[str, Any], defaults: Mapping[str, Any]) -> dict[str, Any]:
    """The stored settings of a space: resolved, and moderation OFF's reset applied."""
    resolved = resolve_config(config, defaults)
    if resolved["moderation"] == "OFF":
        # "When moderation.OFF, will be reset to default ModerationRestrictions" [doc]; the
        # default is the owner's, like every other default [rule].
        resolved["moderationRestrictions"] = copy.deepcopy(defaults["moderationRestrictions"])
    return resolved


def user_defaults(db: sqlite3.Connection, email: str) -> dict[str, Any]:
    """A user's effective defaults: their own settings over the emulator's."""
    row = db.execute(
        "SELECT space_config_defaults FROM meet_users WHERE email = ?", (email.lower(),)
    ).fetchone()
    stored = json.loads(row["space_config_defaults"]) if row else {}
    return resolve_config(stored, EMULATOR_DEFAULTS)


class UserDefaults:
    """The ``/emulator/v1/users/{email}`` resource."""

    def __init__(self, store: Store) -> None:
        store.register(SCHEMA)

    def put(self, db: sqlite3.Connection, email: str, body: Any) -> dict[str, Any]:
        """Replace the user's defaults with ``{"spaceConfigDefaults": {SpaceConfig}}``."""
        if not isinstance(body, Mapping) or set(body) - {"spaceConfigDefaults"}:
            raise InvalidArgument('The body must be {"spaceConfigDefaults": {SpaceConfig}}.')
        defaults = parse_message(
            body.get("spaceConfigDefaults") or {}, SPACE_CONFIG, "spaceConfigDefaults"
        )
        db.execute(
            "INSERT INTO meet_users VALUES (?, ?) ON CONFLICT(email) "
            "DO UPDATE SET space_config_defaults = excluded.space_config_defaults",
            (email.lower(), json.dumps(defaults)),
        )
        return self.get(db, email)

    @staticmethod
    def get(db: sqlite3.Connection, email: str) -> dict[str, Any]:
        """The user's effective defaults, every field resolved."""
        return {"email": email.lower(), "spaceConfigDefaults": user_defaults(db, email)}
