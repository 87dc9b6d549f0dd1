"""Corruption profiles: dirty data on purpose, with a ground truth of every defect.

`--profile clean` (the default) changes nothing: no stream is drawn, no byte
moves. `realistic` and `dirty` inject, at the rates of `PROFILE_RATES` (a
table may override them, see `rates_for`):

- missing       a value set to null (never the primary key);
- typo          a string with two letters swapped, one dropped or one doubled;
- out_of_range  a number pushed beyond its declared range (or its clamp);
- orphan_fk     a foreign key pointing at a key its parent does not have;
- duplicate     a row written twice, the copy right after the original;
- late_arrival, out_of_order
                a fact row delayed in the event stream (`--format events`),
                by hours or by minutes, so it arrives after later events.

Corruption happens on the way out, after generation: what later tables look
up is the clean data, and the clean run with the same seed is the reference
a cleaning pipeline can be scored against. Every defect is one row of
`_defects.parquet` (table, row = the row's position in the clean table,
row_key = its primary key as text, column, kind, original and corrupted
values as text). Draws come from streams seeded by (seed, table, column,
block), so the defects do not depend on the number of workers.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from datagen.engine import dsl
from datagen.engine.errors import InputError
from datagen.engine.relations import foreign_keys, split_ref
from datagen.engine.rng import stream

PROFILES = ("clean", "realistic", "dirty")
DEFECTS_FILE = "_defects.parquet"
DEFECT_KINDS = (
    "missing",
    "typo",
    "out_of_range",
    "orphan_fk",
    "duplicate",
    "late_arrival",
    "out_of_order",
)
DEFECT_SCHEMA = pa.schema(
    [
        ("table", pa.string()),
        ("row", pa.int64()),
        ("row_key", pa.string()),
        ("column", pa.string()),
        ("kind", pa.string()),
        ("original", pa.string()),
        ("corrupted", pa.string()),
    ]
)
MICROS_PER_SECOND = 1_000_000


@dataclass(frozen=True)
class Rates:
    """Shares of values (or rows, for duplicates and delays) that get each defect."""

    missing: float = 0.0
    typo: float = 0.0
    out_of_range: float = 0.0
    orphan_fk: float = 0.0
    duplicate: float = 0.0
    late_arrival: float = 0.0
    out_of_order: float = 0.0

    @property
    def any(self) -> bool:
        return any(getattr(self, f.name) > 0 for f in fields(self))


PROFILE_RATES: dict[str, Rates] = {
    "clean": Rates(),
    "realistic": Rates(
        missing=0.02,
        typo=0.01,
        out_of_range=0.005,
        orphan_fk=0.005,
        duplicate=0.005,
        late_arrival=0.01,
        out_of_order=0.03,
    ),
    "dirty": Rates(
        missing=0.08,
        typo=0.05,
        out_of_range=0.03,
        orphan_fk=0.03,
        duplicate=0.03,
        late_arrival=0.05,
        out_of_order=0.1,
    ),
}
# how far a delayed event arrives after its time: (min, max) seconds
LATE_DELAY = (3600, 72 * 3600)
OUT_OF_ORDER_DELAY = (1, 15 * 60)


def check_profile(profile: str) -> str:
    if profile not in PROFILES:
        raise InputError(f"--profile {profile!r} is unknown; choose one of: {', '.join(PROFILES)}")
    return profile


def rates_for(dataset: dsl.Dataset, table: str, profile: str) -> Rates:
    """The profile's rates, overridden by the table's own (`corruption` on a node, when the
    DSL has that field: {"missing": 0.1, ...}). The clean profile ignores overrides."""
    base = PROFILE_RATES[check_profile(profile)]
    if profile == "clean":
        return base
    node = dataset.node(table)
    override: Any = getattr(node, "corruption", None)
    if override is None:
        return base
    values = override if isinstance(override, dict) else override.model_dump(exclude_none=True)
    known = {f.name for f in fields(Rates)}
    return replace(base, **{k: float(v) for k, v in values.items() if k in known and v is not None})


# --------------------------------------------------------------------------- per table


@dataclass
class OrphanTarget:
    """An FK whose parent keys are a sequence: keys past the parent's last row do not exist."""

    start: int
    step: int
    parent: str


