"""`excerpt`: a random piece of a text pool, TPC-H's "text string" (spec 4.2.2.10).

The pool is another table's string column, its values joined by single spaces
(built once per run by the store). Each row takes the piece that starts at a
random character and has a length uniform in [min_length, max_length]: two
random integers a row, and the pieces reach Arrow as string views into the pool
(built with numpy, no Python object per row) that Arrow copies into a plain string
array.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pyarrow as pa
from pydantic import Field, model_validator

from datagen.engine.dslbase import ColumnRef, Strict, split_ref
from datagen.engine.errors import Problem, SchemaError
from datagen.engine.generators.context import BlockContext
from datagen.engine.generators.kind import Kind, Site, ref_problem

if TYPE_CHECKING:
    from datagen.engine import dsl

MAX_LENGTH = 10_000  # a block of 131,072 rows stays under Arrow's 2 GiB of string bytes
_INT32_MAX = 2**31 - 1


class ExcerptSpec(Strict):
    """A random piece of another table's text: that column's values joined by spaces make
    the pool; each row's piece starts at a random character, its length uniform in
    [min_length, max_length] (TPC-H's comments: a "text string" cut from a pool of the
    grammar's sentences)."""

    from_: ColumnRef = Field(
        alias="from",
        description="the pool: a string column of another table (ASCII text)",
        examples=["supplier.s_sentences"],
    )
    min_length: int = Field(ge=0, le=MAX_LENGTH, description="shortest piece, in characters")
    max_length: int = Field(ge=0, le=MAX_LENGTH, description="longest piece, in characters")

    @model_validator(mode="after")
    def _ordered(self) -> ExcerptSpec:
        if self.max_length < self.min_length:
            raise ValueError(f"max_length {self.max_length} is below min_length {self.min_length}")
        return self


def excerpts(rng: np.random.Generator, n: int, pool: np.ndarray, low: int, high: int) -> pa.Array:
    """n pieces of `pool` (ASCII bytes): lengths uniform in [low, high] (at most the pool's
    length), each starting uniformly where it fits.

    Built as Arrow string views into the pool (16 bytes a row, numpy only: a piece of up
    to 12 bytes is inline, a longer one is its first 4 bytes and its offset), then cast
    to a plain string array: Arrow copies each piece in one memcpy."""
    size = len(pool)
    if size > _INT32_MAX:
        raise ValueError("an excerpt's pool is limited to 2 GiB")
    lengths = np.minimum(rng.integers(low, high + 1, n, dtype=np.int64), size).astype(np.int32)
    starts = rng.integers(0, size - lengths + 1, dtype=np.int64).astype(np.int32)
    padded = np.zeros(size + 16, dtype=np.uint8)
    padded[:size] = pool
    # the 4 bytes from any position, read unaligned
    words = np.ndarray((size + 12,), dtype="<u4", buffer=padded, strides=(1,))
    short = lengths <= 12
    views = np.empty((n, 4), dtype=np.uint32)
    views[:, 0] = lengths
    views[:, 1] = words[starts]
    views[:, 2] = np.where(short, words[starts + 4], 0)  # long: buffer 0, the pool
    views[:, 3] = np.where(short, words[starts + 8], starts)
    if short.any():  # an inline piece's bytes past its length are zero
        kept = np.clip(lengths[short, None] - np.array([0, 4, 8], dtype=np.int32), 0, 4)
        masks = (np.uint64(1) << (np.uint64(8) * kept.astype(np.uint64))) - np.uint64(1)
        views[short, 1:] &= masks.astype(np.uint32)
    text = pa.Array.from_buffers(
        pa.string_view(), n, [None, pa.py_buffer(views), pa.py_buffer(pool)]
    )
    return text.cast(pa.string())


class ExcerptKind(Kind[ExcerptSpec]):
    name = "excerpt"
    spec = ExcerptSpec
    types = frozenset({"string"})

    def problems(self, spec: ExcerptSpec, site: Site) -> list[Problem]:
        path = f"{site.gpath}.from"
        problem = ref_problem(site.dataset, path, spec.from_)
        if problem is not None:
            return [problem]
        table, column = split_ref(spec.from_)
        if table == site.node.id:
            return [Problem(path, "the pool must be a column of another table", "table.column")]
        node = site.dataset.node(table)
        pool_col = node.column(column) if node is not None else None
        if pool_col is not None and pool_col.type != "string":
            return [Problem(path, f"`{spec.from_}` is a {pool_col.type} column", "a string column")]
        return []

    def references(self, spec: ExcerptSpec) -> list[str]:
        return [spec.from_]

    def generate(self, spec: ExcerptSpec, col: dsl.Column, ctx: BlockContext) -> pa.Array:
        pool = ctx.store.text_pool(*split_ref(spec.from_))
        if len(pool) and int(pool.max()) >= 128:
            raise SchemaError(
                [
                    Problem(
                        f"{ctx.node.id}.{col.name}",
                        f"the pool `{spec.from_}` holds non-ASCII text: an excerpt cuts bytes",
                        "ASCII text in the pool column",
                    )
                ]
            )
        rng = ctx.rng(col.name)
        return excerpts(rng, ctx.n, pool, spec.min_length, spec.max_length)

    def plot(self, spec: ExcerptSpec) -> bool:
        return False
