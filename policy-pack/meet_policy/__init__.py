"""pulumi-meet's CrossGuard policy pack: guardrails for Google Meet rooms.

``meet_policy.policies.POLICIES`` is the pack's policy list; ``__main__.py`` beside this package
serves it as the Pulumi engine expects (``pulumi preview --policy-pack <this folder>``).
:mod:`meet_policy.resources` and :mod:`meet_policy.defaults` need no policy SDK.
"""
