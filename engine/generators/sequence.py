"""`sequence`: start + step * global row index (unique, gap-free, block-independent)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from pydantic import Field, field_validator

from datagen.engine.dslbase import Strict
from datagen.engine.errors import Problem, SchemaError
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


INT64_MAX = 2**63 - 1


def generate(spec: SequenceSpec, col: dsl.Column, ctx: BlockContext) -> np.ndarray:
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

    def value_range(self, spec: SequenceSpec, rows: int | None = None) -> tuple[int, int] | None:
        if rows is None:
            return None  # grows with the table
        last = spec.start + spec.step * max(0, rows - 1)  # Python ints: exact past int64
        return min(spec.start, last), max(spec.start, last)

    def plot(self, spec: SequenceSpec) -> bool:
        return False
