"""What an import reads, before any generator is chosen: tables, columns, keys, checks.

The DDL parser and the live-database readers both fill these records; the
builder (`build.py`) turns them into a DSL schema. Names are kept as written
in the source; the builder makes them DSL identifiers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

DslType = Literal["int", "float", "string", "bool", "date", "datetime"]
Scalar = str | int | float | bool


@dataclass
class Bound:
    """One side of a CHECK on a column: `column op value` (op one of < <= > >=)."""

    op: str
    value: float | str


@dataclass
class ColumnStats:
    """Per-column statistics from `--profile`: aggregates only, never a row."""

    rows: int
    nulls: int
    distinct: int
    min: float | str | None = None
    max: float | str | None = None
    top: list[tuple[Scalar, float]] = field(default_factory=list)  # value, share
    min_length: int | None = None
    max_length: int | None = None
    mean: float | None = None
    std: float | None = None
    head_share: float | None = None  # references: the rows pointing at the top fifth of keys


@dataclass
class ColumnInfo:
    name: str
    sql_type: str  # as written, for messages and the equivalence check
    type: DslType
    not_null: bool = False
    default: str | None = None
    length: int | None = None  # VARCHAR(n) / CHAR(n)
    length_profiled: bool = False  # `length` is the source's longest value, not the type's
    precision: int | None = None  # NUMERIC(p, s)
    scale: int | None = None
    int_bytes: int | None = None  # 2 smallint, 4 integer, 8 bigint
    comment: str | None = None
    enum_values: list[Scalar] = field(default_factory=list)  # ENUM or CHECK IN
    special: str | None = None  # uuid | json | time (see sqltypes.SqlType)
    bounds: list[Bound] = field(default_factory=list)
    length_range: tuple[int, int | None] | None = None  # CHECK (length(x) <= n): (min, max)
    like_patterns: list[str] = field(default_factory=list)  # CHECK (x LIKE 'a%' OR x LIKE ...)
    unique: bool = False
    stats: ColumnStats | None = None


@dataclass
class ForeignKeyInfo:
    columns: list[str]
    ref_table: str
    ref_columns: list[str]  # empty: the referenced table's primary key


@dataclass
class ColumnComparison:
    """A same-row CHECK between two columns: `left op right`."""

    left: str
    op: str
    right: str


@dataclass
class TableInfo:
    name: str
    columns: list[ColumnInfo]
    primary_key: list[str] = field(default_factory=list)
    unique: list[list[str]] = field(default_factory=list)
    foreign_keys: list[ForeignKeyInfo] = field(default_factory=list)
    comparisons: list[ColumnComparison] = field(default_factory=list)
    comment: str | None = None
    rows: int | None = None  # from --profile
    skipped_checks: list[str] = field(default_factory=list)  # CHECKs not understood, as SQL
    inherits: list[str] = field(default_factory=list)  # PostgreSQL INHERITS (parent, ...)

    def column(self, name: str) -> ColumnInfo | None:
        lowered = name.lower()
        return next((c for c in self.columns if c.name.lower() == lowered), None)


@dataclass
class Catalog:
    tables: list[TableInfo]
    source: str  # the file or the redacted URL, for messages and metadata
    notes: list[str] = field(default_factory=list)  # what the reader skipped, and why

    def table(self, name: str) -> TableInfo | None:
        lowered = name.lower()
        return next((t for t in self.tables if t.name.lower() == lowered), None)
