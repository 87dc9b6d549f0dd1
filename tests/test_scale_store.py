"""The parent-key store stays bounded: keys computed from the row index are never kept, and
a row is found from such a key without materializing the parent's keys."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from datagen.engine import dsl, execute
from datagen.engine.load import load_dataset
from datagen.engine.plan import build_plan
from datagen.engine.store import TableStore

TPCH = Path(__file__).parents[1] / "examples" / "tpch.json"


@pytest.fixture(scope="module")
def tpch():  # type: ignore[no-untyped-def]
    return load_dataset(TPCH)


def test_formula_and_sequence_keys_are_not_kept(tpch) -> None:  # type: ignore[no-untyped-def]
    plan = build_plan(tpch, 3, scale=0.003)
    executor = execute.InlineExecutor()
    store = None
    for table, run, store in execute._walk(plan, executor):
        for _ in execute._blocks(plan, table, run, store, executor, None):
            pass
    assert store is not None
    assert {"o_orderkey", "o_orderdate"} <= plan.keep["orders"]  # both are read later...
    # ...a date of dbgen's stream (tpc_random: a function of the row) is computed again
    assert ("orders", "o_orderdate") not in store.kept
    assert ("orders", "o_lines") not in store.kept
    assert ("orders", "o_orderkey") not in store.kept  # a row_number() formula is not
    assert ("part", "p_partkey") not in store.kept  # nor a sequence
    assert not any(key[1].startswith("o_orderkey") for key in store.key_cache)


def test_bisection_finds_the_rows_of_a_formula_key(tpch) -> None:  # type: ignore[no-untyped-def]
    store = TableStore(tpch)
    store.row_counts["orders"] = 100_003
    everything = store.take("orders", "o_orderkey", np.arange(100_003))[0]
    assert isinstance(everything, np.ndarray)
    rng = np.random.default_rng(0)
    present = rng.integers(0, 100_003, 5000)
    absent = np.array([0, -1, 8, 31, int(everything[-1]) + 1, int(everything[-1]) + 1000])
    keys = np.concatenate([everything[present], absent])
    rows, missing = store.row_of("orders", "o_orderkey", keys)
    assert np.array_equal(rows[:5000], present)
    assert not missing[:5000].any()
    assert missing[5000:].all() and (rows[5000:] == 0).all()
    assert ("orders", "o_orderkey#sorted") not in store.key_cache  # nothing of size rows held


def test_a_key_that_does_not_rise_falls_back_to_sorting(tpch) -> None:  # type: ignore[no-untyped-def]
    dataset = tpch.model_copy(deep=True)
    orders = dataset.node("orders")
    key = orders.column("o_orderkey")
    key.generator.expression.expr = "1000 - row_number()"  # type: ignore[union-attr]
    store = TableStore(dataset)
    store.row_counts["orders"] = 500
    rows, missing = store.row_of("orders", "o_orderkey", np.array([999, 501, 500, 5]))
    assert rows.tolist() == [0, 498, 499, 0] and missing.tolist() == [False, False, False, True]
    assert ("orders", "o_orderkey#sorted") in store.key_cache


def test_a_kept_column_is_filled_in_place_as_the_chunked_build_would() -> None:
    from datagen.engine.store import KeptBuilder

    blocks = [
        (np.array(["2024-01-01", "2024-01-02"], dtype="datetime64[D]"), None),
        (np.array(["2024-02-01"], dtype="datetime64[D]"), np.array([True])),
        (np.array(["2024-03-01", "2024-03-02"], dtype="datetime64[D]"), None),
    ]
    in_place, chunked = KeptBuilder("date", 5), KeptBuilder()
    for values, mask in blocks:
        in_place.add(values, mask)
        chunked.add(values, mask)
    assert in_place.chunks == [] and in_place.filled is not None  # no chunk list held
    a, b = in_place.build("date"), chunked.build("date")
    assert np.array_equal(a.values, b.values) and a.values.dtype == b.values.dtype
    assert a.mask is not None and b.mask is not None
    assert a.mask.tolist() == b.mask.tolist() == [False, False, True, False, False]


def test_a_formula_of_computed_columns_reads_back_what_was_written(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """TPC-H's part price, a formula of the part key rounded to cents, is read back on
    demand; a formula with randomness, or one an inequality moves, is not."""
    import pyarrow.parquet as pq

    from datagen.engine.execute import generate_dataset

    dataset = load_dataset(TPCH)
    out = tmp_path / "out"
    generate_dataset(dataset, out, seed=3, scale=0.002)
    store = TableStore(dataset)
    part = pq.read_table(out / "part.parquet")
    store.row_counts["part"] = part.num_rows
    rows = np.random.default_rng(0).integers(0, part.num_rows, 200)
    written = np.array([float(v) for v in part["p_retailprice"].to_pylist()])
    assert np.array_equal(store.take("part", "p_retailprice", rows)[0], written[rows])
    assert not store.computable("part", "p_size")  # randint(): random
    moved = dataset.model_copy(deep=True)  # an inequality moves the price row by row
    moved.constraints.inequalities.append(
        dsl.Inequality(left="part.p_retailprice", op=">", right="part.p_size")
    )
    assert not TableStore(moved).computable("part", "p_retailprice")