@dataclass
class CorruptedBlock:
    batch: pa.RecordBatch
    clean_rows: np.ndarray  # the clean row behind each written row
    defects: pa.Table | None


class Corruptor:
    """The plan of which columns get which defects, per table."""

    def __init__(self, dataset: dsl.Dataset, seed: int, profile: str):
        self.dataset = dataset
        self.seed = seed
        self.profile = check_profile(profile)

    def table(self, table: str, parent_rows: dict[str, int]) -> TableCorruptor | None:
        rates = rates_for(self.dataset, table, self.profile)
        if not rates.any:
            return None
        return TableCorruptor(self, table, rates, parent_rows)


class TableCorruptor:
    def __init__(
        self, owner: Corruptor, table: str, rates: Rates, parent_rows: dict[str, int]
    ) -> None:
        dataset = owner.dataset
        node = dataset.node(table)
        assert node is not None
        self.seed = owner.seed
        self.table = table
        self.rates = rates
        self.pk = node.pk
        self.orphans: dict[str, OrphanTarget] = {}
        fk_columns = set()
        for fk in foreign_keys(dataset):
            if fk.table != table:
                continue
            fk_columns.add(fk.column)
            target = _sequence_target(dataset, fk.ref_table, fk.ref_column)
            if target is not None and fk.ref_table in parent_rows:
                self.orphans[fk.column] = target
        self.parent_rows = parent_rows
        self.typos = [
            c.name
            for c in node.columns
            if c.type == "string" and c.name != self.pk and c.name not in fk_columns
        ]
        self.bounds: dict[str, tuple[float | None, float | None]] = {}
        for col in node.columns:
            if col.type in ("int", "float") and col.name != self.pk and col.name not in fk_columns:
                bounds = _bounds(dataset, table, col)
                if bounds != (None, None):
                    self.bounds[col.name] = bounds

    def _rng(self, column: str, block: int) -> np.random.Generator:
        return stream(self.seed, "corruption", self.table, column, block)

    def corrupt(self, batch: pa.RecordBatch, block: int, start: int) -> CorruptedBlock:
        n = batch.num_rows
        keys = _row_keys(batch, self.pk, start)
        defects: list[pa.Table] = []
        arrays = list(batch.columns)
        for i, name in enumerate(batch.schema.names):
            if name == self.pk or n == 0:
                continue
            array = arrays[i]
            dictionary = pa.types.is_dictionary(array.type)
            plain = array.cast(array.type.value_type) if dictionary else array
            u = self._rng(name, block).random(n)
            present = np.asarray(plain.is_valid().to_numpy(zero_copy_only=False))
            missing = (u < self.rates.missing) & present
            kind, rate = self._value_kind(name)
            other = (u >= self.rates.missing) & (u < self.rates.missing + rate) & present & ~missing
            changed = plain
            if other.any() and kind is not None:
                changed, other = self._apply(kind, name, plain, other, block)
                if other.any():
                    defects.append(
                        _records(self.table, start, keys, name, kind, plain, changed, other)
                    )
            if missing.any():
                defects.append(
                    _records(self.table, start, keys, name, "missing", plain, None, missing)
                )
                changed = pc.if_else(pa.array(missing), pa.nulls(n, changed.type), changed)
            if changed is not plain:
                arrays[i] = changed.dictionary_encode() if dictionary else changed
        corrupted = pa.RecordBatch.from_arrays(arrays, schema=nullable(batch.schema))
        clean_rows = np.arange(start, start + n, dtype=np.int64)
        if self.rates.duplicate > 0 and n:
            twice = self._rng("__duplicate__", block).random(n) < self.rates.duplicate
            if twice.any():
                index = np.repeat(np.arange(n), 1 + twice.astype(np.int64))
                corrupted = corrupted.take(pa.array(index))
                clean_rows = start + index
                defects.append(
                    _records(self.table, start, keys, None, "duplicate", None, None, twice)
                )
        table = pa.concat_tables(defects) if defects else None
        return CorruptedBlock(corrupted, clean_rows, table)

    def _value_kind(self, name: str) -> tuple[str | None, float]:
        if name in self.orphans:
            return "orphan_fk", self.rates.orphan_fk
        if name in self.typos:
            return "typo", self.rates.typo
        if name in self.bounds:
            return "out_of_range", self.rates.out_of_range
        return None, 0.0

    def _apply(
        self, kind: str, name: str, values: pa.Array, where: np.ndarray, block: int
    ) -> tuple[pa.Array, np.ndarray]:
        rng = self._rng(name, block)
        rng.random(len(values))  # the first draw of this stream chose the cells
        picked = values.filter(pa.array(where))
        if kind == "typo":
            text = np.asarray(picked.to_numpy(zero_copy_only=False), dtype=str)
            typed = with_typos(text, rng)
            real = typed != text
            where = where.copy()
            where[np.flatnonzero(where)[~real]] = False
            replacement = pa.array(typed[real], values.type)
        elif kind == "out_of_range":
            low, high = self.bounds[name]
            numbers = np.asarray(picked.to_numpy(zero_copy_only=False), dtype=np.float64)
            moved = outside(numbers, low, high, rng)
            if pa.types.is_integer(values.type):
                moved = np.where(
                    moved > (high if high is not None else np.inf), np.ceil(moved), moved
                )
                moved = np.where(
                    moved < (low if low is not None else -np.inf), np.floor(moved), moved
                )
            replacement = pa.array(moved.astype(values.type.to_pandas_dtype()), values.type)
        elif kind == "orphan_fk":
            target = self.orphans[name]
            rows = self.parent_rows[target.parent]
            beyond = rows + rng.integers(0, max(rows, 1), len(picked))
            replacement = pa.array(target.start + target.step * beyond, values.type)
        else:
            raise AssertionError(kind)
        if not where.any():
            return values, where
        return pc.replace_with_mask(values, pa.array(where), replacement), where

    def arrival_delays(self, block: int, n: int) -> tuple[np.ndarray, np.ndarray] | None:
        """Per written row: microseconds added to its arrival, and 1 late / 2 out of order."""
        late, shuffled = self.rates.late_arrival, self.rates.out_of_order
        if late <= 0 and shuffled <= 0:
            return None
        rng = self._rng("__arrival__", block)
        u = rng.random(n)
        kinds = np.where(u < late, 1, np.where(u < late + shuffled, 2, 0)).astype(np.int8)
        low = np.where(kinds == 1, LATE_DELAY[0], OUT_OF_ORDER_DELAY[0])
        high = np.where(kinds == 1, LATE_DELAY[1], OUT_OF_ORDER_DELAY[1])
        seconds = low + rng.random(n) * (high - low)
        delays = np.where(kinds > 0, (seconds * MICROS_PER_SECOND).astype(np.int64), 0)
        return delays, kinds


