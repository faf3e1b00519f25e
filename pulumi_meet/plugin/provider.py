"""The ``meet`` provider plugin: the shared operations behind the SDK's provider framework.

:class:`MeetProvider` is a :class:`pulumi.provider.experimental.provider.Provider`. Each method
converts the engine's camelCase property values into the snake_case dicts of
:mod:`pulumi_meet.operations`, runs the operation (blocking calls run on a thread pool, so the
engine's parallel calls overlap as they do in the dynamic provider's host), and converts the
result back. Check, Diff and every preview make no API call and need no credentials: the client
(and with it the credentials) is built on the first real call.
"""

from __future__ import annotations

import asyncio
import functools
import json
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any, Final, TypeVar

from pulumi.provider.experimental.property_value import Computed, PropertyValue
from pulumi.provider.experimental.provider import (
    CheckFailure,
    CheckRequest,
    CheckResponse,
    ConfigureRequest,
    ConfigureResponse,
    CreateRequest,
    CreateResponse,
    DeleteRequest,
    DiffRequest,
    DiffResponse,
    GetSchemaRequest,
    GetSchemaResponse,
    InvokeRequest,
    InvokeResponse,
    PropertyDiff,
    PropertyDiffKind,
    Provider,
    ReadRequest,
    ReadResponse,
    UpdateRequest,
    UpdateResponse,
)

from pulumi_meet.client.settings import Settings
from pulumi_meet.core import space_fields as fields
from pulumi_meet.core.space_fields import Violation
from pulumi_meet.exceptions import ConfigurationError, MeetError
from pulumi_meet.operations import member as member_ops
from pulumi_meet.operations import space as space_ops
from pulumi_meet.plugin import records, schema
from pulumi_meet.plugin.config import CONFIG_KEYS
from pulumi_meet.plugin.names import camel_path, camel_text, snake_spellings, to_camel, to_snake

if TYPE_CHECKING:
    from pulumi_meet.client.meet import MeetClient

__all__ = ["MeetProvider", "UnknownToken"]

_T = TypeVar("_T")
_UNKNOWN: Final = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"  # the wire form core recognises
_SECRET_KEYS: Final = frozenset(key.name for key in CONFIG_KEYS if key.secret)
_LIST_KEYS: Final = frozenset(key.name for key in CONFIG_KEYS if key.list_ok)
# Blocking API calls run here: the engine sends up to `--parallel` calls at once (default 10+).
_EXECUTOR: Final = ThreadPoolExecutor(max_workers=32, thread_name_prefix="meet-op")


class UnknownToken(MeetError):
    """The engine asked for a resource type or function this package does not have."""


# -------------------------------------------------------------------- property values


def plain(value: PropertyValue) -> Any:
    """A property value as plain JSON data; an unknown becomes the wire sentinel core knows."""
    inner = value.value
    if isinstance(inner, Computed):
        return _UNKNOWN
    if isinstance(inner, Mapping):
        return {key: plain(item) for key, item in inner.items()}
    if isinstance(inner, tuple):
        return [plain(item) for item in inner]
    return inner


def plain_map(values: Mapping[str, PropertyValue]) -> dict[str, Any]:
    """A property map as a snake_case dict for the operations."""
    snake: dict[str, Any] = to_snake({key: plain(item) for key, item in values.items()})
    return snake


def property_value(value: Any) -> PropertyValue:
    """Plain JSON data as a property value.

    An unknown stays the wire sentinel string, which *is* the engine's encoding of an unknown:
    the SDK's ``PropertyValue.marshal`` cannot encode its own ``Computed`` (pulumi 3.272).
    """
    if isinstance(value, Mapping):
        return PropertyValue({str(k): property_value(v) for k, v in value.items()})
    if isinstance(value, list | tuple):
        return PropertyValue([property_value(item) for item in value])
    if isinstance(value, int) and not isinstance(value, bool):
        return PropertyValue(float(value))
    return PropertyValue(value)


def property_map(
    values: Mapping[str, Any], secret: frozenset[str] = frozenset()
) -> dict[str, PropertyValue]:
    """A snake_case dict of the operations as the engine's camelCase property map.

    A property named in ``secret`` (camelCase input names), or the ``declaredX`` echo of one, is
    marked secret: the plugin accepts secrets, so keeping them is its job, not the engine's.
    """
    return {
        key: property_value(item).with_secret(_echoed(key) in secret)
        for key, item in to_camel(dict(values)).items()
    }


