"""`effect`: value * factor while a row of an event table is active (promotions)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import numpy as np
from pydantic import Field

from datagen.engine.dslbase import Identifier, Strict
from datagen.engine.errors import Problem, did_you_mean
from datagen.engine.modifiers.common import floats, seconds, time_column, time_column_problems
from datagen.engine.modifiers.kind import NUMERIC, TEMPORAL, ModifierKind, TimeEffect

if TYPE_CHECKING:
    from datagen.engine import dsl
    from datagen.engine.generators.context import BlockContext
    from datagen.engine.generators.kind import Site
    from datagen.engine.values import Values


class EffectArgs(Strict):
    """Scale a value while rows of an event table are active (e.g. promotions)."""

    table: Identifier = Field(description="the event table")
    start: Identifier = Field(description="event start column")
    end: Identifier = Field(description="event end column")
    at: Identifier | None = Field(
        None, description="this row's datetime column; default the first datetime column"
    )
    factor: float = Field(1.2, gt=0, description="multiplier while at least one event is active")


class Effect(ModifierKind[EffectArgs]):
    name = "effect"
    args = EffectArgs
    types = NUMERIC

    def problems(self, args: EffectArgs, site: Site, path: str) -> Iterator[Problem]:
        yield from time_column_problems(args.at, self.name, site, path)
        event = site.dataset.node(args.table)
        if event is None:
            yield Problem(
                f"{path}.args.table",
                f"unknown table `{args.table}`",
                None,
                did_you_mean(args.table, [n.id for n in site.dataset.nodes]),
            )
            return
        for side in ("start", "end"):
            name = getattr(args, side)
            c = event.column(name)
            if c is None or c.type not in TEMPORAL:
                yield Problem(
                    f"{path}.args.{side}",
                    f"`{name}` is not a date/datetime column of `{event.id}`",
                    None,
                    did_you_mean(name, [c.name for c in event.columns]),
                )

    def time_effect(self, args: EffectArgs) -> TimeEffect:
        return TimeEffect(
            f"effect({args.table})",
            args.at,
            events=(args.table, args.start, args.end),
            factor=args.factor,
        )

    def dependencies(self, args: EffectArgs, site: Site) -> set[str]:
        return {time_column(args.at, site)}

    def references(self, args: EffectArgs) -> list[str]:
        return [f"{args.table}.{args.start}", f"{args.table}.{args.end}"]

    def apply(
        self,
        values: Values,
        args: EffectArgs,
        col: dsl.Column,
        ctx: BlockContext,
        rng: np.random.Generator,
    ) -> Values:
        t = seconds(ctx, args.at, col)
        starts = ctx.store.sorted_seconds(args.table, args.start)
        ends = ctx.store.sorted_seconds(args.table, args.end)
        active = np.searchsorted(starts, t, side="right") - np.searchsorted(ends, t, side="right")
        return floats(values) * np.where(active > 0, args.factor, 1.0)
