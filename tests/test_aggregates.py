"""Aggregates into a parent: values checked with SQL on the written files, determinism
across workers and blocks, preflight errors, and the validator's recomputation."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb
import pytest

from datagen.engine.errors import SchemaError
from datagen.engine.execute import generate_dataset
from datagen.engine.load import parse_dataset
from datagen.engine.plan import BLOCK_ROWS
from datagen.engine.validate.run import validate_dataset
from tests.engine_helpers import entity, run, schema


def agg(fn: str, expr: str | None = None, **extra: Any) -> dict[str, Any]:
    spec: dict[str, Any] = {"fn": fn, "child": "line", **extra}
    if expr is not None:
        spec["expr"] = expr
    return {"aggregate": spec}


def invoices(
    rows: int = 300, fanout_min: int = 0, extra: list[dict[str, Any]] | None = None
) -> dict[str, Any]:
    invoice_cols: list[dict[str, Any]] = [
        {
            "name": "total",
            "type": "float",
            "generator": agg("sum", "amount"),
            "modifiers": [{"transform": "expression", "args": {"expr": "round(value, 2)"}}],
        },
        {"name": "lines", "type": "int", "generator": agg("count")},
        {"name": "big_lines", "type": "int", "generator": agg("count", "qty >= 8")},
        {"name": "all_shipped", "type": "bool", "hidden": True, "generator": agg("all", "shipped")},
        {"name": "any_shipped", "type": "bool", "hidden": True, "generator": agg("any", "shipped")},
        {
            "name": "status",
            "type": "string",
            "generator": {"expression": {"expr": "case(all_shipped, 'F', any_shipped, 'P', 'O')"}},
        },
        {"name": "first_qty", "type": "int", "nullable": True, "generator": agg("first", "qty")},
        {"name": "last_qty", "type": "int", "nullable": True, "generator": agg("last", "qty")},
        {"name": "max_price", "type": "float", "nullable": True, "generator": agg("max", "price")},
        {"name": "min_day", "type": "date", "nullable": True, "generator": agg("min", "day")},
        {"name": "mean_qty", "type": "float", "nullable": True, "generator": agg("mean", "qty")},
        *(extra or []),
    ]
    return schema(
        entity("invoice", invoice_cols, rows=rows),
        {
            "id": "line",
            "kind": "fact",
            "parents": ["invoice"],
            "fanout": {"distribution": "uniform", "min": fanout_min, "max": 7},
            "columns": [
                {
                    "name": "invoice_id",
                    "type": "int",
                    "generator": {"lookup": {"from": "invoice.id"}},
                },
                {
                    "name": "qty",
                    "type": "int",
                    "generator": {"expression": {"expr": "randint(1, 10)"}},
                },
                {
                    "name": "price",
                    "type": "float",
                    "hidden": True,
                    "generator": {"expression": {"expr": "round(uniform(1, 100), 2)"}},
                },
                {
                    "name": "amount",
                    "type": "float",
                    "generator": {"expression": {"expr": "qty * price"}},
                },
                {
                    "name": "shipped",
                    "type": "bool",
                    "generator": {"expression": {"expr": "uniform(0, 1) < 0.6"}},
                },
                {
                    "name": "day",
                    "type": "date",
                    "generator": {
                        "expression": {"expr": "add_days(date('2024-01-01'), randint(0, 300))"}
                    },
                },
            ],
        },
    )


CHECK_SQL = """
with l as (
  select invoice_id, count(*) as n, sum(amount) as total, count(*) filter (where qty >= 8) as big,
         bool_and(shipped) as all_s, bool_or(shipped) as any_s,
         first(qty order by file_row_number) as fq, last(qty order by file_row_number) as lq,
         min(day) as min_day, avg(qty) as mean_qty
  from read_parquet('{out}/line.parquet', file_row_number = true) group by invoice_id)
select count(*) as parents,
  count(*) filter (where abs(i.total - coalesce(l.total, 0)) > 0.006) as bad_total,
  count(*) filter (where i.lines != coalesce(l.n, 0)) as bad_count,
  count(*) filter (where i.big_lines != coalesce(l.big, 0)) as bad_big,
  count(*) filter (where i.status != case when l.n is null or l.all_s then 'F'
                                           when l.any_s then 'P' else 'O' end) as bad_status,
  count(*) filter (where i.first_qty is distinct from l.fq or i.last_qty is distinct from l.lq) as bad_ends,
  count(*) filter (where i.min_day is distinct from l.min_day) as bad_min,
  count(*) filter (where abs(coalesce(i.mean_qty, -1) - coalesce(l.mean_qty, -1)) > 1e-9) as bad_mean,
  count(*) filter (where l.n is null) as childless
