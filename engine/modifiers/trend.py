"""`trend`: value * (1 + growth) ** years since the timeframe's start."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import numpy as np
from pydantic import Field

from datagen.engine.dslbase import Identifier, Strict, parse_instant
from datagen.engine.errors import Problem
from datagen.engine.modifiers.common import floats, seconds, time_column, time_column_problems
from datagen.engine.modifiers.kind import NUMERIC, ModifierKind, TimeEffect

if TYPE_CHECKING:
    from datagen.engine import dsl
    from datagen.engine.generators.context import BlockContext
    from datagen.engine.generators.kind import Site
    from datagen.engine.values import Values


class TrendArgs(Strict):
    growth: float = Field(gt=-1, description="yearly growth, 0.2 = +20% per year")
    column: Identifier | None = Field(
        None, description="the datetime column; default the table's first datetime column"
    )


YEAR_SECONDS = 365.2425 * 86400


class Trend(ModifierKind[TrendArgs]):
    name = "trend"
    args = TrendArgs
    types = NUMERIC

    def problems(self, args: TrendArgs, site: Site, path: str) -> Iterator[Problem]:
        return time_column_problems(args.column, self.name, site, path)

    def time_effect(self, args: TrendArgs) -> TimeEffect:
        return TimeEffect("trend", args.column, growth=args.growth)

    def dependencies(self, args: TrendArgs, site: Site) -> set[str]:
        return {time_column(args.column, site)}

    def apply(
        self,
        values: Values,
        args: TrendArgs,
        col: dsl.Column,
        ctx: BlockContext,
        rng: np.random.Generator,
    ) -> Values:
        years = (seconds(ctx, args.column, col) - origin_seconds(ctx)) / YEAR_SECONDS
        return floats(values) * np.power(1.0 + args.growth, years)


def origin_seconds(ctx: BlockContext) -> int:
    tf = ctx.dataset.timeframe
    if tf is None:
        return 0
    return int(parse_instant(tf.start).astype(np.int64))
