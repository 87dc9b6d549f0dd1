"""`sequence`: start + step * global row index (unique, gap-free, block-independent)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from pydantic import Field, field_validator

from datagen.engine.dslbase import Strict
from datagen.engine.generators.context import BlockContext
from datagen.engine.generators.kind import Kind

if TYPE_CHECKING:
    from datagen.engine import dsl


class SequenceSpec(Strict):
    """Consecutive integers: start, start+step, ... over the whole table."""

    start: int = 1
    step: int = Field(1, description="non-zero")

    @field_validator("step")
    @classmethod
    def _non_zero(cls, v: int) -> int:
        if v == 0:
            raise ValueError("step must not be 0")
        return v


def generate(spec: SequenceSpec, col: dsl.Column, ctx: BlockContext) -> np.ndarray:
    return spec.start + spec.step * ctx.row_ids


def value_at(spec: SequenceSpec, index: np.ndarray) -> np.ndarray:
    return spec.start + spec.step * index.astype(np.int64)


class SequenceKind(Kind[SequenceSpec]):
    """A key by construction: later tables recompute it from a row index, never keep it."""

    name = "sequence"
    spec = SequenceSpec
    types = frozenset({"int"})
    uniqueness = "always"

    def generate(self, spec: SequenceSpec, col: dsl.Column, ctx: BlockContext) -> np.ndarray:
        return generate(spec, col, ctx)

    def value_at(self, spec: SequenceSpec, index: np.ndarray) -> np.ndarray:
        return value_at(spec, index)

    def plot(self, spec: SequenceSpec) -> bool:
        return False
