"""`outliers`: a share of values multiplied (spike) or divided (drop) by a factor."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
from pydantic import Field, model_validator

from datagen.engine.dslbase import Strict
from datagen.engine.modifiers.common import floats
from datagen.engine.modifiers.kind import NUMERIC, ModifierKind

if TYPE_CHECKING:
    from datagen.engine import dsl
    from datagen.engine.generators.context import BlockContext
    from datagen.engine.values import Values

from typing import Literal


class OutliersArgs(Strict):
    mode: Literal["spike", "drop"] = "spike"
    rate: float = Field(ge=0, le=0.5)
    magnitude: tuple[float, float] = Field(
        (2.0, 5.0), description="factor range: values are multiplied (spike) or divided (drop)"
    )

    @model_validator(mode="before")
    @classmethod
    def _alias(cls, data: Any) -> Any:
        if isinstance(data, dict) and "magnitude_dist" in data:
            data = dict(data)
            dist = data.pop("magnitude_dist") or {}
            data["magnitude"] = (dist.get("min", 2.0), dist.get("max", 5.0))
        return data

    @model_validator(mode="after")
    def _ordered(self) -> OutliersArgs:
        lo, hi = self.magnitude
        if not 0 < lo <= hi:
            raise ValueError("magnitude needs 0 < min <= max")
        return self


class Outliers(ModifierKind[OutliersArgs]):
    name = "outliers"
    args = OutliersArgs
    types = NUMERIC

    def apply(
        self,
        values: Values,
        args: OutliersArgs,
        col: dsl.Column,
        ctx: BlockContext,
        rng: np.random.Generator,
    ) -> Values:
        x = floats(values).copy()
        hit = rng.random(len(x)) < args.rate
        factor = rng.uniform(args.magnitude[0], args.magnitude[1], len(x))
        x[hit] = x[hit] * factor[hit] if args.mode == "spike" else x[hit] / factor[hit]
        return x
