"""`constraints.ranges`: every value inside [min, max]."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from datagen.engine import dsl, relations
from datagen.engine.validate.context import Context, true_mask
from datagen.engine.validate.registry import CheckKind
from datagen.engine.validate.report import Check
from datagen.engine.validate.values import Extremes, bound_scalar


def run(ctx: Context) -> Iterator[Check]:
    for rng in ctx.dataset.constraints.ranges:
        table, column = relations.split_ref(rng.column)
        if ctx.ready("value", "range", table, column):
            yield range_check(ctx, table, column, rng)


def range_check(ctx: Context, table: str, column: str, rng: dsl.RangeConstraint) -> Check:
    bad = 0
    extremes = Extremes()
    found = ctx.examples(table)
    column_type = ctx.sources[table].schema.field(column).type
    like = column_type.value_type if pa.types.is_dictionary(column_type) else column_type
    low = None if rng.min is None else bound_scalar(rng.min, like)
    high = None if rng.max is None else bound_scalar(rng.max, like)
    for batch in ctx.scan(table, [column], with_pk=True):
        values = batch.column(column)
        extremes.add(values)
        outside = np.zeros(batch.num_rows, dtype=bool)
        if low is not None:
            outside |= true_mask(pc.less(values, low))
        if high is not None:
            outside |= true_mask(pc.greater(values, high))
        count = int(outside.sum())
        if count:
            bad += count
            found.add(batch, outside, {column: values})
    return Check(
        "value",
        "range",
        table,
        column,
        bad == 0,
        {"min": extremes.low, "max": extremes.high},
        {"min": rng.min, "max": rng.max},
        found.rows,
        message=f"{bad} value(s) outside the range" if bad else "",
    )


CHECK = CheckKind("range", "value", run, "values outside a declared range")
