"""The ``filter`` parameter of conferenceRecords.list, participants.list and
participantSessions.list.

Google documents the filterable fields and a few examples, and calls the syntax EBNF [doc]. The
emulator's grammar [rule] (AIP-160's subset that the examples use)::

    filter     = or
    or         = and { "OR" and }
    and        = unary { "AND" unary }
    unary      = "NOT" unary | "(" or ")" | comparison
    comparison = FIELD ( "=" | "!=" | "<" | "<=" | ">" | ">=" ) "quoted value"
               | FIELD "IS" [ "NOT" ] "NULL"

Keywords are upper case; values are double-quoted; times are RFC 3339 (any offset);
``space.meeting_code`` compares case-insensitively (codes are), ``space.name`` exactly and only
with ``=`` / ``!=``. A comparison with an unset time is false (only ``IS NULL`` matches it).
Anything else — an unknown field, a bad time, a missing quote — is 400 INVALID_ARGUMENT naming
the problem; a filter is never ignored.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from pulumi_meet.emulator.exceptions import InvalidArgument
from pulumi_meet.emulator.timestamps import parse_time

__all__ = ["FieldKind", "Predicate", "compile_filter"]

FieldKind = Literal["time", "name", "code"]
Predicate = Callable[[Mapping[str, Any]], bool]

_TOKEN = re.compile(
    r'\s*(?:(?P<string>"(?:[^"\\]|\\.)*")|(?P<op>!=|<=|>=|=|<|>)|(?P<paren>[()])'
    r"|(?P<word>[A-Za-z_][\w.]*)|(?P<bad>\S))"
)
_KEYWORDS = {"AND", "OR", "NOT", "IS", "NULL"}
_COMPARE: dict[str, Callable[[Any, Any], bool]] = {
    "=": lambda a, b: a == b,
    "!=": lambda a, b: a != b,
    "<": lambda a, b: a < b,
    "<=": lambda a, b: a <= b,
    ">": lambda a, b: a > b,
    ">=": lambda a, b: a >= b,
}


@dataclass(frozen=True)
class _Token:
    kind: str  # string | op | paren | word | end
    text: str


def compile_filter(text: str | None, fields: Mapping[str, FieldKind]) -> Predicate:
    """The predicate of ``text`` over values keyed by field name; everything when empty."""
    if text is None or not text.strip():
        return lambda values: True
    parser = _Parser(text, fields)
    predicate = parser.parse_or()
    if parser.peek().kind != "end":
        raise parser.error(f"unexpected '{parser.peek().text}'")
    return predicate


class _Parser:
    def __init__(self, text: str, fields: Mapping[str, FieldKind]) -> None:
        self.text = text
        self.fields = fields
        self.tokens = _tokenize(text, self.error)
        self.position = 0

    def error(self, reason: str) -> InvalidArgument:
        # Google's wording for a bad filter is not documented. [rule]
        return InvalidArgument.for_field("filter", f"Invalid filter '{self.text}': {reason}.")

    def peek(self) -> _Token:
        return self.tokens[self.position]

    def take(self) -> _Token:
        token = self.tokens[self.position]
        self.position += token.kind != "end"
        return token

    def keyword(self, word: str) -> bool:
        token = self.peek()
        if token.kind == "word" and token.text == word:
            self.position += 1
            return True
        return False

    def parse_or(self) -> Predicate:
        terms = [self.parse_and()]
        while self.keyword("OR"):
            terms.append(self.parse_and())
        return terms[0] if len(terms) == 1 else lambda v: any(term(v) for term in terms)

    def parse_and(self) -> Predicate:
        terms = [self.parse_unary()]
        while self.keyword("AND"):
            terms.append(self.parse_unary())
        return terms[0] if len(terms) == 1 else lambda v: all(term(v) for term in terms)

    def parse_unary(self) -> Predicate:
        if self.keyword("NOT"):
            inner = self.parse_unary()
            return lambda v: not inner(v)
        if self.peek().kind == "paren" and self.peek().text == "(":
            self.take()
            inner = self.parse_or()
            if self.take().text != ")":
                raise self.error("missing ')'")
            return inner
        return self.parse_comparison()

    def parse_comparison(self) -> Predicate:
        token = self.take()
        if token.kind != "word" or token.text in _KEYWORDS:
            raise self.error(f"expected a field name, found '{token.text or 'the end'}'")
        field = token.text
        kind = self.fields.get(field)
        if kind is None:
            known = ", ".join(self.fields)
            raise self.error(f"unknown field '{field}'; the filterable fields are {known}")
        if self.keyword("IS"):
            negated = self.keyword("NOT")
            if not self.keyword("NULL"):
                raise self.error(f"expected NULL after '{field} IS'")
            return lambda v: (v.get(field) is None) != negated
        op = self.take()
        if op.kind == "word" and op.text.upper() in _KEYWORDS:
            raise self.error(f"keywords are upper case: write {op.text.upper()}")
        if op.kind != "op":
            raise self.error(f"expected an operator after '{field}'")
        value = self.take()
        if value.kind != "string":
            raise self.error(f"the value compared with '{field}' must be double-quoted")
        return self._comparison(field, kind, op.text, _unquote(value.text))

    def _comparison(self, field: str, kind: FieldKind, op: str, value: str) -> Predicate:
        compare = _COMPARE[op]
        if kind == "time":
            moment = parse_time(value)
            if moment is None:
                raise self.error(f"'{value}' is not an RFC 3339 time (for {field})")
            return lambda v: v.get(field) is not None and compare(v[field], moment)
        if op not in ("=", "!="):
            raise self.error(f"'{field}' can only be compared with = or !=")
        if kind == "code":
            folded = value.lower()
            return lambda v: v.get(field) is not None and compare(str(v[field]).lower(), folded)
        return lambda v: v.get(field) is not None and compare(v[field], value)


def _tokenize(text: str, error: Callable[[str], InvalidArgument]) -> list[_Token]:
    tokens: list[_Token] = []
    for found in _TOKEN.finditer(text):
        kind = found.lastgroup
        if kind is None:
            continue
        if kind == "bad":
            raise error(f"unexpected character '{found.group(kind)}'")
        tokens.append(_Token(kind, found.group(kind)))
    tokens.append(_Token("end", ""))
    return tokens


def _unquote(quoted: str) -> str:
    return re.sub(r"\\(.)", r"\1", quoted[1:-1])
