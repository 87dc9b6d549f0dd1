"""`add`: value + delta."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
from pydantic import model_validator

from datagen.engine.dslbase import Strict
from datagen.engine.modifiers.common import floats
from datagen.engine.modifiers.kind import NUMERIC, ModifierKind

if TYPE_CHECKING:
    from datagen.engine import dsl
    from datagen.engine.generators.context import BlockContext
    from datagen.engine.values import Values


class AddArgs(Strict):
    delta: float

    @model_validator(mode="before")
    @classmethod
    def _alias(cls, data: Any) -> Any:
        if isinstance(data, dict) and "value" in data and "delta" not in data:
            data = dict(data)
            data["delta"] = data.pop("value")
        return data


class Add(ModifierKind[AddArgs]):
    name = "add"
    args = AddArgs
    types = NUMERIC

    def apply(
        self,
        values: Values,
        args: AddArgs,
        col: dsl.Column,
        ctx: BlockContext,
        rng: np.random.Generator,
    ) -> Values:
        return floats(values) + args.delta
