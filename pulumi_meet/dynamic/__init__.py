"""The Python dynamic-provider front-end: the :class:`Space` and :class:`SpaceMember` resources.

States written by this front-end name their provider by the stable path ``pulumi_meet._provider``
(see :mod:`pulumi_meet._provider`), whatever module the classes live in.
"""
