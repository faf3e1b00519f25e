"""The row model of the field tables: :class:`Field` (one row), :class:`Table` (a resource).

A resource's table (:data:`pulumi_meet.core.space_fields.SPACE`,
:data:`pulumi_meet.core.member_fields.MEMBER`) declares every property of the resource once, in
the style of Magic Modules: where it lives in the resource's inputs and outputs (snake_case) and
in the API's JSON (camelCase), its enum, how it may be written (:class:`Mutability`), what it
means (``description``, Markdown) and whether changing it replaces the resource. The inputs that
are not fields of the API (``deletion_policy``, ``adopt``, ``owner``…) and the outputs the
provider records beside the API's (the acting ``owner``, echoed inputs) are rows too.

Everything else is derived from the rows: validation, diff, ``updateMask``, request bodies and
outputs (:mod:`pulumi_meet.core.engine`), the names of the inputs and outputs (here), the package
schema (:mod:`pulumi_meet.plugin.schema`), the typed ``*Args`` classes and the docs' field tables
(:mod:`pulumi_meet.dynamic.generate`) and the inputs that replace a resource.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from enum import Enum
from functools import cached_property
from typing import Final

__all__ = ["Field", "Mutability", "Table", "pascal"]


class Mutability(Enum):
    """How a row may be written, and whether it is a field of the API."""

    OPTIONAL_COMPUTED = "optional+computed"
    """The user may set it; when unset the server's value is kept. Updated in place."""
    OUTPUT_ONLY = "output-only"
    """Set by the server only; never accepted as an input."""
    IMMUTABLE = "immutable"
    """Set by the user at creation only; a change replaces the resource."""
    DEFAULTED = "defaulted"
    """The user may set it; when unset the resource's documented default applies (not the
    server's value). Updated in place. (``SpaceMember.role``: COHOST.)"""
    INPUT = "input"
    """An input of the provider that is no field of the API (``deletion_policy``, ``adopt``,
    ``owner``, a member's parent ``space``): checked and used by the operations, never sent as a
    field. With ``echoed`` the outputs carry it back under its own name."""
    ECHO = "echo"
    """An output the provider records beside the API's: the identity the calls act as, or an
    input echoed under another name because the engine passes the old OUTPUTS (not the old
    inputs) to diff, update, read and delete."""


_NOT_API: Final = frozenset({Mutability.INPUT, Mutability.ECHO})
_SETTABLE: Final = frozenset(
    {Mutability.OPTIONAL_COMPUTED, Mutability.IMMUTABLE, Mutability.DEFAULTED}
)


@dataclass(frozen=True)
class Field:
    """One row of a table.

    ``path`` is where the value lives in the resource's inputs and outputs (snake_case),
    ``api_path`` where it lives in the API's JSON (camelCase; empty for a row that is no API
    field). They may differ in shape: the API's ``activeConference.conferenceRecord`` is the flat
    output ``active_conference``. A field with ``record_keys`` is a list of records whose keys
    are renamed pairwise (snake, camel); the keys are described in the table's ``objects``.
    """

    path: tuple[str, ...]
    api_path: tuple[str, ...]
    mutability: Mutability
    enum: type[Enum] | None = None
    record_keys: tuple[tuple[str, str], ...] = ()
    always_present: bool = False
    """An output every state (and, for an API field, every answer) carries: a required output."""
    description: str = ""
    """What the row means, in Markdown: the one wording of the schema, the docs and the Args."""
    replaces: bool = False
    """Whether changing this input replaces the resource (always so for ``IMMUTABLE``)."""
    required: bool = False
    """Whether the input must be set."""
    echoed: bool = False
    """``INPUT`` only: the outputs carry the input back under its own name."""
    internal: bool = False
    """``ECHO`` only: kept in state for the operations, not part of the package schema."""
    python_type: str = ""
    """The input's type as the docs show it for Python, when not derived (``str``, an enum)."""

    @cached_property
    def name(self) -> str:
        """The top-level property the row belongs to (``config`` for every config leaf)."""
        return self.path[0]

    @cached_property
    def property_path(self) -> str:
        """The dotted snake_case path, as named in check failures (``config.access_type``)."""
        return ".".join(self.path)

    @cached_property
    def mask_path(self) -> str:
        """The dotted camelCase path, as named in an ``updateMask`` (``config.accessType``)."""
        return ".".join(self.api_path)

    @cached_property
    def allowed_values(self) -> tuple[str, ...]:
        """The accepted enum names (empty for a free string)."""
        return tuple(str(member.value) for member in self.enum) if self.enum else ()

    @cached_property
    def is_api(self) -> bool:
        """Whether the row is a field of the API's resource."""
        return self.mutability not in _NOT_API

    @cached_property
    def is_input(self) -> bool:
        """Whether the user may set the row."""
        return self.mutability in _SETTABLE or self.mutability is Mutability.INPUT

    @cached_property
    def is_output(self) -> bool:
        """Whether the row is in the resource's outputs."""
        return self.mutability is not Mutability.INPUT or self.echoed


