"""`constraints.enum`: every value is one of the allowed ones."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from datagen.engine import relations
from datagen.engine.validate.context import Context, true_mask, valid_mask
from datagen.engine.validate.registry import CheckKind
from datagen.engine.validate.report import Check


def run(ctx: Context) -> Iterator[Check]:
    for enum in ctx.dataset.constraints.enum:
        table, column = relations.split_ref(enum.column)
        if ctx.ready("value", "enum", table, column):
            yield enum_check(ctx, table, column, enum.values)


def enum_check(ctx: Context, table: str, column: str, allowed: list[Any]) -> Check:
    bad = 0
    unknown: dict[Any, None] = {}
    found = ctx.examples(table)
    for batch in ctx.scan(table, [column], with_pk=True):
        values = batch.column(column)
        try:
            value_set = pa.array(allowed).cast(values.type)
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError, pa.ArrowTypeError):
            values = values.cast(pa.string())
            value_set = pa.array([str(v) for v in allowed], pa.string())
        # is_in says False for a null: nulls are not values outside the set
        outside = true_mask(pc.invert(pc.is_in(values, value_set=value_set)))
        outside &= valid_mask(values)
        if outside.any():
            bad += int(outside.sum())
            if len(unknown) < 10:
                unknown.update(
                    dict.fromkeys(pc.unique(values.filter(pa.array(outside))).to_pylist())
                )
            found.add(batch, outside, {column: values})
    return Check(
        "value",
        "enum",
        table,
        column,
        bad == 0,
        {"outside": bad, "unknown_values": list(unknown)[:10]},
        allowed,
        found.rows,
        message=f"{bad} value(s) outside the allowed set" if bad else "",
    )


CHECK = CheckKind("enum", "value", run, "values outside a declared set")
