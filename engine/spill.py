"""Kept columns of big tables in a temporary file, read back a block's rows at a time."""

from __future__ import annotations

import os
import tempfile
import threading
from typing import Any

import numpy as np

SPILL_ROWS = 1 << 20  # a kept number column longer than this waits in a temporary file


def can_spill(type_: str, rows: int) -> bool:
    return (
        type_ in ("int", "float", "bool", "date", "datetime")
        and rows >= SPILL_ROWS
        and (hasattr(os, "preadv"))
    )


class Spilled:
    """A kept column of numbers in an unlinked temporary file, read back by row range.

    Later tables read a big parent's column a block of parents at a time (lineitem's
    blocks read orders' dates for consecutive orders), so the column need not stay in
    memory: memory does not grow with the parent's rows. A read spread over the whole
    column (a lookup through a random key) loads it once and keeps it, as before. Shipped
    to another process (Dask), it travels as the plain array.
    """

    def __init__(self, dtype: Any, rows: int) -> None:
        self.dtype = np.dtype(dtype)
        self.rows = rows
        # unlinked at once: gone with the process, whatever happens
        self._file = tempfile.TemporaryFile(prefix="datagen-kept-")  # noqa: SIM115 (lives with self)
        self._written = 0
        self._loaded: np.ndarray | None = None
        self._lock = threading.Lock()

    def append(self, values: np.ndarray) -> None:
        self._file.write(np.ascontiguousarray(values, dtype=self.dtype).tobytes())
        self._written += len(values)

    def finish(self) -> Spilled:
        assert self._written == self.rows, "a spilled column missed rows"
        self._file.flush()
        return self

    def __len__(self) -> int:
        return self.rows

    @property
    def shape(self) -> tuple[int]:
        return (self.rows,)

    def _read(self, lo: int, hi: int) -> np.ndarray:
        if self._loaded is not None:
            return self._loaded[lo:hi]
        out = np.empty(max(hi - lo, 0), dtype=self.dtype)
        if len(out):
            buffer: Any = out.view(np.uint8)  # numpy arrays are buffers (not typed as such)
            got = os.preadv(self._file.fileno(), [buffer], lo * self.dtype.itemsize)
            assert got == out.nbytes, "a spilled column came back short"
        return out

    def __getitem__(self, key: Any) -> np.ndarray:
        if isinstance(key, slice):
            start, stop, step = key.indices(self.rows)
            return self._read(start, stop) if step == 1 else self.full()[key]
        index = np.asarray(key)
        if index.dtype.kind not in "iu" or index.size == 0:
            return self.full()[index]
        lo, hi = int(index.min()), int(index.max()) + 1
        if lo >= 0 and hi - lo <= max(4 * index.size, 1 << 16):
            return self._read(lo, hi)[index - lo]
        return self.full()[index]

    def full(self) -> np.ndarray:
        with self._lock:
            if self._loaded is None:
                self._loaded = self._read(0, self.rows)
        return self._loaded

    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:
        values = self.full()
        return values if dtype is None else values.astype(dtype)

    def __reduce__(self) -> tuple[Any, tuple[np.ndarray]]:
        return (np.asarray, (self.full(),))
