"""`enum_list`: the listed values in order, cycling (vocab tables)."""

from __future__ import annotations

import numpy as np

from datagen.engine import dsl
from datagen.engine.generators.context import BlockContext
from datagen.engine.values import Encoded, Values, encode


def generate(spec: dsl.EnumListSpec, col: dsl.Column, ctx: BlockContext) -> Values:
    positions = ctx.row_ids % len(spec.values)
    values = encode(spec.values, col.type)
    if isinstance(values, Encoded):
        return values.take(positions)
    return np.asarray(values)[positions]
