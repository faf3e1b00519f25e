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
:mod:`pulumi_meet.operations`, shared with the provider plugin; these classes only adapt them to
the dynamic provider's result types.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

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
from pulumi_meet.operations import member as member_ops
from pulumi_meet.operations import space as space_ops

if TYPE_CHECKING:
    from pulumi_meet.client.meet import MeetClient

__all__ = ["MemberProvider", "SpaceProvider"]


class _MeetProvider(ResourceProvider):
    """What every pulumi-meet provider shares: plain settings, clients built on demand."""

    serialize_as_secret_always = False
    # Class-level default: old pickles do not re-run __init__, configure() always sets it.
    _settings: Settings | None = None

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


class SpaceProvider(_MeetProvider):
    """Creates, adopts, updates, reads and retires Google Meet spaces for :class:`Space`."""

    # Pickles name the class by this stable path (see pulumi_meet._provider), not by this module.
    __module__ = "pulumi_meet._provider"

    def check(self, _olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        """Validate every input; unknowns pass. Makes no API call and needs no credentials."""
        inputs, violations = space_ops.check_space(news)
        return CheckResult(inputs, [CheckFailure(v.property, v.reason) for v in violations])

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        """Compare the fields the user set with the old outputs. Makes no API call."""
        diff = space_ops.diff_space(olds, news)
        return DiffResult(changes=diff.changes, replaces=diff.replaces, delete_before_replace=False)

    def create(self, props: dict[str, Any]) -> CreateResult:
        """One ``spaces.create`` with the whole config (adopt: one get, at most one patch)."""
        return CreateResult(*space_ops.create_space(self._client, props))

    def update(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        """Exactly one ``spaces.patch`` naming the changed fields, or no call at all."""
        return UpdateResult(space_ops.update_space(self._client, id_, olds, news))

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        """One ``spaces.get``: live outputs, and inputs whose managed fields hold live values."""
        return ReadResult(*space_ops.read_space(self._client, id_, props))

    def delete(self, id_: str, props: dict[str, Any]) -> None:
        """Apply the deletion policy; the Meet API cannot delete a space."""
        space_ops.delete_space(self._client, id_, props)


class MemberProvider(_MeetProvider):
    """Adds, updates, reads and removes the members (co-hosts) of a space for ``SpaceMember``.

    Every call acts as the space's owner, since only the owner manages members: the explicit
    ``owner`` input, else the owner recorded when the member was created, else the configured
    identity (``pulumi_meet.client.identity``: ``meet:impersonateUser``, the credentials' user,
    or ``meet:user`` on an emulator without credentials).
    """

    # Pickles name the class by this stable path (see pulumi_meet._provider), not by this module.
    __module__ = "pulumi_meet._provider"

    def check(self, _olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        """Validate every input; unknowns pass. Makes no API call and needs no credentials."""
        inputs, violations = member_ops.check_member(news)
        return CheckResult(inputs, [CheckFailure(v.property, v.reason) for v in violations])

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        """Another space or another person replaces; a role or owner change updates. No call."""
        diff = member_ops.diff_member(olds, news)
        return DiffResult(changes=diff.changes, replaces=diff.replaces, delete_before_replace=False)

    def create(self, props: dict[str, Any]) -> CreateResult:
        """One ``members.create`` carrying the e-mail and the role (adopt: a get, maybe a patch)."""
        return CreateResult(*member_ops.create_member(self._client, props))

    def update(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        """One ``members.patch`` with ``updateMask=role`` when the role changed, else no call."""
        return UpdateResult(member_ops.update_member(self._client, id_, olds, news))

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        """One ``members.get``; a member removed outside Pulumi (404) leaves the state."""
        found = member_ops.read_member(self._client, id_, props)
        return ReadResult("", {}) if found is None else ReadResult(*found)

    def delete(self, id_: str, props: dict[str, Any]) -> None:
        """One ``members.delete``; a member that is already gone (404) counts as removed."""
        member_ops.delete_member(self._client, id_, props)
