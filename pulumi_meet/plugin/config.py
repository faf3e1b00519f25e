"""The ``meet:`` keys as the engine sends them to the plugin (CheckConfig, Configure).

The keys themselves are declared once, in :mod:`pulumi_meet.client.config_keys` (re-exported
here for the plugin); this module reads the shapes the engine sends their values in, and keeps
their values out of error messages.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from typing import Any, Final

from pulumi_meet.client.config_keys import CONFIG_KEYS, ConfigKey

__all__ = ["CONFIG_KEYS", "ConfigKey", "config_value", "redacted"]


_LIST_KEYS: Final = frozenset(key.name for key in CONFIG_KEYS if key.list_ok)
_HIDDEN: Final = "'***'"


def config_value(key: str, value: Any) -> Any:
    """A ``meet:<key>`` value as the engine sent it, in the shape ``Settings`` reads.

    A default provider gets every stack config value as a string, a YAML list as its JSON text
    (in CheckConfig's ``news``, Configure's ``args`` and its ``variables``); an explicit provider
    sends typed values (a list). For a key that takes a list, JSON text of a list is that list;
    every other value is passed on as it is (``Settings`` reads numbers, strings and lists).
    """
    return _json_list(value) if key in _LIST_KEYS else value


def _json_list(value: Any) -> Any:
    """JSON text of a list as that list; anything else unchanged."""
    if not isinstance(value, str) or not value.lstrip().startswith("["):
        return value
    try:
        decoded = json.loads(value)
    except ValueError:
        return value  # not JSON after all: Settings reports the text as it is
    return decoded if isinstance(decoded, list) else value


def _texts(value: Any) -> Iterator[str]:
    """Every string a config value holds, and the items of a list written as text."""
    value = _json_list(value)
    if isinstance(value, str):
        yield value
        yield from (item for item in value.replace(",", " ").split() if item)
    elif isinstance(value, Mapping):
        for item in value.values():
            yield from _texts(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _texts(item)
    elif value is not None:
        yield str(value)


def redacted(message: str, values: Iterable[Any]) -> str:
    """``message`` with every quoted appearance of ``values`` (and their items) hidden.

    Configuration errors quote the value they refuse (``'abc' is not a Google Meet scope``).
    A value that is, or may be, secret must not reach the engine's output that way.
    """
    texts = sorted({text for value in values for text in _texts(value) if text}, key=len)
    for text in reversed(texts):
        for quoted in (repr(text), json.dumps(text)):
            message = message.replace(quoted, _HIDDEN)
    return message