def secret_names(*maps: Mapping[str, PropertyValue]) -> frozenset[str]:
    """The top-level properties of ``maps`` that are, or hold, a secret."""
    return frozenset(
        key for values in maps for key, item in values.items() if item.contains_secret()
    )


def _echoed(name: str) -> str:
    """The input an output echoes: ``declaredConfig`` -> ``config``; others are themselves."""
    rest = name.removeprefix("declared")
    return rest[:1].lower() + rest[1:] if rest != name and rest[:1].isupper() else name


def _variable(key: str, text: str | None) -> Any:
    """A ``meet:config:<key>`` variable as ``args`` would carry it.

    The engine JSON-encodes a structured config value (a YAML list of scopes) in ``variables``;
    for a key that takes a list, text that parses as a JSON list is that list.
    """
    if text is None or key not in _LIST_KEYS or not text.lstrip().startswith("["):
        return text
    try:
        decoded = json.loads(text)
    except ValueError:
        return text  # not JSON after all: Settings reports the text as it is
    return decoded if isinstance(decoded, list) else text


def _failures(violations: list[Violation]) -> list[CheckFailure]:
    return [CheckFailure(camel_path(v.property), camel_text(v.reason)) for v in violations]


# -------------------------------------------------------------------- detailed diff


def _kind(old: object, replace: bool) -> PropertyDiffKind:
    if fields.missing(old) or old is None:
        return PropertyDiffKind.ADD_REPLACE if replace else PropertyDiffKind.ADD
    return PropertyDiffKind.UPDATE_REPLACE if replace else PropertyDiffKind.UPDATE


def _detailed(entries: list[tuple[str, object, bool]]) -> DiffResponse:
    """A diff response from ``(snake path, old value, replaces)`` entries, one per leaf."""
    detailed = {
        camel_path(path): PropertyDiff(_kind(old, replace), input_diff=True)
        for path, old, replace in entries
    }
    replaces = [camel_path(path) for path, _old, replace in entries if replace]
    return DiffResponse(
        changes=bool(entries),
        replaces=replaces,
        delete_before_replace=False,
        diffs=list(dict.fromkeys(camel_path(path.split(".")[0]) for path, _, _ in entries)),
        detailed_diff=detailed,
    )


def _space_diff(olds: Mapping[str, Any], news: Mapping[str, Any]) -> DiffResponse:
    diff = space_ops.diff_space(olds, news)
    if fields.is_unknown(news.get("config")):
        # A whole config not known until apply: one entry, not every leaf the table has.
        entries = [("config", olds.get("config"), False)]
    else:
        entries = [
            (spec.property_path, fields.get_path(olds, spec.path), False) for spec in diff.changed
        ]
    if diff.policy_changed:
        entries.append(("deletion_policy", olds.get("deletion_policy"), False))
    entries += [
        (name, fields.recorded_owner(olds) if name == "owner" else olds.get(name), True)
        for name in diff.replaces
    ]
    return _detailed(entries)


def _member_diff(olds: Mapping[str, Any], news: Mapping[str, Any]) -> DiffResponse:
    diff = member_ops.diff_member(olds, news)
    entries = [(name, olds.get(name), True) for name in diff.replaces]
    entries += [(spec.property_path, olds.get(spec.path[0]), False) for spec in diff.changed]
    if diff.owner_changed:
        entries.append(("owner", olds.get("owner"), False))
    return _detailed(entries)


# -------------------------------------------------------------------- the provider


