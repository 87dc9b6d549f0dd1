"""`expression`: a whitelisted formula over the row's other columns."""

from __future__ import annotations

from typing import Any

import numpy as np

from datagen.engine import dsl
from datagen.engine.expressions import Compiled, Scope, compiled, null_mask, with_nulls
from datagen.engine.generators.context import BlockContext
from datagen.engine.values import Encoded


def block_env(ctx: BlockContext, names: frozenset[str]) -> dict[str, Any]:
    """The named columns of the block as numpy arrays, nulls as sentinels (NaN, NaT, None)."""
    env: dict[str, Any] = {}
    for name in names:
        value = ctx.columns[name]
        arr = value.decode() if isinstance(value, Encoded) else np.asarray(value)
        env[name] = with_nulls(arr, ctx.masks.get(name))
    return env


def scope(
    ctx: BlockContext, expression: Compiled, column: str, purpose: str, env: dict[str, Any]
) -> Scope:
    """What the expression of `column` sees: its random streams are (column, block, purpose, call)."""
    return Scope(
        env,
        ctx.n,
        rng=lambda site: ctx.rng(column, f"{purpose}:{site}"),
        siblings=ctx.siblings if "siblings" in expression.uses else None,
        row_start=ctx.start,
        table_rows=ctx.store.rows,
    )


def evaluate(ctx: BlockContext, source: str, col: dsl.Column, purpose: str, **extra: Any) -> Any:
    """Run an expression over the block.

    In a nullable column, nulls of the result (`null`, a null input) join the
    column's mask; preflight's type check keeps them out of the other columns
    (where a NaN from a division by zero stays a NaN).
    """
    expression = compiled(source)
    env = block_env(ctx, expression.names - set(extra))
    env.update(extra)
    result = np.broadcast_to(
        np.asarray(expression(scope(ctx, expression, col.name, purpose, env))), (ctx.n,)
    ).copy()
    if col.nullable and (mask := null_mask(result)) is not None:
        existing = ctx.masks.get(col.name)
        ctx.masks[col.name] = mask if existing is None else (existing | mask)
    return result


def generate(spec: dsl.ExpressionSpec, col: dsl.Column, ctx: BlockContext) -> np.ndarray:
    return evaluate(ctx, spec.expr, col, "expression")  # type: ignore[no-any-return]
