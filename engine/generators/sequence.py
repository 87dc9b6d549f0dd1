"""`sequence`: start + step * global row index (unique, gap-free, block-independent)."""

from __future__ import annotations

import numpy as np

from datagen.engine import dsl
from datagen.engine.generators.context import BlockContext


def generate(spec: dsl.SequenceSpec, col: dsl.Column, ctx: BlockContext) -> np.ndarray:
    return spec.start + spec.step * ctx.row_ids


def value_at(spec: dsl.SequenceSpec, index: np.ndarray) -> np.ndarray:
    return spec.start + spec.step * index.astype(np.int64)
