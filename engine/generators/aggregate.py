"""`aggregate`: a parent's column computed from its children.

`{"aggregate": {"fn": "sum", "child": "lineitem", "expr": "l_extendedprice * (1 - l_discount)"}}`
on a column of `orders` gives each order the sum over its lines.

How it runs (no row loops, deterministic for any number of workers):

1. The parent is generated first without its aggregate columns and the
   columns that depend on them ("late" columns): only what its children read
   is kept, nothing is written.
2. The child (a fact whose first parent is that table) is cut into blocks at
   parent boundaries, so each block holds all the children of its parents.
   After a block's columns are computed, `expr` is evaluated over the block
   and reduced per parent with numpy's `reduceat` (`aggregate_part`): one
   value per parent, handed back with the block like a kept column.
3. Once every child it aggregates is written, the parent is generated again
   (its blocks are pure functions of the seed, so the same values come back)
   with the aggregate columns read from the collected values (`generate`),
   and written.

So the parent's file is written after its children's; the SQL writers
declare the child's foreign key to it as a note instead of a constraint.
The preflight of aggregates (types against the child's columns, nulls of
parents without children, other tables reading them) is engine/aggregates.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
from pydantic import Field, model_validator

from datagen.engine.decimals import Decimals, from_floats, make, reduce_sum
from datagen.engine.dslbase import Identifier, Scalar, Strict, parse_instant
from datagen.engine.expressions import compiled, null_mask
from datagen.engine.generators.context import BlockContext
from datagen.engine.generators.expression import block_env, exact_or_array, scope
from datagen.engine.generators.kind import Kind, kind_of, spec_of
from datagen.engine.spill import Spilled, can_spill
from datagen.engine.values import as_numpy

if TYPE_CHECKING:
    from datagen.engine import dsl

AggregateFn = Literal["sum", "count", "min", "max", "mean", "first", "last", "any", "all"]
EMPTY_DEFAULTS: dict[str, object] = {"sum": 0, "count": 0, "any": False, "all": True}
NULL_WHEN_EMPTY = {"min", "max", "mean", "first", "last"}


class AggregateSpec(Strict):
    """A parent's column computed from its children: `fn` of `expr` over the `child` rows."""

    fn: AggregateFn
    child: Identifier = Field(description="a fact table whose first parent is this table")
    expr: str | None = Field(
        None,
        max_length=2000,
        description="over the child's columns (hidden ones included); count without expr "
        "counts rows, count with expr counts rows where it is true",
        examples=["l_extendedprice * (1 + l_tax) * (1 - l_discount)"],
    )
    default: Scalar | None = Field(
        None,
        description="the value of a parent without children (default: 0 for sum/count, "
        "false for any, true for all, null otherwise)",
    )

    @model_validator(mode="after")
    def _needs_expr(self) -> AggregateSpec:
        if self.expr is None and self.fn != "count":
            raise ValueError(f"`{self.fn}` needs `expr` (only count can count rows)")
        return self


@dataclass(frozen=True)
class Feed:
    """An aggregate column of `parent` fed by the blocks of its child."""

    parent: str
    column: str
    spec: AggregateSpec

    @property
    def key(self) -> str:
        return f"@{self.parent}.{self.column}"


def aggregate_columns(node: dsl.Node) -> list[tuple[dsl.Column, AggregateSpec]]:
    return [(c, spec_of(c)) for c in node.columns if kind_of(c).name == AggregateKind.name]


def feeds_of(dataset: dsl.Dataset, child: str) -> list[Feed]:
    """The aggregate columns the blocks of `child` feed."""
    return [
        Feed(node.id, col.name, spec)
        for node in dataset.nodes
        for col, spec in aggregate_columns(node)
        if spec.child == child and node.id != child
    ]


def waits_for(dataset: dsl.Dataset) -> dict[str, set[str]]:
    """Parent table -> the children it aggregates (it is written after all of them)."""
    out: dict[str, set[str]] = {}
    for node in dataset.nodes:
        for _, spec in aggregate_columns(node):
            if spec.child != node.id and dataset.node(spec.child) is not None:
                out.setdefault(node.id, set()).add(spec.child)
    return out


def empty_value(spec: AggregateSpec) -> object | None:
    """The value of a parent without children (None: null)."""
    if spec.default is not None:
        return spec.default
    return EMPTY_DEFAULTS.get(spec.fn)