def nullable(schema: pa.Schema) -> pa.Schema:
    """Every field nullable: any non-key value may go missing."""
    return pa.schema([f.with_nullable(True) for f in schema])


def _sequence_target(dataset: dsl.Dataset, table: str, column: str) -> OrphanTarget | None:
    node = dataset.node(table)
    col = node.column(column) if node else None
    if col is None or col.modifiers:
        return None
    spec = dsl.generator_spec(col.generator)
    if not isinstance(spec, dsl.SequenceSpec):
        return None
    return OrphanTarget(spec.start, spec.step, table)


def _bounds(dataset: dsl.Dataset, table: str, col: dsl.Column) -> tuple[float | None, float | None]:
    low: float | None = None
    high: float | None = None
    for rng in dataset.constraints.ranges:
        if split_ref(rng.column) == (table, col.name):
            if rng.min is not None and not isinstance(rng.min, str):
                low = float(rng.min)
            if rng.max is not None and not isinstance(rng.max, str):
                high = float(rng.max)
    spec = dsl.generator_spec(col.generator)
    if low is None and high is None and isinstance(spec, dsl.DistributionSpec) and spec.clamp:
        low, high = spec.clamp
    return low, high


def outside(
    values: np.ndarray, low: float | None, high: float | None, rng: np.random.Generator
) -> np.ndarray:
    """Each value moved beyond one of the bounds, by 10% to 100% of the range's width."""
    n = len(values)
    width = (high - low) if low is not None and high is not None else None
    width = max(width or max(abs(low or 0.0), abs(high or 0.0), 1.0), 1e-9)
    gap = width * (0.1 + 0.9 * rng.random(n))
    above = rng.random(n) < 0.5
    if low is None:
        above[:] = True
    if high is None:
        above[:] = False
    return np.where(above, (high or 0.0) + gap, (low or 0.0) - gap)


