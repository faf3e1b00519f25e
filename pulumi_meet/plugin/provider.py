"""The ``meet`` provider plugin: the engine's requests -> the shared operations -> its answers.

:class:`MeetProvider` answers each gRPC request of the ``ResourceProvider`` service with its
protobuf answer. A property map (a protobuf ``Struct``) becomes the snake_case dict the
operations read in one walk (:func:`~pulumi_meet.plugin.wire.read_map`, renaming keys by
:data:`~pulumi_meet.plugin.names.TO_SNAKE` on the way), and the operation's dict becomes the
answer's ``Struct`` in one walk back: no ``PropertyValue`` in between, which cost as much as the
operation's own bookkeeping. Check, Diff and every preview make no API call and need no
credentials: the client (and with it the credentials) is built on the first real call.

The methods are synchronous: :mod:`pulumi_meet.plugin.server` runs each call on a thread of its
gRPC server's pool, so blocking calls (one may wait a minute for quota) never hold the others,
and no call hops from an event loop to a worker thread and back. At most :data:`OPERATIONS_AT_ONCE`
calls to the API run at once, as the dynamic provider's host allows.

Every resource operation looks its type up in the operations registry
(:func:`pulumi_meet.operations.registry.operations_for`): the request's ``type`` field, else the
resource's own type in its URN, so a room declared inside a component is served like any other.
Secrets are accepted: each answer marks secret every output that is, or echoes, a secret input
(``owner`` and ``declaredOwner``, ...).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any, Final, TypeVar

from pulumi.runtime import proto

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
from pulumi_meet.plugin.names import (
    TO_CAMEL,
    TO_SNAKE,
    camel_path,
    camel_text,
    snake_spellings,
    to_snake,
)
from pulumi_meet.plugin.wire import UNKNOWN, mark_secret, read_map, write_map

if TYPE_CHECKING:
    from google.protobuf import struct_pb2

    from pulumi_meet.client.meet import MeetClient

__all__ = ["OPERATIONS_AT_ONCE", "MeetProvider", "UnknownToken"]

_T = TypeVar("_T")
_SECRET_KEYS: Final = frozenset(key.name for key in CONFIG_KEYS if key.secret)
_NO_SECRETS: Final[frozenset[str]] = frozenset()

OPERATIONS_AT_ONCE: Final = 32
"""Calls to the API served at once; the engine sends up to ``--parallel`` (default 10+), and
the calls beyond these wait their turn (Check, Diff and Cancel never wait)."""
_OPERATION_SLOTS: Final = threading.BoundedSemaphore(OPERATIONS_AT_ONCE)

_DIFF_KINDS: Final = {
    (False, False): proto.PropertyDiff.UPDATE,
    (False, True): proto.PropertyDiff.UPDATE_REPLACE,
    (True, False): proto.PropertyDiff.ADD,
    (True, True): proto.PropertyDiff.ADD_REPLACE,
}


# -------------------------------------------------------------------- property maps


def _read(struct: struct_pb2.Struct) -> tuple[dict[str, Any], frozenset[str]]:
    """A property map as a snake_case dict for the operations, and its secret properties."""
    return read_map(struct, TO_SNAKE)


def _write(values: Mapping[str, Any], secret: frozenset[str]) -> struct_pb2.Struct:
    """A snake_case dict of the operations as the engine's camelCase property map.

    A property named in ``secret`` (camelCase input names), or the ``declaredX`` echo of one, is
    marked secret: the plugin accepts secrets, so keeping them is its job, not the engine's.
    """
    if not secret:
        return write_map(values, TO_CAMEL)
    return write_map(values, TO_CAMEL, lambda name: _echoed(name) in secret)


def _echoed(name: str) -> str:
    """The input an output echoes: ``declaredConfig`` -> ``config``; others are themselves."""
    rest = name.removeprefix("declared")
    return rest[:1].lower() + rest[1:] if rest != name and rest[:1].isupper() else name


def _failures(violations: Iterable[Violation]) -> list[proto.CheckFailure]:
    return [
        proto.CheckFailure(property=camel_path(v.property), reason=camel_text(v.reason))
        for v in violations
    ]


def _detailed(entries: Iterable[DiffEntry]) -> proto.DiffResponse:
    """A diff answer with one detailed entry per changed leaf."""
    entries = list(entries)
    detailed = {
        camel_path(entry.path): proto.PropertyDiff(
            kind=_DIFF_KINDS[fields.missing(entry.old) or entry.old is None, entry.replaces],
            inputDiff=True,
        )
        for entry in entries
    }
    return proto.DiffResponse(
        replaces=[camel_path(entry.path) for entry in entries if entry.replaces],
        deleteBeforeReplace=False,
        changes=proto.DiffResponse.DIFF_SOME if entries else proto.DiffResponse.DIFF_NONE,
        diffs=list(dict.fromkeys(camel_path(entry.path.split(".")[0]) for entry in entries)),
        detailedDiff=detailed,
        hasDetailedDiff=True,
    )


def _operations(request: Any) -> ResourceOperations:
    """The registry's operations for a resource request (its ``type``, else its URN)."""
    return operations_for(request.urn, getattr(request, "type", "") or "")


