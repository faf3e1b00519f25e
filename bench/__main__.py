"""``python -m bench`` runs every benchmark and writes ``bench/results/``."""

from __future__ import annotations

from bench.run import main

raise SystemExit(main())
