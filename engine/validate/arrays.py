"""Arrow arrays as numpy for the validator's measures: values, validity, truth."""

from __future__ import annotations

from typing import Any, TypeAlias

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

ArrayLike: TypeAlias = pa.Array | pa.ChunkedArray | np.ndarray


def decoded(values: Any) -> Any:
    """Values as the checks read them: dictionaries decoded; a time of day as that time on
    1970-01-01 and a timestamp with a zone as plain UTC (the engine's datetime base type)."""
    if pa.types.is_dictionary(values.type):
        return values.cast(values.type.value_type)
    if pa.types.is_time(values.type):
        micros = values.cast(pa.time64("us")).cast(pa.int64())
        return micros.cast(pa.timestamp("us"))
    if pa.types.is_timestamp(values.type) and values.type.tz is not None:
        return values.cast(pa.int64()).cast(pa.timestamp(values.type.unit))
    return values


def to_numpy(values: ArrayLike, dtype: Any = None) -> np.ndarray:
    """Values as numpy (nulls must have been filled or dropped first)."""
    if isinstance(values, np.ndarray):
        array = values
    else:
        if isinstance(values, pa.ChunkedArray):
            values = values.combine_chunks() if values.num_chunks != 1 else values.chunk(0)
        array = values.to_numpy(zero_copy_only=False)
    return array.astype(dtype) if dtype is not None else array


def valid_mask(values: pa.Array | pa.ChunkedArray) -> np.ndarray:
    if values.null_count == 0:
        return np.ones(len(values), dtype=bool)
    return to_numpy(values.is_valid())


def true_mask(values: pa.Array | pa.ChunkedArray) -> np.ndarray:
    """A boolean Arrow result as numpy, null counted as False."""
    return to_numpy(pc.fill_null(values, False))
