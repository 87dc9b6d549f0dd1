"""A unique pair of two sampled FKs (neither a parent link), partsupp-like: unique by
construction for any worker count, declared and enforced as a PRIMARY KEY by DuckDB,
checked by the validator (which catches a repeated pair), and refused with a clear
message when the table has more rows than pairs."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from datagen.engine.generators.pairs import permuted_pairs
from tests.dsl_doc_examples import cli_here, doc_example, generate_for_any_workers


def test_permuted_pairs_are_distinct_and_do_not_depend_on_the_block() -> None:
    keys = np.array([11, 22, 33, 44], dtype=np.uint64)
    left, right = permuted_pairs(np.arange(6000), 300, 20, keys)
    assert len(set(zip(left.tolist(), right.tolist(), strict=True))) == 6000  # every pair once
    part_left, part_right = permuted_pairs(np.arange(2500, 3000), 300, 20, keys)
    assert (part_left == left[2500:3000]).all() and (part_right == right[2500:3000]).all()
    # spread: every part and every supplier used by the first 1000 rows
    first_left, first_right = permuted_pairs(np.arange(1000), 300, 20, keys)
    assert len(set(first_right.tolist())) == 20 and len(set(first_left.tolist())) > 250


def test_partsupp_pairs_are_unique_and_enforced(tmp_path: Path) -> None:
    schema = tmp_path / "supply.json"
    schema.write_text(json.dumps(doc_example("unique-pairs")))
    out = generate_for_any_workers(schema, tmp_path, 5, "--format", "parquet,duckdb")
    con = duckdb.connect(str(out / "supply.duckdb"), read_only=True)
    [(rows, pairs, parts, suppliers)] = con.execute(
        "select count(*), count(distinct (part_id, supplier_id)), count(distinct part_id),"
        " count(distinct supplier_id) from partsupp"
    ).fetchall()
    assert (rows, pairs, parts, suppliers) == (5000, 5000, 300, 20)
    keys = con.execute(
        "select constraint_column_names from duckdb_constraints()"
        " where table_name = 'partsupp' and constraint_type = 'PRIMARY KEY'"
    ).fetchall()
    assert keys == [(["part_id", "supplier_id"],)]
    result = cli_here("validate", schema, "--data", out)
    assert result.returncode == 0, result.stdout
    # a repeated pair is seen by the validator
    table = pq.read_table(out / "partsupp.parquet")
    broken = tmp_path / "broken"
    broken.mkdir()
    for name in ("part", "supplier"):
        (broken / f"{name}.parquet").write_bytes((out / f"{name}.parquet").read_bytes())
    repeated = pa.concat_tables([table.slice(0, 4999), table.slice(0, 1)])
    pq.write_table(repeated, broken / "partsupp.parquet")
    result = cli_here("validate", schema, "--data", broken)
    assert result.returncode == 1 and "pk_unique" in result.stdout, result.stdout


def test_more_rows_than_pairs_is_a_clear_error(tmp_path: Path) -> None:
    data = doc_example("unique-pairs")
    data["nodes"][2]["rows"] = 6001
    schema = tmp_path / "s.json"
    schema.write_text(json.dumps(data))
    result = cli_here("generate", schema, "--out", tmp_path / "out")
    text = result.stdout + result.stderr
    assert result.returncode == 2, text
    assert "partsupp.part_id" in text and "6000 possible" in text and "Traceback" not in text
    assert not (tmp_path / "out").exists()
