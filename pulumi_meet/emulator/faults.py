"""Fault injection: rules that make matching requests fail, hang, or lose their connection.

A rule (``PUT /emulator/v1/faults {"rules": [...]}``) has

- ``method``: an HTTP verb (``POST``) or an API method id (``spaces.create``,
  ``spaces.members.list``, ``oauth2.token``, ``oauth2.tokeninfo``, ``iamcredentials.signJwt``);
- ``path``: a regular expression searched in the URL path (Python's syntax, run by a matcher
  that cannot backtrack: see ``_linear_regex``; backreferences and lookarounds are refused);
- effects: ``status`` (answer with that HTTP status and Google's error envelope instead of
  serving), ``delaySeconds`` (wait first), ``dropConnection``: ``"before"`` (close the socket
  without serving) or ``"after"`` (serve and commit, then close without answering);
- ``times``: how many matching requests it applies to (default 1).

The first rule that matches and has uses left applies; its count drops by one, and a rule with
no uses left disappears. Rules apply to the Meet API, the token endpoint, tokeninfo and signJwt,
never to the control API.
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from pulumi_meet.emulator._linear_regex import LinearRegex, UnsupportedPattern
from pulumi_meet.emulator.exceptions import InvalidArgument

__all__ = ["Fault", "Faults"]

_HTTP_VERBS = {"GET", "POST", "PATCH", "PUT", "DELETE"}
_RULE_FIELDS = {"method", "path", "status", "delaySeconds", "dropConnection", "times"}
_MAX_DELAY_SECONDS = 600.0
_RULE_KEYS = itertools.count(1)


@dataclass(frozen=True)
class Fault:
    """One rule and how many more requests it applies to."""

    method: str | None
    path: str | None
    status: int | None
    delay_seconds: float
    drop_connection: Literal["before", "after"] | None
    times: int
    # Which configured rule this is, across the copies that count its uses down.
    key: int = field(default_factory=lambda: next(_RULE_KEYS), compare=False)
    matcher: LinearRegex | None = field(default=None, compare=False, repr=False)

    def matches(self, verb: str, api_method: str, path: str) -> bool:
        # `method` is canonical (an upper-case verb or a routed method id) once configured.
        if self.method is not None and self.method not in (verb, api_method):
            return False
        return self.matcher is None or self.matcher.search(path)

    def describe(self) -> dict[str, Any]:
        rule: dict[str, Any] = {"times": self.times}
        for key, value in (
            ("method", self.method),
            ("path", self.path),
            ("status", self.status),
            ("dropConnection", self.drop_connection),
        ):
            if value is not None:
                rule[key] = value
        if self.delay_seconds:
            rule["delaySeconds"] = self.delay_seconds
        return rule


class Faults:
    """The active rules; thread-safe, in memory."""

    def __init__(self, api_methods: Collection[str]) -> None:
        self._lock = threading.Lock()
        self._rules: list[Fault] = []
        # With the routed method ids known, a rule naming no real method is refused at PUT time:
        # a rule that can never fire would make a fault test pass without injecting anything.
        self._api_methods = frozenset(api_methods)

    def configure(self, body: Any) -> dict[str, Any]:
        """Replace every rule (``PUT /emulator/v1/faults``)."""
        if not isinstance(body, Mapping) or set(body) - {"rules"}:
            raise InvalidArgument('The faults body must be {"rules": [...]}.')
        rules = body.get("rules") or []
        if not isinstance(rules, list):
            raise InvalidArgument.for_field("rules", '"rules" must be a list.')
        parsed = [
            self._with_canonical_method(_parse_rule(rule, f"rules[{index}]"), f"rules[{index}]")
            for index, rule in enumerate(rules)
        ]
        with self._lock:
            self._rules = parsed
        return self.describe()

    def _with_canonical_method(self, rule: Fault, location: str) -> Fault:
        if rule.method is None:
            return rule
        wanted = rule.method.removeprefix("meet.")
        if wanted.upper() in _HTTP_VERBS:
            return replace(rule, method=wanted.upper())
        # Client libraries and error messages say "members.create"; the discovery id is
        # "spaces.members.create". Accept both.
        for candidate in (wanted, f"spaces.{wanted}"):
            if candidate in self._api_methods:
                return replace(rule, method=candidate)
        known = ", ".join(sorted(self._api_methods))
        raise InvalidArgument.for_field(
            f"{location}.method",
            f"Unknown method {rule.method!r}: use an HTTP verb or one of {known}.",
        )

    def describe(self) -> dict[str, Any]:
        """The rules still active, with their remaining ``times``."""
        with self._lock:
            return {"rules": [rule.describe() for rule in self._rules]}

    def reset(self) -> None:
        with self._lock:
            self._rules = []

    def take(self, verb: str, api_method: str, path: str) -> Fault | None:
        """The rule that applies to this request, counting it as used."""
        # Patterns are matched outside the lock every request takes, so a slow match delays
        # only the request being matched.
        with self._lock:
            rules = list(self._rules)
        matching = {rule.key for rule in rules if rule.matches(verb, api_method, path)}
        if not matching:
            return None
        with self._lock:
            for index, rule in enumerate(self._rules):
                if rule.key in matching:
                    if rule.times <= 1:
                        del self._rules[index]
                    else:
                        self._rules[index] = replace(rule, times=rule.times - 1)
                    return rule
        return None


def _parse_rule(rule: Any, location: str) -> Fault:
    if not isinstance(rule, Mapping):
        raise InvalidArgument.for_field(location, "A fault rule must be a JSON object.")
    unknown = set(rule) - _RULE_FIELDS
    if unknown:
        raise InvalidArgument.for_field(location, f"Unknown rule field(s): {sorted(unknown)}.")
    method = _optional_string(rule, "method", location)
    path = _optional_string(rule, "path", location)
    matcher = None
    if path is not None:
        try:
            matcher = LinearRegex(path)
        except UnsupportedPattern as error:
            raise InvalidArgument.for_field(f"{location}.path", f"Bad regex: {error}.") from None
    status = rule.get("status")
    if status is not None and (not _is_int(status) or not 400 <= status <= 599):
        raise InvalidArgument.for_field(f"{location}.status", "status must be 400..599.")
    delay = rule.get("delaySeconds", 0)
    if not _is_number(delay) or not 0 <= delay <= _MAX_DELAY_SECONDS:
        raise InvalidArgument.for_field(
            f"{location}.delaySeconds", f"delaySeconds must be 0..{_MAX_DELAY_SECONDS:g}."
        )
    drop = rule.get("dropConnection")
    if drop not in (None, "before", "after"):
        raise InvalidArgument.for_field(
            f"{location}.dropConnection", 'dropConnection must be "before" or "after".'
        )
    if drop is not None and status is not None:
        raise InvalidArgument.for_field(location, "A rule cannot both answer and drop.")
    if status is None and drop is None and not delay:
        raise InvalidArgument.for_field(location, "A rule needs status, delaySeconds or drop.")
    times = rule.get("times", 1)
    if not _is_int(times) or times < 1:
        raise InvalidArgument.for_field(f"{location}.times", "times must be a positive integer.")
    return Fault(method, path, status, float(delay), drop, times, matcher=matcher)


def _optional_string(rule: Mapping[str, Any], key: str, location: str) -> str | None:
    value = rule.get(key)
    if value is not None and (not isinstance(value, str) or not value):
        raise InvalidArgument.for_field(f"{location}.{key}", f"{key} must be a non-empty string.")
    return value


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)
