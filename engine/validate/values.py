"""Helpers of the value checks (engine/validate/checks/: range, inequality, pattern, enum, unique)."""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc

from datagen.engine import dsl


def bound_scalar(bound: float | str, like: pa.DataType) -> pa.Scalar:
    """A range bound typed like the column (ISO strings for dates and datetimes)."""
    if pa.types.is_timestamp(like) or pa.types.is_date(like):
        instant = dsl.parse_instant(str(bound)).astype("datetime64[us]")
        return pa.scalar(instant, pa.timestamp("us")).cast(like)
    if pa.types.is_string(like) or pa.types.is_large_string(like):
        return pa.scalar(str(bound))
    return pa.scalar(float(bound))


class Extremes:
    """Running min and max over batches."""

    def __init__(self) -> None:
        self.low: object = None
        self.high: object = None

    def add(self, values: pa.Array) -> None:
        found = pc.min_max(values)
        low, high = found["min"].as_py(), found["max"].as_py()
        if low is not None and (self.low is None or low < self.low):
            self.low = low
        if high is not None and (self.high is None or high > self.high):
            self.high = high
