"""The version of pulumi-meet, written in this one place.

The package metadata reads it (``pyproject.toml``: ``dynamic = ["version"]``), and everything
that reports a version takes it from here through ``pulumi_meet.__version__``: ``pulumi-meet
--version``, the ``User-Agent`` of every API call the provider makes, and the provider plugin.
"""

from __future__ import annotations

__all__ = ["__version__"]

__version__ = "0.1.0"
