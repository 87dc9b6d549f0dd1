"""`tpc_random` / `tpc_words` (engine/generators/tpc_random.py) draw dbgen's values.

The oracle is dbgen itself: values read off DuckDB's `CALL dbgen(sf=0.01)` (the first
orders, lines, parts and suppliers, below), and, with benchmarks/.venv-bench, whole
columns of examples/tpch.json at SF0.01 compared with SQL against dbgen's.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import duckdb
import numpy as np
import pyarrow.parquet as pq
import pytest

from datagen.engine.execute import generate_dataset
from datagen.engine.generators.tpc_random import MODULUS, MULTIPLIER, powers, seeds, uniform_int
from datagen.engine.load import load_dataset
from tests.dsl_doc_examples import cli_here, generate_for_any_workers, write_doc_example

ROOT = Path(__file__).resolve().parent.parent
BENCH_PYTHON = ROOT / "benchmarks" / ".venv-bench" / "bin" / "python"

# DuckDB 1.5.5's dbgen at SF0.01: orders 1-5 (customer, date, units of each line)
DBGEN_ORDERS = [
    (370, "1996-01-02", [17, 36, 8, 28, 24, 32]),
    (781, "1996-12-01", [38]),
    (1234, "1993-10-14", [45, 49, 27, 2, 28, 26]),
    (1369, "1995-10-11", [30]),
    (445, "1994-07-30", [15, 26, 50]),
]
DBGEN_S_NATIONKEY = [17, 5, 1, 15, 11, 14, 23, 17, 10, 24]  # suppliers 1-10


def test_seeds_are_park_miller_steps() -> None:
    """Draw j of row r is the stream's (r * boundary + j + 1)-th step, for any rows given."""
    seed, boundary = 1434868289, 3
    expected, value = [], seed
    for _ in range(40):
        value = value * MULTIPLIER % MODULUS
        expected.append(value)
    rows = np.array([0, 0, 1, 5, 12, 3, 12])
    draws = np.array([0, 2, 1, 0, 2, 2, 1])
    got = seeds(seed, boundary, rows, draws)
    assert got.tolist() == [expected[r * boundary + j] for r, j in zip(rows, draws, strict=True)]
    assert powers(7, 10).tolist() == [pow(7, k, MODULUS) for k in range(10)]


def test_a_block_of_rows_equals_the_whole_range() -> None:
    """Values are a function of the row: any split into blocks gives the same draws."""
    rows = np.arange(10_000)
    draws = np.zeros(len(rows), dtype=np.int64)
    whole = seeds(1066728069, 1, rows, draws)
    parts = [
        seeds(1066728069, 1, rows[a:b], draws[a:b]) for a, b in ((0, 3), (3, 4097), (4097, 10_000))
    ]
    assert np.array_equal(whole, np.concatenate(parts))


def test_the_first_values_are_dbgens() -> None:
    n = len(DBGEN_S_NATIONKEY)
    nations = uniform_int(seeds(110356601, 1, np.arange(n), np.zeros(n, dtype=np.int64)), 0, 24)
    assert nations.tolist() == DBGEN_S_NATIONKEY


def test_the_docs_example_gives_dbgens_first_orders(tmp_path: Path) -> None:
    out = generate_for_any_workers(write_doc_example("tpc-random", tmp_path), tmp_path, 7)
    orders = pq.read_table(out / "orders.parquet").to_pylist()
    lines = pq.read_table(out / "lineitem.parquet").to_pylist()
    got = [
        (
            o["o_custkey"],
            o["o_orderdate"].isoformat(),
            [li["l_quantity"] for li in lines if li["l_orderkey"] == o["o_orderkey"]],
        )
        for o in orders
    ]
    assert got == DBGEN_ORDERS
    assert [o["o_lines"] for o in orders] == [len(q) for _, _, q in DBGEN_ORDERS]
    assert [li["l_linenumber"] for li in lines[:7]] == [1, 2, 3, 4, 5, 6, 1]


def test_p_name_is_dbgens_five_colours(tmp_path: Path) -> None:
    colours = json.loads((ROOT / "examples" / "tpch.json").read_text())
    part = next(n for n in colours["nodes"] if n["id"] == "part")
    p_name = next(c for c in part["columns"] if c["name"] == "p_name")
    schema = {
        "version": "1.0",
        "nodes": [
            {"id": "part", "kind": "entity", "rows": 3, "columns": [p_name]},
        ],
    }
    path = tmp_path / "part.json"
    path.write_text(json.dumps(schema))
    result = cli_here("generate", path, "--out", tmp_path / "out", "--quiet")
    assert result.returncode == 0, result.stdout + result.stderr
    names = pq.read_table(tmp_path / "out" / "part.parquet").column("p_name").to_pylist()
    assert names == [
        "goldenrod lavender spring chocolate lace",
        "blush thistle blue yellow saddle",
        "spring green yellow purple cornsilk",
    ]


