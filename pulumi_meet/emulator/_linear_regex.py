"""A regular-expression search that cannot backtrack, for fault rules' ``path`` patterns.

Python's ``re`` backtracks, and holds the GIL while it does: ``(a+)+$`` searched in a
25-character path stalls every thread of the emulator for seconds, doubling with each character.
A fault rule's pattern is parsed by ``re``'s own parser (same syntax, same meaning) and run as a
Thompson NFA instead: time linear in the path times the size of the pattern, in Python code that
lets the other threads run.

Supported: literals, ``.``, classes (``[a-z]``, ``[^/]``, ``\\d \\w \\s`` and their negations),
alternation, groups, greedy and lazy repeats, the anchors ``^ $ \\A \\Z \\b \\B``, and the flags
``i``, ``m``, ``s``, ``x`` for the whole pattern. Refused with the reason: backreferences,
lookarounds, conditionals, atomic groups, possessive repeats, scoped flags, ``(?a)``/``(?L)``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any

try:  # Python 3.11+
    from re import _parser as _sre_parse  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover - Python 3.10
    import sre_parse as _sre_parse

__all__ = ["MAX_PATTERN_LENGTH", "LinearRegex", "UnsupportedPattern"]

MAX_PATTERN_LENGTH = 1_000
_MAX_STATES = 10_000
_SUPPORTED_FLAGS = re.IGNORECASE | re.MULTILINE | re.DOTALL | re.VERBOSE | re.UNICODE

Predicate = Callable[[str], bool]
# A program instruction: ("char", predicate, next) | ("split", a, b) | ("at", kind, next) |
# ("match",). Lists so that a loop's split can be patched once its body is compiled.
Instruction = list[Any]


class UnsupportedPattern(ValueError):
    """The pattern is not valid, or uses what a linear-time matcher cannot do."""


def _is_word(ch: str) -> bool:
    return ch.isalnum() or ch == "_"


_CATEGORIES: dict[str, Predicate] = {
    "CATEGORY_DIGIT": str.isdecimal,
    "CATEGORY_NOT_DIGIT": lambda ch: not ch.isdecimal(),
    "CATEGORY_SPACE": str.isspace,
    "CATEGORY_NOT_SPACE": lambda ch: not ch.isspace(),
    "CATEGORY_WORD": _is_word,
    "CATEGORY_NOT_WORD": lambda ch: not _is_word(ch),
}
_ANCHORS = {
    "AT_BEGINNING",
    "AT_BEGINNING_STRING",
    "AT_BEGINNING_LINE",
    "AT_END",
    "AT_END_STRING",
    "AT_END_LINE",
    "AT_BOUNDARY",
    "AT_NON_BOUNDARY",
}
_REFUSED = {
    "GROUPREF": "backreferences",
    "GROUPREF_EXISTS": "conditional groups",
    "ASSERT": "lookarounds",
    "ASSERT_NOT": "lookarounds",
    "ATOMIC_GROUP": "atomic groups",
    "POSSESSIVE_REPEAT": "possessive repeats",
}


def _anchor_holds(kind: str, text: str, at: int) -> bool:
    end = len(text)
    if kind in ("AT_BEGINNING", "AT_BEGINNING_STRING"):
        return at == 0
    if kind == "AT_BEGINNING_LINE":
        return at == 0 or text[at - 1] == "\n"
    if kind == "AT_END":
        return at == end or (at == end - 1 and text[at] == "\n")
    if kind == "AT_END_STRING":
        return at == end
    if kind == "AT_END_LINE":
        return at == end or text[at] == "\n"
    before = at > 0 and _is_word(text[at - 1])
    after = at < end and _is_word(text[at])
    return (before != after) == (kind == "AT_BOUNDARY")


class LinearRegex:
    """``re.search(pattern, text) is not None``, in O(len(text) * len(pattern))."""

    def __init__(self, pattern: str) -> None:
        if len(pattern) > MAX_PATTERN_LENGTH:
            raise UnsupportedPattern(f"longer than {MAX_PATTERN_LENGTH} characters")
        try:
            parsed = _sre_parse.parse(pattern)
        except re.error as error:
            raise UnsupportedPattern(str(error)) from None
        except RecursionError:
            raise UnsupportedPattern("nested too deeply") from None
        flags = parsed.state.flags
        if flags & ~_SUPPORTED_FLAGS:
            raise UnsupportedPattern("the flags (?a) and (?L) are not supported")
        self.pattern = pattern
        self._ignore_case = bool(flags & re.IGNORECASE)
        self._dot_all = bool(flags & re.DOTALL)
        self._multiline = bool(flags & re.MULTILINE)
        self._program: list[Instruction] = [["match"]]
        try:
            self._start = self._sequence(list(parsed), 0)
        except RecursionError:
            raise UnsupportedPattern("nested too deeply") from None

    # --- compilation (backwards: each piece is compiled knowing where it continues) ---------

    def _emit(self, instruction: Instruction) -> int:
        if len(self._program) >= _MAX_STATES:
            raise UnsupportedPattern("too large once its repeats are expanded")
        self._program.append(instruction)
        return len(self._program) - 1

    def _sequence(self, items: Sequence[tuple[Any, Any]], then: int) -> int:
        for op, argument in reversed(items):
            then = self._item(str(op), argument, then)
        return then

    def _item(self, op: str, argument: Any, then: int) -> int:
        if op in _REFUSED:
            raise UnsupportedPattern(f"{_REFUSED[op]} are not supported")
        if op in ("LITERAL", "NOT_LITERAL", "ANY", "IN"):
            return self._emit(["char", self._predicate(op, argument), then])
        if op == "AT":
            kind = self._anchor(str(argument))
            return self._emit(["at", kind, then])
        if op == "BRANCH":
            alternatives = [self._sequence(list(branch), then) for branch in argument[1]]
            entry = alternatives[-1]
            for alternative in reversed(alternatives[:-1]):
                entry = self._emit(["split", alternative, entry])
            return entry
        if op == "SUBPATTERN":
            _group, add_flags, del_flags, body = argument
            if add_flags or del_flags:
                raise UnsupportedPattern("scoped flags (?i:...) are not supported")
            return self._sequence(list(body), then)
        if op in ("MAX_REPEAT", "MIN_REPEAT"):
            low, high, body = argument
            return self._repeat(low, high, body, then)
        raise UnsupportedPattern(f"{op} is not supported")

    def _repeat(self, low: int, high: int, body: Any, then: int) -> int:
        items = list(body)
        if high == _sre_parse.MAXREPEAT:
            loop = self._emit(["split", -1, then])
            self._program[loop][1] = self._sequence(items, loop)
            entry = loop
        else:
            entry = then
            for _ in range(high - low):
                entry = self._emit(["split", self._sequence(items, entry), then])
        for _ in range(low):
            entry = self._sequence(items, entry)
        return entry

    def _anchor(self, kind: str) -> str:
        if kind not in _ANCHORS:
            raise UnsupportedPattern(f"{kind} is not supported")
        if self._multiline:  # as re's compiler does: ^ and $ match at every line
            return {"AT_BEGINNING": "AT_BEGINNING_LINE", "AT_END": "AT_END_LINE"}.get(kind, kind)
        return kind

    def _predicate(self, op: str, argument: Any) -> Predicate:
        if op == "ANY":
            return (lambda ch: True) if self._dot_all else (lambda ch: ch != "\n")
        if op in ("LITERAL", "NOT_LITERAL"):
            wanted = chr(argument)
            test: Predicate = (
                (lambda ch: ch == wanted) if op == "LITERAL" else (lambda ch: ch != wanted)
            )
        else:
            test = self._class(list(argument))
        if not self._ignore_case:
            return test
        if op == "NOT_LITERAL":
            return lambda ch: test(ch) and test(ch.lower()) and test(ch.upper())
        return lambda ch: test(ch) or test(ch.lower()) or test(ch.upper())

    @staticmethod
    def _class(items: list[tuple[Any, Any]]) -> Predicate:
        negate = bool(items) and str(items[0][0]) == "NEGATE"
        literals: set[str] = set()
        ranges: list[tuple[int, int]] = []
        categories: list[Predicate] = []
        for op, argument in items[1:] if negate else items:
            name = str(op)
            if name == "LITERAL":
                literals.add(chr(argument))
            elif name == "RANGE":
                ranges.append((argument[0], argument[1]))
            elif name == "CATEGORY" and str(argument) in _CATEGORIES:
                categories.append(_CATEGORIES[str(argument)])
            else:
                raise UnsupportedPattern(f"{name} {argument} in a class is not supported")

        def test(ch: str) -> bool:
            found = (
                ch in literals
                or any(low <= ord(ch) <= high for low, high in ranges)
                or any(category(ch) for category in categories)
            )
            return found != negate

        return test

    # --- search ---------------------------------------------------------------------------

    def search(self, text: str) -> bool:
        """Whether the pattern matches anywhere in ``text`` (``re.search`` semantics)."""
        states: set[int] = set()
        self._close(states, self._start, text, 0)
        for position, ch in enumerate(text):
            if 0 in states:
                return True
            following: set[int] = set()
            for state in states:
                instruction = self._program[state]
                if instruction[0] == "char" and instruction[1](ch):
                    self._close(following, instruction[2], text, position + 1)
            # A search starts a new attempt at every position.
            self._close(following, self._start, text, position + 1)
            states = following
        return 0 in states

    def _close(self, into: set[int], state: int, text: str, at: int) -> None:
        """Add ``state`` and every state reachable from it without reading a character."""
        pending = [state]
        while pending:
            current = pending.pop()
            if current in into:
                continue
            into.add(current)
            instruction = self._program[current]
            if instruction[0] == "split":
                pending.extend((instruction[2], instruction[1]))
            elif instruction[0] == "at" and _anchor_holds(instruction[1], text, at):
                pending.append(instruction[2])
