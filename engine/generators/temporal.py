"""`datetime_series`: timestamps in a window, shaped by hour/dow/month patterns.

The window is cut into cells (hours when an hour pattern is declared, else
days); each cell's weight is the product of its pattern weights; rows pick
cells by inverse CDF and a uniform offset inside the cell, then are floored to
the column's freq. The validator derives expected shares from the same cells.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
from pydantic import Field, field_validator

from datagen.engine.dslbase import Freq, Pattern, Strict, Window, normalize_freq, parse_instant
from datagen.engine.errors import Problem
from datagen.engine.generators.context import BlockContext
from datagen.engine.generators.kind import Kind, Site, TimeShape
from datagen.engine.weights import inverse_cdf

if TYPE_CHECKING:
    from datagen.engine import dsl


class DatetimeSeriesSpec(Strict):
    """Timestamps inside the timeframe (or an own window), shaped by patterns."""

    within: Literal["timeframe"] | Window = "timeframe"
    freq: Freq | None = Field(
        None, description="resolution: s, min, h or D; default the timeframe's freq"
    )
    pattern: list[Pattern] = Field(default_factory=list)

    @field_validator("pattern", mode="before")
    @classmethod
    def _listify(cls, v: Any) -> Any:
        return [v] if isinstance(v, dict) else v

    @field_validator("freq", mode="before")
    @classmethod
    def _freq_alias(cls, v: Any) -> Any:
        return normalize_freq(v)


FREQ_SECONDS = {"s": 1, "min": 60, "h": 3600, "D": 86400}


def window_of(spec: DatetimeSeriesSpec, dataset: dsl.Dataset) -> tuple[int, int]:
    """[start, end) in epoch seconds."""
    if spec.within == "timeframe":
        assert dataset.timeframe is not None
        start, end = dataset.timeframe.start, dataset.timeframe.end
    else:
        start, end = spec.within.start, spec.within.end
    return int(parse_instant(start).astype(np.int64)), int(parse_instant(end).astype(np.int64))


def freq_of(spec: DatetimeSeriesSpec, dataset: dsl.Dataset) -> str:
    return spec.freq or (dataset.timeframe.freq if dataset.timeframe else "s")


def cell_seconds(patterns: tuple[tuple[str, tuple[float, ...]], ...]) -> int:
    return 3600 if any(dim == "hour" for dim, _ in patterns) else 86400


def pattern_key(spec: DatetimeSeriesSpec) -> tuple[tuple[str, tuple[float, ...]], ...]:
    return tuple((p.dimension, tuple(p.weights)) for p in spec.pattern)


@lru_cache(maxsize=128)
def cells(
    start: int, end: int, patterns: tuple[tuple[str, tuple[float, ...]], ...]
) -> tuple[np.ndarray, np.ndarray, int]:
    """(cell start seconds, cumulative weight, cell length) for a window and its patterns."""
    step = cell_seconds(patterns)
    first = start - start % step
    starts = np.arange(first, end, step, dtype=np.int64)
    weights = np.ones(len(starts), dtype=np.float64)
    # each cell's share of the window (the first and last may be partial)
    covered = np.minimum(starts + step, end) - np.maximum(starts, start)
    weights *= covered / step
    for dimension, w in patterns:
        weights *= np.asarray(w, dtype=np.float64)[calendar_part(starts, dimension)]
    if weights.sum() <= 0:
        weights = covered.astype(np.float64)
    cdf = np.cumsum(weights)
    cdf /= cdf[-1]
    return starts, cdf, step


def calendar_part(seconds: np.ndarray, dimension: str) -> np.ndarray:
    """Hour 0-23, dow 0-6 (Monday 0) or month 0-11 of epoch seconds."""
    if dimension == "hour":
        return (seconds // 3600) % 24
    if dimension == "dow":
        return (seconds // 86400 + 3) % 7  # 1970-01-01 was a Thursday
    months = seconds.astype("datetime64[s]").astype("datetime64[M]").astype(np.int64)
    return months % 12


def sample_seconds(
    rng: np.random.Generator, n: int, start: int, end: int, patterns: tuple, freq: str
) -> np.ndarray:
    if patterns:
        starts, cdf, step = cells(start, end, patterns)
        cell = inverse_cdf(cdf, rng.random(n)).clip(0, len(starts) - 1)
        lo = np.maximum(starts[cell], start)
        hi = np.minimum(starts[cell] + step, end)
        seconds = lo + (rng.random(n) * (hi - lo)).astype(np.int64)
    else:
        seconds = rng.integers(start, end, size=n, dtype=np.int64)
    unit = FREQ_SECONDS[freq]
    if unit > 1:
        seconds -= (seconds - start) % unit
    return seconds


def generate(spec: DatetimeSeriesSpec, col: dsl.Column, ctx: BlockContext) -> np.ndarray:
    start, end = window_of(spec, ctx.dataset)
    freq = freq_of(spec, ctx.dataset)
    seconds = sample_seconds(ctx.rng(col.name), ctx.n, start, end, pattern_key(spec), freq)
    out = seconds.astype("datetime64[s]")
    return out.astype("datetime64[D]") if col.type == "date" else out.astype("datetime64[us]")


class DatetimeSeriesKind(Kind[DatetimeSeriesSpec]):
    name = "datetime_series"
    spec = DatetimeSeriesSpec
    types = frozenset({"date", "datetime"})
    uniqueness = "never"

    def problems(self, spec: DatetimeSeriesSpec, site: Site) -> Iterator[Problem]:
        if spec.within == "timeframe" and site.dataset.timeframe is None:
            yield Problem(
                f"{site.gpath}.within",
                "`timeframe` is used but the schema has no `timeframe`",
                '{"timeframe": {"start": "2024-01-01", "end": "2025-01-01"}} or an own window',
            )
        hour = any(p.dimension == "hour" for p in spec.pattern)
        if hour and freq_of(spec, site.dataset) == "D":
            yield Problem(f"{site.gpath}.pattern", "an hour pattern needs a freq finer than a day")

    def generate(self, spec: DatetimeSeriesSpec, col: dsl.Column, ctx: BlockContext) -> np.ndarray:
        return generate(spec, col, ctx)

    def time_shape(self, spec: DatetimeSeriesSpec, dataset: dsl.Dataset) -> TimeShape | None:
        if spec.within == "timeframe" and dataset.timeframe is None:
            return None
        start, end = window_of(spec, dataset)
        freq = freq_of(spec, dataset)
        return TimeShape(
            start,
            end,
            freq,
            FREQ_SECONDS[freq],
            tuple(spec.pattern),
            in_timeframe=spec.within == "timeframe",
        )