def with_typos(text: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """A typo in each string, on the whole array at once: swap two neighbours (0), drop a
    letter (1) or double one (2). Strings shorter than two letters stay as they are."""
    n = len(text)
    if n == 0:
        return text
    text = text.astype(str)
    width = max(text.dtype.itemsize // 4, 1)
    codes = np.zeros((n, width + 2), dtype=np.uint32)
    codes[:, :width] = text.astype(f"<U{width}").view(np.uint32).reshape(n, width)
    lengths = np.char.str_len(text)
    op = rng.integers(0, 3, n)
    pos = (rng.random(n) * np.maximum(lengths - 1, 1)).astype(np.int64)
    j = np.arange(width + 1)[None, :]
    p = pos[:, None]
    swap = np.where(j == p, p + 1, np.where(j == p + 1, p, j))
    drop = j + (j >= p)
    double = j - (j > p)
    source = np.where(op[:, None] == 0, swap, np.where(op[:, None] == 1, drop, double))
    typed = np.take_along_axis(codes, np.clip(source, 0, width + 1), axis=1)
    new_length = lengths + (op == 2) - (op == 1)
    typed[j >= new_length[:, None]] = 0
    out = typed.copy().view(f"<U{width + 1}").reshape(n)
    return np.where(lengths >= 2, out, text)


def _row_keys(batch: pa.RecordBatch, pk: str | None, start: int) -> pa.Array:
    if pk is not None and pk in batch.schema.names:
        keys = batch.column(batch.schema.get_field_index(pk))
        if pa.types.is_dictionary(keys.type):
            keys = keys.cast(keys.type.value_type)
        return keys.cast(pa.string())
    return pa.array(np.arange(start, start + batch.num_rows).astype(str))


def _as_text(values: pa.Array | None, mask: pa.Array) -> pa.Array:
    if values is None:
        return pa.nulls(int(pc.sum(mask).as_py() or 0), pa.string())
    return values.filter(mask).cast(pa.string())


def _records(
    table: str,
    start: int,
    keys: pa.Array,
    column: str | None,
    kind: str,
    original: pa.Array | None,
    corrupted: pa.Array | None,
    where: np.ndarray,
) -> pa.Table:
    mask = pa.array(where)
    rows = np.flatnonzero(where) + start
    count = len(rows)
    return pa.table(
        [
            pa.array([table] * count, pa.string()),
            pa.array(rows, pa.int64()),
            keys.filter(mask),
            pa.array([column] * count, pa.string()),
            pa.array([kind] * count, pa.string()),
            _as_text(original, mask),
            _as_text(corrupted, mask),
        ],
        schema=DEFECT_SCHEMA,
    )
