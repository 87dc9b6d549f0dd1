"""`constraints.inequalities`: `left op right` on every row (same row, or child vs parent)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from datagen.engine import dsl, relations
from datagen.engine.validate.context import Context, true_mask
from datagen.engine.validate.registry import CheckKind
from datagen.engine.validate.report import Check


def run(ctx: Context) -> Iterator[Check]:
    for ineq in ctx.dataset.constraints.inequalities:
        check = inequality(ctx, ineq)
        if check is not None:
            yield check


OPS = {"<": pc.less, "<=": pc.less_equal, ">": pc.greater, ">=": pc.greater_equal}


def _aligned(left: Any, right: Any) -> tuple[Any, Any]:
    """Make two columns comparable: dates meet datetimes as timestamps."""
    temporal = (pa.types.is_date, pa.types.is_timestamp)
    lt, rt = left.type, right.type
    if lt != rt and any(f(lt) for f in temporal) and any(f(rt) for f in temporal):
        left, right = left.cast(pa.timestamp("us")), right.cast(pa.timestamp("us"))
    return left, right


def inequality(ctx: Context, ineq: dsl.Inequality) -> Check | None:
    left_table, left_col = relations.split_ref(ineq.left)
    right_table, right_col = relations.split_ref(ineq.right)
    if not (
        ctx.ready("value", "inequality", left_table, left_col)
        and ctx.ready("value", "inequality", right_table, right_col)
    ):
        return None
    name = f"{ineq.left} {ineq.op} {ineq.right}"
    compare = OPS[ineq.op]
    bad = compared = 0
    if left_table == right_table:
        table, via = left_table, ""
        found = ctx.examples(table)
        for batch in ctx.scan(table, [left_col, right_col], with_pk=True):
            left, right = _aligned(batch.column(left_col), batch.column(right_col))
            holds = compare(left, right)
            broken = true_mask(pc.invert(holds))
            compared += len(holds) - holds.null_count
            if broken.any():
                bad += int(broken.sum())
                found.add(batch, broken, {left_col: left, right_col: right})
    else:
        # child vs. parent: bring the parent's value to each child row through the FK
        fk = relations.fk_between(ctx.dataset, left_table, right_table)
        child_is_left = fk is not None
        if fk is None:
            fk = relations.fk_between(ctx.dataset, right_table, left_table)
        if fk is None or not (
            ctx.usable(fk.table, fk.column) and ctx.usable(fk.ref_table, fk.ref_column)
        ):
            return Check(
                "value",
                "inequality",
                left_table,
                left_col,
                False,
                None,
                name,
                message=f"no usable foreign key between {left_table} and {right_table}",
            )
        table, via = fk.table, f" (through {fk.table}.{fk.column})"
        child_col, parent_col = (left_col, right_col) if child_is_left else (right_col, left_col)
        index = ctx.key_index(fk.ref_table, fk.ref_column)
        parent_values = ctx.column(fk.ref_table, parent_col)
        found = ctx.examples(table)
        shown_parent = f"{fk.ref_table}.{parent_col}"
        for batch in ctx.scan(table, [child_col, fk.column], with_pk=True):
            rows = index.rows(batch.column(fk.column))
            parent = parent_values.take(pa.array(rows, mask=rows < 0))
            child = batch.column(child_col)
            left, right = (child, parent) if child_is_left else (parent, child)
            holds = compare(*_aligned(left, right))
            broken = true_mask(pc.invert(holds))
            compared += len(holds) - holds.null_count
            if broken.any():
                bad += int(broken.sum())
                found.add(
                    batch,
                    broken,
                    {child_col: child, fk.column: batch.column(fk.column), shown_parent: parent},
                )
    return Check(
        "value",
        "inequality",
        table,
        left_col if table == left_table else right_col,
        bad == 0,
        {"violations": bad, "compared": compared},
        name,
        found.rows,
        message=f"{bad} of {compared} row(s) break {name}{via}" if bad else f"{name}{via}",
    )


CHECK = CheckKind("inequality", "value", run, "rows that break a declared inequality")
