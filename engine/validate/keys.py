"""Key matching for uniqueness and foreign keys, by sorting rather than hashing.

Arrow's hash kernels need gigabytes and seconds for 10M distinct keys; a
numpy sort needs one extra copy of the column and a fraction of the time,
and the common case (sequence keys, start + i * step) needs neither: a key's
row is arithmetic. Strings fall back to Arrow's hash kernels.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from datagen.engine.validate.arrays import to_numpy, valid_mask


def _sortable(arrow_type: pa.DataType) -> bool:
    return (
        pa.types.is_integer(arrow_type)
        or pa.types.is_floating(arrow_type)
        or pa.types.is_temporal(arrow_type)
        or pa.types.is_boolean(arrow_type)
    )


def _increasing(values: np.ndarray) -> bool:
    return len(values) < 2 or bool(np.all(values[1:] > values[:-1]))


def duplicates(values: pa.ChunkedArray, limit: int = 5) -> tuple[int, list[tuple[Any, int]]]:
    """(rows whose key repeats an earlier one, the first `limit` repeated keys with counts).

    Nulls are not keys and are ignored.
    """
    valid = values.drop_null() if values.null_count else values
    if not _sortable(valid.type):
        counts = pc.value_counts(valid)
        repeated = counts.filter(pc.greater(counts.field("counts"), 1))
        extra = pc.sum(repeated.field("counts")).as_py() or 0
        items = repeated[:limit].to_pylist()
        return extra - len(repeated), [(i["values"], i["counts"]) for i in items]
    keys = to_numpy(valid)
    if _increasing(keys):
        return 0, []
    ordered = np.sort(keys)
    same = ordered[1:] == ordered[:-1]
    extra = int(same.sum())
    if not extra:
        return 0, []
    repeated, counts = np.unique(ordered[1:][same], return_counts=True)
    examples = pa.array(repeated[:limit]).cast(valid.type).to_pylist()
    return extra, [(k, int(c) + 1) for k, c in zip(examples, counts[:limit], strict=True)]


def increasing(batches: Iterable[pa.Array]) -> bool:
    """Whether non-null values only ever grow, read batch by batch (sequence keys do).

    Strictly increasing keys are unique, so this settles uniqueness without
    holding the column; only when it fails does `duplicates` need the whole column.
    """
    last: Any = None
    for values in batches:
        if not _sortable(values.type):
            return False
        array = to_numpy(values.drop_null() if values.null_count else values)
        if len(array) == 0:
            continue
        if not _increasing(array) or (last is not None and not array[0] > last):
            return False
        last = array[-1]
    return True


class KeyIndex:
    """The row of each key of a parent column: built once, asked batch by batch.

    `rows(child)` gives, per child value, the parent row holding it (the first
    one if keys repeat), or -1 when there is none or the child value is null.
    """

    def __init__(self, parent: pa.ChunkedArray):
        self.parent = parent
        self.size = len(parent)
        self.start = self.step = 0
        self.ordered: np.ndarray | None = None
        self.order: np.ndarray | None = None
        self.positions: np.ndarray | None = None  # parent rows of the non-null keys
        self.hashed: pa.Array | None = None
        if not _sortable(parent.type):
            self.hashed = parent.combine_chunks()
            return
        keys = to_numpy(parent.drop_null() if parent.null_count else parent)
        if parent.null_count:
            self.positions = np.flatnonzero(valid_mask(parent))
        elif pa.types.is_integer(parent.type) and self._arithmetic(keys):
            return
        if not _increasing(keys):
            self.order = np.argsort(keys, kind="stable")
            keys = keys[self.order]
        self.ordered = keys

    def _arithmetic(self, keys: np.ndarray) -> bool:
        if len(keys) < 2:
            return False
        step = int(keys[1] - keys[0])
        if step == 0 or not bool(np.all(np.diff(keys) == step)):
            return False
        self.start, self.step = int(keys[0]), step
        return True

    def rows(self, child: pa.Array) -> np.ndarray:
        valid = valid_mask(child)
        if child.type != self.parent.type:
            try:
                child = child.cast(self.parent.type)
            except pa.ArrowException:
                return self._hashed_rows(child.cast(pa.string()), as_strings=True)
        if self.hashed is not None:
            return self._hashed_rows(child)
        if child.null_count == len(child):
            return np.full(len(child), -1, dtype=np.int64)
        if child.null_count:
            # any valid value stands in for the nulls, which `valid` then rules out
            child = pc.fill_null(child, child.drop_null()[0])
        keys = to_numpy(child)
        if self.step:
            row = keys.astype(np.int64) - self.start
            if self.step == 1:
                found = (row >= 0) & (row < self.size)
            else:
                row, remainder = np.divmod(row, self.step)
                found = (remainder == 0) & (row >= 0) & (row < self.size)
            return np.where(found & valid, row, -1)
        assert self.ordered is not None
        if len(self.ordered) == 0:
            return np.full(len(keys), -1, dtype=np.int64)
        slot = np.minimum(np.searchsorted(self.ordered, keys), len(self.ordered) - 1)
        found = (self.ordered[slot] == keys) & valid
        row = slot if self.order is None else self.order[slot]
        if self.positions is not None:
            row = self.positions[row]
        return np.where(found, row, -1).astype(np.int64)

    def _hashed_rows(self, child: pa.Array, as_strings: bool = False) -> np.ndarray:
        parent = self.hashed
        if parent is None or as_strings:
            parent = self.parent.combine_chunks().cast(pa.string())
        # skip_nulls: a null child matches nothing, not a null parent key
        index = pc.index_in(child, value_set=parent, skip_nulls=True)
        return to_numpy(pc.fill_null(index, -1), np.int64)
