"""What a run keeps of finished tables: the columns later tables read, and row counts.

Only those columns stay in memory. A key computed from the row index (a
sequence, or a formula of row_number() such as TPC-H's sparse order keys) is
not even kept: its values are recomputed for the rows asked, and a row is
found from its key by a vectorized bisection over the formula (the key rises
with the row), so memory does not grow with the parent's rows.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from datagen.engine import dsl
from datagen.engine.generators.kind import kind_of, spec_of
from datagen.engine.spill import Spilled, can_spill
from datagen.engine.values import Encoded, Values, as_numpy, to_arrow

COMPUTED_TYPES = ("int", "float", "bool", "date", "datetime")  # a formula read back on demand
T = TypeVar("T")
_BUILDING = threading.Lock()  # a value shared by blocks is built by one thread, once


@dataclass
class Kept:
    values: np.ndarray | Encoded | Spilled
    mask: np.ndarray | None


@dataclass
class TableStore:
    """Columns of finished tables that later tables read, plus row counts."""

    dataset: dsl.Dataset
    row_counts: dict[str, int] = field(default_factory=dict)
    kept: dict[tuple[str, str], Kept] = field(default_factory=dict)
    # (parent, column) -> the values of an aggregate column, collected from the child
    aggregates: dict[tuple[str, str], Kept] = field(default_factory=dict)
    # (table, column#sorted) -> (row order, sorted key values): key-to-row lookups
    key_cache: dict[tuple[str, str], tuple[np.ndarray, np.ndarray]] = field(default_factory=dict)
    sorted_cache: dict[tuple[str, str], np.ndarray] = field(default_factory=dict)
    # values built once per run and shared by every block (an excerpt's text pool)
    shared: dict[str, Any] = field(default_factory=dict)

    def rows(self, table: str) -> int:
        return self.row_counts[table]

    def _computed(self, table: str, column: str, index: np.ndarray) -> np.ndarray | None:
        """The values at `index` when the column's kind computes them from the row index
        (a sequence without modifiers), or when it is a formula of such columns of its row
        (TPC-H's part price from the part key): such a column is never kept."""
        node = self.dataset.node(table)
        col = node.column(column) if node else None
        if node is None or col is None or col.modifiers or col.null_rate > 0:
            return None
        values = kind_of(col).value_at(spec_of(col), index)
        if values is None:
            return self._row_formula(node, col, index)
        return as_numpy(values, col.type)

    def _row_formula(self, node: dsl.Node, col: dsl.Column, index: np.ndarray) -> np.ndarray | None:
        """An expression without randomness over other columns of its row that are computed
        from the row index, evaluated as the block does (a decimal rounded to its scale)."""
        from datagen.engine.decimals import from_floats
        from datagen.engine.expressions import ExpressionError, Scope, compiled
        from datagen.engine.logical import decimal_digits

        spec = spec_of(col)
        source = getattr(spec, "expr", None)
        if kind_of(col).name != "expression" or not isinstance(source, str):
            return None
        if col.type not in COMPUTED_TYPES or col.name in self._repaired(node):
            return None
        try:
            expression = compiled(source)
        except ExpressionError:
            return None
        if expression.uses or not expression.names:
            return None  # randomness, siblings, table sizes; a formula of the row alone: above
        env = {}
        for name in expression.names:
            other = node.column(name)
            if other is None or other.name == col.name or decimal_digits(other.format):
                return None  # an exact decimal input: its units, not its floats, in a block
            values = self._computed(node.id, name, index)
            if values is None:
                return None
            env[name] = values
        rows = np.asarray(index, dtype=np.int64)
        result = np.broadcast_to(
            np.asarray(expression(Scope(env, len(rows), rows=rows))), rows.shape
        )
        digits = decimal_digits(col.format)
        if digits is not None:
            return as_numpy(np.asarray(from_floats(result, digits[1])), col.type)
        return as_numpy(result.copy(), col.type)

    def _repaired(self, node: dsl.Node) -> set[str]:
        """Columns of the node that inequalities move row by row (their formula is not all)."""
        from datagen.engine.dslbase import split_ref
        from datagen.engine.plan import same_row_repairs

        moved = {column for column, _, _ in same_row_repairs(self.dataset, node)}
        for ineq in self.dataset.constraints.inequalities:
            table, column = split_ref(ineq.left)
            if table == node.id:
                moved.add(column)
        return moved

    def computable(self, table: str, column: str) -> bool:
        """Whether the column is computed from the row index (then it is never kept)."""
        return self._computed(table, column, np.zeros(0, dtype=np.int64)) is not None

    def _rising(self, table: str, column: str) -> bool:
        """Whether a computed column strictly rises with the row: checked once per run, a
        chunk at a time (memory stays at one chunk)."""
        cache_key = (table, f"{column}#rising")
        if cache_key not in self.sorted_cache:
            rows, chunk, rising, last = self.rows(table), 1 << 20, True, None
            for start in range(0, rows, chunk):
                index = np.arange(start, min(rows, start + chunk), dtype=np.int64)
                values = self._computed(table, column, index)
                assert values is not None
                if values.dtype.kind not in "iu" or np.any(np.diff(values) <= 0):
                    rising = False
                    break
                if last is not None and values[0] <= last:
                    rising = False
                    break
                last = values[-1]
            self.sorted_cache[cache_key] = np.array([rising])
        return bool(self.sorted_cache[cache_key][0])

    def _bisect(self, table: str, column: str, keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Rows whose computed, rising key equals `keys`: about log2(rows) evaluations of the
        key's formula over the keys asked, never over the whole table."""
        rows = self.rows(table)
        lo = np.zeros(len(keys), dtype=np.int64)
        hi = np.full(len(keys), rows, dtype=np.int64)  # the first row with key >= wanted
        while True:
            active = lo < hi
            if not active.any():
                break
            mid = (lo + hi) // 2
            values = self._computed(table, column, np.where(active, mid, 0))
            assert values is not None
            below = active & (values < keys)
            lo = np.where(below, mid + 1, lo)
            hi = np.where(active & ~below, mid, hi)
        found = np.minimum(lo, max(rows - 1, 0))
        values = self._computed(table, column, found)
        assert values is not None
        missing = (lo >= rows) | (values != keys)
        return np.where(missing, 0, found), missing

    def key_values(self, table: str, column: str, index: np.ndarray) -> np.ndarray:
        values = self._computed(table, column, index)
        assert values is not None, "self-references need a sequence key (checked by preflight)"
        return values

    def take(self, table: str, column: str, index: np.ndarray) -> tuple[Values, np.ndarray | None]:
        values = self._computed(table, column, index)
        if values is not None:
            return values, None
        kept = self.kept[(table, column)]
        values = kept.values.take(index) if isinstance(kept.values, Encoded) else kept.values[index]
        mask = kept.mask[index] if kept.mask is not None else None
        return values, mask

    def row_of(self, table: str, column: str, keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Row indexes of `table` whose `column` (a unique key) holds `keys`, and where none does.

        A binary search over the key's values, sorted once per run (a sequence key is
        computed from the row index, any other is kept). Rows without a match get index 0
        and True in the mask.
        """
        keys = np.asarray(keys)
        missing = np.zeros(len(keys), bool) if keys.dtype.kind != "f" else np.isnan(keys)
        if (
            keys.dtype.kind in "iu"
            and self.rows(table)
            and self.computable(table, column)
            and self._rising(table, column)
        ):
            index, absent = self._bisect(table, column, keys)
            return index, absent | missing
        order, ordered = self.sorted_rows(table, column)
        if len(ordered) == 0:
            return np.zeros(len(keys), np.int64), np.ones(len(keys), bool)
        probe = keys if keys.dtype.kind != "f" else np.where(missing, ordered[0], keys)
        position = np.minimum(np.searchsorted(ordered, probe), len(ordered) - 1)
        missing |= ordered[position] != probe
        return np.where(missing, 0, order[position]), missing

    def sorted_rows(self, table: str, column: str) -> tuple[np.ndarray, np.ndarray]:
        """(row order that sorts `column`, its values in that order), once per run."""
        cache_key = (table, f"{column}#sorted")
        if cache_key not in self.key_cache:  # threads may race here: both compute the same
            everything = np.arange(self.rows(table), dtype=np.int64)
            values = self._computed(table, column, everything)
            if values is None:
                kept = self.kept[(table, column)].values
                values = kept.decode() if isinstance(kept, Encoded) else np.asarray(kept)
            order = np.argsort(values, kind="stable")
            self.key_cache[cache_key] = (order, values[order])
        return self.key_cache[cache_key]

    def rows_where(self, table: str, source: str) -> np.ndarray:
        """Row indexes of `table` where the expression holds (a filtered foreign key)."""
        from datagen.engine.expressions import Scope, compiled, with_nulls

        cache_key = (table, f"where:{source}")
        if cache_key not in self.sorted_cache:
            expression = compiled(source)
            rows = self.rows(table)
            everything = np.arange(rows, dtype=np.int64)
            env = {}
            for name in expression.names:
                values, mask = self.take(table, name, everything)
                plain = values.decode() if isinstance(values, Encoded) else np.asarray(values)
                env[name] = with_nulls(plain, mask)
            holds = np.broadcast_to(np.asarray(expression(Scope(env, rows)), dtype=bool), (rows,))
            self.sorted_cache[cache_key] = np.flatnonzero(holds)
        return self.sorted_cache[cache_key]

    def distinct(self, table: str, column: str) -> Values:
        kept = self.kept.get((table, column))
        if kept is None:  # a sequence key
            return self.key_values(table, column, np.arange(self.rows(table)))
        if isinstance(kept.values, Encoded):
            used = np.unique(kept.values.codes)
            return Encoded(
                np.arange(len(used), dtype=np.int32), kept.values.dictionary.take(pa.array(used))
            )
        return np.unique(kept.values)

    def once(self, key: str, build: Callable[[], T]) -> T:
        """The value `build` makes, built by the first block that asks and shared by every
        block of the run (a lock: two workers do not build it twice)."""
        if key not in self.shared:
            with _BUILDING:
                if key not in self.shared:
                    self.shared[key] = build()
        value: T = self.shared[key]
        return value

    def text_pool(self, table: str, column: str) -> np.ndarray:
        """The non-null values of a kept text column joined by single spaces, as bytes (the
        pool an `excerpt` cuts pieces from; the caller keeps it, with `once`)."""
        kept = self.kept[(table, column)]
        values = kept.values
        codes = values.codes if isinstance(values, Encoded) else None
        assert codes is not None, "a kept text column is dictionary-encoded"
        if kept.mask is not None:
            codes = codes[~kept.mask]
        assert isinstance(values, Encoded)
        text = values.dictionary.take(pa.array(codes)).cast(pa.large_string())
        joined = pc.binary_join(
            pa.LargeListArray.from_arrays(pa.array([0, len(text)], pa.int64()), text),
            pa.scalar(" ", pa.large_string()),
        )[0]
        buffer = joined.as_buffer()
        return (
            np.frombuffer(buffer, dtype=np.uint8) if buffer is not None else np.zeros(0, np.uint8)
        )

    def sorted_seconds(self, table: str, column: str) -> np.ndarray:
        """Non-null epoch seconds of a kept datetime column, sorted once per run (event windows)."""
        key = (table, column)
        if key not in self.sorted_cache:
            kept = self.kept[key]
            values = np.asarray(kept.values).astype("datetime64[s]").astype(np.int64)
            self.sorted_cache[key] = np.sort(values if kept.mask is None else values[~kept.mask])
        return self.sorted_cache[key]


class KeptBuilder:
    """Collects a kept column block by block, then builds it once the table is done.

    Given the table's rows, a column other than text is filled in place as blocks
    come (no list of chunks joined at the end: memory holds the column once)."""

    def __init__(self, type_: str = "", rows: int | None = None) -> None:
        self.type = type_
        self.rows = rows
        self.chunks: list[Values] = []
        self.masks: list[np.ndarray | None] = []
        self.filled: np.ndarray | Spilled | None = None
        self.mask: np.ndarray | None = None
        self.at = 0

    def add(self, values: Values, mask: np.ndarray | None) -> None:
        if self.rows is None or self.type in ("", "string"):
            self.chunks.append(values)
            self.masks.append(mask)
            return
        plain = as_numpy(values, self.type)
        if self.filled is None:
            self.filled = (
                Spilled(plain.dtype, self.rows)
                if can_spill(self.type, self.rows)
                else np.empty(self.rows, dtype=plain.dtype)
            )
        stop = self.at + len(plain)
        if isinstance(self.filled, Spilled):
            self.filled.append(plain)
        else:
            self.filled[self.at : stop] = plain
        if mask is not None:
            if self.mask is None:
                self.mask = np.zeros(self.rows, bool)
            self.mask[self.at : stop] = mask
        self.at = stop

    def build(self, type_: str) -> Kept:
        if isinstance(self.filled, Spilled):
            return Kept(self.filled.finish(), self.mask)
        if self.filled is not None:
            assert self.at == len(self.filled), "a kept column missed blocks"
            return Kept(self.filled, self.mask)
        n = sum(len(c) for c in self.chunks)
        mask = None
        if any(m is not None for m in self.masks):
            mask = (
                np.concatenate(
                    [
                        m if m is not None else np.zeros(len(c), bool)
                        for c, m in zip(self.chunks, self.masks, strict=True)
                    ]
                )
                if self.chunks
                else np.zeros(0, bool)
            )
        if type_ == "string":
            arrays = [to_arrow(c, "string", None).cast(pa.string()) for c in self.chunks]
            joined = pa.concat_arrays(arrays) if arrays else pa.array([], pa.string())
            encoded = joined.dictionary_encode()
            codes = encoded.indices.to_numpy(zero_copy_only=False).astype(np.int32)
            return Kept(Encoded(codes, encoded.dictionary), mask)
        if not self.chunks:
            return Kept(as_numpy(np.zeros(0), type_), mask)
        values = np.concatenate([as_numpy(c, type_) for c in self.chunks])
        assert len(values) == n
        return Kept(values, mask)
