"""The ``meet`` provider plugin: the shared operations behind the SDK's provider framework.

:class:`MeetProvider` is a :class:`pulumi.provider.experimental.provider.Provider`. Each method
converts the engine's camelCase property values into the snake_case dicts of
:mod:`pulumi_meet.operations`, runs the operation (blocking calls run on a thread pool, so the
engine's parallel calls overlap as they do in the dynamic provider's host), and converts the
result back. Check, Diff and every preview make no API call and need no credentials: the client
(and with it the credentials) is built on the first real call.

Every resource operation looks its type up in the operations registry
(:func:`pulumi_meet.operations.registry.operations_for`): the request's ``type`` field, which
:class:`~pulumi_meet.plugin.server.MeetServicer` hands over in :data:`REQUEST_TYPE` (the SDK's
request objects drop it), else the resource's own type in its URN, so a room declared inside a
component is served like any other.
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from contextvars import ContextVar
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

from pulumi_meet.client.config_keys import CONFIG_KEYS
from pulumi_meet.client.settings import Settings
from pulumi_meet.core import space_fields as fields
from pulumi_meet.core.space_fields import Violation
from pulumi_meet.core.tokens import GET_SPACE
from pulumi_meet.exceptions import ConfigurationError
from pulumi_meet.operations import space as space_ops
from pulumi_meet.operations.registry import (
    DiffEntry,
    ResourceOperations,
    UnknownToken,
    operations_for,
    unknown_token,
)
from pulumi_meet.plugin import records, schema
from pulumi_meet.plugin.config import config_value, redacted
from pulumi_meet.plugin.names import camel_path, camel_text, snake_spellings, to_camel, to_snake
from pulumi_meet.plugin.wire import plain_value

if TYPE_CHECKING:
    from pulumi_meet.client.meet import MeetClient

__all__ = ["REQUEST_TYPE", "MeetProvider", "UnknownToken"]

_T = TypeVar("_T")
_UNKNOWN: Final = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"  # the wire form core recognises
_SECRET_KEYS: Final = frozenset(key.name for key in CONFIG_KEYS if key.secret)
# Blocking API calls run here: the engine sends up to `--parallel` calls at once (default 10+).
_EXECUTOR: Final = ThreadPoolExecutor(max_workers=32, thread_name_prefix="meet-op")

REQUEST_TYPE: Final[ContextVar[str]] = ContextVar("REQUEST_TYPE", default="")
"""The ``type`` field of the gRPC request being served ("" when the engine leaves it empty)."""


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
    Built by :func:`pulumi_meet.plugin.wire.plain_value` (the SDK's constructor checks every
    value against ten ABCs: most of the time a room's outputs took to convert).
    """
    return plain_value(value)


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


def _failures(violations: list[Violation]) -> list[CheckFailure]:
    return [CheckFailure(camel_path(v.property), camel_text(v.reason)) for v in violations]


# -------------------------------------------------------------------- detailed diff


def _kind(old: object, replace: bool) -> PropertyDiffKind:
    if fields.missing(old) or old is None:
        return PropertyDiffKind.ADD_REPLACE if replace else PropertyDiffKind.ADD
    return PropertyDiffKind.UPDATE_REPLACE if replace else PropertyDiffKind.UPDATE


def _detailed(entries: Iterable[DiffEntry]) -> DiffResponse:
    """A diff response with one detailed entry per changed leaf."""
    entries = list(entries)
    detailed = {
        camel_path(entry.path): PropertyDiff(_kind(entry.old, entry.replaces), input_diff=True)
        for entry in entries
    }
    return DiffResponse(
        changes=bool(entries),
        replaces=[camel_path(entry.path) for entry in entries if entry.replaces],
        delete_before_replace=False,
        diffs=list(dict.fromkeys(camel_path(entry.path.split(".")[0]) for entry in entries)),
        detailed_diff=detailed,
    )


def _operations(urn: str) -> ResourceOperations:
    """The registry's operations for the request being served (its ``type``, else its URN)."""
    return operations_for(urn, REQUEST_TYPE.get())


