"""`aggregate`: a parent's column from its children (see engine/aggregates.py).

Child side: `aggregate_part` reduces a block's child expression per parent.
Collection: `collect_aggregate` assembles the parts of every block into one
value per parent row. Parent side (second pass): `generate` reads them.
"""

from __future__ import annotations

import numpy as np

from datagen.engine import dsl
from datagen.engine.aggregates import Feed, empty_value, reduce_block
from datagen.engine.expressions import compiled
from datagen.engine.generators.context import BlockContext
from datagen.engine.generators.expression import block_env, scope
from datagen.engine.values import as_numpy


def generate(spec: dsl.AggregateSpec, col: dsl.Column, ctx: BlockContext) -> np.ndarray:
    kept = ctx.store.aggregates[(ctx.node.id, col.name)]
    values = kept.values[ctx.start : ctx.stop]
    if kept.mask is not None and kept.mask[ctx.start : ctx.stop].any():
        ctx.masks[col.name] = kept.mask[ctx.start : ctx.stop]
    return np.asarray(values)


def aggregate_part(
    ctx: BlockContext, feed: Feed
) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """(parent rows, one value each, null mask) for the parents whose children are this block."""
    assert ctx.parent_index is not None, "an aggregate's child is a fact"
    values = None
    if feed.spec.expr is not None:
        expression = compiled(feed.spec.expr)
        env = block_env(ctx, expression.names)
        purpose = f"aggregate:{feed.parent}.{feed.column}"
        values = np.broadcast_to(
            np.asarray(expression(scope(ctx, expression, purpose, purpose, env))), (ctx.n,)
        )
    return reduce_block(feed.spec, values, ctx.parent_index)


def collect_aggregate(
    dataset: dsl.Dataset,
    feed: Feed,
    parent_rows: int,
    parts: list[tuple[np.ndarray, np.ndarray, np.ndarray | None]],
) -> tuple[np.ndarray, np.ndarray | None]:
    """One value per parent row (and the null mask): the parts of every block, a default
    where none came."""
    node = dataset.node(feed.parent)
    assert node is not None
    col = node.column(feed.column)
    assert col is not None
    default = empty_value(feed.spec)
    if col.type == "string":
        values = np.full(parent_rows, "" if default is None else str(default), dtype=object)
    elif col.type in ("date", "datetime"):
        fill = dsl.parse_instant(str(default)) if default is not None else np.datetime64("NaT")
        values = as_numpy(np.full(parent_rows, fill, dtype="datetime64[us]"), col.type)
    else:
        values = as_numpy(np.full(parent_rows, 0 if default is None else default), col.type)
    mask = np.full(parent_rows, default is None)
    for parents, part, part_mask in parts:
        if len(parents) == 0:
            continue
        values[parents] = as_numpy(part, col.type) if col.type != "string" else part.astype(str)
        mask[parents] = False if part_mask is None else part_mask
    return values, (mask if mask.any() else None)
