"""The ``meet`` Pulumi provider plugin: the same operations as the dynamic provider, for every
Pulumi language, with a package schema and ``pulumi import``.

- :mod:`~pulumi_meet.plugin.provider`: :class:`MeetProvider`: the engine's requests, through
  the operations, to its answers (protobuf in, protobuf out).
- :mod:`~pulumi_meet.plugin.server`: the process (``pulumi-resource-meet``): a synchronous gRPC
  server, each call on a thread of its pool, errors answered as gRPC statuses.
- :mod:`~pulumi_meet.plugin.wire`: property maps (``Struct``) <-> plain data, secrets kept.
- :mod:`~pulumi_meet.plugin.schema`: the package schema, generated from the field tables.
- :mod:`~pulumi_meet.plugin.names`: camelCase <-> snake_case, derived from the tables.
- :mod:`~pulumi_meet.plugin.config`: the ``meet:`` configuration keys for the schema.
"""

from __future__ import annotations
