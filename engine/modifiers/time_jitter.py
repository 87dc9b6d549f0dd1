"""`time_jitter`: timestamps shifted by normal noise (their declared pattern blurs)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
from pydantic import Field, model_validator

from datagen.engine.dslbase import Freq, Strict, normalize_freq
from datagen.engine.generators.temporal import FREQ_SECONDS
from datagen.engine.modifiers.kind import TEMPORAL, ModifierKind

if TYPE_CHECKING:
    from datagen.engine import dsl
    from datagen.engine.generators.context import BlockContext
    from datagen.engine.values import Values


class TimeJitterArgs(Strict):
    scale: float = Field(gt=0, description="standard deviation of the shift, in `unit`")
    unit: Freq = "min"

    @model_validator(mode="before")
    @classmethod
    def _alias(cls, data: Any) -> Any:
        if isinstance(data, dict):
            data = dict(data)
            if "std" in data and "scale" not in data:
                data["scale"] = data.pop("std")
            if "unit" in data:
                data["unit"] = normalize_freq(data["unit"])
        return data


class TimeJitter(ModifierKind[TimeJitterArgs]):
    name = "time_jitter"
    args = TimeJitterArgs
    types = TEMPORAL
    moves_time = True

    def apply(
        self,
        values: Values,
        args: TimeJitterArgs,
        col: dsl.Column,
        ctx: BlockContext,
        rng: np.random.Generator,
    ) -> Values:
        ts = np.asarray(values).astype("datetime64[us]")
        shift = rng.normal(0.0, args.scale * FREQ_SECONDS[args.unit] * 1e6, len(ts))
        shifted = ts + np.rint(shift).astype(np.int64).astype("timedelta64[us]")
        return shifted.astype("datetime64[D]") if col.type == "date" else shifted
