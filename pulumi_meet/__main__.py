"""``python -m pulumi_meet`` runs the command line."""

from __future__ import annotations

from pulumi_meet._cli import main

raise SystemExit(main())
