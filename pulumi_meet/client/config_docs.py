"""The docs' tables of ``meet:`` keys, generated from the config table.

``python -m pulumi_meet.client.config_docs`` rewrites the table of each document below that has
one (between the markers this module writes), from :data:`~pulumi_meet.client.config_keys.
CONFIG_KEYS`; ``--check`` only reports a stale one (exit 1). A test keeps them fresh.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from pulumi_meet.client.config_keys import CONFIG_KEYS, ConfigKey

__all__ = ["DOCUMENTS", "DocTable", "refreshed", "table_markdown"]

# The markers of `dynamic/generate.py`'s tables (whose own regions are named otherwise).
_BEGIN: Final = "<!-- generated: config keys -->"
_END: Final = "<!-- end generated -->"
_REGION: Final = re.compile(re.escape(_BEGIN) + r"\n.*?" + re.escape(_END), re.DOTALL)


def _default(key: ConfigKey) -> str:
    if isinstance(key.default, float):
        return f"`{key.default:g}`"
    if key.default is not None:
        return f"`{key.default}`"
    return key.default_doc or "—"


def _fallback(key: ConfigKey) -> str:
    return key.fallback_doc or ", ".join(f"`{name}`" for name in key.environment) or "—"


def _flag(key: ConfigKey) -> str:
    if key.flag is None:
        return "—"
    own = f" (default `{key.flag.default:g}`)" if key.flag.default is not None else ""
    return f"`{key.flag.name}`{own}"


def _summary(key: ConfigKey) -> str:
    """The schema's description without its default (the table has a column for it)."""
    text = re.sub(r" \(default:?[^();]*\)(?=\.$)", "", key.description)
    return re.sub(r"\(default:?[^();]*; ", "(", text)


def _name(key: ConfigKey, qualified: bool) -> str:
    name = f"`{key.qualified if qualified else key.name}`"
    return f"{name} (secret)" if key.secret else name


@dataclass(frozen=True)
class DocTable:
    """The config table of one document: its columns, and whether keys are written ``meet:x``."""

    path: str
    """Relative to the repository's root."""
    columns: tuple[tuple[str, Callable[[ConfigKey], str]], ...]
    qualified: bool = True


DOCUMENTS: Final[tuple[DocTable, ...]] = (
    DocTable(
        "docs/configuration.md",
        (
            ("environment fallback", _fallback),
            ("default", _default),
            ("`pulumi-meet` flag", _flag),
            ("meaning", lambda key: key.details),
        ),
    ),
    DocTable(
        "README.md",
        (("environment fallback", _fallback), ("default", _default), ("meaning", _summary)),
    ),
    DocTable(
        "docs/installation-configuration.md",
        (("environment variable", _fallback), ("default", _default), ("description", _summary)),
        qualified=False,
    ),
)
"""Every document with a config table (one that does not exist is skipped)."""


def table_markdown(document: DocTable, keys: Sequence[ConfigKey] = CONFIG_KEYS) -> str:
    """The generated region of ``document``: its markers and the table between them."""
    header = ["key", *(title for title, _ in document.columns)]
    lines = [_BEGIN, "| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for key in keys:
        cells = [_name(key, document.qualified), *(cell(key) for _, cell in document.columns)]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join([*lines, _END])


def refreshed(document: DocTable, text: str) -> str:
    """``text`` with its generated table replaced by the current one (ValueError: no markers)."""
    if not _REGION.search(text):
        raise ValueError(f"{document.path}: no generated config table (markers missing)")
    return _REGION.sub(lambda _match: table_markdown(document), text, count=1)


def main(argv: Sequence[str] | None = None) -> int:
    """Rewrite (or with ``--check`` only verify) every document's table; 1 if one was stale."""
    args = list(sys.argv[1:] if argv is None else argv)
    check = "--check" in args
    root = Path.cwd()
    stale = []
    for document in DOCUMENTS:
        path = root / document.path
        if not path.exists():
            continue
        text = path.read_text(encoding="utf-8")
        fresh = refreshed(document, text)
        if fresh != text:
            stale.append(document.path)
            if not check:
                path.write_text(fresh, encoding="utf-8")
    for name in stale:
        print(f"{name}: {'stale' if check else 'rewritten'}", file=sys.stderr)
    return 1 if check and stale else 0


if __name__ == "__main__":
    raise SystemExit(main())
