"""`clamp`: values held inside [min, max]."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from pydantic import model_validator

from datagen.engine.dslbase import Strict
from datagen.engine.modifiers.common import floats
from datagen.engine.modifiers.kind import NUMERIC, ModifierKind

if TYPE_CHECKING:
    from datagen.engine import dsl
    from datagen.engine.generators.context import BlockContext
    from datagen.engine.values import Values


class ClampArgs(Strict):
    min: float | None = None
    max: float | None = None

    @model_validator(mode="after")
    def _ordered(self) -> ClampArgs:
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError(f"clamp min {self.min} is greater than max {self.max}")
        return self


class Clamp(ModifierKind[ClampArgs]):
    name = "clamp"
    args = ClampArgs
    types = NUMERIC

    def value_range(self, args: ClampArgs) -> tuple[float, float] | None:
        if args.min is None or args.max is None:
            return None
        return float(args.min), float(args.max)

    def apply(
        self,
        values: Values,
        args: ClampArgs,
        col: dsl.Column,
        ctx: BlockContext,
        rng: np.random.Generator,
    ) -> Values:
        lo = -np.inf if args.min is None else args.min
        hi = np.inf if args.max is None else args.max
        return np.clip(floats(values), lo, hi)