from read_parquet('{out}/invoice.parquet') i left join l on l.invoice_id = i.id
"""


def _check(out: Path) -> dict[str, int]:
    rel = duckdb.sql(CHECK_SQL.format(out=out))
    return dict(zip(rel.columns, rel.fetchall()[0], strict=True))


def test_aggregates_match_sql_over_the_written_children(tmp_path: Path) -> None:
    out = tmp_path / "out"
    dataset = parse_dataset(invoices())
    generate_dataset(dataset, out, seed=4)
    found = _check(out)
    assert found["parents"] == 300 and found["childless"] > 10
    assert {k: v for k, v in found.items() if k.startswith("bad")} == dict.fromkeys(
        [k for k in found if k.startswith("bad")], 0
    )
    names = duckdb.sql(f"select * from read_parquet('{out}/invoice.parquet') limit 0").columns
    assert "all_shipped" not in names and "status" in names
    report = validate_dataset(dataset, out)
    checks = [c for c in report.checks if c.name == "aggregate"]
    assert len(checks) >= 5 and all(c.passed for c in checks), [c.to_dict() for c in checks]
    assert report.score == 100
    skipped = {s["column"]: s["reason"] for s in report.skipped if s["name"] == "aggregate"}
    assert "hidden" in skipped["max_price"]  # price is not written: it cannot be recomputed


def test_many_blocks_and_workers_give_the_same_bytes(tmp_path: Path) -> None:
    dataset = parse_dataset(invoices(rows=BLOCK_ROWS // 4 + 500, fanout_min=1))
    one, three = tmp_path / "one", tmp_path / "three"
    generate_dataset(dataset, one, seed=8, workers=1)
    generate_dataset(dataset, three, seed=8, workers=3)
    for name in ("invoice.parquet", "line.parquet"):
        assert (one / name).read_bytes() == (three / name).read_bytes()
    found = _check(one)
    assert all(v == 0 for k, v in found.items() if k.startswith("bad") or k == "childless")


def test_a_broken_aggregate_is_caught_by_the_validator(tmp_path: Path) -> None:
    out = tmp_path / "out"
    dataset = parse_dataset(invoices(rows=50))
    generate_dataset(dataset, out, seed=4)
    duckdb.sql(
        f"copy (select * replace (total + 1 as total) from read_parquet('{out}/invoice.parquet')) "
        f"to '{out}/invoice.parquet' (format parquet)"
    )
    report = validate_dataset(dataset, out)
    failed = [c for c in report.checks if c.name == "aggregate" and not c.passed]
    assert [c.column for c in failed] == ["total"]
    assert report.score < 100


def test_dry_run_computes_aggregates() -> None:
    tables = run(invoices(rows=20, fanout_min=1))
    lines = tables["line"].column("invoice_id").to_pylist()
    counts = tables["invoice"].column("lines").to_pylist()
    assert counts == [lines.count(i) for i in range(1, 21)]


def _problems(data: dict[str, Any]) -> str:
    with pytest.raises(SchemaError) as info:
        parse_dataset(data)
    return "\n".join(p.render() for p in info.value.problems)


def test_preflight_rejects_wrong_aggregates() -> None:
    bad = invoices(
        extra=[
            {
                "name": "x1",
                "type": "float",
                "generator": {"aggregate": {"fn": "sum", "child": "lines", "expr": "qty"}},
            },
            {"name": "x2", "type": "float", "generator": agg("sum", "shipped_at")},
            {"name": "x3", "type": "int", "generator": agg("max", "qty")},
            {"name": "x4", "type": "date", "generator": agg("sum", "qty")},
            {"name": "x5", "type": "int", "generator": agg("any", "qty")},
        ]
    )
    text = _problems(bad)
    assert (
        "columns[12].generator.aggregate.child: unknown table `lines`; did you mean `line`?" in text
    )
    assert "columns[13].generator.aggregate.expr: unknown name `shipped_at`" in text
    assert "columns[14].generator.aggregate.default: `max` is null for a `invoice` row" in text
    assert "columns[15].generator.aggregate.fn: `sum` gives int, the column is date" in text
    assert "columns[16].generator.aggregate.expr: any needs a condition" in text


def test_an_aggregate_needs_a_child_of_this_table() -> None:
    data = invoices()
    data["nodes"].insert(
        0, entity("other", [{"name": "n", "type": "int", "generator": agg("count")}])
    )
    assert "`line` is not a fact whose first parent is `other`" in _problems(data)


def test_other_tables_cannot_read_an_aggregate() -> None:
    data = invoices()
    data["nodes"].append(
        {
            "id": "note",
            "kind": "fact",
            "parents": ["invoice"],
            "fanout": {"distribution": "uniform", "min": 1, "max": 1},
            "columns": [
                {
                    "name": "invoice_id",
                    "type": "int",
                    "generator": {"lookup": {"from": "invoice.id"}},
                },
                {
                    "name": "status",
                    "type": "string",
                    "generator": {"lookup": {"from": "invoice.status", "on": "invoice_id"}},
                },
            ],
        }
    )
    assert "`invoice.status` is computed from `invoice`'s children" in _problems(data)
