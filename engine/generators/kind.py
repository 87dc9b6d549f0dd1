"""The generator-kind registry: one self-describing object per generator kind.

A kind is the one place that knows about one spelling of the DSL's
`"generator": {"<name>": {...}}`. It owns its spec model (pydantic), its
preflight checks, the columns it reads, its vectorized `generate`, and what
the rest of the engine (plan, Arrow types, DDL, corruption, validator, HTML
report) needs to know about it. Nothing outside engine/generators/ asks
`isinstance(spec, SomeSpec)`: it asks the kind.

Adding a kind is one module (+ one test):

    # engine/generators/my_kind.py
    class MySpec(Strict):
        '''One line the JSON Schema and `datagen schema` show.'''
        size: int = 3

    class MyKind(Kind[MySpec]):
        name = "my_kind"              # the DSL key
        spec = MySpec
        types = frozenset({"int"})    # column types it can make (None: any)

        def generate(self, spec, col, ctx):
            return np.full(ctx.n, spec.size, dtype=np.int64)

and `my_kind.MyKind()` added to the list in engine/generators/__init__.py
(that list's order is the DSL's). A kind registered from elsewhere, e.g. a
test or a plugin, calls `register_kind(MyKind())` and then
`datagen.engine.dsl.rebuild()` so the models and the JSON Schema accept it
(tests/test_kind_registry.py does exactly that).

A kind module imports `dsl` only under `TYPE_CHECKING` and never uses it at
run time (dsl imports the kinds); `dslbase` has the shared pieces.

Every method but `generate` has a default that suits a plain value generator;
override only what is true of the kind. Methods take the validated spec first.
The engine calls them with `dsl` objects (Column, Node, Dataset) but this
module never imports `dsl` at run time: `dsl` builds its models from here.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar, Generic, Literal, TypeVar

import numpy as np
from pydantic import BaseModel

from datagen.engine.errors import Problem
from datagen.engine.registry import Registry

if TYPE_CHECKING:
    from datagen.engine import dsl
    from datagen.engine.generators.context import BlockContext
    from datagen.engine.values import Values

S = TypeVar("S", bound=BaseModel)

Uniqueness = Literal["always", "allowed", "never"]


@dataclass(frozen=True)
class Site:
    """Where a column stands, for preflight: the schema, the table, the column, JSON paths."""

    dataset: dsl.Dataset
    node: dsl.Node
    col: dsl.Column
    path: str  # nodes[i].columns[j]

    @property
    def gpath(self) -> str:
        """The JSON path of the generator's spec: nodes[i].columns[j].generator.<kind>."""
        return f"{self.path}.generator.{kind_name(self.col.generator)}"

    @property
    def others(self) -> list[str]:
        """The other columns of the table."""
        return [c.name for c in self.node.columns if c.name != self.col.name]


@dataclass(frozen=True)
class TimeShape:
    """What a temporal kind promises about its values: the window they fall in
    (epoch seconds, end exclusive), the grid they sit on (`freq`: s, min, h, D;
    `grid_seconds` the same in seconds) and the declared patterns (dsl.Pattern:
    dimension + weights)."""

    start: int
    end: int
    freq: str
    grid_seconds: int
    patterns: tuple[Any, ...] = ()
    in_timeframe: bool = False  # drawn within the schema's timeframe


@dataclass(frozen=True)
class Picks:
    """What a picking kind promises about the shares of its values: picked from
    `choices` (or from the distinct values of the `table.column` `ref`) with
    explicit `weights`, else skewed by `weights_kind` (uniform | zipf@A | head_tail@{H,A})."""

    choices: tuple[Any, ...] | None
    ref: str | None
    weights: tuple[float, ...] | None
    weights_kind: str = "uniform"


@dataclass(frozen=True)
class Draws:
    """A fixed, seeded sample of what a numeric kind draws before its clamp, for the
    preflight's estimates (values piled at a bound, a mean target out of reach)."""

    sample: np.ndarray  # the draws, before the clamp
    clamp: tuple[float, float] | None
    field: str  # the spec field whose parameters shape the draws ("params")
    advice: str  # how to bring the bulk of the draws inside the clamp


