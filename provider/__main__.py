"""The entry point the Python language host runs: ``python <this folder> ENGINE_ADDRESS``.

This folder is a source-based Pulumi plugin package (``PulumiPlugin.yaml``): the host creates
``venv/`` here, installs ``requirements.txt`` into it (pulumi-meet, from the repository this folder
is part of), and starts the plugin through this file with the engine's arguments. What runs is
the same server as the ``pulumi-resource-meet`` console script.
"""

from __future__ import annotations

import sys
from pathlib import Path


def _run() -> None:
    try:
        from pulumi_meet.plugin.server import main
    except ImportError as missing:
        folder = Path(__file__).resolve().parent
        sys.stderr.write(
            f"pulumi-resource-meet: pulumi-meet is not installed in this plugin's environment "
            f"({missing}): run `python -m venv venv && venv/bin/pip install -r requirements.txt` "
            f"in {folder}\n"
        )
        raise SystemExit(1) from None
    main(sys.argv[1:])


if __name__ == "__main__":
    _run()
