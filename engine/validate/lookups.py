"""Value check `fk_filter`: a filtered foreign key points only at rows where its `where` holds.

The `where` expression is evaluated over the referenced table's written
columns (the same compiled expression the engine ran); every non-null FK
value must be the key of such a row. For a fact's first parent this is
"parents failing the filter have no children", and the fanout checks then
measure the declared fanout over the eligible parents only.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pyarrow as pa

from datagen.engine import dsl, relations
from datagen.engine.expressions import Scope, compiled, with_nulls
from datagen.engine.generators.kind import kind_of, spec_of
from datagen.engine.validate.context import Context, valid_mask
from datagen.engine.validate.registry import CheckKind
from datagen.engine.validate.report import Check


def where_of(node: dsl.Node, column: str) -> str | None:
    """The `where` of a filtered foreign key column, if it is one."""
    col = node.column(column)
    if col is None or kind_of(col).key_reference(spec_of(col)) is None:
        return None
    where = getattr(spec_of(col), "where", None)
    return where if isinstance(where, str) else None


def eligible(ctx: Context, table: str, source: str) -> np.ndarray | None:
    """Per row of `table`: whether `source` holds (None when its columns are not written)."""
    key = ("where", table, source)
    if key not in ctx.resolved:
        expression = compiled(source)
        names = sorted(expression.names)
        if not ctx.usable(table, *names) or any(ctx.node(table).column(n) is None for n in names):
            ctx.resolved[key] = None
        else:
            parts = []
            for batch in ctx.scan(table, names):
                env = {}
                for name in names:
                    raw = batch.column(name)
                    env[name] = with_nulls(raw.to_numpy(zero_copy_only=False), ~valid_mask(raw))
                result = np.asarray(expression(Scope(env, batch.num_rows)), dtype=bool)
                parts.append(np.broadcast_to(result, (batch.num_rows,)))
            ctx.resolved[key] = np.concatenate(parts) if parts else np.zeros(0, bool)
    return ctx.resolved[key]  # type: ignore[no-any-return]


def filtered_fk_checks(ctx: Context) -> Iterator[Check]:
    from datagen.engine.validate.structural import resolve

    for fk in relations.foreign_keys(ctx.dataset):
        node = ctx.node(fk.table)
        source = where_of(node, fk.column)
        if source is None or fk.self_reference:
            continue
        if not ctx.ready("value", "fk_filter", fk.table, fk.column):
            continue
        holds = eligible(ctx, fk.ref_table, source)
        if holds is None:
            ctx.skipped.append(
                {
                    "category": "value",
                    "name": "fk_filter",
                    "table": fk.table,
                    "column": fk.column,
                    "reason": f"`{source}` reads columns of `{fk.ref_table}` that are not written",
                }
            )
            continue
        children = resolve(ctx, fk).children
        wrong = (children > 0) & ~holds
        bad = int(children[wrong].sum())
        examples = []
        if bad:
            parent_keys = ctx.key_index(fk.ref_table, fk.ref_column).parent
            rows = np.flatnonzero(wrong)[:5]
            keys = parent_keys.take(pa.array(rows)).to_pylist()
            examples = [
                {"parent_row": int(r), fk.ref_column: k, "rows": int(children[r])}
                for r, k in zip(rows, keys, strict=True)
            ]
        yield Check(
            "value",
            "fk_filter",
            fk.table,
            fk.column,
            bad == 0,
            bad,
            {"only": f"{fk.ref_table} rows where {source}"},
            examples,
            message=f"{bad} row(s) point at a {fk.ref_table} row where `{source}` does not hold"
            if bad
            else "",
        )


CHECK = CheckKind(
    "fk_filter", "value", filtered_fk_checks, "a filtered foreign key points at a row it excludes"
)