class Kind(Generic[S]):
    """One generator kind. Subclass, set `name` and `spec`, implement `generate`."""

    name: ClassVar[str]  # the DSL key: "generator": {name: spec}
    spec: ClassVar[type[BaseModel]]  # the pydantic model of the spec
    # the generated wrapper model's name in the JSON Schema (default: <Spec without "Spec">Gen)
    wrapper_name: ClassVar[str | None] = None
    types: ClassVar[frozenset[str] | None] = None  # column types it can make; None: any
    # "always": values unique by construction (a key); "never": `unique: true` is refused
    uniqueness: ClassVar[Uniqueness] = "allowed"
    # the Arrow field is nullable whatever the column says (a lookup: the value it
    # copies may be null); part of the byte contract of the written files
    nullable_output: ClassVar[bool] = False

    # ------------------------------------------------------------------ preflight

    def problems(self, spec: S, site: Site) -> Iterable[Problem]:
        """Problems of this column the models cannot see (references, types of values...).
        The column type against `types` and `unique` against `uniqueness` are checked
        by the preflight already."""
        return ()

    # ------------------------------------------------------------------ plan

    def dependencies(self, spec: S, site: Site) -> set[str]:
        """Columns of the same row this column reads (they are generated first)."""
        return set()

    def references(self, spec: S) -> list[str]:
        """`table.column`s of other tables this column reads (kept in memory, and their
        tables generated first)."""
        return []

    def expressions(self, spec: S) -> list[str]:
        """The expression texts in its spec (typed by the preflight, scanned for `table_rows()`)."""
        return []

    def reads(self, spec: S, site: Site) -> list[str]:
        """More `table.column`s of other tables it reads, found with the schema (a lookup's
        hops, match keys and filter); kept in memory too. `table.*`: only the table's row
        count (`table_rows()`): the table is generated first, nothing is kept."""
        return []

    def key_reference(self, spec: S) -> str | None:
        """The `table.column` key this column is a foreign key to, if it is one."""
        return None

    def whole_parents(self, spec: S, site: Site) -> bool:
        """Whether the fact's blocks must hold all the children of each first parent (the
        column's values depend on its siblings: distinct partners per parent)."""
        return False

    def vocabulary_rows(self, spec: S) -> int | None:
        """Rows a vocab table without `rows` gets from this column (the longest wins)."""
        return None

    # ------------------------------------------------------------------ generation

    def generate(self, spec: S, col: dsl.Column, ctx: BlockContext) -> Values:
        """The column's values for the rows [ctx.start, ctx.stop): numpy/pyarrow only,
        no per-row Python; random draws only from ctx.rng(column, purpose) so the
        bytes depend on nothing but the schema, the seed and the block."""
        raise NotImplementedError(f"generator kind `{self.name}` has no generate")

    def value_at(self, spec: S, index: np.ndarray) -> np.ndarray | None:
        """The values at these row indexes when they are a pure function of the index
        (a sequence): later tables then read them without keeping the column."""
        return None

    # ------------------------------------------------------------------ output

    def dictionary_encoded(self, spec: S, col: dsl.Column) -> bool:
        """A string column whose values repeat: stored as an Arrow dictionary."""
        return False

    def repeats(self, spec: S, col: dsl.Column, row_counts: dict[str, int]) -> bool:
        """Values repeat enough for Parquet dictionary encoding to pay (any type)."""
        return False

    def may_be_null(self, spec: S, site: Site) -> bool:
        """Nulls can appear though the column is not `nullable` (a self-reference's first
        row, an attribute looked up through a nullable key...)."""
        return False

    # ------------------------------------------------------------------ what is promised

    def picks(self, spec: S) -> Picks | None:
        """How values are picked, when their shares are declared (the validator
        compares the data's shares with them; corruption draws outsiders from outside
        the listed choices)."""
        return None

    def bounds(self, spec: S) -> tuple[float, float] | None:
        """Numeric bounds the values never leave (corruption makes outliers past them)."""
        return None

    def declared_values(self, spec: S) -> list[Any] | None:
        """The values the spec lists and every row takes one of (choices, an enum list);
        None when the spec lists none (the preflight checks enums against them)."""
        return None

    def value_range(self, spec: S, rows: int | None = None) -> tuple[float, float] | None:
        """The smallest and largest number it can make, when certain (the preflight checks
        ranges and inequalities against it); `rows`: the table's row count, for kinds whose
        range grows with it (a sequence). Default: the declared values, when all numbers."""
        values = self.declared_values(spec)
        numbers = [n for n in map(_finite, values or ()) if n is not None]
        if values and len(numbers) == len(values):
            return min(numbers), max(numbers)
        return None

    def constant(self, spec: S) -> tuple[Any, str] | None:
        """The one value every row gets, if the spec allows only one, and the spec field
        that says so ("": the spec as a whole); the preflight warns about it."""
        return None

    def draws(self, spec: S) -> Draws | None:
        """A fixed sample of its numbers before the clamp (the preflight estimates piles at
        the clamp and means from it); None when the kind draws no numbers."""
        return None

    def meaning(self, spec: S) -> str | None:
        """What the values are, in one word (a Faker method: `name`, `email`...), when the
        spec says; claims find person names, places... by it."""
        return None

    def time_shape(self, spec: S, dataset: dsl.Dataset) -> TimeShape | None:
        """Window, grid and patterns of a temporal kind (repairs keep to them, the
        validator and the report check the patterns)."""
        return None

    def plot(self, spec: S) -> bool:
        """Whether a histogram of the values says anything (not for a key sequence)."""
        return True


