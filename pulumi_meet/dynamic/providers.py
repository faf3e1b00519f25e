"""The dynamic providers behind :class:`pulumi_meet.Space` and :class:`pulumi_meet.SpaceMember`.

NEVER rename :class:`SpaceProvider` or :class:`MemberProvider`: every resource's state holds its
provider pickled *by reference* to ``pulumi_meet._provider.<ClassName>`` (the classes declare that
``__module__``). An instance carries plain data only (the
:class:`~pulumi_meet.client.settings.Settings` built in ``configure``), never credentials, clients
or sessions, and ``__init__`` is not re-run when an old pickle is loaded, so every attribute has a
class-level default.

The engine calls one shared instance from up to four threads at once; the instance is never
mutated after ``configure()``, and the client layer owns the thread-safe shared state.

The operations themselves (and their API calls per operation) live in
:mod:`pulumi_meet.operations`, shared with the provider plugin; one generic adapter
(:class:`_MeetProvider`) turns the registry's operations for its token
(:data:`pulumi_meet.operations.registry.OPERATIONS`) into the dynamic provider's result types,
and each class only names its token.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from pulumi.dynamic import (
    CheckFailure,
    CheckResult,
    ConfigureRequest,
    CreateResult,
    DiffResult,
    ReadResult,
    ResourceProvider,
    UpdateResult,
)

from pulumi_meet.client.settings import Settings
from pulumi_meet.core.tokens import SPACE, SPACE_MEMBER
from pulumi_meet.operations.registry import OPERATIONS, ResourceOperations

if TYPE_CHECKING:
    from pulumi_meet.client.meet import MeetClient

__all__ = ["MemberProvider", "SpaceProvider"]


class _MeetProvider(ResourceProvider):
    """The registry's operations of :attr:`token` as a dynamic provider.

    Plain settings, clients built on demand. The engine passes the OLD OUTPUTS as ``olds`` to
    diff and update; every call below takes and returns snake_case dicts.
    """

    token: ClassVar[str]
    """The resource type served, a key of :data:`~pulumi_meet.operations.registry.OPERATIONS`."""
    serialize_as_secret_always = False
    # Class-level default: old pickles do not re-run __init__, configure() always sets it.
    _settings: Settings | None = None

    @property
    def _operations(self) -> ResourceOperations:
        return OPERATIONS[self.token]

    def configure(self, req: ConfigureRequest) -> None:
        """Read the `meet:` stack config into plain data. No credential is resolved here.

        In the provider host the engine started, waits and retries are reported to its log, and
        the host serves more calls at once (see `pulumi_meet.dynamic.host_threads`).
        """
        from pulumi_meet.dynamic.engine_log import install_in_dynamic_host
        from pulumi_meet.dynamic.host_threads import widen_host_pool

        install_in_dynamic_host()
        widen_host_pool()
        self._settings = Settings.from_config(req.config.get)

    def _client(self, acting_as: str | None) -> MeetClient:
        from pulumi_meet.client.meet import get_client

        settings = getattr(self, "_settings", None) or Settings.from_config(lambda _key: None)
        return get_client(settings, acting_as)

    def check(self, _olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        """Validate every input; unknowns pass. Makes no API call and needs no credentials."""
        inputs, violations = self._operations.check(news)
        return CheckResult(inputs, [CheckFailure(v.property, v.reason) for v in violations])

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        """Compare the fields the user set with the old outputs. Makes no API call."""
        diff = self._operations.diff(olds, news)
        return DiffResult(
            changes=diff.changes, replaces=list(diff.replaces), delete_before_replace=False
        )

    def create(self, props: dict[str, Any]) -> CreateResult:
        """Create (or adopt) the resource."""
        return CreateResult(*self._operations.create(self._client, props))

    def update(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        """At most one patch naming exactly the changed fields, or no call at all."""
        return UpdateResult(self._operations.update(self._client, id_, olds, news))

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        """One get; a resource that is gone leaves the state (an empty ID)."""
        found = self._operations.read(self._client, id_, props, importing=False)
        return ReadResult("", {}) if found is None else ReadResult(*found)

    def delete(self, id_: str, props: dict[str, Any]) -> None:
        """Delete (a Space: apply its deletion policy; the Meet API cannot delete a space)."""
        self._operations.delete(self._client, id_, props)


class SpaceProvider(_MeetProvider):
    """Creates, adopts, updates, reads and retires Google Meet spaces for :class:`Space`.

    Create: one ``spaces.create`` with the whole config (adopt: one get, at most one patch).
    Update: exactly one ``spaces.patch`` naming the changed fields, or no call. Read: one
    ``spaces.get``. Delete: the deletion policy. Another ``adopt`` or ``owner`` replaces.
    """

    # Pickles name the class by this stable path (see pulumi_meet._provider), not by this module.
    __module__ = "pulumi_meet._provider"
    token = SPACE


class MemberProvider(_MeetProvider):
    """Adds, updates, reads and removes the members (co-hosts) of a space for ``SpaceMember``.

    Every call acts as the space's owner, since only the owner manages members: the explicit
    ``owner`` input, else the owner recorded when the member was created, else the configured
    identity (``pulumi_meet.client.identity``: ``meet:impersonateUser``, the credentials' user,
    or ``meet:user`` on an emulator without credentials). Create: one ``members.create``;
    update: one ``members.patch`` (``updateMask=role``) when the role changed; a member removed
    outside Pulumi (404) leaves the state on read and counts as removed on delete. Another space
    or another person replaces.
    """

    # Pickles name the class by this stable path (see pulumi_meet._provider), not by this module.
    __module__ = "pulumi_meet._provider"
    token = SPACE_MEMBER
