"""Corruption profiles: dirty data on purpose, with a ground truth of every defect.

`--profile clean` (the default) changes nothing: no stream is drawn, no byte
moves. `realistic` and `dirty` inject, at the rates of `PROFILE_RATES` (a
table may override them, see `rates_for`):

- missing       a value set to null (never the primary key);
- typo          a string with two letters swapped, one dropped or one doubled;
- out_of_range  a number pushed beyond its declared range (or its clamp);
- orphan_fk     a foreign key pointing at a key its parent does not have;
- duplicate     a row written twice, the copy right after the original;
- late_arrival  a fact row that arrives in the event stream (`--format events`)
                hours after its time, behind later events;
- out_of_order  a fact row swapped behind the next 1-3 events of the stream.

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
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from datagen.engine import dsl
from datagen.engine.errors import InputError
from datagen.engine.generators.kind import kind_of, spec_of
from datagen.engine.names import PROFILES
from datagen.engine.relations import foreign_keys, split_ref
from datagen.engine.rng import stream

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
# how far a late event arrives after its time: (min, max) seconds
LATE_DELAY = (3600, 72 * 3600)
OUT_OF_ORDER_SHIFT = (1, 3)  # events it is swapped behind


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
    """An FK whose parent keys are computed from the row index (a sequence): keys past the
    parent's last row do not exist."""

    kind: Any  # the parent key's generator kind (engine/generators/kind.py)
    spec: Any
    parent: str

    def keys(self, index: np.ndarray) -> np.ndarray:
        values = self.kind.value_at(self.spec, index)
        assert values is not None
        return np.asarray(values)


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
            rng = self._rng(name, block)
            u = rng.random(n)
            present = np.asarray(plain.is_valid().to_numpy(zero_copy_only=False))
            missing = (u < self.rates.missing) & present
            kind, rate = self._value_kind(name)
            other = (u >= self.rates.missing) & (u < self.rates.missing + rate) & present & ~missing
            changed = plain
            if other.any() and kind is not None:
                changed, other = self._apply(kind, name, plain, other, rng)
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
        self, kind: str, name: str, values: pa.Array, where: np.ndarray, rng: np.random.Generator
    ) -> tuple[pa.Array, np.ndarray]:
        """The picked cells changed by `kind`; `where` loses the cells that stayed the same."""
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
            replacement = pa.array(target.keys(beyond), values.type)
        else:
            raise AssertionError(kind)
        if not where.any():
            return values, where
        return pc.replace_with_mask(values, pa.array(where), replacement), where

    def arrival_delays(self, block: int, n: int) -> tuple[np.ndarray, np.ndarray] | None:
        """Per written row: its kind (1 late, 2 out of order) and delay (microseconds after its
        time for a late row, events it is swapped behind for an out-of-order one)."""
        late, shuffled = self.rates.late_arrival, self.rates.out_of_order
        if late <= 0 and shuffled <= 0:
            return None
        rng = self._rng("__arrival__", block)
        u = rng.random(n)
        kinds = np.where(u < late, 1, np.where(u < late + shuffled, 2, 0)).astype(np.int8)
        seconds = LATE_DELAY[0] + rng.random(n) * (LATE_DELAY[1] - LATE_DELAY[0])
        places = rng.integers(OUT_OF_ORDER_SHIFT[0], OUT_OF_ORDER_SHIFT[1] + 1, n)
        delays = np.where(
            kinds == 1,
            (seconds * MICROS_PER_SECOND).astype(np.int64),
            np.where(kinds == 2, places, 0),
        )
        return delays.astype(np.int64), kinds


def nullable(schema: pa.Schema) -> pa.Schema:
    """Every field nullable: any non-key value may go missing."""
    return pa.schema([f.with_nullable(True) for f in schema])


def _sequence_target(dataset: dsl.Dataset, table: str, column: str) -> OrphanTarget | None:
    node = dataset.node(table)
    col = node.column(column) if node else None
    if col is None or col.modifiers:
        return None
    kind, spec = kind_of(col), spec_of(col)
    if kind.value_at(spec, np.zeros(0, dtype=np.int64)) is None:
        return None
    return OrphanTarget(kind, spec, table)


