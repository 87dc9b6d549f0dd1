"""Aggregates into a parent: a parent column computed from its children.

`{"aggregate": {"fn": "sum", "child": "lineitem", "expr": "l_extendedprice * (1 - l_discount)"}}`
on a column of `orders` gives each order the sum over its lines.

How it runs (no row loops, deterministic for any number of workers):

1. The parent is generated first without its aggregate columns and the
   columns that depend on them ("late" columns): only what its children read
   is kept, nothing is written.
2. The child (a fact whose first parent is that table) is cut into blocks
   at parent boundaries, so each block holds all the children of its
   parents. After a block's columns are computed, `expr` is evaluated over
   the block and reduced per parent with numpy's `reduceat`: one value per
   parent, handed back with the block like a kept column.
3. Once every child it aggregates is written, the parent is generated again
   (its blocks are pure functions of the seed, so the same values come
   back) with the aggregate columns read from the collected values, and
   written.

So the parent's file is written after its children's; the SQL writers
declare the child's foreign key to it as a note instead of a constraint.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from datagen.engine import dsl
from datagen.engine.errors import Problem, did_you_mean
from datagen.engine.expressions import (
    ExpressionError,
    Ty,
    compile_expression,
    fits,
    null_mask,
)

EMPTY_DEFAULTS: dict[str, object] = {"sum": 0, "count": 0, "any": False, "all": True}
NULL_WHEN_EMPTY = {"min", "max", "mean", "first", "last"}


@dataclass(frozen=True)
class Feed:
    """An aggregate column of `parent` fed by the blocks of its child."""

    parent: str
    column: str
    spec: dsl.AggregateSpec

    @property
    def key(self) -> str:
        return f"@{self.parent}.{self.column}"


def aggregate_columns(node: dsl.Node) -> list[tuple[dsl.Column, dsl.AggregateSpec]]:
    return [
        (c, spec)
        for c in node.columns
        if isinstance(spec := dsl.generator_spec(c.generator), dsl.AggregateSpec)
    ]


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


# --------------------------------------------------------------------------- preflight


def result_type(spec: dsl.AggregateSpec, ty: Ty | None, col: dsl.Column) -> Ty:
    """The type of the aggregate from the type of its expression."""
    empty_null = spec.fn in NULL_WHEN_EMPTY and spec.default is None
    if spec.fn == "count":
        return Ty("int")
    if spec.fn in ("any", "all"):
        return Ty("bool")
    assert ty is not None
    if spec.fn == "mean":
        return Ty("float", empty_null)
    if spec.fn == "sum":
        return Ty("float" if ty.kind == "float" else "int" if ty.kind != "any" else "any")
    return Ty(ty.kind, ty.nullable or empty_null, ty.max_len)


def aggregate_problems(
    dataset: dsl.Dataset, types_of: dict[str, dict[str, Ty]], late: dict[str, set[str]]
) -> Iterator[Problem]:
    """Problems of every aggregate column; `types_of`: each table's column types,
    `late`: each table's aggregate columns and the columns computed from them."""
    tables = {n.id: n for n in dataset.nodes}
    for ni, node in enumerate(dataset.nodes):
        for ci, col in enumerate(node.columns):
            spec = dsl.generator_spec(col.generator)
            if not isinstance(spec, dsl.AggregateSpec):
                continue
            path = f"nodes[{ni}].columns[{ci}].generator.aggregate"
            child = tables.get(spec.child)
            if child is None:
                yield Problem(
                    f"{path}.child",
                    f"unknown table `{spec.child}`",
                    None,
                    did_you_mean(spec.child, tables),
                )
                continue
            if child.kind != "fact" or not child.parents or child.parents[0] != node.id:
                yield Problem(
                    f"{path}.child",
                    f"`{spec.child}` is not a fact whose first parent is `{node.id}`",
                    f'a fact with "parents": ["{node.id}", ...]',
                )
                continue
            if col.unique:
                yield Problem(f"nodes[{ni}].columns[{ci}].unique", "an aggregate is not unique")
            ty: Ty | None = None
            if spec.expr is not None:
                child_types = types_of.get(child.id, {})
                try:
                    compiled_ = compile_expression(spec.expr, set(child_types), child_types)
                except ExpressionError as exc:
                    yield Problem(f"{path}.expr", str(exc), f"an expression over `{child.id}`")
                    continue
                ty = compiled_.type
                need = {
                    "sum": ({"int", "float", "bool"}, "a number"),
                    "mean": ({"int", "float", "bool"}, "a number"),
                    "min": ({"int", "float", "bool", "date", "datetime"}, "a number or date"),
                    "max": ({"int", "float", "bool", "date", "datetime"}, "a number or date"),
                    "any": ({"bool"}, "a condition"),
                    "all": ({"bool"}, "a condition"),
                }.get(spec.fn)
                if need and ty.kind not in need[0] | {"any"}:
                    yield Problem(
                        f"{path}.expr", f"{spec.fn} needs {need[1]}, the expression gives {ty.kind}"
                    )
                    continue
            result = result_type(spec, ty, col)
            if (why := fits(result, col.type)) is not None:
                yield Problem(f"{path}.fn", why.replace("the expression", f"`{spec.fn}`"))
            fanout = child.fanout
            may_be_empty = fanout is None or fanout.min == 0 or _filtered(child, node)
            may_be_null = (
                spec.default is None
                and spec.fn in NULL_WHEN_EMPTY
                and (may_be_empty or (ty is not None and ty.nullable))
            )
            if may_be_null and not col.nullable:
                yield Problem(
                    f"{path}.default",
                    f"`{spec.fn}` is null for a `{node.id}` row without (non-null) `{child.id}` "
                    f"values, but `{col.name}` is not nullable",
                    '"nullable": true on the column, or a "default"',
                )
    for ni, node in enumerate(dataset.nodes):
        yield from _late_reads(dataset, node, f"nodes[{ni}]", late)


