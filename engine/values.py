"""How column values travel through the engine between generation and writing.

Numbers, booleans and datetimes are numpy arrays. Strings are kept
dictionary-encoded (`Encoded`: int32 codes into an Arrow dictionary) so that a
million rows drawn from a pool of a thousand names cost a million int32s, and
they reach Parquet as dictionary columns without re-encoding.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, TypeAlias

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc


@dataclass
class Encoded:
    codes: np.ndarray  # int32, indexes into dictionary
    dictionary: pa.Array  # string (or other) values

    def __len__(self) -> int:
        return len(self.codes)

    def take(self, index: np.ndarray) -> Encoded:
        return Encoded(self.codes[index], self.dictionary)

    def decode(self) -> np.ndarray:
        """Plain numpy values (object dtype for strings): for expressions and comparisons."""
        return np.asarray(self.dictionary.to_numpy(zero_copy_only=False))[self.codes]

    def to_arrow(self, mask: np.ndarray | None) -> pa.Array:
        unique = self.deduplicated()
        indices = pa.array(unique.codes, type=pa.int32(), mask=mask)
        return pa.DictionaryArray.from_arrays(indices, unique.dictionary)

    def deduplicated(self) -> Encoded:
        """The same values over a dictionary without repeats.

        Pools of several locales (or mapped values) can repeat a value; Arrow's
        Parquet writer does not write such dictionaries byte-identically twice.
        """
        distinct = pc.unique(self.dictionary)
        if len(distinct) == len(self.dictionary):
            return self
        remap = pc.index_in(self.dictionary, value_set=distinct).to_numpy(zero_copy_only=False)
        return Encoded(remap.astype(np.int32)[self.codes], distinct)


Values: TypeAlias = np.ndarray | Encoded | pa.Array


def encode(values: list[Any] | np.ndarray, type_: str) -> Values:
    """A small list of choices as block-ready values (strings encoded)."""
    if type_ == "string":
        return Encoded(np.arange(len(values), dtype=np.int32), pa.array([str(v) for v in values]))
    return as_numpy(np.asarray(values), type_)


def take(values: Values, index: np.ndarray) -> Values:
    """The values at these positions (strings stay encoded)."""
    return values.take(index) if isinstance(values, Encoded) else np.asarray(values)[index]


def as_numpy(values: Any, type_: str) -> np.ndarray:
    """Coerce generated values to the column's numpy dtype."""
    if isinstance(values, Encoded):
        values = values.decode()
    elif isinstance(values, (pa.Array, pa.ChunkedArray)):
        values = values.to_numpy(zero_copy_only=False)
    arr = np.asarray(values)
    if type_ == "int":
        if arr.dtype.kind == "f":
            return np.rint(np.nan_to_num(arr, nan=0.0, posinf=0.0, neginf=0.0)).astype(np.int64)
        if arr.dtype.kind in "OUS":
            return arr.astype(np.float64).round().astype(np.int64)
        return arr.astype(np.int64, copy=False)
    if type_ == "float":
        return arr.astype(np.float64, copy=False)
    if type_ == "bool":
        if arr.dtype.kind in "OUS":
            return np.isin(np.char.lower(arr.astype(str)), ["true", "1", "yes"])
        return arr.astype(bool, copy=False)
    if type_ == "datetime":
        return arr.astype("datetime64[us]")
    if type_ == "date":
        return arr.astype("datetime64[D]")
    if type_ == "string":
        return arr.astype(str) if arr.dtype.kind != "O" else arr
    raise AssertionError(type_)


def to_arrow(values: Values, type_: str, mask: np.ndarray | None) -> pa.Array:
    if mask is not None and not mask.any():
        mask = None
    if type_ == "string":
        if isinstance(values, Encoded):
            return values.to_arrow(mask)
        if isinstance(values, pa.Array):
            if mask is not None:
                values = pc.if_else(pa.array(mask), pa.nulls(len(values), values.type), values)
            return values if values.type == pa.string() else values.cast(pa.string())
        arr = np.asarray(values)
        if mask is None and arr.dtype.kind == "U" and (text := ascii_text(arr)) is not None:
            return text
        return pa.array(
            arr.astype(str) if arr.dtype.kind != "O" else arr, type=pa.string(), mask=mask
        )
    arr = as_numpy(values, type_)
    arrow_type = ARROW_TYPES[type_]
    return pa.array(arr, type=arrow_type, mask=mask)


def ascii_text(arr: np.ndarray) -> pa.Array | None:
    """A numpy fixed-width text array ('U', from expressions such as where(x, 'O', 'F')) as
    Arrow strings, bytes cut from its code points without a Python object per row; None if
    it is not ASCII."""
    width = arr.dtype.itemsize // 4
    points = np.ascontiguousarray(arr).view(np.uint32).reshape(len(arr), width)
    if points.size and int(points.max()) >= 128:
        return None
    # a value ends at its first NUL (where pa.array() ends it too)
    empty = points == 0
    lengths = np.where(empty.any(axis=1), np.argmax(empty, axis=1), width)
    offsets = np.zeros(len(arr) + 1, dtype=np.int64)
    np.cumsum(lengths, out=offsets[1:])
    if offsets[-1] > 2**31 - 1:
        return None
    data = points.astype(np.uint8)[np.arange(width) < lengths[:, None]]
    return pa.Array.from_buffers(
        pa.string(),
        len(arr),
        [None, pa.py_buffer(offsets.astype(np.int32)), pa.py_buffer(data)],
        null_count=0,
    )


ARROW_TYPES: dict[str, pa.DataType] = {
    "int": pa.int64(),
    "float": pa.float64(),
    "bool": pa.bool_(),
    "date": pa.date32(),
    "datetime": pa.timestamp("us"),
    "string": pa.string(),
}