def _config_values(struct: struct_pb2.Struct) -> tuple[dict[str, Any], frozenset[str]]:
    """Config values as the engine sent them (any of its shapes), in the shape Settings reads;
    and the keys that arrived secret."""
    values, secret = read_map(struct)
    return {key: config_value(key, value) for key, value in values.items()}, secret


def _has_unknown(value: Any) -> bool:
    """Whether a plain value is, or holds, the unknown sentinel (a preview's unknown)."""
    if isinstance(value, Mapping):
        return any(_has_unknown(item) for item in value.values())
    if isinstance(value, list | tuple):
        return any(_has_unknown(item) for item in value)
    return isinstance(value, str) and value == UNKNOWN


# -------------------------------------------------------------------- the provider


class MeetProvider:
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
    def _run(function: Callable[..., _T], *args: Any, **kwargs: Any) -> _T:
        """A blocking operation, once one of the :data:`OPERATIONS_AT_ONCE` slots is free."""
        with _OPERATION_SLOTS:
            return function(*args, **kwargs)

    def cancel(self) -> None:
        """The engine is stopping: calls waiting to retry or for quota stop (``Cancelled``)
        instead of waiting for up to meet:maxRetryDurationSeconds. A request sent finishes."""
        from pulumi_meet.client import cancellation

        cancellation.cancel()

    # ---------------------------------------------------------------- schema and configuration

    def get_schema(self, request: Any) -> Any:
        """The package schema generated from the field tables."""
        return proto.GetSchemaResponse(schema=schema.schema_text())

    def check_config(self, request: Any) -> Any:
        """Each ``meet:`` key read as the provider will read it; credentials kept secret.

        The engine strips the secret marker from CheckConfig's values, so no failure here quotes
        a value: any of them may be a secret (``pulumi config set --secret meet:scopes``).
        """
        news, _ = _config_values(request.news)
        failures = []
        for key in CONFIG_KEYS:
            value = news.get(key.name)
            if value is None or _has_unknown(value):
                continue  # an unknown (a preview of an explicit provider) is known at apply
            try:
                Settings.from_config({f"meet:{key.name}": value}.get, environ={})
            except ConfigurationError as error:
                reason = redacted(str(error), [value])
                failures.append(proto.CheckFailure(property=key.name, reason=reason))
        return proto.CheckResponse(
            inputs=mark_secret(request.news, _SECRET_KEYS), failures=failures or None
        )

    def diff_config(self, request: Any) -> Any:
        """A change of provider configuration updates it; it never replaces the provider.

        Replacing the provider would replace every room it manages, and no ``meet:`` key names
        the rooms themselves (who owns a room is its ``owner``, recorded in its state).
        """
        olds, _ = read_map(request.olds)
        news, _ = read_map(request.news)
        changed = sorted(key for key in olds.keys() | news.keys() if olds.get(key) != news.get(key))
        kinds = proto.PropertyDiff
        return proto.DiffResponse(
            changes=proto.DiffResponse.DIFF_SOME if changed else proto.DiffResponse.DIFF_NONE,
            diffs=changed,
            detailedDiff={
                key: proto.PropertyDiff(
                    kind=kinds.ADD
                    if key not in olds
                    else kinds.DELETE
                    if key not in news
                    else kinds.UPDATE,
                    inputDiff=True,
                )
                for key in changed
            },
            hasDetailedDiff=True,
        )

    def configure(self, request: Any) -> Any:
        """Read the ``meet:`` keys (``args``, else ``variables``) into plain settings.

        Every shape the engine sends is read (:func:`~pulumi_meet.plugin.config.config_value`).
        No credential is resolved here. An error never quotes a secret value (nor one from
        ``variables``, which lose the marker).
        """
        args, secret = _config_values(request.args)
        hidden = [args[key] for key in secret]
        variables = request.variables

        def lookup(name: str) -> Any:
            key = name.removeprefix("meet:")
            value = args.get(key)
            if value is None or _has_unknown(value):
                value = config_value(key, variables.get(f"meet:config:{key}"))
                hidden.append(value)
            return value

        try:
            self._settings = Settings.from_config(lookup)
        except ConfigurationError as error:
            raise ConfigurationError(redacted(str(error), hidden)) from None
        return proto.ConfigureResponse(
            acceptSecrets=True, acceptResources=False, acceptOutputs=False, supportsPreview=True
        )

    # ---------------------------------------------------------------- check and diff (no call)

    def check(self, request: Any) -> Any:
        """Validate every input; unknowns pass. No API call, no credentials."""
        operations = _operations(request)
        written, secret = read_map(request.news)
        inputs, violations = operations.check(to_snake(written))
        misspelled = [
            proto.CheckFailure(
                property=path,
                reason=f"not a property of {operations.token}; did you mean {name!r}? "
                "(the schema's names are camelCase)",
            )
            for path, name in snake_spellings(written)
        ]
        failures = misspelled + _failures(violations)
        return proto.CheckResponse(inputs=_write(inputs, secret), failures=failures or None)

    def diff(self, request: Any) -> Any:
        """A detailed diff: one entry per changed leaf, update or replace. No API call."""
        operations = _operations(request)
        olds, _ = _read(request.olds)
        news, _ = _read(request.news)
        return _detailed(operations.diff(olds, news).entries)

    # ---------------------------------------------------------------- operations

    def create(self, request: Any) -> Any:
        """Create (or adopt) the room or member; a preview makes no call."""
        operations = _operations(request)
        properties, secret = _read(request.properties)
        resource_id, outputs = self._run(
            operations.create, self._client, properties, preview=request.preview
        )
        return proto.CreateResponse(id=resource_id or "", properties=_write(outputs or {}, secret))

    def update(self, request: Any) -> Any:
        """At most one patch naming exactly the changed fields; a preview makes no call."""
        operations = _operations(request)
        (olds, old_secret), (news, new_secret) = _read(request.olds), _read(request.news)
        outputs = self._run(
            operations.update, self._client, request.id, olds, news, preview=request.preview
        )
        return proto.UpdateResponse(properties=_write(outputs or {}, old_secret | new_secret))

    def read(self, request: Any) -> Any:
        """One get. With only an ID (``pulumi import``): the inputs that make the next up a no-op.

        A resource that is gone answers with no properties at all (the engine takes only absent
        properties to mean "deleted"); an ID of the wrong shape is INVALID_ARGUMENT, naming the
        accepted forms.
        """
        operations = _operations(request)
        props, secret = _read(request.properties)
        importing = not props and not request.inputs.fields
        found = self._run(operations.read, self._client, request.id, props, importing=importing)
        if found is None or not found[0]:
            return proto.ReadResponse()
        resource_id, outputs, inputs = found
        secret |= read_map(request.inputs)[1] if request.inputs.fields else _NO_SECRETS
        return proto.ReadResponse(
            id=resource_id, properties=_write(outputs, secret), inputs=_write(inputs, secret)
        )

    def delete(self, request: Any) -> None:
        """Space: the deletion policy (the API cannot delete a space). Member: one delete."""
        operations = _operations(request)
        props, _ = _read(request.properties)
        self._run(operations.delete, self._client, request.id, props)

    def invoke(self, request: Any) -> Any:
        """``getSpace``: one ``spaces.get`` of ``spaces/<id>``, a meeting code or a URL;
        ``getConferenceRecords``: see :mod:`pulumi_meet.plugin.records`."""
        if request.tok == records.GET_CONFERENCE_RECORDS:
            return self._invoke_records(request)
        if request.tok != GET_SPACE:
            raise unknown_token(request.tok)
        args, secret = _read(request.args)
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
            return proto.InvokeResponse(failures=_failures(violations))
        outputs = self._run(
            space_ops.lookup_space, self._client, str(reference), str(owner) if owner else None
        )
        return proto.InvokeResponse(**{"return": _write(outputs, secret) if outputs else None})

    def _invoke_records(self, request: Any) -> Any:
        args, violations = records.arguments(_read(request.args)[0])
        if violations:
            return proto.InvokeResponse(failures=_failures(violations))
        outputs = self._run(records.invoke_outputs, self._client, args)
        # Already spelled as the schema spells them (camelCase): no renaming.
        return proto.InvokeResponse(**{"return": write_map(outputs)})