def pascal(snake: str) -> str:
    """``smart_notes_config`` -> ``SmartNotesConfig`` (a type or class name)."""
    return "".join(part[:1].upper() + part[1:] for part in snake.split("_"))


def _unique(names: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(names))


@dataclass(frozen=True)
class Table:
    """Every row of one resource, and the names and groupings derived from them.

    ``objects`` describes what is not a row: each nested object of the settable fields
    (``config``, ``config.artifact_config``…) and each record key (``phone_access.pin``), by
    dotted snake_case path. Construction fails when a row or an object lacks its description,
    so that nothing generated from the table is left undescribed.
    """

    name: str
    """The resource's type name (``Space``)."""
    description: str
    rows: tuple[Field, ...]
    objects: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        problems = [
            f"{row.property_path}: {reason}" for row in self.rows for reason in _row_problems(row)
        ]
        needed = {".".join(path) for path in self.object_paths()} | {
            f"{row.name}.{snake}" for row in self.rows for snake, _ in row.record_keys
        }
        needed |= {row.name for row in self.rows if row.record_keys}
        problems += [
            f"{path}: no description in objects" for path in sorted(needed - set(self.objects))
        ]
        problems += [f"{path}: describes nothing" for path in sorted(set(self.objects) - needed)]
        if problems:
            raise ValueError(f"table {self.name}: " + "; ".join(problems))

    # ---------------------------------------------------------------- groups of rows

    @cached_property
    def api_fields(self) -> tuple[Field, ...]:
        """The rows that are fields of the API, in the API's order."""
        return tuple(row for row in self.rows if row.is_api)

    @cached_property
    def settable(self) -> tuple[Field, ...]:
        """The API fields the user may set (for a Space: the leaves of ``SpaceConfig``)."""
        return tuple(row for row in self.rows if row.is_api and row.is_input)

    def rows_named(self, name: str) -> tuple[Field, ...]:
        """The rows below the top-level property ``name``."""
        return tuple(row for row in self.rows if row.name == name)

    def input_row(self, name: str) -> Field | None:
        """The row of the top-level input ``name``, or ``None`` for an object (``config``)."""
        return next((r for r in self.rows if r.is_input and r.path == (name,)), None)

    def output_row(self, name: str) -> Field | None:
        """The row of the top-level output ``name``, or ``None`` for an object (``config``)."""
        return next((r for r in self.rows if r.is_output and r.path == (name,)), None)

    def object_paths(self) -> Iterator[tuple[str, ...]]:
        """Every nested object of the settable fields, outermost first (``("config",)``…)."""
        seen: dict[tuple[str, ...], None] = {}
        for row in self.settable:
            for depth in range(1, len(row.path)):
                seen.setdefault(row.path[:depth])
        yield from seen

    def describe(self, path: str) -> str:
        """The description of a nested object (``config``…) or a record key (``phone_access.pin``).

        A row's own description is ``row.description`` (an input and an output may share a name,
        as ``owner`` does: see :meth:`input_row` and :meth:`output_row`).
        """
        try:
            return self.objects[path]
        except KeyError:
            raise KeyError(f"{self.name} describes no object or record {path!r}") from None

    # ---------------------------------------------------------------- names

    @cached_property
    def input_names(self) -> tuple[str, ...]:
        """The top-level inputs, in the rows' order."""
        return _unique(row.name for row in self.rows if row.is_input)

    @cached_property
    def api_output_names(self) -> tuple[str, ...]:
        """The top-level outputs that come from the API (``name``, ``meeting_uri``, ``config``…)."""
        return _unique(row.name for row in self.rows if row.is_api)

    @cached_property
    def echo_names(self) -> tuple[str, ...]:
        """The outputs beside the API's: recorded values and echoed inputs."""
        return _unique(row.name for row in self.rows if row.is_output and not row.is_api)

    @cached_property
    def output_names(self) -> tuple[str, ...]:
        """Every top-level output, in the rows' order."""
        return _unique(row.name for row in self.rows if row.is_output)

    @cached_property
    def schema_output_names(self) -> tuple[str, ...]:
        """The outputs of the package schema: every output but the internal echoes."""
        return _unique(row.name for row in self.rows if row.is_output and not row.internal)

    @cached_property
    def present_names(self) -> tuple[str, ...]:
        """The API's outputs every answer carries."""
        return _unique(row.name for row in self.rows if row.is_api and row.always_present)

    @cached_property
    def recorded_names(self) -> tuple[str, ...]:
        """The outputs beside the API's that every state holds."""
        return _unique(
            row.name for row in self.rows if row.is_output and not row.is_api and row.always_present
        )

    @cached_property
    def required_output_names(self) -> tuple[str, ...]:
        """Every output each state holds, in the outputs' order (the schema's ``required``)."""
        present = {*self.present_names, *self.recorded_names}
        return tuple(name for name in self.output_names if name in present)

    @cached_property
    def replacing_inputs(self) -> tuple[str, ...]:
        """The inputs whose change replaces the resource, in the rows' order."""
        return _unique(row.name for row in self.rows if row.is_input and row.replaces)

    @cached_property
    def required_inputs(self) -> tuple[str, ...]:
        """The inputs that must be set."""
        return _unique(row.name for row in self.rows if row.is_input and row.required)

    def with_rows(self, *rows: Field, objects: Mapping[str, str] | None = None) -> Table:
        """This table with ``rows`` added (each after the last row of its top-level property,
        else an API field after the last API field and any other row last) and ``objects``
        described: how a test adds a field."""
        merged = list(self.rows)
        for row in rows:
            same = [i for i, r in enumerate(merged) if r.name == row.name]
            api = [i for i, r in enumerate(merged) if r.is_api] if row.is_api else []
            merged.insert((same or api or [len(merged) - 1])[-1] + 1, row)
        return Table(
            self.name, self.description, tuple(merged), {**self.objects, **(objects or {})}
        )


def _row_problems(row: Field) -> list[str]:
    problems = [] if row.description else ["no description"]
    if row.mutability is Mutability.IMMUTABLE and not row.replaces:
        problems.append("an immutable field replaces the resource: set replaces=True")
    if row.is_api != bool(row.api_path):
        problems.append("an API field needs its api_path, any other row none")
    if row.echoed and row.mutability is not Mutability.INPUT:
        problems.append("only an INPUT row is echoed")
    if row.internal and row.mutability is not Mutability.ECHO:
        problems.append("only an ECHO row is internal")
    if (row.replaces or row.required) and not row.is_input:
        problems.append("only an input replaces or is required")
    return problems
