"""Logical types: decimal(p,s), uuid, timestamptz and time, from the docs' worked example,
written to every file format and database and read back exactly (DuckDB SQL on the
Parquet files, a real PostgreSQL), with the DDL of each dialect following."""

from __future__ import annotations

import json
import uuid
from decimal import Decimal
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from datagen.engine import dsl
from datagen.engine.ddl import ddl_script
from datagen.engine.generators.uuids import _mix62
from datagen.engine.load import parse_dataset
from tests.dsl_doc_examples import (
    cli_here,
    doc_example,
    generate_for_any_workers,
    write_doc_example,
)
from tests.engine_helpers import run


@pytest.mark.parametrize(
    ("written", "base", "fmt"),
    [
        ("decimal(12, 2)", "float", "decimal(12,2)"),
        ("NUMERIC(5,0)", "float", "decimal(5,0)"),
        ("uuid", "string", "uuid"),
        ("timestamptz", "datetime", "timestamptz"),
        ("time", "datetime", "time"),
    ],
)
def test_a_logical_type_reads_as_base_type_and_format(written: str, base: str, fmt: str) -> None:
    col = dsl.Column.model_validate(
        {"name": "x", "type": written, "generator": {"expression": {"expr": "1"}}}
    )
    assert (col.type, col.format) == (base, fmt)
    again = dsl.Column.model_validate(col.model_dump(mode="json", by_alias=True))
    assert (again.type, again.format) == (base, fmt)


@pytest.mark.parametrize(
    ("column", "message"),
    [
        ({"type": "decimal(40,2)"}, "precision <= 38"),
        ({"type": "decimal(4,6)"}, "scale <= precision"),
        ({"type": "int", "format": "uuid"}, "for a string column, not int"),
        ({"type": "float", "format": "time"}, "for a datetime column, not float"),
    ],
)
def test_formats_that_do_not_fit_are_refused(column: dict[str, str], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        dsl.Column.model_validate(
            {"name": "x", **column, "generator": {"expression": {"expr": "1"}}}
        )


@pytest.mark.slow  # several full runs: make test-slow (CI runs both)
def test_docs_example_is_exact_in_parquet_and_the_same_for_any_workers(tmp_path: Path) -> None:
    schema = write_doc_example("types", tmp_path)
    out = generate_for_any_workers(
        schema, tmp_path, 4, "--format", "parquet,csv,jsonl,sqlite,duckdb"
    )
    account = pq.read_table(out / "account.parquet")
    payment = pq.read_table(out / "payment.parquet")
    assert account.schema.field("opened_at").type == pa.timestamp("us", tz="UTC")
    assert account.schema.field("cutoff").type == pa.time64("us")
    assert payment.schema.field("amount").type == pa.decimal128(12, 2)
    assert payment.schema.field("fee").type == pa.decimal128(8, 4)
    ids = payment.column("payment_id").to_pylist()
    assert len(set(ids)) == len(ids) > 500
    assert all(uuid.UUID(i).version == 4 and str(uuid.UUID(i)) == i for i in ids[:200])
    # the hour pattern: cut-off times between 08:00 and 17:00
    hours = {t.hour for t in account.column("cutoff").to_pylist()}
    assert hours <= set(range(8, 17)) and len(hours) > 5
    # exact decimals: DuckDB's sum over the Parquet equals Python's Decimal sum
    amounts = payment.column("amount").to_pylist()
    assert all(a == a.quantize(Decimal("0.01")) for a in amounts)
    [(total, fees)] = (
        duckdb.connect()
        .execute(f"SELECT sum(amount), sum(fee) FROM '{out / 'payment.parquet'}'")
        .fetchall()
    )
    assert total == sum(amounts) and fees == sum(payment.column("fee").to_pylist())
    con = duckdb.connect(str(out / "payments.duckdb"), read_only=True)
    types = dict(con.execute("SELECT column_name, data_type FROM duckdb_columns()").fetchall())
    assert types["amount"] == "DECIMAL(12,2)" and types["payment_id"] == "UUID"
    assert types["opened_at"] == "TIMESTAMP WITH TIME ZONE" and types["cutoff"] == "TIME"
    [(db_total,)] = con.execute("SELECT sum(amount) FROM payment").fetchall()
    assert db_total == total
    con.close()
    for fmt in ("parquet", "csv", "jsonl", "sqlite", "duckdb"):
        result = cli_here("validate", schema, "--data", out, "--data-format", fmt)
        assert result.returncode == 0, (fmt, result.stdout)


@pytest.mark.parametrize("dialect", ["sqlite", "duckdb", "postgres"])
def test_ddl_follows_the_types(dialect: str) -> None:
    ddl = ddl_script(parse_dataset(doc_example("types")), dialect)  # type: ignore[arg-type]
    expected = {
        "sqlite": ['"amount" REAL', '"payment_id" TEXT', '"cutoff" TEXT'],
        "duckdb": ['"amount" DECIMAL(12,2)', '"payment_id" UUID', '"opened_at" TIMESTAMPTZ'],
        "postgres": ['"amount" numeric(12,2)', '"payment_id" uuid', '"cutoff" time'],
    }[dialect]
    assert all(piece in ddl for piece in expected), ddl


def test_uuids_are_unique_by_construction() -> None:
    rows = np.arange(1_000_000, dtype=np.uint64)
    mixed = _mix62(rows ^ np.uint64(123456789))
    assert len(np.unique(mixed)) == len(rows) and mixed.max() < (1 << 62)
    data = json.loads(json.dumps(doc_example("types")))
    first = run(data, seed=1)["payment"].column("payment_id").to_pylist()
    again = run(data, seed=1)["payment"].column("payment_id").to_pylist()
    other = run(data, seed=2)["payment"].column("payment_id").to_pylist()
    assert first == again and not set(first) & set(other)


def test_a_value_too_large_for_its_decimal_is_a_clear_error(tmp_path: Path) -> None:
    data = doc_example("types")
    data["nodes"][1]["columns"][2]["type"] = "decimal(3,2)"
    path = tmp_path / "s.json"
    path.write_text(json.dumps(data))
    result = cli_here("generate", path, "--out", tmp_path / "out")
    text = result.stdout + result.stderr
    assert result.returncode == 2, text
    assert "amount" in text and "decimal128(3, 2)" in text and "Traceback" not in text
    assert not (tmp_path / "out").exists()
