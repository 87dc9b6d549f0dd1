"""`lookup`: foreign keys by index sampling, and parent attributes through an FK.

- the fact's key to its first parent: `parent_keys[parent_index]` (rows were
  laid out by the parent's fanout, so this is exact by construction);
- other FKs: an index into the referenced table, uniform or skewed;
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
from datagen.engine.values import Encoded, Values


def generate(spec: dsl.LookupSpec, col: dsl.Column, ctx: BlockContext) -> Values:
    ref_table, ref_column = split_ref(spec.from_)
    if spec.on is not None:
        index, on_mask = _follow(spec, ctx)
        values, mask = ctx.store.take(ref_table, ref_column, index)
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
    candidates = ctx.store.rows_where(ref_table, spec.where) if spec.where else None
    if candidates is not None and len(candidates) == 0 and ctx.n > 0:
        raise SchemaError(
            [Problem(f"{ctx.node.id}.{col.name}", f"no `{ref_table}` row satisfies `{spec.where}`")]
        )
    if ctx.parent_index is not None and _parent_link(ctx.node) == col.name:
        index = ctx.parent_index  # parents failing `where` have no children (see block.py)
    elif candidates is not None:
        pick = (
            ctx.table_rng(col.name, "unique").permutation(len(candidates))[ctx.start : ctx.stop]
            if col.unique
            else sample_index(
                ctx.rng(col.name),
                len(candidates),
                ctx.n,
                skew_cdf(spec.weights_kind, len(candidates)),
            )
        )
        if col.unique and len(pick) < ctx.n:
            raise SchemaError(
                [
                    Problem(
                        f"{ctx.node.id}.{col.name}",
                        f"unique lookup needs at most {len(candidates)} rows (the `{ref_table}` "
                        f"rows where `{spec.where}`), `{ctx.node.id}` has {ctx.table_rows}",
                    )
                ]
            )
        index = candidates[pick]
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


def _follow(spec: dsl.LookupSpec, ctx: BlockContext) -> tuple[np.ndarray, np.ndarray | None]:
    """Row indexes of the `from` table reached through `on` (FKs, a path, a computed key)."""
    assert spec.on is not None
    names = spec.on.split(".")
    first = names[0]
    mask = ctx.masks.get(first)
    if first in ctx.fk_index:
        index = ctx.fk_index[first]
        table, _ = split_ref(_lookup_of(ctx.node, first).from_)
    else:  # a computed key of the `from` table
        table, _ = split_ref(spec.from_)
        ref = ctx.dataset.node(table)
        assert ref is not None
        key = spec.key or ref.pk
        assert key is not None, "checked by preflight"
        raw = ctx.columns[first]
        keys = raw.decode() if isinstance(raw, Encoded) else np.asarray(raw)
        index, missing = ctx.store.row_of(table, key, keys)
        mask = _or(mask, missing) if missing.any() else mask
    for name in names[1:]:
        node = ctx.dataset.node(table)
        assert node is not None
        next_table, key = split_ref(_lookup_of(node, name).from_)
        keys, key_mask = ctx.store.take(table, name, index)
        plain = keys.decode() if isinstance(keys, Encoded) else np.asarray(keys)
        index, missing = ctx.store.row_of(next_table, key, plain)
        for extra in (key_mask, missing if missing.any() else None):
            if extra is not None:
                mask = _or(mask, extra)
        table = next_table
    return index, mask


def _parent_link(node: dsl.Node) -> str | None:
    """The fact's column that takes its first parent's key (the first such lookup):
    other FKs into the same table are sampled like any other."""
    for c in node.columns:
        spec = dsl.generator_spec(c.generator)
        if isinstance(spec, dsl.LookupSpec) and spec.on is None:
            if split_ref(spec.from_)[0] == node.parents[0]:
                return c.name
    return None


def _lookup_of(node: dsl.Node, column: str) -> dsl.LookupSpec:
    col = node.column(column)
    assert col is not None
    spec = dsl.generator_spec(col.generator)
    assert isinstance(spec, dsl.LookupSpec), "a hop is an FK (checked by preflight)"
    return spec


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
