"""`sequence`: start + step * global row index (unique, gap-free, block-independent)."""

from __future__ import annotations

import numpy as np

from datagen.engine import dsl
from datagen.engine.errors import Problem, SchemaError
from datagen.engine.generators.context import BlockContext

INT64_MAX = 2**63 - 1


def generate(spec: dsl.SequenceSpec, col: dsl.Column, ctx: BlockContext) -> np.ndarray:
    last = spec.start + spec.step * max(0, ctx.stop - 1)  # Python ints: exact, one per block
    if not -INT64_MAX <= last <= INT64_MAX:
        raise SchemaError(
            [
                Problem(
                    f"{ctx.node.id}.{col.name}",
                    f"sequence start {spec.start:,} + step {spec.step:,} x {ctx.table_rows:,} "
                    "rows leaves the 64-bit integer range (keys would wrap into duplicates)",
                    "a smaller start, step or row count",
                )
            ]
        )
    return spec.start + spec.step * ctx.row_ids


def value_at(spec: dsl.SequenceSpec, index: np.ndarray) -> np.ndarray:
    return spec.start + spec.step * index.astype(np.int64)
