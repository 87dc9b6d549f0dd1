"""`lookup`: foreign keys by index sampling, and parent attributes through an FK.

- the fact's key to its first parent: `parent_keys[parent_index]` (rows were
  laid out by the parent's fanout, so this is exact by construction); only
  the one link column (`parent_link`) takes it, so `follow(follower_id,
  followee_id) -> user` does not follow itself on every row;
- other FKs, into the first parent too: an index into the referenced table,
  uniform or skewed;
- a unique FK (one child per parent at most): a permutation of parent rows;
- a self-reference: row i points at a row j < i (never itself, no cycles);
- an attribute (`on`): the referenced table's column at the FK's row index.
Every FK column records its row indexes in `ctx.fk_index` for later columns.
"""

from __future__ import annotations

import numpy as np

from datagen.engine import dsl
from datagen.engine.errors import Problem, SchemaError
from datagen.engine.generators.context import BlockContext
from datagen.engine.generators.weights import sample_index, skew_cdf
from datagen.engine.relations import split_ref
from datagen.engine.values import Values


def generate(spec: dsl.LookupSpec, col: dsl.Column, ctx: BlockContext) -> Values:
    ref_table, ref_column = split_ref(spec.from_)
    if spec.on is not None:
        index = ctx.fk_index[spec.on]
        values, mask = ctx.store.take(ref_table, ref_column, index)
        on_mask = ctx.masks.get(spec.on)
        if on_mask is not None or mask is not None:
            ctx.masks[col.name] = _or(on_mask, mask)
        return values

    if ref_table == ctx.node.id:
        index, first_row = self_reference_index(ctx, col.name)
        ctx.fk_index[col.name] = index
        if first_row.any():
            ctx.masks[col.name] = first_row
        return ctx.store.key_values(ref_table, ref_column, index)

    ref_rows = ctx.store.rows(ref_table)
    if ref_rows == 0 and ctx.n > 0:
        raise SchemaError(
            [Problem(f"{ctx.node.id}.{col.name}", f"`{ref_table}` has no rows to reference")]
        )
    if ctx.parent_index is not None and col.name == parent_link(ctx.dataset, ctx.node):
        index = ctx.parent_index
    elif col.unique:
        if ctx.table_rows > ref_rows:
            raise SchemaError(
                [
                    Problem(
                        f"{ctx.node.id}.{col.name}",
                        f"unique lookup needs at most {ref_rows} rows (one per `{ref_table}` row), "
                        f"`{ctx.node.id}` has {ctx.table_rows}",
                    )
                ]
            )
        order = ctx.table_rng(col.name, "unique").permutation(ref_rows)
        index = order[ctx.start : ctx.stop]
    else:
        index = sample_index(
            ctx.rng(col.name), ref_rows, ctx.n, skew_cdf(spec.weights_kind, ref_rows)
        )
    ctx.fk_index[col.name] = index
    values, mask = ctx.store.take(ref_table, ref_column, index)
    if mask is not None:
        ctx.masks[col.name] = mask
    return values


def parent_link(dataset: dsl.Dataset, node: dsl.Node) -> str | None:
    """The fact's column that links each row to its first parent: the first plain lookup of
    the parent's key (the plan lays the rows out by that parent's fanout)."""
    if not node.parents:
        return None
    parent = next((n for n in dataset.nodes if n.id == node.parents[0]), None)
    if parent is None:
        return None
    for col in node.columns:
        spec = dsl.generator_spec(col.generator)
        if (
            isinstance(spec, dsl.LookupSpec)
            and spec.on is None
            and spec.from_ == f"{parent.id}.{parent.pk}"
        ):
            return col.name
    return None


def self_reference_index(ctx: BlockContext, column: str) -> tuple[np.ndarray, np.ndarray]:
    """Row i -> some row j < i, skewed to early rows (few managers, many reports)."""
    rows = ctx.row_ids
    u = ctx.rng(column, "self").random(ctx.n)
    index = np.floor(rows * u * u).astype(np.int64)
    return index, rows == 0


def _or(a: np.ndarray | None, b: np.ndarray | None) -> np.ndarray:
    if a is None:
        assert b is not None
        return b
    return a if b is None else (a | b)