def _config_values(values: Mapping[str, PropertyValue]) -> dict[str, Any]:
    """Config values as the engine sent them (any of its shapes), in the shape Settings reads."""
    return {key: config_value(key, plain(value)) for key, value in values.items()}


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
        """Each ``meet:`` key read as the provider will read it; credentials kept secret.

        The engine strips the secret marker from CheckConfig's values, so no failure here quotes
        a value: any of them may be a secret (``pulumi config set --secret meet:scopes``).
        """
        news = _config_values(request.new_inputs)
        failures = []
        for key in CONFIG_KEYS:
            value = news.get(key.name)
            if value is None or _has_unknown(value):
                continue  # an unknown (a preview of an explicit provider) is known at apply
            try:
                Settings.from_config({f"meet:{key.name}": value}.get, environ={})
            except ConfigurationError as error:
                failures.append(CheckFailure(key.name, redacted(str(error), [value])))
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

        Every shape the engine sends is read (:func:`~pulumi_meet.plugin.config.config_value`).
        No credential is resolved here. Secrets are accepted: each operation marks secret every
        output that is, or echoes, a secret input (``owner`` and ``declaredOwner``, ...), and an
        error never quotes a secret value (nor one from ``variables``, which lose the marker).
        """
        args = _config_values(request.args)
        hidden = [args[key] for key, value in request.args.items() if value.contains_secret()]

        def lookup(name: str) -> Any:
            key = name.removeprefix("meet:")
            value = args.get(key)
            if value is None or _has_unknown(value):
                value = config_value(key, request.variables.get(f"meet:config:{key}"))
                hidden.append(value)
            return value

        try:
            self._settings = Settings.from_config(lookup)
        except ConfigurationError as error:
            raise ConfigurationError(redacted(str(error), hidden)) from None
        return ConfigureResponse(accept_secrets=True, supports_preview=True, accept_resources=False)

    # ---------------------------------------------------------------- check and diff (no call)

    async def check(self, request: CheckRequest) -> CheckResponse:
        """Validate every input; unknowns pass. No API call, no credentials."""
        operations = _operations(request.urn)
        inputs, violations = operations.check(plain_map(request.new_inputs))
        written = {key: plain(item) for key, item in request.new_inputs.items()}
        misspelled = [
            CheckFailure(
                path,
                f"not a property of {operations.token}; did you mean {name!r}? "
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
        operations = _operations(request.urn)
        diff = operations.diff(plain_map(request.old_state), plain_map(request.new_inputs))
        return _detailed(diff.entries)

    # ---------------------------------------------------------------- operations

    async def create(self, request: CreateRequest) -> CreateResponse:
        """Create (or adopt) the room or member; a preview makes no call."""
        operations = _operations(request.urn)
        resource_id, outputs = await self._run(
            operations.create, self._client, plain_map(request.properties), preview=request.preview
        )
        secret = secret_names(request.properties)
        return CreateResponse(resource_id=resource_id, properties=property_map(outputs, secret))

    async def update(self, request: UpdateRequest) -> UpdateResponse:
        """At most one patch naming exactly the changed fields; a preview makes no call."""
        operations = _operations(request.urn)
        olds, news = plain_map(request.olds), plain_map(request.news)
        outputs = await self._run(
            operations.update,
            self._client,
            request.resource_id,
            olds,
            news,
            preview=request.preview,
        )
        return UpdateResponse(property_map(outputs, secret_names(request.olds, request.news)))

    async def read(self, request: ReadRequest) -> ReadResponse:
        """One get. With only an ID (``pulumi import``): the inputs that make the next up a no-op.

        A resource that is gone answers with an empty ID (the server sends no properties then);
        an ID of the wrong shape is INVALID_ARGUMENT, naming the accepted forms.
        """
        operations = _operations(request.urn)
        props = plain_map(request.properties)
        importing = not props and not request.inputs
        found = await self._run(
            operations.read, self._client, request.resource_id, props, importing=importing
        )
        if found is None:
            return ReadResponse(resource_id="")
        resource_id, outputs, inputs = found
        secret = secret_names(request.properties, request.inputs)
        return ReadResponse(
            resource_id, property_map(outputs, secret), property_map(inputs, secret)
        )

    async def delete(self, request: DeleteRequest) -> None:
        """Space: the deletion policy (the API cannot delete a space). Member: one delete."""
        operations = _operations(request.urn)
        props = plain_map(request.properties)
        await self._run(operations.delete, self._client, request.resource_id, props)

    async def invoke(self, request: InvokeRequest) -> InvokeResponse:
        """``getSpace``: one ``spaces.get`` of ``spaces/<id>``, a meeting code or a URL;
        ``getConferenceRecords``: see :mod:`pulumi_meet.plugin.records`."""
        if request.tok == records.GET_CONFERENCE_RECORDS:
            return await self._invoke_records(request)
        if request.tok != GET_SPACE:
            raise unknown_token(request.tok)
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


def _has_unknown(value: Any) -> bool:
    """Whether a plain value is, or holds, the unknown sentinel (a preview's unknown)."""
    if isinstance(value, Mapping):
        return any(_has_unknown(item) for item in value.values())
    if isinstance(value, list | tuple):
        return any(_has_unknown(item) for item in value)
    return isinstance(value, str) and value == _UNKNOWN
