"""Row counts of the 22 TPC-H queries on our Parquet files and on DuckDB's dbgen data.

Run by tests/test_tpch.py with the Python of benchmarks/.venv-bench, where
`duckdb` and `duckdb-extension-tpch` share a version (the main environment's
duckdb has no TPC-H extension package):

    python tests/tpch_queries.py DATA_DIR SCALE  ->  JSON {"ours": {...}, "dbgen": {...}}
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

TABLES = ("region", "nation", "supplier", "customer", "part", "partsupp", "orders", "lineitem")


def main(data_dir: str, scale: float) -> None:
    import duckdb
    import duckdb_extension_tpch  # ships the extension file for this duckdb version

    ext = next(Path(duckdb_extension_tpch.__file__).parent.rglob("tpch.duckdb_extension"))
    ours = duckdb.connect()
    ours.execute(f"LOAD '{ext}'")
    for table in TABLES:
        ours.execute(
            f"CREATE VIEW {table} AS SELECT * FROM read_parquet('{Path(data_dir) / table}.parquet')"
        )
    queries = ours.execute("SELECT query_nr, query FROM tpch_queries() ORDER BY 1").fetchall()
    reference = duckdb.connect()
    reference.execute(f"LOAD '{ext}'")
    reference.execute(f"CALL dbgen(sf = {scale})")
    result: dict[str, dict[str, int]] = {"ours": {}, "dbgen": {}}
    for number, text in queries:
        result["ours"][str(number)] = len(ours.execute(text).fetchall())
        result["dbgen"][str(number)] = len(reference.execute(text).fetchall())
    print(json.dumps(result))


if __name__ == "__main__":
    main(sys.argv[1], float(sys.argv[2]))
