"""``meet:index:getConferenceRecords``: its schema and its Invoke, from the rows of
:mod:`pulumi_meet.core.record_fields`.

The function reads as ``getSpace`` does: through the client's paced READ path, as ``owner`` (else
the configured identity), with the same errors (a refused or unknown room, a code that names no
room now). Bad arguments are Invoke failures naming the argument, before any call.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from pulumi_meet.core import record_fields as rows
from pulumi_meet.core.references import email_violation, space_name_from_reference
from pulumi_meet.core.space_fields import Violation, describe_value
from pulumi_meet.core.tokens import GET_CONFERENCE_RECORDS, PACKAGE
from pulumi_meet.operations import ClientFor
from pulumi_meet.operations.records import get_conference_records, parse_since

__all__ = ["GET_CONFERENCE_RECORDS", "arguments", "function_schemas", "invoke_outputs"]

_SUMMARY_TOKEN: Final = f"{PACKAGE}:index:{rows.SUMMARY_TYPE}"


def _property(field: rows.RecordField) -> dict[str, Any]:
    spec: dict[str, Any]
    if field.type == "array":
        spec = {"type": "array", "items": {"$ref": f"#/types/{_SUMMARY_TOKEN}"}}
    else:
        spec = {"type": field.type}
    return {**spec, "description": field.description}


def _object(fields: tuple[rows.RecordField, ...]) -> dict[str, Any]:
    return {
        "properties": {rows.camel(f.name): _property(f) for f in fields},
        "required": [rows.camel(f.name) for f in fields if f.required],
    }


def function_schemas() -> tuple[dict[str, Any], dict[str, Any]]:
    """(the schema's ``functions`` entries, its ``types`` entries) of this function."""
    function = {
        "description": rows.FUNCTION_DESCRIPTION,
        "inputs": _object(rows.FUNCTION_INPUTS),
        "outputs": _object(rows.FUNCTION_OUTPUTS),
    }
    summary = {
        "description": rows.SUMMARY_DESCRIPTION,
        "type": "object",
        **_object(rows.SUMMARY_FIELDS),
    }
    return {GET_CONFERENCE_RECORDS: function}, {_SUMMARY_TOKEN: summary}


def arguments(args: Mapping[str, Any]) -> tuple[dict[str, str | None], list[Violation]]:
    """The snake_case arguments (``space``, ``since``, ``owner``) and every violation."""
    known = {f.name for f in rows.FUNCTION_INPUTS}
    violations = [
        Violation(key, f"not an argument of {rows.FUNCTION_NAME}; it takes space, since, owner")
        for key in args
        if key not in known
    ]
    space, since, owner = args.get("space"), args.get("since"), args.get("owner")
    violations += email_violation("owner", owner)
    if not isinstance(space, str) or space_name_from_reference(space) is None:
        violations.append(
            Violation(
                "space",
                f"{describe_value(space)} is not a space reference; use spaces/<id>, a meeting "
                "code such as abc-mnop-xyz, or a meeting URL",
            )
        )
    if since is not None and not isinstance(since, str):
        violations.append(Violation("since", f"{describe_value(since)} is not a date or time"))
    elif since:
        try:
            parse_since(since)
        except ValueError as error:
            violations.append(Violation("since", str(error)))
    plain = {
        "space": space if isinstance(space, str) else None,
        "since": since if isinstance(since, str) and since else None,
        "owner": owner if isinstance(owner, str) and owner else None,
    }
    return plain, violations


def invoke_outputs(client_for: ClientFor, args: Mapping[str, str | None]) -> dict[str, Any]:
    """The function's result, camelCase as the schema spells it, for checked ``arguments``."""
    found = get_conference_records(client_for, str(args["space"]), args["since"], args["owner"])
    records = [{rows.camel(key): value for key, value in r.items()} for r in found["records"]]
    return {"space": found["space"], "records": records}
