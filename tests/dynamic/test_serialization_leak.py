"""Our providers survive the Pulumi SDK's per-call pickler leak in programs with many rooms.

``serialize_provider`` stacks one more wrapper around ``pickle._Pickler._batch_setitems`` per
call and never removes it; a provider whose instance has state pickles a dict through that
stack and crashes with RecursionError at about the 490th resource of a program. Ours keep
``__dict__`` empty (configuration is read in ``configure()``, in the provider process), so they
never pickle a dict: 1,500 rooms serialize fine.
"""

from __future__ import annotations

from pulumi.dynamic.dynamic import serialize_provider

from pulumi_meet.dynamic.providers import MemberProvider, SpaceProvider


def test_a_fresh_provider_has_no_instance_state() -> None:
    assert SpaceProvider().__dict__ == {}
    assert MemberProvider().__dict__ == {}


def test_fifteen_hundred_resources_serialize_despite_the_sdk_leak() -> None:
    providers = [SpaceProvider(), MemberProvider()]
    serialized = {serialize_provider(providers[i % 2]) for i in range(1_500)}
    assert len(serialized) == 2
    assert all(len(text) < 200 for text in serialized)
