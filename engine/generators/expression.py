"""`expression`: a whitelisted formula over the row's other columns."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
from pydantic import Field, model_validator

from datagen.engine.dslbase import Strict
from datagen.engine.errors import Problem
from datagen.engine.expressions import ExpressionError, compile_expression, compiled
from datagen.engine.generators.context import BlockContext
from datagen.engine.generators.kind import Kind, Site
from datagen.engine.values import Encoded

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
    env: dict[str, Any] = {}
    for name in names:
        value = ctx.columns[name]
        env[name] = value.decode() if isinstance(value, Encoded) else np.asarray(value)
    return env


def generate(spec: ExpressionSpec, col: dsl.Column, ctx: BlockContext) -> np.ndarray:
    expression = compiled(spec.expr)
    result = expression(block_env(ctx, expression.names))
    return np.broadcast_to(np.asarray(result), (ctx.n,)).copy()


class ExpressionKind(Kind[ExpressionSpec]):
    name = "expression"
    spec = ExpressionSpec

    def problems(self, spec: ExpressionSpec, site: Site) -> list[Problem]:
        try:
            compile_expression(spec.expr, set(site.others))
        except ExpressionError as exc:
            return [Problem(f"{site.gpath}.expr", str(exc), "arithmetic over this table's columns")]
        return []

    def dependencies(self, spec: ExpressionSpec, site: Site) -> set[str]:
        try:
            return set(compile_expression(spec.expr, set(site.others)).names)
        except ExpressionError:
            return set()

    def generate(self, spec: ExpressionSpec, col: dsl.Column, ctx: BlockContext) -> np.ndarray:
        return generate(spec, col, ctx)
