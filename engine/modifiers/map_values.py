"""`map_values`: values replaced through a mapping (on the dictionary, not per row)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pyarrow as pa
from pydantic import Field

from datagen.engine.dslbase import Scalar, Strict
from datagen.engine.modifiers.kind import ModifierKind
from datagen.engine.values import Encoded, Values, as_numpy

if TYPE_CHECKING:
    from datagen.engine import dsl
    from datagen.engine.generators.context import BlockContext


class MapValuesArgs(Strict):
    mapping: dict[str, Scalar]
    default: Scalar | None = Field(None, description="for values not in mapping; default: keep")


class MapValues(ModifierKind[MapValuesArgs]):
    name = "map_values"
    args = MapValuesArgs

    def apply(
        self,
        values: Values,
        args: MapValuesArgs,
        col: dsl.Column,
        ctx: BlockContext,
        rng: np.random.Generator,
    ) -> Values:
        def mapped(value: Any) -> Any:
            key = str(value)
            if key in args.mapping:
                return args.mapping[key]
            return value if args.default is None else args.default

        if isinstance(values, Encoded):
            # map the dictionary, not the rows
            dictionary = [mapped(v) for v in values.dictionary.to_pylist()]
            if col.type == "string":
                return Encoded(
                    values.codes, pa.array([str(v) for v in dictionary], type=pa.string())
                )
            return as_numpy(np.asarray(dictionary)[values.codes], col.type)
        arr = np.asarray(values)
        uniques, inverse = np.unique(arr, return_inverse=True)
        return np.asarray([mapped(u) for u in uniques.tolist()], dtype=object)[inverse]
