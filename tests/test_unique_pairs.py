"""Pairs of keys beyond (parent link, one FK).

A unique pair of two sampled FKs (neither a parent link), partsupp-like: unique by
construction for any worker count, declared and enforced as a PRIMARY KEY by DuckDB,
checked by the validator (which catches a repeated pair), and refused with a clear
message when the table has more rows than pairs. A matched lookup (a line's supplier
among the suppliers of its part): the pair exists in partsupp, is a composite FK in the
DDL and the validator, and is uniform among the part's suppliers."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from datagen.engine.execute import generate_dataset
from datagen.engine.generators.pairs import permuted_pairs
from datagen.engine.load import parse_dataset
from tests.dsl_doc_examples import cli_here, doc_example, generate_here_for_any_workers


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
    out = generate_here_for_any_workers("unique-pairs", tmp_path, 5, "parquet,duckdb")
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
    failed = result.stdout.split("Checks by kind")[0]
    assert result.returncode == 1 and "pk_unique" in failed and "partsupp" in failed, failed


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


def test_a_matched_supplier_supplies_the_part(tmp_path: Path) -> None:
    schema = tmp_path / "chain.json"
    schema.write_text(json.dumps(doc_example("matched-rows")))
    out = generate_here_for_any_workers("matched-rows", tmp_path, 2, "parquet,duckdb")
    con = duckdb.connect(str(out / "supply_chain.duckdb"), read_only=True)
    [(lines, unmatched, orphans, wrong_cost)] = con.execute(
        """select count(*),
                  count(*) filter (where supplier_id is null),
                  count(*) filter (where supplier_id is not null and not exists (
                      select 1 from partsupp p
                      where p.part_id = l.part_id and p.supplier_id = l.supplier_id)),
                  count(*) filter (where cost is distinct from (
                      select supply_cost from partsupp p
                      where p.part_id = l.part_id and p.supplier_id = l.supplier_id))
           from line l"""
    ).fetchall()
    assert lines > 1500 and orphans == 0 and wrong_cost == 0
    # null exactly where the part has no supplier
    [(parts_without,)] = con.execute(
        "select count(*) from line where part_id not in (select part_id from partsupp)"
    ).fetchall()
    assert unmatched == parts_without > 0
    # uniform among the part's suppliers: lines on the part's first supplier vs sum of 1/k
    [(first, expected, spread)] = con.execute(
        """with k as (select part_id, count(*) k, min(supplier_id) first from partsupp group by 1)
           select count(*) filter (where l.supplier_id = k.first), sum(1 / k.k),
                  sqrt(sum((1 / k.k) * (1 - 1 / k.k)))
           from line l join k using (part_id)"""
    ).fetchall()
    assert abs(first - expected) < 4 * spread, (first, expected, spread)
    composite = con.execute(
        "select constraint_column_names from duckdb_constraints()"
        " where table_name = 'line' and constraint_type = 'FOREIGN KEY'"
    ).fetchall()
    assert (["part_id", "supplier_id"],) in composite
    assert cli_here("validate", schema, "--data", out).returncode == 0
    # a supplier that does not supply the line's part is seen by the validator
    broken = tmp_path / "broken"
    broken.mkdir()
    for name in ("part", "supplier", "partsupp", "orders"):
        (broken / f"{name}.parquet").write_bytes((out / f"{name}.parquet").read_bytes())
    duckdb.sql(
        f"""copy (select * replace (case when row_number() over () = 1
                 then (select max(supplier_id) + 1 from '{out}/supplier.parquet')
                 else supplier_id end as supplier_id) from '{out}/line.parquet')
            to '{broken}/line.parquet' (format parquet)"""
    )
    result = cli_here("validate", schema, "--data", broken)
    assert result.returncode == 1, result.stdout
    failed = result.stdout.split("Checks by kind")[0]
    assert "fk_resolves" in failed and "line.part_id,supplier_id" in failed, failed


def test_match_problems_are_named(tmp_path: Path) -> None:
    data = doc_example("matched-rows")
    lookup = data["nodes"][4]["columns"][2]["generator"]["lookup"]
    lookup["match"] = {"part_idd": "part_id"}
    lookup["where"] = "supplier_id > 1"
    schema = tmp_path / "s.json"
    schema.write_text(json.dumps(data))
    result = cli_here("generate", schema, "--out", tmp_path / "out")
    text = result.stdout + result.stderr
    assert result.returncode == 2, text
    assert "no column `part_idd` in `partsupp`" in text and "part_id" in text
    assert "`match` cannot go with `where`" in text and "Traceback" not in text


def test_a_fact_pair_of_two_other_fks_is_unique_for_any_workers(tmp_path: Path) -> None:
    """The pair need not be in an entity: a fact under another parent, declared by
    `constraints.unique`, gets the same unique pairs whatever the block layout."""
    data = {
        "version": "1.0",
        "metadata": {"name": "pf"},
        "nodes": [
            {
                "id": name,
                "kind": "entity",
                "rows": rows,
                "pk": f"{name}_id",
                "columns": [{"name": f"{name}_id", "type": "int", "generator": {"sequence": {}}}],
            }
            for name, rows in (("a", 50), ("b", 40), ("p", 300))
        ]
        + [
            {
                "id": "f",
                "kind": "fact",
                "parents": ["p"],
                "fanout": {"distribution": "poisson", "lambda": 5},
                "columns": [
                    {
                        "name": f"{name}_id",
                        "type": "int",
                        "generator": {"lookup": {"from": f"{name}.{name}_id"}},
                    }
                    for name in ("p", "a", "b")
                ],
            }
        ],
        "constraints": {"unique": [{"table": "f", "columns": ["a_id", "b_id"]}]},
    }
    dataset = parse_dataset(data)
    for workers in (1, 2):
        generate_dataset(dataset, tmp_path / str(workers), seed=4, workers=workers)
    first = (tmp_path / "1" / "f.parquet").read_bytes()
    assert first == (tmp_path / "2" / "f.parquet").read_bytes()
    table = pq.read_table(tmp_path / "1" / "f.parquet")
    pairs = set(
        zip(table.column("a_id").to_pylist(), table.column("b_id").to_pylist(), strict=True)
    )
    assert len(pairs) == table.num_rows > 1000
