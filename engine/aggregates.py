"""Preflight of aggregates (engine/generators/aggregate.py is the kind and how it runs).

Every aggregate column is checked against its child's column types (which
need the whole schema, so this is a preflight check, not the kind's): the
child is a fact whose first parent is the table, `expr` type checks and fits
`fn`, the result fits the column, a parent without children gets a value the
column accepts, and no other table reads a column computed from an aggregate
(it is made after them).
"""

from __future__ import annotations

from collections.abc import Iterator

from datagen.engine import dsl
from datagen.engine.errors import Problem, did_you_mean
from datagen.engine.expressions import ExpressionError, Ty, compile_expression, fits
from datagen.engine.fanout import fanout_span
from datagen.engine.generators.aggregate import (
    NULL_WHEN_EMPTY,
    AggregateSpec,
    aggregate_columns,
)
from datagen.engine.generators.kind import kind_of, spec_of


def result_type(spec: AggregateSpec, ty: Ty | None, col: dsl.Column) -> Ty:
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
        for col, spec in aggregate_columns(node):
            ci = node.columns.index(col)
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
            may_be_empty = fanout is None or fanout_span(fanout)[0] == 0 or _filtered(child, node)
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
    """Whether the child's FK to the parent has a `where` (parents without children)."""
    for col in child.columns:
        key = kind_of(col).key_reference(spec_of(col))
        if key is not None and key.split(".")[0] == parent.id:
            return getattr(spec_of(col), "where", None) is not None
    return False


def _late_reads(
    dataset: dsl.Dataset, node: dsl.Node, npath: str, late: dict[str, set[str]]
) -> Iterator[Problem]:
    """Other tables may not read a parent's late columns: they are made after them."""
    from datagen.engine.relations import column_reads

    for ci, col in enumerate(node.columns):
        kind = kind_of(col).name
        for ref in column_reads(dataset, node, col):
            table, column = ref.split(".", 1)
            if table != node.id and column in late.get(table, set()):
                yield Problem(
                    f"{npath}.columns[{ci}].generator.{kind}",
                    f"`{ref}` is computed from `{table}`'s children, after `{node.id}` is made",
                    "a column that does not depend on an aggregate",
                )
