"""Kept columns and aggregates of big tables wait in a temporary file (engine/spill.py):
read back by row range, the same bytes as when they stay in memory."""

from __future__ import annotations

import hashlib
import pickle
from pathlib import Path

import numpy as np
import pyarrow.parquet as pq
import pytest

from datagen.engine import block, spill
from datagen.engine.execute import generate_dataset
from datagen.engine.load import load_dataset
from datagen.engine.spill import Spilled

EXAMPLES = Path(__file__).parent.parent / "examples"


def _spilled(values: np.ndarray, chunk: int = 7) -> Spilled:
    column = Spilled(values.dtype, len(values))
    for start in range(0, len(values), chunk):
        column.append(values[start : start + chunk])
    return column.finish()


def test_spilled_reads_back_ranges_indexes_and_whole() -> None:
    values = np.arange(100_000, dtype=np.int64) * 3 - 50
    column = _spilled(values, chunk=9_999)
    assert len(column) == 100_000 and column.shape == (100_000,)
    assert np.array_equal(column[10:20], values[10:20])
    assert np.array_equal(column[99_990:200_000], values[99_990:])
    index = np.array([5, 7, 5, 30, 6])
    assert np.array_equal(column[index], values[index])
    assert column._loaded is None  # a range was read, nothing loaded whole
    scattered = np.array([0, 99_999, 50_000])
    assert np.array_equal(column[scattered], values[scattered])
    assert column._loaded is not None  # spread over the column: loaded once and kept
    assert np.array_equal(np.asarray(column), values)
    assert np.array_equal(np.unique(column), np.unique(values))


def test_spilled_dates_negative_indexes_and_pickling() -> None:
    dates = np.arange("1992-01-01", "1992-03-01", dtype="datetime64[D]")
    column = _spilled(dates)
    assert column[[0, -1]].tolist() == [dates[0], dates[-1]]
    shipped = pickle.loads(pickle.dumps(column))  # to a Dask worker: the plain array
    assert isinstance(shipped, np.ndarray) and np.array_equal(shipped, dates)
    short = Spilled(np.int64, 5)
    short.append(np.arange(3))
    with pytest.raises(AssertionError, match="missed rows"):
        short.finish()


def _hashes(directory: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in directory.glob("*.parquet")}


def force_spilling(monkeypatch: pytest.MonkeyPatch) -> list[Spilled]:
    """Spill every kept column over 100 rows; the list fills with the columns spilled."""
    made: list[Spilled] = []
    real_init = Spilled.__init__

    def counted(self: Spilled, dtype: object, n: int) -> None:
        real_init(self, dtype, n)
        made.append(self)

    monkeypatch.setattr(spill, "SPILL_ROWS", 100)
    monkeypatch.setattr(block, "COARSE", 4)  # a running sum: many chunks of 256
    monkeypatch.setattr(Spilled, "__init__", counted)
    return made


@pytest.mark.parametrize("workers", [1, 2])
def test_tpch_bytes_are_the_same_with_kept_columns_spilled(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, workers: int
) -> None:
    dataset = load_dataset(EXAMPLES / "tpch.json")
    rows = {"part": 300, "supplier": 20, "customer": 200, "orders": 2_000}
    monkeypatch.setattr(block, "BLOCK_ROWS", 500)  # lineitem's ~8,000 rows: ~16 blocks
    generate_dataset(dataset, tmp_path / "memory", seed=3, rows=rows, workers=1)
    made = force_spilling(monkeypatch)
    generate_dataset(dataset, tmp_path / "spilled", seed=3, rows=rows, workers=workers)
    # orders' dates (read by lineitem), the aggregates into orders and the running sum of
    # lineitem's fanout over the orders went to files
    orders = pq.read_metadata(tmp_path / "memory" / "orders.parquet").num_rows
    assert orders > 64 * 4 * 2
    assert len(made) >= 4 and any(len(s) == orders and s.dtype == np.int64 for s in made)
    assert _hashes(tmp_path / "spilled") == _hashes(tmp_path / "memory")
    assert len(_hashes(tmp_path / "memory")) == 8


def _counts_by_chunk(schema: str, table: str, scale: float) -> dict[int, np.ndarray]:
    """The table's fanout counts drawn 3, 7, 256 and all parents at a time, once its parents
    are made."""
    from datagen.engine import execute
    from datagen.engine.plan import build_plan

    dataset = load_dataset(EXAMPLES / schema)
    plan = build_plan(dataset, 5, scale=scale)
    executor = execute.InlineExecutor()
    for name, run, store in execute._walk(plan, executor):
        if name == table:
            return {
                chunk: np.concatenate(list(block.fanout_count_chunks(plan, table, store, chunk)))
                for chunk in (1 << 30, 3, 7, 256)
            }
        for _ in execute._blocks(plan, name, run, store, executor, None):
            pass
    raise AssertionError(table)


@pytest.mark.parametrize(
    ("schema", "table", "scale"),
    [
        ("tpch.json", "lineitem", 0.01),  # shapes chosen `by` a parent column (o_lines)
        ("order_status.json", "order_event", 1.0),  # a state machine's path lengths
        ("shop.json", "order", 0.1),  # poisson
    ],
)
def test_fanout_counts_are_the_same_drawn_in_chunks(schema: str, table: str, scale: float) -> None:
    counts = _counts_by_chunk(schema, table, scale)
    whole = counts.pop(1 << 30)
    assert len(whole) >= 500 and whole.sum() > 0 and len(np.unique(whole)) > 1
    for chunk, drawn in counts.items():
        assert np.array_equal(drawn, whole), chunk


def test_a_big_fact_never_holds_a_count_per_parent(monkeypatch: pytest.MonkeyPatch) -> None:
    """4M and 12M parents: their counts (32 and 96 MB as int64) are drawn and summed a chunk
    at a time, so the peak is the chunk's, the same for both (lineitem's count per order is
    chosen `by` the order's `o_lines`, read a chunk of orders at a time)."""
    import tracemalloc

    from datagen.engine.plan import build_plan
    from datagen.engine.store import TableStore

    dataset = load_dataset(EXAMPLES / "tpch.json")
    peaks = []
    for parents in (4_000_000, 12_000_000):
        plan = build_plan(dataset, 5, scale=0.01)
        store = TableStore(dataset)
        store.row_counts["orders"] = parents
        tracemalloc.start()
        try:
            run = block.prepare_table(plan, "lineitem", store)
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
        assert isinstance(run.cumulative, Spilled) and len(run.cumulative) == parents
        assert 3 * parents < run.rows < 5 * parents  # uniform 1..7: 4 lines an order on average
        peaks.append(peak)
    assert peaks[1] < 1.1 * peaks[0]  # does not grow with the parents
    assert peaks[1] < 12_000_000 * 8 / 4  # a quarter of the counts held as int64
