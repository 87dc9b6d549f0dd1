"""`expression`: a formula over `value` and the row's other columns."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import numpy as np
from pydantic import Field, model_validator

from datagen.engine.dslbase import Strict
from datagen.engine.errors import Problem
from datagen.engine.expressions import ExpressionError, compile_expression, compiled
from datagen.engine.generators.expression import block_env
from datagen.engine.modifiers.kind import ModifierKind
from datagen.engine.values import Encoded, Values

if TYPE_CHECKING:
    from datagen.engine import dsl
    from datagen.engine.generators.context import BlockContext
    from datagen.engine.generators.kind import Site


class ExpressionArgs(Strict):
    expr: str = Field(max_length=2000, description="`value` is the current value")

    @model_validator(mode="before")
    @classmethod
    def _alias(cls, data: Any) -> Any:
        if isinstance(data, dict) and "formula" in data and "expr" not in data:
            data = dict(data)
            data["expr"] = data.pop("formula")
        return data


class Expression(ModifierKind[ExpressionArgs]):
    name = "expression"
    args = ExpressionArgs
    keeps_dictionary = False

    def problems(self, args: ExpressionArgs, site: Site, path: str) -> Iterator[Problem]:
        try:
            compile_expression(args.expr, set(site.others) | {"value"})
        except ExpressionError as exc:
            yield Problem(
                f"{path}.args.expr", str(exc), "arithmetic over `value` and this table's columns"
            )

    def dependencies(self, args: ExpressionArgs, site: Site) -> set[str]:
        try:
            names = compile_expression(args.expr, set(site.others) | {"value"}).names
        except ExpressionError:
            return set()
        return set(names) - {"value"}

    def apply(
        self,
        values: Values,
        args: ExpressionArgs,
        col: dsl.Column,
        ctx: BlockContext,
        rng: np.random.Generator,
    ) -> Values:
        expression = compiled(args.expr)
        env = block_env(ctx, expression.names - {"value"})
        env["value"] = values.decode() if isinstance(values, Encoded) else np.asarray(values)
        result = expression(env)
        return np.broadcast_to(np.asarray(result), (ctx.n,)).copy()
