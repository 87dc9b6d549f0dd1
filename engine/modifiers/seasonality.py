"""`seasonality`: value * the weight of its row time's hour, weekday or month."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Annotated

import numpy as np
from pydantic import Field, model_validator

from datagen.engine.dslbase import PATTERN_LENGTH, Identifier, PatternDimension, Strict
from datagen.engine.errors import Problem
from datagen.engine.generators.temporal import calendar_part
from datagen.engine.modifiers.common import floats, seconds, time_column, time_column_problems
from datagen.engine.modifiers.kind import NUMERIC, ModifierKind, TimeEffect

if TYPE_CHECKING:
    from datagen.engine import dsl
    from datagen.engine.generators.context import BlockContext
    from datagen.engine.generators.kind import Site
    from datagen.engine.values import Values


class SeasonalityArgs(Strict):
    dimension: PatternDimension
    weights: list[Annotated[float, Field(ge=0)]]
    column: Identifier | None = Field(
        None, description="the datetime column to read; default the table's first datetime column"
    )

    @model_validator(mode="after")
    def _length(self) -> SeasonalityArgs:
        expected = PATTERN_LENGTH[self.dimension]
        if len(self.weights) != expected:
            raise ValueError(
                f"a {self.dimension} seasonality needs {expected} weights, got {len(self.weights)}"
            )
        return self


class Seasonality(ModifierKind[SeasonalityArgs]):
    name = "seasonality"
    args = SeasonalityArgs
    types = NUMERIC

    def problems(self, args: SeasonalityArgs, site: Site, path: str) -> Iterator[Problem]:
        return time_column_problems(args.column, self.name, site, path)

    def time_effect(self, args: SeasonalityArgs) -> TimeEffect:
        return TimeEffect(
            f"seasonality({args.dimension})",
            args.column,
            dimension=args.dimension,
            weights=tuple(args.weights),
        )

    def dependencies(self, args: SeasonalityArgs, site: Site) -> set[str]:
        return {time_column(args.column, site)}

    def apply(
        self,
        values: Values,
        args: SeasonalityArgs,
        col: dsl.Column,
        ctx: BlockContext,
        rng: np.random.Generator,
    ) -> Values:
        part = calendar_part(seconds(ctx, args.column, col), args.dimension)
        return floats(values) * np.asarray(args.weights, dtype=np.float64)[part]
