"""Structural checks of composite keys: a composite primary key is unique (`pk_unique` over
its columns; its columns are never null, checked by `not_null`), and every row's columns of
a composite foreign key name a row of the referenced table (`fk_resolves`)."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator

import numpy as np
import pyarrow as pa

from datagen.engine.relations import CompositeKey, composite_foreign_keys
from datagen.engine.validate.checks.unique import unique_check
from datagen.engine.validate.context import Context, valid_mask
from datagen.engine.validate.registry import CheckKind
from datagen.engine.validate.report import Check


def run(ctx: Context) -> Iterator[Check]:
    for node in ctx.dataset.nodes:
        columns = list(node.pk_columns or [])
        if columns and ctx.ready("structural", "pk_unique", node.id, *columns):
            check = unique_check(ctx, node.id, columns)
            yield dataclasses.replace(check, category="structural", name="pk_unique")
    for key in composite_foreign_keys(ctx.dataset):
        if ctx.ready("structural", "fk_resolves", key.table, *key.columns) and ctx.ready(
            "structural", "fk_resolves", key.ref_table, *key.ref_columns
        ):
            yield _resolves(ctx, key)


def _resolves(ctx: Context, key: CompositeKey) -> Check:
    """Rows whose (non-null) key columns match no row of the referenced table."""
    child = ctx.sources[key.table].read(list(key.columns))
    keep = np.logical_and.reduce([valid_mask(child.column(c)) for c in key.columns])
    child = child.filter(pa.array(keep))
    parent = ctx.sources[key.ref_table].read(list(key.ref_columns))
    parent = parent.rename_columns(list(key.columns))
    parent = parent.group_by(list(key.columns), use_threads=False).aggregate([])
    child = child.append_column("__row", pa.array(np.flatnonzero(keep), pa.int64()))
    missing = child.join(parent, list(key.columns), join_type="left anti", use_threads=False)
    missing = missing.sort_by("__row")
    examples = [{"row": row.pop("__row"), **row} for row in missing.slice(0, 5).to_pylist()]
    bad = missing.num_rows
    return Check(
        "structural",
        "fk_resolves",
        key.table,
        ",".join(key.columns),
        bad == 0,
        bad,
        0,
        examples,
        message=f"{bad} row(s) whose ({', '.join(key.columns)}) is no "
        f"({', '.join(key.ref_columns)}) of `{key.ref_table}`"
        if bad
        else f"every ({', '.join(key.columns)}) is a row of `{key.ref_table}`",
    )


CHECK = CheckKind(
    "composite_keys", "structural", run, "a repeated composite pk; a composite FK with no row"
)