@pytest.mark.parametrize(
    ("change", "path", "message"),
    [
        ({"per": "parent"}, "generator.tpc_random.per", "needs a fact"),
        ({"high_rows": "nowhere", "high": None}, "generator.tpc_random.high_rows", "nowhere"),
        ({"draw": 3, "boundary": 2}, "generator.tpc_random", "past the row's 2 draws"),
    ],
)
def test_a_bad_spec_is_named(tmp_path: Path, change: dict, path: str, message: str) -> None:
    spec = {"seed": 5, "low": 1, "high": 9, **change}
    spec = {k: v for k, v in spec.items() if v is not None}
    schema = {
        "version": "1.0",
        "nodes": [
            {"id": "t", "kind": "entity", "rows": 3, "columns": [
                {"name": "x", "type": "int", "generator": {"tpc_random": spec}}]},
        ],
    }  # fmt: skip
    file = tmp_path / "bad.json"
    file.write_text(json.dumps(schema))
    result = cli_here("generate", file, "--out", tmp_path / "out")
    output = result.stdout + result.stderr
    assert result.returncode == 2, output
    assert path in output and message in output
    assert "Traceback" not in output


DBGEN_DUMP = """
import sys
from pathlib import Path
import duckdb, duckdb_extension_tpch
ext = next(Path(duckdb_extension_tpch.__file__).parent.rglob("tpch.duckdb_extension"))
con = duckdb.connect()
con.execute(f"LOAD '{ext}'")
con.execute("CALL dbgen(sf = 0.01)")
for table in ("orders", "lineitem", "part", "supplier", "partsupp"):
    con.execute(f"COPY {table} TO '{sys.argv[1]}/{table}.parquet' (FORMAT parquet)")
"""

# (table, join key, columns drawn on dbgen's streams)
DBGEN_COLUMNS = [
    ("orders", "o_orderkey", ["o_custkey", "o_orderdate"]),
    (
        "lineitem",
        "l_orderkey, l_linenumber",
        ["l_quantity", "l_partkey", "l_suppkey", "l_shipdate"],
    ),
    ("part", "p_partkey", ["p_name"]),
    ("supplier", "s_suppkey", ["s_nationkey"]),
    ("partsupp", "ps_partkey, ps_suppkey", ["ps_availqty", "ps_supplycost"]),
]


def test_tpch_columns_equal_dbgens_at_sf001(tmp_path: Path) -> None:
    if not BENCH_PYTHON.exists():
        pytest.skip(f"{BENCH_PYTHON} is missing: `make bench-env` creates it (duckdb 1.5.5 + tpch)")
    theirs = tmp_path / "dbgen"
    theirs.mkdir()
    done = subprocess.run(
        [str(BENCH_PYTHON), "-c", DBGEN_DUMP, str(theirs)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    ours = tmp_path / "ours"
    generate_dataset(
        load_dataset(ROOT / "examples" / "tpch.json"), ours, seed=42, scale=0.01, workers=2
    )
    wrong = {}
    for table, key, columns in DBGEN_COLUMNS:
        for column in columns:
            rows, differ = duckdb.sql(
                f"select count(*), count(*) filter (where a.{column} is distinct from b.{column}) "
                f"from '{ours}/{table}.parquet' a full join '{theirs}/{table}.parquet' b using ({key})"
            ).fetchall()[0]
            assert rows > 0
            if differ:
                wrong[f"{table}.{column}"] = f"{differ} of {rows} rows"
    assert wrong == {}


def test_scattered_rows_take_a_power_each() -> None:
    """Rows far apart (a lookup's) give the same seeds as the geometric sequence."""
    rows = np.array([5, 1_000_000, 3, 77_777, 5])
    draws = np.array([1, 0, 6, 2, 1])
    near = np.concatenate(
        [seeds(1808217256, 7, rows[i : i + 1], draws[i : i + 1]) for i in range(5)]
    )
    assert np.array_equal(seeds(1808217256, 7, rows, draws), near)
    assert near.tolist() == [
        1808217256 * pow(MULTIPLIER, 7 * int(r) + int(d) + 1, MODULUS) % MODULUS
        for r, d in zip(rows, draws, strict=True)
    ]


def test_a_row_draw_is_computed_again_not_kept() -> None:
    """orders.o_lines and o_days (per row) are functions of the row: never kept in memory."""
    from datagen.engine.store import TableStore

    store = TableStore(load_dataset(ROOT / "examples" / "tpch.json"))
    assert store.computable("orders", "o_lines") and store.computable("orders", "o_orderdate")
    assert not store.computable("lineitem", "l_quantity")  # per parent: drawn in its block
    assert not store.computable("orders", "o_ck")  # its range is a table's row count
