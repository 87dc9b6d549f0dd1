"""`constraints.unique` and `"unique": true` columns (other than the pk): no repeats."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from datagen.engine.validate.context import Context, valid_mask
from datagen.engine.validate.registry import CheckKind
from datagen.engine.validate.report import Check
from datagen.engine.validate.structural import unique_keys


def run(ctx: Context) -> Iterator[Check]:
    seen: set[tuple[str, tuple[str, ...]]] = set()
    for unique in ctx.dataset.constraints.unique:
        seen.add((unique.table, tuple(unique.columns)))
        if ctx.ready("value", "unique", unique.table, *unique.columns):
            yield unique_check(ctx, unique.table, unique.columns)
    for node in ctx.dataset.nodes:
        for col in node.columns:
            key = (node.id, (col.name,))
            if (
                col.unique
                and col.name != node.pk
                and key not in seen
                and ctx.ready("value", "unique", node.id, col.name)
            ):
                seen.add(key)
                yield unique_check(ctx, node.id, [col.name])


def unique_check(ctx: Context, table: str, columns: list[str]) -> Check:
    """SQL semantics: rows with a null in the key are not compared."""
    if len(columns) == 1:
        # like a primary key: the whole column, sorted rather than hashed
        extra, repeated = unique_keys(ctx, table, columns[0])
        examples = [{columns[0]: key, "count": count} for key, count in repeated]
    else:
        rows = ctx.sources[table].read(columns)
        keep = np.logical_and.reduce([valid_mask(rows.column(c)) for c in columns])
        keyed = rows.filter(pa.array(keep))
        groups = keyed.group_by(columns, use_threads=False).aggregate([([], "count_all")])
        repeated_rows = groups.filter(pc.greater(groups.column("count_all"), 1))
        extra = keyed.num_rows - groups.num_rows
        examples = [
            {**{c: row[c] for c in columns}, "count": row["count_all"]}
            for row in repeated_rows.slice(0, 5).to_pylist()
        ]
    return Check(
        "value",
        "unique",
        table,
        ",".join(columns),
        extra == 0,
        extra,
        0,
        examples,
        message=f"{extra} duplicate row(s) of ({', '.join(columns)})" if extra else "",
    )


CHECK = CheckKind("unique", "value", run, "repeated values of unique columns")