def _bounds(dataset: dsl.Dataset, table: str, col: dsl.Column) -> tuple[float | None, float | None]:
    low: float | None = None
    high: float | None = None
    for rng in dataset.constraints.ranges:
        if split_ref(rng.column) == (table, col.name):
            if rng.min is not None and not isinstance(rng.min, str):
                low = float(rng.min)
            if rng.max is not None and not isinstance(rng.max, str):
                high = float(rng.max)
    bounds = kind_of(col).bounds(spec_of(col))
    if low is None and high is None and bounds:
        low, high = bounds
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


# --------------------------------------------------------------------------- scoring


@dataclass
class KindScore:
    injected: int  # in the ground truth
    found: int  # flagged by the rules below, from the data alone
    matched: int  # flagged and in the truth

    def to_dict(self) -> dict[str, Any]:
        return {
            "injected": self.injected,
            "found": self.found,
            "matched": self.matched,
            "recall": round(self.matched / self.injected, 4) if self.injected else None,
            "precision": round(self.matched / self.found, 4) if self.found else None,
        }


def score_defects(dataset: dsl.Dataset, data_dir: str | Path) -> dict[str, Any] | None:
    """What the data itself gives away, scored against `_defects.parquet` (None without one).

    From the data alone: duplicated primary keys, nulls where the schema allows
    none, numbers outside their declared range (or clamp), FKs with no parent,
    strings outside their column's known values (enum, choices) or pattern, and
    in the event feed, rows arriving after a later event (`late_arrival` and
    `out_of_order` are scored together as `delayed`). A missing value in a
    nullable column or a typo in free text cannot be told from the data: they
    lower recall, which is the point: it is what a cleaning pipeline must beat.
    """

    import pyarrow.parquet as pq

    from datagen.engine.writers.jsonl import connect_duckdb

    data_dir = Path(data_dir)
    truth_path = data_dir / DEFECTS_FILE
    if not truth_path.is_file():
        return None
    from datagen.engine.validate.run import read_metadata  # its file names are checked there

    meta = read_metadata(data_dir)
    truth = pq.read_table(truth_path).to_pylist()
    expected = {_truth_key(d) for d in truth}
    con = connect_duckdb()
    found: set[tuple[str, str, str, str]] = set()
    source = _attach_tables(con, dataset, data_dir, meta)
    for node in dataset.nodes if source is not None else []:
        found |= _detect(con, dataset, node)
    events = data_dir / str((meta.get("events") or {}).get("file") or "")
    if events.is_file() and events.suffix == ".jsonl":
        found |= _detect_delays(con, dataset, events)
    con.close()
    kinds = sorted({k[3] for k in expected | found})
    scores = {
        kind: KindScore(
            sum(1 for k in expected if k[3] == kind),
            sum(1 for k in found if k[3] == kind),
            sum(1 for k in found & expected if k[3] == kind),
        ).to_dict()
        for kind in kinds
    }
    if source is None:  # nothing readable (a sqlite-only run): the truth alone
        for score in scores.values():
            score.update(found=None, matched=None, recall=None, precision=None)
    return {
        "truth": DEFECTS_FILE,
        "profile": meta.get("profile"),
        "source": source,  # the format the tables were read from (None: no readable one)
        "kinds": scores,
    }


READERS = {"parquet": "read_parquet", "csv": "read_csv_auto", "jsonl": "read_json_auto"}


def _attach_tables(
    con: Any, dataset: dsl.Dataset, data_dir: Path, meta: dict[str, Any]
) -> str | None:
    """One view per table over the first readable format of the run; that format's name."""
    primary = meta.get("format", "parquet")
    formats: dict[str, list[str]] = meta.get("formats") or {
        primary: [str(t.get("file")) for t in (meta.get("tables") or {}).values()]
    }
    for fmt in (*READERS, "duckdb"):
        files = [data_dir / f for f in formats.get(fmt, [])]
        if not files or not all(f.is_file() for f in files):
            continue
        if fmt == "duckdb":
            con.execute(f"ATTACH '{files[0]}' AS source (READ_ONLY)")
        for node in dataset.nodes:
            if fmt == "duckdb":
                origin = f"source.{_q(node.id)}"
            else:
                file = data_dir / f"{node.id}.{fmt}"
                if not file.is_file():
                    continue
                origin = f"{READERS[fmt]}('{file}')"
            con.execute(f"CREATE OR REPLACE VIEW {_q(node.id)} AS SELECT * FROM {origin}")
        return fmt
    return None


