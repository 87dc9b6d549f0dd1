"""SQLite and DuckDB writers on their fast paths: SQLite's CHECKs verified on the Arrow batch
(SQLite's own row-by-row check off for the load, the file's CHECKs still in force after),
and DuckDB running on the CPUs the process may use."""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest

from datagen.engine import dsl
from datagen.engine.ddl import table_defs
from datagen.engine.errors import DatagenError
from datagen.engine.writers.sqlite import SqliteSink, failed_checks

SCHEMA: dict[str, Any] = {
    "version": "1.0",
    "metadata": {"name": "stay"},
    "nodes": [
        {
            "id": "stay",
            "kind": "entity",
            "rows": 10,
            "pk": "stay_id",
            "columns": [
                {"name": "stay_id", "type": "int", "generator": {"sequence": {}}},
                {
                    "name": "nights",
                    "type": "int",
                    "generator": {"choice": {"choices": [1, 2, 3]}},
                },
                {
                    "name": "status",
                    "type": "string",
                    "nullable": True,
                    "null_rate": 0.1,
                    "generator": {"choice": {"choices": ["booked", "cancelled"]}},
                },
                {
                    "name": "check_in",
                    "type": "date",
                    "generator": {
                        "datetime_series": {"within": {"start": "2024-01-01", "end": "2025-01-01"}}
                    },
                },
                {
                    "name": "check_out",
                    "type": "datetime",
                    "generator": {
                        "datetime_series": {"within": {"start": "2024-01-01", "end": "2025-01-01"}}
                    },
                },
            ],
        }
    ],
    "constraints": {
        "ranges": [
            {"column": "stay.nights", "min": 1, "max": 30},
            {"column": "stay.check_in", "min": "2024-01-01"},
        ],
        "enum": [{"column": "stay.status", "values": ["booked", "cancelled"]}],
        "inequalities": [{"left": "stay.check_out", "op": ">", "right": "stay.check_in"}],
    },
}


def _dataset() -> dsl.Dataset:
    return dsl.Dataset.model_validate(SCHEMA)


def _batch(**changes: list[Any]) -> pa.RecordBatch:
    columns: dict[str, pa.Array] = {
        "stay_id": pa.array([1, 2, 3], pa.int64()),
        "nights": pa.array([1, 30, 2], pa.int64()),
        "status": pa.array(["booked", None, "cancelled"]),
        "check_in": pa.array([dt.date(2024, 1, 1), dt.date(2024, 5, 1), dt.date(2024, 6, 1)]),
        "check_out": pa.array(
            [dt.datetime(2024, 1, 1, 0, 0, 1), dt.datetime(2024, 5, 3), dt.datetime(2024, 6, 2)],
            pa.timestamp("us"),
        ),
    }
    for name, values in changes.items():
        columns[name] = pa.array(values, columns[name].type)
    return pa.RecordBatch.from_pydict(columns)


def test_checks_verified_on_the_arrow_batch() -> None:
    (tdef,) = table_defs(_dataset(), "sqlite")
    assert failed_checks(tdef, _batch()) == []  # a null status breaks no check, as in SQL
    broken = failed_checks(
        tdef,
        _batch(
            nights=[0, 31, 5],
            status=["booked", "lost", None],
            check_in=[dt.date(2023, 12, 31), dt.date(2024, 5, 1), dt.date(2024, 6, 2)],
        ),
    )
    text = "; ".join(broken)
    assert '"nights" >= 1' in text and "1 row(s), e.g. 0" in text
    assert '"nights" <= 30' in text and "e.g. 31" in text
    assert "\"status\" IN ('booked', 'cancelled')): 1 row(s), e.g. 'lost'" in text
    assert "julianday(\"check_in\") >= julianday('2024-01-01 00:00:00')" in text
    # check_out 2024-06-02 00:00 is not after check_in 2024-06-02 (a date is its midnight)
    assert 'julianday("check_out") > julianday("check_in")): 1 row(s)' in text
    assert len(broken) == 5


def _load(tmp_path: Path, batch: pa.RecordBatch) -> Path:
    sink = SqliteSink(tmp_path, _dataset())
    with sink.open_table("stay", batch.schema, batch.num_rows, []) as writer:
        writer.write(batch)
    sink.close()
    return tmp_path / sink.filename


def test_a_batch_breaking_a_check_is_refused(tmp_path: Path) -> None:
    sink = SqliteSink(tmp_path, _dataset())
    refused = pytest.raises(
        DatagenError, match=r"SQLite refused rows of `stay`: CHECK \(\"nights\""
    )
    with refused, sink.open_table("stay", _batch().schema, 3, []) as writer:
        writer.write(_batch(nights=[1, 2, 99]))
    sink.abort()


def test_the_files_checks_stay_in_force_after_the_load(tmp_path: Path) -> None:
    path = _load(tmp_path, _batch())
    with sqlite3.connect(path) as con:
        assert con.execute("SELECT count(*) FROM stay").fetchone() == (3,)
        assert con.execute("SELECT status FROM stay WHERE stay_id = 2").fetchone() == (None,)
        with pytest.raises(sqlite3.IntegrityError, match="CHECK constraint failed"):
            con.execute(
                "INSERT INTO stay VALUES (9, 99, 'booked', '2024-02-01', '2024-02-02 00:00:00')"
            )


def test_duckdb_runs_on_the_cpus_the_process_may_use(tmp_path: Path) -> None:
    from datagen.engine.writers.duckdb import DuckdbSink, usable_cpus

    if hasattr(os, "sched_getaffinity"):
        assert usable_cpus() == len(os.sched_getaffinity(0))
    sink = DuckdbSink(tmp_path, _dataset())
    try:
        threads = sink._con.execute("SELECT current_setting('threads')").fetchone()
    finally:
        sink.abort()
    assert threads == (usable_cpus(),)
