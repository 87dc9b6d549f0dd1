"""Modifiers, applied in order after a column's generator, each on the whole block.

One module per modifier; the registry is engine/modifiers/kind.py. The built-in
modifiers are registered here in the order the DSL lists them; a new built-in
modifier is one module and one line below.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from datagen.engine.modifiers import (
    add,
    clamp,
    effect,
    expression,
    jitter,
    map_values,
    multiply,
    outliers,
    seasonality,
    time_jitter,
    trend,
)
from datagen.engine.modifiers.kind import MODIFIERS, modifier_of, register_modifier
from datagen.engine.modifiers.trend import YEAR_SECONDS

if TYPE_CHECKING:
    from datagen.engine import dsl
    from datagen.engine.generators.context import BlockContext
    from datagen.engine.values import Values

for _modifier in (
    multiply.Multiply(),
    add.Add(),
    clamp.Clamp(),
    jitter.Jitter(),
    time_jitter.TimeJitter(),
    seasonality.Seasonality(),
    outliers.Outliers(),
    map_values.MapValues(),
    expression.Expression(),
    effect.Effect(),
    trend.Trend(),
):
    register_modifier(_modifier)


def apply_modifiers(values: Values, col: dsl.Column, ctx: BlockContext) -> Values:
    for index, mod in enumerate(col.modifiers):
        rng = ctx.rng(col.name, f"modifier{index}")
        values = modifier_of(mod).apply(values, mod.args, col, ctx, rng)
    return values


__all__ = ["MODIFIERS", "YEAR_SECONDS", "apply_modifiers"]