def _truth_key(defect: dict[str, Any]) -> tuple[str, str, str, str]:
    kind = defect["kind"]
    if kind in ("late_arrival", "out_of_order"):
        return defect["table"], defect["row_key"], "", "delayed"
    if kind == "duplicate":
        return defect["table"], defect["row_key"], "", kind
    return defect["table"], defect["row_key"], defect["column"] or "", kind


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _detect(con: Any, dataset: dsl.Dataset, node: dsl.Node) -> set[tuple[str, str, str, str]]:
    from datagen.engine.ddl import column_may_be_null

    try:
        names = {row[0] for row in con.execute(f"DESCRIBE {_q(node.id)}").fetchall()}
    except Exception:  # no file for this table
        return set()
    table = node.id
    key = f"CAST({_q(node.pk)} AS VARCHAR)" if node.pk else "CAST(rowid AS VARCHAR)"
    found: set[tuple[str, str, str, str]] = set()

    def flag(column: str, kind: str, where: str) -> None:
        rows = con.execute(f"SELECT {key} FROM {_q(table)} WHERE {where}").fetchall()
        found.update((table, str(r[0]), column, kind) for r in rows)

    if node.pk:
        rows = con.execute(
            f"SELECT {key} FROM {_q(table)} GROUP BY ALL HAVING count(*) > 1"
        ).fetchall()
        found.update((table, str(r[0]), "", "duplicate") for r in rows)
    fks = {fk.column: fk for fk in foreign_keys(dataset) if fk.table == table}
    for col in node.columns:
        if col.name not in names or col.name == node.pk:
            continue
        name = _q(col.name)
        if not column_may_be_null(dataset, node, col):
            flag(col.name, "missing", f"{name} IS NULL")
        fk = fks.get(col.name)
        if fk is not None:
            parent = f"SELECT {_q(fk.ref_column)} FROM {_q(fk.ref_table)}"
            flag(
                col.name,
                "orphan_fk",
                f"{name} IS NOT NULL AND {name} NOT IN ({parent} WHERE {_q(fk.ref_column)} IS NOT NULL)",
            )
            continue
        if col.type in ("int", "float"):
            low, high = _bounds(dataset, table, col)
            tests = ([f"{name} < {low!r}"] if low is not None else []) + (
                [f"{name} > {high!r}"] if high is not None else []
            )
            if tests:
                flag(col.name, "out_of_range", " OR ".join(tests))
        elif col.type == "string":
            domain = _domain(dataset, table, col)
            if domain is not None:
                values = ", ".join("'" + str(v).replace("'", "''") + "'" for v in domain)
                flag(
                    col.name,
                    "typo",
                    f"{name} IS NOT NULL AND CAST({name} AS VARCHAR) NOT IN ({values})",
                )
            for pattern in dataset.constraints.pattern:
                if split_ref(pattern.column) == (table, col.name):
                    regex = pattern.regex.replace("'", "''")
                    flag(
                        col.name,
                        "typo",
                        f"{name} IS NOT NULL AND NOT regexp_matches({name}, '{regex}')",
                    )
    return found


def _domain(dataset: dsl.Dataset, table: str, col: dsl.Column) -> list[dsl.Scalar] | None:
    for enum in dataset.constraints.enum:
        if split_ref(enum.column) == (table, col.name):
            return list(enum.values)
    picks = None if col.modifiers else kind_of(col).picks(spec_of(col))
    if picks is not None and picks.choices is not None:
        return list(picks.choices)
    return None


def _detect_delays(con: Any, dataset: dsl.Dataset, events: Path) -> set[tuple[str, str, str, str]]:
    cases = " ".join(
        f"WHEN '{n.id}' THEN json_extract_string(json, '$.row.{n.pk}')"
        for n in dataset.nodes
        if n.pk
    )
    key = f"CASE json_extract_string(json, '$.table') {cases} END" if cases else "NULL"
    rows = con.execute(
        f"SELECT json_extract_string(json, '$.table'), {key}, "
        f"CAST(json_extract_string(json, '$.ts') AS TIMESTAMP) "
        f"FROM read_ndjson_objects('{events}')"
    ).fetchall()
    found: set[tuple[str, str, str, str]] = set()
    peak = None
    for table, row_key, ts in rows:  # the feed's order is the point: one pass, in order
        if ts is None:
            continue
        if peak is not None and ts < peak:
            found.add((table, str(row_key), "", "delayed"))
        peak = ts if peak is None or ts > peak else peak
    return found