def reduce_block(
    spec: AggregateSpec, values: np.ndarray | None, parent_index: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """(parents, one value per parent, null mask) for a block holding whole parents.

    `values` is the child expression over the block (None: count rows).
    """
    n = len(parent_index)
    if n == 0:
        return np.zeros(0, np.int64), np.zeros(0), None
    change = np.flatnonzero(parent_index[1:] != parent_index[:-1]) + 1
    starts = np.concatenate(([0], change)).astype(np.int64)
    ends = np.concatenate((change, [n])).astype(np.int64)
    parents = parent_index[starts]
    if values is None:
        return parents, (ends - starts).astype(np.int64), None
    exact = values if isinstance(values, Decimals) and values.units is not None else None
    x = np.broadcast_to(np.asarray(values), (n,))
    nulls = null_mask(x)
    present = np.ones(n, bool) if nulls is None else ~nulls
    fn = spec.fn
    if fn == "count":
        truth = x.astype(bool) & present if x.dtype.kind == "b" else present
        return parents, np.add.reduceat(truth.astype(np.int64), starts), None
    if fn in ("any", "all"):
        truth = np.where(present, x, fn == "all").astype(bool)
        ufunc = np.logical_or if fn == "any" else np.logical_and
        return parents, ufunc.reduceat(truth, starts), None
    if fn == "first":
        return parents, x[starts], None if nulls is None else nulls[starts]
    if fn == "last":
        return parents, x[ends - 1], None if nulls is None else nulls[ends - 1]
    if x.dtype.kind == "b":
        x = x.astype(np.int64)
    counts = np.add.reduceat(present.astype(np.int64), starts)
    empty = counts == 0
    if fn == "sum" and exact is not None:
        total = reduce_sum(exact, nulls, starts)  # exact decimals: summed in units
        if total is not None:
            return parents, total, None
    if fn in ("sum", "mean"):
        zeroed = x if nulls is None else np.where(nulls, 0, x)
        total = np.add.reduceat(zeroed, starts)
        if fn == "sum":
            return parents, total, None
        with np.errstate(all="ignore"):
            return parents, total / np.maximum(counts, 1), empty if empty.any() else None
    out = np.fmin.reduceat(x, starts) if fn == "min" else np.fmax.reduceat(x, starts)
    return parents, out, empty if empty.any() else None


def aggregate_part(
    ctx: BlockContext, feed: Feed
) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """(parent rows, one value each, null mask) for the parents whose children are this block."""
    assert ctx.parent_index is not None, "an aggregate's child is a fact"
    values = None
    if feed.spec.expr is not None:
        expression = compiled(feed.spec.expr)
        env = block_env(ctx, expression.names)
        purpose = f"aggregate:{feed.parent}.{feed.column}"
        values = exact_or_array(expression(scope(ctx, expression, purpose, purpose, env)), ctx.n)
    return reduce_block(feed.spec, values, ctx.parent_index)


class AggregateCollector:
    """One value per parent row (and the null mask), collected as the child's blocks come.

    Blocks hold whole parents in order, so each block's parents follow the previous
    block's: for a big parent, their values (or, for exact decimal sums, their units) are
    appended to a temporary file (engine/spill.py), with the empty value for parents
    without children, and nothing parent-sized waits in memory. Anything else (parents out
    of order, decimal scales that change, sums too wide for int64) is collected in memory.
    """

    def __init__(self, dataset: dsl.Dataset, feed: Feed, parent_rows: int) -> None:
        node = dataset.node(feed.parent)
        assert node is not None
        col = node.column(feed.column)
        assert col is not None
        self.type = col.type
        self.rows = parent_rows
        default = empty_value(feed.spec)
        self.fill: Any
        if col.type == "string":
            self.fill = "" if default is None else str(default)
        elif col.type in ("date", "datetime"):
            instant = parse_instant(str(default)) if default is not None else np.datetime64("NaT")
            self.fill = as_numpy(np.array([instant], dtype="datetime64[us]"), col.type)[0]
        else:
            self.fill = as_numpy(np.array([0 if default is None else default]), col.type)[0]
        self.mask: np.ndarray | None = np.ones(parent_rows, bool) if default is None else None
        self.big = can_spill("float", parent_rows)
        self.spilled: Spilled | None = None  # values (or exact units) of rows [0, next)
        self.scale: int | None = None  # set: `spilled` holds exact units at this scale
        self.next = 0
        self.values: np.ndarray | None = None  # in memory
        self.exact: list[tuple[Any, Decimals]] | None = None  # exact parts, in memory

    def add(self, parents: Any, part: Any, part_mask: np.ndarray | None) -> None:
        if len(parents) == 0:
            return
        if part_mask is not None or self.mask is not None:
            if self.mask is None:
                self.mask = np.zeros(self.rows, bool)
            self.mask[parents] = False if part_mask is None else part_mask
        exact = isinstance(part, Decimals) and part.units is not None
        if exact and self.exact is not None:
            self.exact.append((parents, part))
            return
        if self.big and self.values is None and self.type != "string":
            if self.next == 0 and self.spilled is None:
                fits = not exact or part.units.dtype != object
                if fits:
                    self.scale = part.scale if exact else None
                    dtype = np.int64 if exact else np.asarray([self.fill]).dtype
                    self.spilled = Spilled(dtype, self.rows)
            if self.spilled is not None and self._append(parents, part, exact):
                return
            self._unspill()
        if exact:
            self.exact = [*(self.exact or []), (parents, part)]
            return
        plain = as_numpy(part, self.type) if self.type != "string" else part.astype(str)
        self._in_memory()[parents] = plain

    def _fill_of_spilled(self) -> Any:
        if self.scale is None:
            return self.fill
        return from_floats(np.array([self.fill], dtype=np.float64), self.scale).units[0]  # type: ignore[index]

    def _append(self, parents: Any, part: Any, exact: bool) -> bool:
        """Append a part to `spilled`; False when it cannot follow what is there."""
        assert self.spilled is not None
        rows = np.asarray(parents)
        first, last = int(rows.min()), int(rows.max()) + 1
        if exact != (self.scale is not None) or first < self.next:
            return False
        if exact and (part.scale != self.scale or part.units.dtype == object):
            return False
        fill = self._fill_of_spilled()
        self.spilled.append(np.full(first - self.next, fill, self.spilled.dtype))
        chunk = np.full(last - first, fill, self.spilled.dtype)
        chunk[rows - first] = part.units if exact else as_numpy(part, self.type)
        self.spilled.append(chunk)
        self.next = last
        return True

    def _unspill(self) -> None:
        """What was appended to the file comes back to memory, as values or exact parts."""
        self.big = False
        if self.spilled is None:
            return
        spilled, self.spilled = self.spilled, None
        spilled.append(np.full(self.rows - self.next, self._fill_of_spilled(), spilled.dtype))
        head = spilled.finish().full()[: self.next]
        if self.scale is not None:
            self.exact = [(range(self.next), make(head, self.scale))]
        else:
            self._in_memory()[: self.next] = head

    def _in_memory(self) -> np.ndarray:
        if self.values is None:
            dtype = object if self.type == "string" else np.asarray([self.fill]).dtype
            self.values = np.full(self.rows, self.fill, dtype=dtype)
        return self.values

    def finish(self) -> tuple[Any, np.ndarray | None]:
        mask = self.mask if self.mask is not None and self.mask.any() else None
        if self.spilled is not None:
            fill = self._fill_of_spilled()
            self.spilled.append(np.full(self.rows - self.next, fill, self.spilled.dtype))
            spilled = self.spilled.finish()
            if self.scale is not None:
                return SpilledDecimals(spilled, self.scale), mask
            return spilled, mask
        if self.exact is not None:
            return _collect_exact(self._in_memory(), self.exact), mask
        return self._in_memory(), mask


class SpilledDecimals:
    """Exact sums whose units wait in a temporary file: a block's rows come back as Decimals."""

    def __init__(self, units: Spilled, scale: int) -> None:
        self.units, self.scale = units, scale

    def __len__(self) -> int:
        return len(self.units)

    def __getitem__(self, key: Any) -> Decimals:
        return make(self.units[key], self.scale)

    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:
        values = np.asarray(make(self.units.full(), self.scale))
        return values if dtype is None else values.astype(dtype)

    def __reduce__(self) -> tuple[Any, tuple[np.ndarray, int]]:
        return (make, (self.units.full(), self.scale))


def _collect_exact(defaults: np.ndarray, parts: list[tuple[Any, Decimals]]) -> Decimals:
    """Exact sums of decimals (engine/decimals.py), a default where no part came."""
    scale = max(p.scale for _, p in parts)
    wide = any(p.units.dtype == object for _, p in parts)  # type: ignore[union-attr]
    units = np.zeros(len(defaults), dtype=object if wide else np.int64)
    units[:] = from_floats(defaults, scale).units  # the default, at the parts' scale
    for parents, part in parts:
        if len(parents):
            units[parents] = part.units * 10 ** (scale - part.scale)  # type: ignore[operator]
    return make(units, scale)


def generate(spec: AggregateSpec, col: dsl.Column, ctx: BlockContext) -> np.ndarray:
    kept = ctx.store.aggregates[(ctx.node.id, col.name)]
    values = kept.values[ctx.start : ctx.stop]
    if kept.mask is not None and kept.mask[ctx.start : ctx.stop].any():
        ctx.masks[col.name] = kept.mask[ctx.start : ctx.stop]
    if isinstance(values, Decimals) and values.units is not None:
        return values  # exact sums: the column's decimal(p, s) rounds them exactly
    return np.asarray(values)


class AggregateKind(Kind[AggregateSpec]):
    """Reads nothing of its own row or of earlier tables: its child feeds it (see above).
    Its checks need every table's column types: engine/aggregates.py (a preflight check)."""

    name = "aggregate"
    spec = AggregateSpec
    uniqueness = "never"

    def expressions(self, spec: AggregateSpec) -> list[str]:
        return []  # over the child's columns: typed by engine/aggregates.py

    def generate(self, spec: AggregateSpec, col: dsl.Column, ctx: BlockContext) -> np.ndarray:
        return generate(spec, col, ctx)
