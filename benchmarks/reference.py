"""The references datagen is measured against: the numpy + pyarrow ceiling for
dataset (a), and DuckDB dbgen + COPY and tpchgen-cli for TPC-H (pinned versions,
in their own environment)."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from workloads import CHANNEL, FACT_END, FACT_PARENTS, FACT_START, N_CATEGORIES, STATUS, ZIPF_A

HERE = Path(__file__).resolve().parent
BENCH_ENV = HERE / ".venv-bench"
# duckdb-extension-tpch must match the duckdb it is loaded into, exactly.
DUCKDB_VERSION = "1.5.5"
TPCHGEN_VERSION = "4.0.0"
BENCH_PACKAGES = [
    f"duckdb=={DUCKDB_VERSION}",
    f"duckdb-extension-tpch=={DUCKDB_VERSION}",
    f"tpchgen-cli=={TPCHGEN_VERSION}",
]
TPCH_TABLES = ["region", "nation", "supplier", "customer", "part", "partsupp", "orders", "lineitem"]


def child_reference(args: dict[str, Any]) -> dict[str, Any]:
    """The ceiling: the fact table of (a) written directly with numpy + pyarrow.

    Same column types, the same block size as one row group, snappy, the same
    dictionary-encoded columns as datagen writes; the same sampling methods
    (inverse CDF for weighted picks, FK by the parent's cumulative fanout).
    No schema, no plan, no generic dispatch: only the numpy calls.
    """
    import numpy as np
    import pyarrow as pa
    import pyarrow.parquet as pq

    from datagen.engine.plan import BLOCK_ROWS

    rows = int(args["fact_rows"])
    fanout = max(1, rows // FACT_PARENTS)
    out = Path(args["out"])
    out.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    # parents: the entity table (small) and the fact's cumulative fanout
    parent_ids = np.arange(1, FACT_PARENTS + 1, dtype=np.int64)
    pq.write_table(
        pa.table(
            {
                "account_id": parent_ids,
                "tier": pa.DictionaryArray.from_arrays(
                    pa.array(np.random.default_rng(1).integers(0, 2, FACT_PARENTS), pa.int32()),
                    pa.array(["free", "pro"]),
                ),
            }
        ),
        out / "account.parquet",
        compression="snappy",
    )
    cumulative = np.cumsum(np.full(FACT_PARENTS, fanout, dtype=np.int64))
    total = int(cumulative[-1])

    def cdf(weights: Any) -> Any:
        c = np.cumsum(np.asarray(weights, dtype=np.float64))
        return c / c[-1]

    status_cdf, channel_cdf = cdf(STATUS[1]), cdf(CHANNEL[1])
    category_cdf = cdf(1.0 / np.power(np.arange(1, N_CATEGORIES + 1, dtype=np.float64), ZIPF_A))
    dictionaries = {
        "status": pa.array(STATUS[0]),
        "channel": pa.array(CHANNEL[0]),
        "category": pa.array([f"cat_{i:02d}" for i in range(N_CATEGORIES)]),
    }
    lo = int(np.datetime64(FACT_START, "s").astype(np.int64))
    hi = int(np.datetime64(FACT_END, "s").astype(np.int64))
    strings = pa.dictionary(pa.int32(), pa.string())
    schema = pa.schema(
        [
            pa.field("event_id", pa.int64(), False),
            pa.field("account_id", pa.int64()),
            pa.field("amount", pa.float64(), False),
            pa.field("quantity", pa.int64(), False),
            pa.field("score", pa.float64(), False),
            pa.field("status", strings, False),
            pa.field("channel", strings, False),
            pa.field("category", strings, False),
            pa.field("created_at", pa.timestamp("us"), False),
            pa.field("is_flagged", pa.bool_(), False),
        ]
    )
    dictionary_columns = ["account_id", "status", "channel", "category", "is_flagged"]
    writer = pq.ParquetWriter(
        out / "event.parquet", schema, compression="snappy", use_dictionary=dictionary_columns
    )

    def pick(rng: Any, c: Any, n: int) -> Any:
        return np.searchsorted(c, rng.random(n), side="right").astype(np.int32)

    for block, start in enumerate(range(0, total, BLOCK_ROWS)):
        stop = min(total, start + BLOCK_ROWS)
        n = stop - start
        rng = [np.random.Generator(np.random.PCG64([block, k])) for k in range(9)]
        row_ids = np.arange(start, stop, dtype=np.int64)
        seconds = rng[7].integers(lo, hi, n, dtype=np.int64)
        arrays = [
            pa.array(row_ids + 1),
            pa.array(parent_ids[np.searchsorted(cumulative, row_ids, side="right")]),
            pa.array(np.clip(rng[0].lognormal(3.5, 0.6, n), 1, 5000)),
            pa.array(rng[1].poisson(3, n).astype(np.int64)),
            pa.array(rng[2].normal(0, 1, n)),
            pa.DictionaryArray.from_arrays(
                pa.array(pick(rng[3], status_cdf, n)), dictionaries["status"]
            ),
            pa.DictionaryArray.from_arrays(
                pa.array(pick(rng[4], channel_cdf, n)), dictionaries["channel"]
            ),
            pa.DictionaryArray.from_arrays(
                pa.array(pick(rng[5], category_cdf, n)), dictionaries["category"]
            ),
            pa.array(seconds.astype("datetime64[s]").astype("datetime64[us]")),
            pa.array(rng[6].random(n) < 0.05),
        ]
        writer.write_batch(pa.RecordBatch.from_arrays(arrays, schema=schema), row_group_size=n)
    writer.close()
    seconds_inner = time.perf_counter() - t0
    size = sum(p.stat().st_size for p in out.glob("*.parquet"))
    return {
        "seconds_inner": seconds_inner,
        "rows": total + FACT_PARENTS,
        "fact_rows": total,
        "bytes": size,
    }


def child_duckdb(args: dict[str, Any]) -> dict[str, Any]:
    """DuckDB: CALL dbgen(sf) then COPY each table to Parquet (runs in .venv-bench)."""
    import duckdb
    import duckdb_extension_tpch  # the PyPI package that ships the extension file

    ext = next(Path(duckdb_extension_tpch.__file__).parent.rglob("tpch.duckdb_extension"))
    out = Path(args["out"])
    out.mkdir(parents=True, exist_ok=True)
    sf = float(args["sf"])
    # in memory up to SF2 (DuckDB holds the whole dataset: ~2 GB at SF1); past it, a
    # database file with a memory limit, so SF10 (~20 GB in memory) fits this machine
    database = str(out / "dbgen.duckdb") if sf > 2 else ":memory:"
    con = duckdb.connect(database)
    con.execute(f"SET threads = {int(args['threads'])}")
    if database != ":memory:":
        con.execute("SET memory_limit = '6GB'")
        con.execute(f"SET temp_directory = '{out / 'spill'}'")
    t0 = time.perf_counter()
    con.execute(f"LOAD '{ext}'")
    con.execute(f"CALL dbgen(sf = {sf})")
    t1 = time.perf_counter()
    rows = 0
    for table in TPCH_TABLES:
        rows += con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]  # type: ignore[index]
        con.execute(
            f"COPY {table} TO '{out / (table + '.parquet')}' (FORMAT parquet, COMPRESSION snappy)"
        )
    t2 = time.perf_counter()
    size = sum(p.stat().st_size for p in out.glob("*.parquet"))
    con.close()
    return {
        "seconds_inner": t2 - t0,
        "seconds_dbgen": t1 - t0,
        "seconds_copy": t2 - t1,
        "rows": rows,
        "bytes": size,
        "duckdb": duckdb.__version__,
        "extension": str(ext),
        "database": "file, memory_limit 6GB" if database != ":memory:" else "memory",
    }


def ensure_bench_env() -> str:
    """benchmarks/.venv-bench with the pinned comparison tools; created once."""
    python = BENCH_ENV / "bin" / "python"
    stamp = BENCH_ENV / ".installed"
    wanted = " ".join(BENCH_PACKAGES)
    if not (stamp.exists() and stamp.read_text().strip() == wanted):
        print(f"creating {BENCH_ENV} ({wanted})", flush=True)
        subprocess.run([sys.executable, "-m", "venv", str(BENCH_ENV)], check=True)
        (BENCH_ENV / ".gitignore").write_text("*\n")  # the environment ignores itself
        subprocess.run(
            [str(python), "-m", "pip", "install", "--quiet", *BENCH_PACKAGES], check=True
        )
        stamp.write_text(wanted + "\n")
    return str(python)
