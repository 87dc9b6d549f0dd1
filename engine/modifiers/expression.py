"""`expression`: a formula over `value` and the row's other columns."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import numpy as np
from pydantic import Field, model_validator

from datagen.engine.dslbase import Strict
from datagen.engine.errors import Problem
from datagen.engine.expressions import ExpressionError, compile_expression, with_nulls
from datagen.engine.generators.expression import evaluate
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
        return iter(())  # typed against the row's columns by engine/typecheck.py

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
        value = values.decode() if isinstance(values, Encoded) else np.asarray(values)
        value = with_nulls(value, ctx.masks.get(col.name))
        index = next(i for i, m in enumerate(col.modifiers) if m.args is args)
        return evaluate(ctx, args.expr, col, f"modifier{index}", value=value)  # type: ignore[no-any-return]
