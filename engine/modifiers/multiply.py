"""`multiply`: value * factor."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from datagen.engine.dslbase import Strict
from datagen.engine.modifiers.common import floats
from datagen.engine.modifiers.kind import NUMERIC, ModifierKind

if TYPE_CHECKING:
    from datagen.engine import dsl
    from datagen.engine.generators.context import BlockContext
    from datagen.engine.values import Values


class MultiplyArgs(Strict):
    factor: float


class Multiply(ModifierKind[MultiplyArgs]):
    name = "multiply"
    args = MultiplyArgs
    types = NUMERIC

    def apply(
        self,
        values: Values,
        args: MultiplyArgs,
        col: dsl.Column,
        ctx: BlockContext,
        rng: np.random.Generator,
    ) -> Values:
        return floats(values) * args.factor
