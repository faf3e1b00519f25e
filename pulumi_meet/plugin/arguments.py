"""The plugin's command line, as the engine writes it.

Kept apart from :mod:`pulumi_meet.plugin.server`, which imports ``pulumi.provider``: that package
registers ``google.rpc.Status`` in protobuf's default pool, which clashes with Google's own
``google.rpc`` protos (``google-apps-meet``) in one process. Parsing needs neither.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence

__all__ = ["parse_arguments"]


def parse_arguments(args: Sequence[str]) -> argparse.Namespace:
    """The engine's arguments: flags (some with a value), then the engine's address."""
    parser = argparse.ArgumentParser(
        prog="pulumi-resource-meet",
        description="The meet Pulumi provider plugin (a gRPC server the Pulumi engine starts). "
        "`pulumi-resource-meet --schema` prints the package schema.",
    )
    parser.add_argument("engine", help="the Pulumi engine's address")
    parser.add_argument("--logflow", action="store_true", help="accepted and ignored")
    parser.add_argument("--logtostderr", action="store_true", help="accepted and ignored")
    # Flags the engine may pass with a value: declared so that their value is not the address.
    parser.add_argument("--tracing", help="accepted and ignored (a tracing endpoint)")
    parser.add_argument("--root", help="accepted and ignored (the project's root)")
    known, _rest = parser.parse_known_args(list(args))
    return known
