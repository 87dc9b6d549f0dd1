"""`expression`: a whitelisted formula over the row's other columns."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pyarrow as pa
from pydantic import Field, model_validator

from datagen.engine.decimals import Decimals
from datagen.engine.dslbase import Strict
from datagen.engine.errors import Problem
from datagen.engine.expressions import (
    Compiled,
    ExpressionError,
    Scope,
    compile_expression,
    compiled,
    null_mask,
    with_nulls,
)
from datagen.engine.generators.context import BlockContext
from datagen.engine.generators.kind import Kind, Site
from datagen.engine.values import Encoded, Values

if TYPE_CHECKING:
    from datagen.engine import dsl


class ExpressionSpec(Strict):
    """A whitelisted arithmetic expression over the row's columns."""

    expr: str = Field(max_length=2000, examples=["quantity * unit_price"])

    @model_validator(mode="before")
    @classmethod
    def _alias(cls, data: Any) -> Any:
        if isinstance(data, str):
            return {"expr": data}
        if isinstance(data, dict) and "formula" in data and "expr" not in data:
            data = dict(data)
            data["expr"] = data.pop("formula")
        return data


def block_env(ctx: BlockContext, names: frozenset[str]) -> dict[str, Any]:
    """The named columns of the block as numpy arrays, nulls as sentinels (NaN, NaT, None)."""
    env: dict[str, Any] = {}
    for name in names:
        env[name] = _plain(ctx, name)
    return env


def _plain(ctx: BlockContext, name: str) -> Any:
    value = ctx.columns[name]
    if isinstance(value, Decimals):  # exact arithmetic on decimals (engine/decimals.py)
        return value.with_nulls(ctx.masks.get(name))
    arr = value.decode() if isinstance(value, Encoded) else np.asarray(value)
    return with_nulls(arr, ctx.masks.get(name))


class _OnDemand(dict[str, Any]):
    """block_env, each column decoded only when a numpy function reads it (text functions
    read the Arrow form from `Scope.raw_strings` instead)."""

    def __init__(self, ctx: BlockContext, names: frozenset[str]):
        super().__init__()
        self._ctx, self._names = ctx, names

    def __missing__(self, name: str) -> Any:
        if name not in self._names:
            raise KeyError(name)
        self[name] = value = _plain(self._ctx, name)
        return value


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
        raw_strings={
            name: ctx.columns[name]
            for name in expression.names
            if name in ctx.columns
            and isinstance(ctx.columns[name], (Encoded, pa.Array))
            and ctx.masks.get(name) is None
        },
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
    result = exact_or_array(expression(scope(ctx, expression, col.name, purpose, env)), ctx.n)
    if col.nullable and (mask := null_mask(result)) is not None:
        existing = ctx.masks.get(col.name)
        ctx.masks[col.name] = mask if existing is None else (existing | mask)
    return result


def exact_or_array(value: Any, n: int) -> Any:
    """An expression's result as n values: exact Decimals as they are, else a numpy array."""
    if isinstance(value, Decimals) and value.units is not None and value.shape == (n,):
        return value
    return np.broadcast_to(np.asarray(value), (n,)).copy()


def generate(spec: ExpressionSpec, col: dsl.Column, ctx: BlockContext) -> Values:
    expression = compiled(spec.expr)
    arrow_run = getattr(expression.fn, "arrow", None)
    if col.type != "string" or arrow_run is None:
        return evaluate(ctx, spec.expr, col, "expression")  # type: ignore[no-any-return]
    # text built by text functions stays Arrow from the block's columns to the writer
    env = _OnDemand(ctx, expression.names)
    with np.errstate(all="ignore"):
        result = arrow_run(scope(ctx, expression, col.name, "expression", env))
    if not isinstance(result, pa.Array) or len(result) != ctx.n:
        return evaluate(ctx, spec.expr, col, "expression")  # type: ignore[no-any-return]
    if col.nullable and result.null_count:
        mask = result.is_null().to_numpy(zero_copy_only=False)
        existing = ctx.masks.get(col.name)
        ctx.masks[col.name] = mask if existing is None else (existing | mask)
    return result


class ExpressionKind(Kind[ExpressionSpec]):
    name = "expression"
    spec = ExpressionSpec

    def problems(self, spec: ExpressionSpec, site: Site) -> list[Problem]:
        return []  # typed against the row's columns by engine/typecheck.py

    def expressions(self, spec: ExpressionSpec) -> list[str]:
        return [spec.expr]

    def dependencies(self, spec: ExpressionSpec, site: Site) -> set[str]:
        try:
            return set(compile_expression(spec.expr, set(site.others)).names)
        except ExpressionError:
            return set()

    def generate(self, spec: ExpressionSpec, col: dsl.Column, ctx: BlockContext) -> Values:
        return generate(spec, col, ctx)

    def value_at(self, spec: ExpressionSpec, index: np.ndarray) -> np.ndarray | None:
        """A formula of row_number() alone (TPC-H's sparse order keys) is computed from the
        row index, so later tables read it without the column being kept in memory."""
        try:
            expression = compiled(spec.expr)
        except ExpressionError:
            return None
        if expression.names or expression.uses:  # columns, randomness, siblings, table sizes
            return None
        rows = np.asarray(index, dtype=np.int64)
        values = expression(Scope({}, len(rows), rows=rows))
        return np.broadcast_to(np.asarray(values), (len(rows),)).copy()
