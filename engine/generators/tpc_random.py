"""`tpc_random` and `tpc_words`: the TPC reference generator's (dbgen's) random streams.

dbgen draws every column from its own Park-Miller stream (seed <- seed * 16807 mod
2^31 - 1) and reserves a fixed number of draws per row (the stream's "boundary"),
so draw j of row r is a pure function of (r, j):

    seed(r, j) = seed_0 * 16807^(r * boundary + j + 1)  mod (2^31 - 1)
    RANDOM(low, high) = low + floor(seed / (2^31 - 1) * (high - low + 1))

A block computes its first row's seed by a modular power and the rest as a geometric
sequence (a doubling prefix product: log2(n) vectorized steps, 31-bit products in
uint64), so the values equal dbgen's for any block layout and worker count.

With `per: "parent"` the stream's row is the first parent's row and the draw moves on
by one per sibling, as dbgen draws a line item's values on its order's stream (7 draws
reserved per order, one per line). `tpc_words` is dbgen's `agg_str`: the first `count`
words of a partial Fisher-Yates shuffle of a word list (p_name's five colours).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from pydantic import Field, model_validator

from datagen.engine.dslbase import Identifier, Strict
from datagen.engine.errors import Problem
from datagen.engine.generators.context import BlockContext
from datagen.engine.generators.kind import Kind, Site, unknown_table

if TYPE_CHECKING:
    from datagen.engine import dsl

MODULUS = 2**31 - 1
MULTIPLIER = 16807


class TpcRandomSpec(Strict):
    """dbgen's RANDOM(low, high) on one of its streams: the integer of draw `draw` of the
    row on the stream that starts at `seed` and reserves `boundary` draws per row."""

    seed: int = Field(ge=1, lt=MODULUS, description="the stream's initial seed (dbgen's Seed[])")
    boundary: int = Field(1, ge=1, le=10_000, description="draws reserved per row")
    draw: int = Field(0, ge=0, description="which draw of the row, from 0")
    per: Literal["row", "parent"] = Field(
        "row",
        description="`row`: the stream's row is the table's row; `parent` (facts): the first "
        "parent's row, and each sibling takes the next draw (dbgen's line items)",
    )
    low: int = Field(ge=-(2**31), lt=2**31)
    high: int | None = Field(None, ge=-(2**31), lt=2**31, description="the largest value")
    high_rows: Identifier | None = Field(
        None, description="instead of `high`: the row count of this table (a key's range)"
    )

    @model_validator(mode="after")
    def _bounds(self) -> TpcRandomSpec:
        if (self.high is None) == (self.high_rows is None):
            raise ValueError("give one of `high` and `high_rows`")
        if self.high is not None and self.high < self.low:
            raise ValueError(f"high {self.high} is below low {self.low}")
        if self.draw >= self.boundary:
            raise ValueError(f"draw {self.draw} is past the row's {self.boundary} draws")
        return self


class TpcWordsSpec(Strict):
    """dbgen's `agg_str`: `count` distinct words of `words`, the first of a partial shuffle
    on the stream that starts at `seed` (len(words) draws reserved per row), joined by `sep`."""

    seed: int = Field(ge=1, lt=MODULUS, description="the stream's initial seed (dbgen's Seed[])")
    words: list[str] = Field(min_length=2, max_length=1000)
    count: int = Field(5, ge=1, le=1000)
    sep: str = Field(" ", max_length=10)

    @model_validator(mode="after")
    def _count(self) -> TpcWordsSpec:
        if self.count > len(self.words):
            raise ValueError(f"count {self.count} is more than the {len(self.words)} words")
        return self


def powers(ratio: int, count: int) -> np.ndarray:
    """ratio^0 .. ratio^(count - 1) mod 2^31 - 1, by doubling: log2(count) vectorized steps."""
    out = np.empty(max(count, 1), dtype=np.uint64)
    out[0] = 1
    filled, step = 1, ratio % MODULUS  # step = ratio^filled
    while filled < count:
        take = min(filled, count - filled)
        part = out[filled : filled + take]
        np.multiply(out[:take], np.uint64(step), out=part)
        np.remainder(part, np.uint64(MODULUS), out=part)
        filled += take
        step = step * step % MODULUS
    return out[:count]


def power_each(base: int, exponents: np.ndarray) -> np.ndarray:
    """base^e mod 2^31 - 1 for each e (square and multiply over the exponents' bits)."""
    out = np.ones(len(exponents), dtype=np.uint64)
    left = exponents.astype(np.uint64)
    square = np.uint64(base % MODULUS)
    while left.any():
        odd = (left & np.uint64(1)).astype(bool)
        out[odd] = out[odd] * square % np.uint64(MODULUS)
        left >>= np.uint64(1)
        square = square * square % np.uint64(MODULUS)
    return out


def seeds(stream: int, boundary: int, rows: np.ndarray, draws: np.ndarray) -> np.ndarray:
    """The stream's seed after draw `draws` of row `rows` (both 0-based), as uint64."""
    if len(rows) == 0:
        return np.zeros(0, dtype=np.uint64)
    first, last = int(rows.min()), int(rows.max())
    if last - first > 4 * len(rows) + 4096:  # scattered rows (a lookup): a power each
        steps = rows.astype(np.int64) * boundary + draws + 1
        return power_each(MULTIPLIER, steps) * np.uint64(stream) % np.uint64(MODULUS)
    # the block's first row: one modular power; the others a geometric sequence of rows
    start = stream * pow(MULTIPLIER, first * boundary + 1, MODULUS) % MODULUS
    by_row = powers(pow(MULTIPLIER, boundary, MODULUS), last - first + 1)
    low_draw, high_draw = int(draws.min()), int(draws.max())
    if low_draw == high_draw and last - first + 1 == len(rows) and rows[0] == first:
        # a block of consecutive rows, one draw each (an entity's column): no gather
        start = start * pow(MULTIPLIER, low_draw, MODULUS) % MODULUS
        by_row *= np.uint64(start)
        by_row %= np.uint64(MODULUS)
        return by_row
    by_row = by_row * np.uint64(start) % np.uint64(MODULUS)
    by_draw = powers(MULTIPLIER, high_draw + 1)
    return by_row[rows - first] * by_draw[draws] % np.uint64(MODULUS)


def uniform_int(values: np.ndarray, low: int, high: np.ndarray | int) -> np.ndarray:
    """dbgen's UnifInt: low + (long)((double) seed / M * (high - low + 1))."""
    span = np.asarray(high, dtype=np.float64) - low + 1
    return low + ((values.astype(np.float64) / MODULUS) * span).astype(np.int64)


def _rows_and_draws(ctx: BlockContext, per: str, draw: int) -> tuple[np.ndarray, np.ndarray]:
    if per == "row":
        return ctx.row_ids, np.full(ctx.n, draw, dtype=np.int64)
    siblings = ctx.siblings
    assert ctx.parent_index is not None and siblings is not None, "checked by the preflight"
    return ctx.parent_index.astype(np.int64), siblings.position.astype(np.int64) - 1 + draw


class TpcRandomKind(Kind[TpcRandomSpec]):
    name = "tpc_random"
    spec = TpcRandomSpec
    types = frozenset({"int"})

    def generate(self, spec: TpcRandomSpec, col: dsl.Column, ctx: BlockContext) -> np.ndarray:
        rows, draws = _rows_and_draws(ctx, spec.per, spec.draw)
        high = spec.high if spec.high is not None else ctx.store.rows(spec.high_rows or "")
        return uniform_int(seeds(spec.seed, spec.boundary, rows, draws), spec.low, high)

    def value_at(self, spec: TpcRandomSpec, index: np.ndarray) -> np.ndarray | None:
        """A function of the row: later tables compute it again instead of keeping it."""
        if spec.per != "row" or spec.high is None:
            return None
        rows = np.asarray(index, dtype=np.int64)
        draws = np.full(len(rows), spec.draw, dtype=np.int64)
        return uniform_int(seeds(spec.seed, spec.boundary, rows, draws), spec.low, spec.high)

    def problems(self, spec: TpcRandomSpec, site: Site) -> list[Problem]:
        found = []
        if spec.per == "parent" and site.node.fanout is None:
            found.append(
                Problem(
                    f"{site.gpath}.per",
                    f"`per: parent` needs a fact; `{site.node.id}` has no parent rows",
                    'a fact table with a fanout, or `per: "row"`',
                )
            )
        tables = {n.id for n in site.dataset.nodes}
        if spec.high_rows is not None and spec.high_rows not in tables:
            found.append(unknown_table(f"{site.gpath}.high_rows", spec.high_rows, tables))
        return found

    def reads(self, spec: TpcRandomSpec, site: Site) -> list[str]:
        return [f"{spec.high_rows}.*"] if spec.high_rows is not None else []

    def value_range(self, spec: TpcRandomSpec, rows: int | None = None) -> tuple[int, int] | None:
        return (spec.low, spec.high) if spec.high is not None else None

    def bounds(self, spec: TpcRandomSpec) -> tuple[float, float] | None:
        return (spec.low, spec.high) if spec.high is not None else None


class TpcWordsKind(Kind[TpcWordsSpec]):
    name = "tpc_words"
    spec = TpcWordsSpec
    types = frozenset({"string"})

    def generate(self, spec: TpcWordsSpec, col: dsl.Column, ctx: BlockContext) -> pa.Array:
        size = len(spec.words)
        order = np.broadcast_to(np.arange(size, dtype=np.int16), (ctx.n, size)).copy()
        every = np.arange(ctx.n)
        for i in range(spec.count):  # dbgen's permute: swap position i with RANDOM(i, size - 1)
            draws = np.full(ctx.n, i, dtype=np.int64)
            pick = uniform_int(seeds(spec.seed, size, ctx.row_ids, draws), i, size - 1)
            chosen = order[every, pick]
            order[every, pick] = order[:, i]
            order[:, i] = chosen
        words = pa.array(spec.words, pa.string())
        parts = [words.take(pa.array(order[:, i])) for i in range(spec.count)]
        return pc.binary_join_element_wise(*parts, spec.sep)

    def declared_values(self, spec: TpcWordsSpec) -> list[str] | None:
        return list(spec.words) if spec.count == 1 else None