def _finite(value: Any) -> float | None:
    """A declared value as a finite float, or None (not a number, a bool, inf, past float)."""
    if not isinstance(value, int | float) or isinstance(value, bool):
        return None
    try:
        number = float(value)
    except OverflowError:
        return None
    return number if np.isfinite(number) else None


# --------------------------------------------------------------------------- the registry

KINDS: Registry[Kind[Any]] = Registry("generator kind")


def register_kind(kind: Kind[Any], *, replace: bool = False) -> Kind[Any]:
    """Add a kind (its `name` is its DSL key). Call `datagen.engine.dsl.rebuild()` after
    registering outside engine/generators/ so the models accept it."""
    if not getattr(kind, "name", None) or not getattr(kind, "spec", None):
        raise TypeError(f"{type(kind).__name__} needs a `name` and a `spec` model")
    KINDS.add(kind.name, kind, replace=replace)
    return kind


def unregister_kind(name: str) -> None:
    """Remove a kind (tests); call `dsl.rebuild()` afterwards."""
    KINDS.remove(name)


def kind_name(generator: Any) -> str | None:
    """The kind key of a generator: a dict with one known key, or a validated wrapper model."""
    if isinstance(generator, dict):
        keys = [k for k in generator if k in KINDS]
        return keys[0] if len(keys) == 1 else None
    # a validated wrapper holds one kind's spec, the others None: read its fields at once
    for name, value in getattr(generator, "__dict__", {}).items():
        if value is not None and name in KINDS:
            return name
    return None


def kind_of(col: dsl.Column) -> Kind[Any]:
    """The kind of a (validated) column's generator."""
    name = kind_name(col.generator)
    assert name is not None, "a validated column has exactly one generator kind"
    return KINDS[name]


def spec_of(col: dsl.Column) -> Any:
    """The (validated) spec of a column's generator."""
    return getattr(col.generator, kind_of(col).name)


def column_may_be_null(dataset: dsl.Dataset, node: dsl.Node, col: dsl.Column) -> bool:
    """Nulls come from `nullable` (`null_rate`) and from what the kind says (lookups)."""
    if col.nullable:
        return True
    kind = kind_of(col)
    return kind.may_be_null(getattr(col.generator, kind.name), Site(dataset, node, col, ""))


def ref_problem(dataset: dsl.Dataset, path: str, ref: str) -> Problem | None:
    """A problem when `table.column` names no column of the schema, else None."""
    tables = {n.id: n for n in dataset.nodes}
    table, column = ref.split(".", 1)
    node = tables.get(table)
    if node is None:
        return unknown_table(path, table, tables, "a table id")
    return missing_column(path, node, column)


def unknown_table(
    path: str, table: str, tables: Iterable[str], expected: str | None = None
) -> Problem:
    """`table` is not a table of the schema (whose ids are `tables`)."""
    from datagen.engine.errors import did_you_mean

    return Problem(path, f"unknown table `{table}`", expected, did_you_mean(table, tables))


def missing_column(path: str, node: dsl.Node, column: str) -> Problem | None:
    """A problem when `node` has no column `column`, else None."""
    if node.column(column) is not None:
        return None
    from datagen.engine.errors import did_you_mean

    names = [c.name for c in node.columns]
    return Problem(
        path, f"table `{node.id}` has no column `{column}`", None, did_you_mean(column, names)
    )


def kinds_with_specs(node: dsl.Node) -> Iterator[tuple[dsl.Column, Kind[Any], Any]]:
    """Each column of a table with its kind and spec."""
    for col in node.columns:
        kind = kind_of(col)
        yield col, kind, getattr(col.generator, kind.name)


__all__ = [
    "KINDS",
    "Draws",
    "Kind",
    "Picks",
    "Site",
    "TimeShape",
    "column_may_be_null",
    "kind_name",
    "kind_of",
    "kinds_with_specs",
    "missing_column",
    "ref_problem",
    "register_kind",
    "spec_of",
    "unknown_table",
    "unregister_kind",
]