def _filtered(child: dsl.Node, parent: dsl.Node) -> bool:
    for col in child.columns:
        spec = dsl.generator_spec(col.generator)
        if isinstance(spec, dsl.LookupSpec) and spec.from_.split(".")[0] == parent.id:
            return getattr(spec, "where", None) is not None
    return False


def _late_reads(
    dataset: dsl.Dataset, node: dsl.Node, npath: str, late: dict[str, set[str]]
) -> Iterator[Problem]:
    """Other tables may not read a parent's late columns: they are made after them."""
    for ci, col in enumerate(node.columns):
        spec = dsl.generator_spec(col.generator)
        refs = []
        if isinstance(spec, dsl.LookupSpec):
            refs.append(("lookup.from", spec.from_))
        elif isinstance(spec, dsl.ChoiceSpec) and spec.choices_ref:
            refs.append(("choice.choices_ref", spec.choices_ref))
        for where, ref in refs:
            table, column = ref.split(".", 1)
            if table != node.id and column in late.get(table, set()):
                yield Problem(
                    f"{npath}.columns[{ci}].generator.{where}",
                    f"`{ref}` is computed from `{table}`'s children, after `{node.id}` is made",
                    "a column that does not depend on an aggregate",
                )


# --------------------------------------------------------------------------- run time


def reduce_block(
    spec: dsl.AggregateSpec, values: np.ndarray | None, parent_index: np.ndarray
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
    if fn in ("sum", "mean"):
        zeroed = x if nulls is None else np.where(nulls, 0, x)
        total = np.add.reduceat(zeroed, starts)
        if fn == "sum":
            return parents, total, None
        with np.errstate(all="ignore"):
            return parents, total / np.maximum(counts, 1), empty if empty.any() else None
    out = np.fmin.reduceat(x, starts) if fn == "min" else np.fmax.reduceat(x, starts)
    return parents, out, empty if empty.any() else None


def empty_value(spec: dsl.AggregateSpec) -> object | None:
    if spec.default is not None:
        return spec.default
    return EMPTY_DEFAULTS.get(spec.fn)
