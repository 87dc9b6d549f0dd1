"""`jitter`: normal or uniform noise, relative or absolute."""

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


class JitterArgs(Strict):
    scale: float = Field(gt=0, description="noise size (relative share, or absolute units)")
    distribution: Literal["normal", "uniform"] = "normal"
    relative: bool = Field(True, description="true: x*(1+noise); false: x+noise")

    @model_validator(mode="before")
    @classmethod
    def _alias(cls, data: Any) -> Any:
        if isinstance(data, dict) and "std" in data and "scale" not in data:
            data = dict(data)
            data["scale"] = data.pop("std")
        return data


class Jitter(ModifierKind[JitterArgs]):
    name = "jitter"
    args = JitterArgs
    types = NUMERIC

    def apply(
        self,
        values: Values,
        args: JitterArgs,
        col: dsl.Column,
        ctx: BlockContext,
        rng: np.random.Generator,
    ) -> Values:
        x = floats(values)
        noise = (
            rng.normal(0.0, args.scale, len(x))
            if args.distribution == "normal"
            else rng.uniform(-args.scale, args.scale, len(x))
        )
        return x * (1.0 + noise) if args.relative else x + noise
