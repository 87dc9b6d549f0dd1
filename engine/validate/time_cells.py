"""Expected shares of hours, weekdays and months inside a time window.

The engine cuts a datetime_series window into hour cells, weights each cell
by the product of its hour / day-of-week (Mon=0) / month pattern weights and
by how much of the cell lies inside the window, samples cells in proportion
and places a timestamp uniformly inside its cell. The expected share of, say,
Saturdays is therefore the weight of Saturday cells over the total weight;
the same cells with no pattern give each bin's exposure (hours in the window).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from datagen.engine import dsl
from datagen.engine.generators.kind import TimeShape, kind_of, spec_of
from datagen.engine.validate.arrays import to_numpy

LABELS = {
    "hour": [f"{h:02d}h" for h in range(24)],
    "dow": ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"],
    "month": ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"],
}
HOUR = np.timedelta64(1, "h")


def bins_of(instants: np.ndarray, dimension: str) -> np.ndarray:
    """Hour of day, weekday (Mon=0) or month (Jan=0) of datetime64 values."""
    if dimension == "hour":
        return (instants.astype("datetime64[h]").astype(np.int64) % 24).astype(np.int64)
    if dimension == "dow":
        # 1970-01-01 was a Thursday (3)
        return ((instants.astype("datetime64[D]").astype(np.int64) + 3) % 7).astype(np.int64)
    if dimension == "month":
        return (instants.astype("datetime64[M]").astype(np.int64) % 12).astype(np.int64)
    raise ValueError(dimension)


def epoch_micros(values: pa.ChunkedArray) -> np.ndarray:
    """Microseconds since 1970 of a date or datetime column (nulls as 0), naive UTC."""
    if pa.types.is_timestamp(values.type) and values.type.tz is not None:
        values = values.cast(pa.timestamp(values.type.unit))
    values = values.cast(pa.timestamp("us"))
    if values.null_count:
        values = pc.fill_null(values, pa.scalar(0, pa.timestamp("us")))
    return to_numpy(values).view(np.int64)


def column_bins(values: pa.ChunkedArray, dimension: str) -> np.ndarray:
    """Hour / weekday / month bin of every row of a date or datetime column; -1 for nulls."""
    if dimension == "month":
        months = pc.fill_null(pc.month(values), 0)
        bins = to_numpy(months).astype(np.int8) - 1
    else:
        # float division is vectorized where int64 division is not; exact below 2**53 us
        units = np.floor(epoch_micros(values) / (3.6e9 if dimension == "hour" else 8.64e10))
        bins = np.mod(units if dimension == "hour" else units + 3, 24 if dimension == "hour" else 7)
        bins = bins.astype(np.int8)
        if values.null_count:
            bins[~to_numpy(values.is_valid())] = -1
    return bins


def bin_counts(bins: np.ndarray, size: int, step: int = 1 << 20) -> np.ndarray:
    """Rows per bin, ignoring -1 (null); in slices, as bincount widens int8 to int64."""
    counts = np.zeros(size, dtype=np.int64)
    for start in range(0, len(bins), step):
        part = bins[start : start + step]
        counts += np.bincount(part[part >= 0], minlength=size)
    return counts


def hour_cells(start: np.datetime64, end: np.datetime64) -> tuple[np.ndarray, np.ndarray]:
    """Hour cells covering [start, end) and the seconds of each cell inside the window."""
    first = start.astype("datetime64[h]")
    last = end.astype("datetime64[h]")
    if last < end:
        last = last + HOUR
    cells = np.arange(first, last, HOUR)
    cell_start = np.maximum(cells.astype("datetime64[s]"), start.astype("datetime64[s]"))
    cell_end = np.minimum((cells + HOUR).astype("datetime64[s]"), end.astype("datetime64[s]"))
    seconds = (cell_end - cell_start).astype(np.int64).astype(float)
    return cells, np.clip(seconds, 0, None)


def cell_weights(
    cells: np.ndarray, seconds: np.ndarray, patterns: Sequence[dsl.Pattern]
) -> np.ndarray:
    weights = seconds.copy()
    for pattern in patterns:
        weights *= np.asarray(pattern.weights, dtype=float)[bins_of(cells, pattern.dimension)]
    return weights


def expected_shares(
    start: np.datetime64, end: np.datetime64, patterns: Sequence[dsl.Pattern], dimension: str
) -> np.ndarray:
    """Share of timestamps falling in each bin of `dimension` (sums to 1)."""
    cells, seconds = hour_cells(start, end)
    weights = cell_weights(cells, seconds, patterns)
    per_bin = np.bincount(
        bins_of(cells, dimension), weights=weights, minlength=dsl.PATTERN_LENGTH[dimension]
    )
    total = per_bin.sum()
    return per_bin / total if total > 0 else per_bin


def exposure(start: np.datetime64, end: np.datetime64, dimension: str) -> np.ndarray:
    """Hours of the window that fall in each bin of `dimension`."""
    cells, seconds = hour_cells(start, end)
    return np.bincount(
        bins_of(cells, dimension), weights=seconds / 3600, minlength=dsl.PATTERN_LENGTH[dimension]
    )


def shape_window(shape: TimeShape) -> tuple[np.datetime64, np.datetime64]:
    """The window a temporal kind draws from, as datetime64[s] (end exclusive)."""
    return np.datetime64(shape.start, "s"), np.datetime64(shape.end, "s")


def column_shape(dataset: dsl.Dataset, col: dsl.Column) -> TimeShape | None:
    """What the column's generator kind promises about its timestamps, if it is temporal."""
    return kind_of(col).time_shape(spec_of(col), dataset)
