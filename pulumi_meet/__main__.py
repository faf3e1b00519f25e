"""``python -m pulumi_meet`` runs the command line."""

from __future__ import annotations

from pulumi_meet.cli.main import main

raise SystemExit(main())
