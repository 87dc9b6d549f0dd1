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
import pyarrow.compute as pc

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


def as_of_checks(ctx: Context) -> Iterator[Check]:
    """Value check `as_of`: an FK with `"as_of": {"created_at": "commented_at"}` points at a
    row whose `created_at` is at most the row's `commented_at` (the author had signed up)."""
    for node in ctx.dataset.nodes:
        for col in node.columns:
            condition = getattr(spec_of(col), "as_of", None)
            if kind_of(col).key_reference(spec_of(col)) is None or not condition:
                continue
            [(theirs, ours)] = condition.items()
            ref_table, ref_column = relations.split_ref(spec_of(col).from_)
            copied = _copied(ctx, node.id, ours)  # a hidden copy the check can follow
            sides = [(ref_table, theirs)] + ([] if copied else [(node.id, ours)])
            hidden = [  # the output view has no hidden column
                f"`{t}.{c}`" for t, c in sides if ctx.node(t).column(c) is None
            ]
            if hidden:
                ctx.skipped.append(
                    {
                        "category": "value",
                        "name": "as_of",
                        "table": node.id,
                        "column": f"{col.name},{ours}",
                        "reason": f"{' and '.join(hidden)} hidden: not in the files",
                    }
                )
                continue
            ours_read = copied[2] if copied else ours  # the row's FK to the copy's table
            if not (
                ctx.ready("value", "as_of", node.id, col.name, ours_read)
                and ctx.ready("value", "as_of", ref_table, ref_column, theirs)
                and (not copied or ctx.ready("value", "as_of", copied[0], copied[1]))
            ):
                continue
            yield _as_of(ctx, node.id, col.name, ours, ref_table, ref_column, theirs, copied)


def _copied(ctx: Context, table: str, name: str) -> tuple[str, str, str, str] | None:
    """A hidden column that copies a written column through a written FK of its row
    (`{"from": "orders.ordered_at", "on": "order_id"}`): (table, column, FK column, the key
    it references)."""
    col = ctx.hidden.get((table, name))
    on = getattr(spec_of(col), "on", None) if col is not None else None
    if col is None or kind_of(col).name != "lookup" or not isinstance(on, str) or "." in on:
        return None
    source_table, source_column = relations.split_ref(spec_of(col).from_)
    source = ctx.dataset.node(source_table)
    if source is None or source.column(source_column) is None:
        return None  # hidden there too
    for fk in relations.foreign_keys(ctx.dataset):
        if (fk.table, fk.column, fk.ref_table) == (table, on, source_table):
            return source_table, source_column, on, fk.ref_column
    return None


def _as_of(
    ctx: Context,
    table: str,
    column: str,
    ours: str,
    ref_table: str,
    ref_column: str,
    theirs: str,
    copied: tuple[str, str, str, str] | None,
) -> Check:
    """Rows whose FK's `theirs` is after their `ours` (read through the FK of a hidden copy)."""
    index = ctx.key_index(ref_table, ref_column)
    bound = ctx.column(ref_table, theirs).combine_chunks()
    later = 0
    examples = ctx.examples(table)
    read = copied[2] if copied else ours
    for batch in ctx.scan(table, [column, read], with_pk=True):
        mine = batch.column(read)
        if copied:  # the copied value: the source row's column through the FK
            source_table, source_column, _, key = copied
            at = ctx.key_index(source_table, key).rows(mine)
            values = ctx.column(source_table, source_column).combine_chunks()
            mine = values.take(pa.array(np.where(at >= 0, at, 0), mask=at < 0))
        rows = index.rows(batch.column(column))
        found = rows >= 0
        theirs_value = bound.take(pa.array(np.where(found, rows, 0)))
        wrong = pc.fill_null(pc.greater(theirs_value, mine), False)
        wrong_rows = wrong.to_numpy(zero_copy_only=False) & found
        later += int(np.count_nonzero(wrong_rows))
        examples.add(batch, wrong_rows, {column: batch.column(column), ours: mine})
    return Check(
        "value",
        "as_of",
        table,
        f"{column},{ours}",
        later == 0,
        later,
        f"{ref_table}.{theirs} <= {table}.{ours}",
        examples.rows,
        message=f"{later} row(s) point at a {ref_table} row whose `{theirs}` is after their "
        f"`{ours}`"
        if later
        else "",
    )


AS_OF = CheckKind(
    "as_of", "value", as_of_checks, "an FK points at a row that came after the referencing row"
)