class MeetProvider(Provider):
    """``meet:index:Space``, ``meet:index:SpaceMember`` and ``meet:index:getSpace``."""

    def __init__(self) -> None:
        self._settings: Settings | None = None

    # ---------------------------------------------------------------- plumbing

    def _client(self, acting_as: str | None) -> MeetClient:
        from pulumi_meet.client.meet import get_client

        if self._settings is None:  # never configured (a bare plugin): config from the env
            self._settings = Settings.from_config(lambda _key: None)
        return get_client(self._settings, acting_as)

    @staticmethod
    async def _run(function: Callable[..., _T], *args: Any, **kwargs: Any) -> _T:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(_EXECUTOR, functools.partial(function, *args, **kwargs))

    async def cancel(self) -> None:
        """The engine is stopping: calls waiting to retry or for quota stop (``Cancelled``)
        instead of waiting for up to meet:maxRetryDurationSeconds. A request sent finishes."""
        from pulumi_meet.client import cancellation

        cancellation.cancel()

    # ---------------------------------------------------------------- schema and configuration

    async def get_schema(self, request: GetSchemaRequest) -> GetSchemaResponse:
        """The package schema generated from the field tables."""
        return GetSchemaResponse(schema.schema_text())

    async def check_config(self, request: CheckRequest) -> CheckResponse:
        """Each ``meet:`` key read as the provider will read it; credentials kept secret."""
        news = {key: plain(value) for key, value in request.new_inputs.items()}
        failures = []
        for key in CONFIG_KEYS:
            if key.name not in news or news[key.name] == _UNKNOWN:
                continue
            try:
                Settings.from_config({f"meet:{key.name}": news[key.name]}.get, environ={})
            except ConfigurationError as error:
                failures.append(CheckFailure(key.name, str(error)))
        inputs = {
            key: value.with_secret(True) if key in _SECRET_KEYS else value
            for key, value in request.new_inputs.items()
        }
        return CheckResponse(inputs=inputs, failures=failures)

    async def diff_config(self, request: DiffRequest) -> DiffResponse:
        """A change of provider configuration updates it; it never replaces the provider.

        Replacing the provider would replace every room it manages, and no ``meet:`` key names
        the rooms themselves (who owns a room is its ``owner``, recorded in its state).
        """
        olds = {key: plain(value) for key, value in request.old_state.items()}
        news = {key: plain(value) for key, value in request.new_inputs.items()}
        changed = sorted(key for key in olds.keys() | news.keys() if olds.get(key) != news.get(key))
        return DiffResponse(
            changes=bool(changed),
            diffs=changed,
            detailed_diff={
                key: PropertyDiff(
                    PropertyDiffKind.ADD
                    if key not in olds
                    else PropertyDiffKind.DELETE
                    if key not in news
                    else PropertyDiffKind.UPDATE,
                    input_diff=True,
                )
                for key in changed
            },
        )

    async def configure(self, request: ConfigureRequest) -> ConfigureResponse:
        """Read the ``meet:`` keys (``args``, else ``variables``) into plain settings.

        No credential is resolved here. Secrets are accepted: each operation marks secret every
        output that is, or echoes, a secret input (``owner`` and ``declaredOwner``, ...).
        """
        args = {key: plain(value) for key, value in request.args.items()}

        def lookup(name: str) -> Any:
            key = name.removeprefix("meet:")
            value = args.get(key)
            if value is None or value == _UNKNOWN:
                value = _variable(key, request.variables.get(f"meet:config:{key}"))
            return value

        self._settings = Settings.from_config(lookup)
        return ConfigureResponse(accept_secrets=True, supports_preview=True, accept_resources=False)

    # ---------------------------------------------------------------- check and diff (no call)

    async def check(self, request: CheckRequest) -> CheckResponse:
        """Validate every input; unknowns pass. No API call, no credentials."""
        news = plain_map(request.new_inputs)
        if request.type == schema.SPACE:
            inputs, violations = space_ops.check_space(news)
        elif request.type == schema.SPACE_MEMBER:
            inputs, violations = member_ops.check_member(news)
        else:
            raise _unknown(request.type)
        written = {key: plain(item) for key, item in request.new_inputs.items()}
        misspelled = [
            CheckFailure(
                path,
                f"not a property of {request.type}; did you mean {name!r}? "
                "(the schema's names are camelCase)",
            )
            for path, name in snake_spellings(written)
        ]
        return CheckResponse(
            inputs=property_map(inputs, secret_names(request.new_inputs)),
            failures=misspelled + _failures(violations),
        )

    async def diff(self, request: DiffRequest) -> DiffResponse:
        """A detailed diff: one entry per changed leaf, update or replace. No API call."""
        olds, news = plain_map(request.old_state), plain_map(request.new_inputs)
        if request.type == schema.SPACE:
            return _space_diff(olds, news)
        if request.type == schema.SPACE_MEMBER:
            return _member_diff(olds, news)
        raise _unknown(request.type)

    # ---------------------------------------------------------------- operations

    async def create(self, request: CreateRequest) -> CreateResponse:
        """Create (or adopt) the room or member; a preview makes no call."""
        props = plain_map(request.properties)
        if request.type == schema.SPACE:
            operation = space_ops.create_space
        elif request.type == schema.SPACE_MEMBER:
            operation = member_ops.create_member
        else:
            raise _unknown(request.type)
        resource_id, outputs = await self._run(
            operation, self._client, props, preview=request.preview
        )
        secret = secret_names(request.properties)
        return CreateResponse(resource_id=resource_id, properties=property_map(outputs, secret))

    async def update(self, request: UpdateRequest) -> UpdateResponse:
        """At most one patch naming exactly the changed fields; a preview makes no call."""
        olds, news = plain_map(request.olds), plain_map(request.news)
        if request.type == schema.SPACE:
            operation = space_ops.update_space
        elif request.type == schema.SPACE_MEMBER:
            operation = member_ops.update_member
        else:
            raise _unknown(request.type)
        outputs = await self._run(
            operation, self._client, request.resource_id, olds, news, preview=request.preview
        )
        return UpdateResponse(property_map(outputs, secret_names(request.olds, request.news)))

    async def read(self, request: ReadRequest) -> ReadResponse:
        """One get. With only an ID (``pulumi import``): the inputs that make the next up a no-op.

        A member that is gone answers with an empty ID (the server sends no properties then).
        """
        props = plain_map(request.properties)
        found: tuple[str, dict[str, Any], dict[str, Any]] | None
        if request.type == schema.SPACE:
            importing = not props and not request.inputs
            found = await self._run(
                space_ops.read_space, self._client, request.resource_id, props, importing=importing
            )
        elif request.type == schema.SPACE_MEMBER:
            found = await self._run(
                member_ops.read_member, self._client, request.resource_id, props
            )
            if found is None:
                return ReadResponse(resource_id="")
        else:
            raise _unknown(request.type)
        resource_id, outputs, inputs = found
        secret = secret_names(request.properties, request.inputs)
        return ReadResponse(
            resource_id, property_map(outputs, secret), property_map(inputs, secret)
        )

    async def delete(self, request: DeleteRequest) -> None:
        """Space: the deletion policy (the API cannot delete a space). Member: one delete."""
        props = plain_map(request.properties)
        if request.type == schema.SPACE:
            await self._run(space_ops.delete_space, self._client, request.resource_id, props)
        elif request.type == schema.SPACE_MEMBER:
            await self._run(member_ops.delete_member, self._client, request.resource_id, props)
        else:
            raise _unknown(request.type)

    async def invoke(self, request: InvokeRequest) -> InvokeResponse:
        """``getSpace``: one ``spaces.get`` of ``spaces/<id>``, a meeting code or a URL;
        ``getConferenceRecords``: see :mod:`pulumi_meet.plugin.records`."""
        if request.tok == records.GET_CONFERENCE_RECORDS:
            return await self._invoke_records(request)
        if request.tok != schema.GET_SPACE:
            raise _unknown(request.tok)
        args = plain_map(request.args)
        reference, owner = args.get("space"), args.get("owner")
        violations = fields.email_violation("owner", owner)
        if not isinstance(reference, str) or fields.space_name_from_reference(reference) is None:
            violations.append(
                Violation(
                    "space",
                    f"{fields.describe_value(reference)} is not a space reference; use "
                    "spaces/<id>, a meeting code such as abc-mnop-xyz, or a meeting URL",
                )
            )
        if violations:
            return InvokeResponse(failures=_failures(violations))
        outputs = await self._run(
            space_ops.lookup_space, self._client, str(reference), str(owner) if owner else None
        )
        return InvokeResponse(return_value=property_map(outputs, secret_names(request.args)))

    async def _invoke_records(self, request: InvokeRequest) -> InvokeResponse:
        args, violations = records.arguments(plain_map(request.args))
        if violations:
            return InvokeResponse(failures=_failures(violations))
        outputs = await self._run(records.invoke_outputs, self._client, args)
        return InvokeResponse(return_value={k: property_value(v) for k, v in outputs.items()})


def _unknown(token: str) -> UnknownToken:
    known = ", ".join(
        (schema.SPACE, schema.SPACE_MEMBER, schema.GET_SPACE, records.GET_CONFERENCE_RECORDS)
    )
    return UnknownToken(f"the meet provider has no {token!r}; it has {known}")
