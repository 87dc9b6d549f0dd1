"""Every format, written from every example and read back with its own reader.

One multi-format run per example (small scale) writes parquet, csv, jsonl,
json, sqlite, duckdb and the events feed side by side. Parquet is the
reference: every other format must hold the same rows and the same values
(read back with the csv module, json, sqlite3 and duckdb), SQLite's
`PRAGMA foreign_key_check` must be empty, and DuckDB must hold no orphan, no
duplicate key and no value outside a declared range.
"""

from __future__ import annotations

import csv
import datetime as dt
import filecmp
import json
import sqlite3
from pathlib import Path
from typing import Any

import duckdb
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

from datagen.agent.commands.generate import generate_cmd
from datagen.engine import dsl
from datagen.engine.arrowtypes import arrow_schema, dictionary_columns
from datagen.engine.arrowtypes import conform as _conform
from datagen.engine.ddl import table_order
from datagen.engine.errors import InputError
from datagen.engine.execute import generate_dataset, iter_tables
from datagen.engine.formats import format_names, parse_formats
from datagen.engine.load import load_dataset
from datagen.engine.plan import build_plan
from datagen.engine.relations import foreign_keys
from datagen.engine.writers import open_writer
from datagen.engine.writers.events import event_tables

ROOT = Path(__file__).resolve().parent.parent
SCALES = {"bank": 0.02, "shop": 0.02, "saas": 0.02, "tpch": 0.001}
LOCAL = ("parquet", "csv", "jsonl", "json", "sqlite", "duckdb", "events")
SEED = 11


@pytest.fixture(scope="module", params=sorted(SCALES))
def written(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Any:
    name = request.param
    dataset = load_dataset(ROOT / "examples" / f"{name}.json")
    out = tmp_path_factory.mktemp(name) / "data"
    result = generate_dataset(dataset, out, seed=SEED, fmt=",".join(LOCAL), scale=SCALES[name])
    return dataset.output_view(), out, result  # the columns written (no hidden helpers)


# --------------------------------------------------------------------------- helpers


def canon(value: Any, type_: str) -> Any:
    """One comparable Python value whatever the format stored (text, 0/1, native)."""
    if value is None or value == "":
        return None
    if type_ == "int":
        return int(value)
    if type_ == "float":
        return float(value)
    if type_ == "bool":
        return value if isinstance(value, bool) else value in (1, "1", "true", "True")
    if type_ == "date":
        return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))
    if type_ == "datetime":
        return value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(str(value))
    return str(value)


def canon_rows(node: dsl.Node, rows: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    return [tuple(canon(row[c.name], c.type) for c in node.columns) for row in rows]


def reference(out: Path, node: dsl.Node) -> list[tuple[Any, ...]]:
    return canon_rows(node, pq.read_table(out / f"{node.id}.parquet").to_pylist())


def sql_rows(con: Any, node: dsl.Node) -> list[dict[str, Any]]:
    cursor = con.execute(f'SELECT * FROM "{node.id}" ORDER BY rowid')
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


# --------------------------------------------------------------------------- every format


def test_metadata_lists_every_format(written: Any) -> None:
    dataset, out, result = written
    meta = json.loads((out / ".metadata.json").read_text())
    assert meta["format"] == "parquet"  # what `datagen validate` reads
    assert set(meta["formats"]) == set(LOCAL)
    name = dataset.metadata.name
    assert meta["formats"]["sqlite"] == [f"{name}.sqlite"]
    assert meta["formats"]["csv"] == [f"{n.id}.csv" for n in result_order(dataset, result)]
    for files in meta["formats"].values():
        for file in files:
            assert (out / file).is_file(), file
    assert not list(out.glob(".*spill*"))


def result_order(dataset: dsl.Dataset, result: Any) -> list[dsl.Node]:
    return [dataset.node(t.name) for t in result.tables]


def test_csv_reads_back(written: Any) -> None:
    dataset, out, _ = written
    for node in dataset.nodes:
        with open(out / f"{node.id}.csv", newline="", encoding="utf-8") as f:
            rows = list(csv.DictReader(f))
        assert canon_rows(node, rows) == reference(out, node), node.id


def test_jsonl_and_json_read_back(written: Any) -> None:
    dataset, out, _ = written
    for node in dataset.nodes:
        lines = (out / f"{node.id}.jsonl").read_text(encoding="utf-8").splitlines()
        rows = [json.loads(line) for line in lines]
        assert canon_rows(node, rows) == reference(out, node), node.id
        assert json.loads((out / f"{node.id}.json").read_text(encoding="utf-8")) == rows
        # ISO timestamps, nulls as null
        for col in node.columns:
            if col.type == "datetime" and rows and rows[0][col.name] is not None:
                assert "T" in rows[0][col.name]


def test_sqlite_reads_back_with_foreign_keys_checked(written: Any) -> None:
    dataset, out, _ = written
    con = sqlite3.connect(out / f"{dataset.metadata.name}.sqlite")
    assert con.execute("PRAGMA foreign_key_check").fetchall() == []
    assert con.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    for node in dataset.nodes:
        assert canon_rows(node, sql_rows(con, node)) == reference(out, node), node.id
    # self-references too; not an FK to a table written later (an aggregate's parent: a DDL note)
    order = {t: i for i, t in enumerate(table_order(dataset))}
    declared = {
        (fk.table, fk.column)
        for fk in foreign_keys(dataset)
        if fk.self_reference or order[fk.ref_table] < order[fk.table]
    }
    listed = {
        (node.id, row[3])
        for node in dataset.nodes
        for row in con.execute(f'PRAGMA foreign_key_list("{node.id}")').fetchall()
    }
    assert declared <= listed
    con.close()


def test_duckdb_reads_back_with_no_violation(written: Any) -> None:
    dataset, out, _ = written
    con = duckdb.connect(str(out / f"{dataset.metadata.name}.duckdb"), read_only=True)
    for node in dataset.nodes:
        assert canon_rows(node, sql_rows(con, node)) == reference(out, node), node.id
        if node.pk:
            dupes = con.execute(
                f'SELECT count(*) - count(DISTINCT "{node.pk}") FROM "{node.id}"'
            ).fetchone()
            assert dupes == (0,)
    for fk in foreign_keys(dataset):  # the DuckDB-undeclared self-references included
        orphans = con.execute(
            f'SELECT count(*) FROM "{fk.table}" c WHERE c."{fk.column}" IS NOT NULL AND NOT EXISTS '
            f'(SELECT 1 FROM "{fk.ref_table}" p WHERE p."{fk.ref_column}" = c."{fk.column}")'
        ).fetchone()
        assert orphans == (0,), fk
    for rng in dataset.constraints.ranges:
        table, column = rng.column.split(".")
        if isinstance(rng.min, (int, float)):
            assert con.execute(
                f'SELECT count(*) FROM "{table}" WHERE "{column}" < {rng.min}'
            ).fetchone() == (0,)
    constraints = con.execute(
        "SELECT constraint_type, count(*) FROM duckdb_constraints() GROUP BY ALL"
    ).fetchall()
    kinds = dict(constraints)
    assert kinds.get("PRIMARY KEY") == sum(1 for n in dataset.nodes if n.pk)
    assert kinds.get("FOREIGN KEY", 0) >= 1
    con.close()


def test_events_are_every_fact_row_in_time_order(written: Any) -> None:
    dataset, out, _ = written
    columns = event_tables(dataset)
    events = [json.loads(line) for line in (out / "events.jsonl").read_text().splitlines()]
    stamps = [dt.datetime.fromisoformat(e["ts"]) for e in events]
    assert stamps == sorted(stamps)
    assert {e["table"] for e in events} == set(columns)
    for table, column in columns.items():
        node = dataset.node(table)
        assert node is not None
        rows = [e["row"] for e in events if e["table"] == table]
        assert all(e["ts"] == e["row"][column] for e in events if e["table"] == table)
        assert sorted(canon_rows(node, rows), key=repr) == sorted(reference(out, node), key=repr)


# --------------------------------------------------------------------------- runs


def test_same_seed_same_bytes_for_text_and_sqlite(tmp_path: Path) -> None:
    dataset = load_dataset(ROOT / "examples" / "shop.json")
    formats = "csv,jsonl,json,sqlite,events"
    generate_dataset(dataset, tmp_path / "a", seed=3, fmt=formats, scale=0.02)
    generate_dataset(dataset, tmp_path / "b", seed=3, fmt=formats, scale=0.02, workers=3)
    names = [p.name for p in (tmp_path / "a").iterdir() if not p.name.startswith(".")]
    match, mismatch, errors = filecmp.cmpfiles(tmp_path / "a", tmp_path / "b", names, shallow=False)
    assert mismatch == [] and errors == [], mismatch


def test_clean_output_is_what_the_plain_writers_write(tmp_path: Path) -> None:
    """The sinks add nothing to parquet and csv: same bytes as the writers called directly."""
    dataset = load_dataset(ROOT / "examples" / "bank.json")
    generate_dataset(dataset, tmp_path / "warm", seed=5, fmt="parquet", scale=0.02)
    for fmt in ("parquet", "csv"):
        generate_dataset(dataset, tmp_path / f"run-{fmt}", seed=5, fmt=fmt, scale=0.02)
        direct = tmp_path / f"direct-{fmt}"
        direct.mkdir()
        for table, run, blocks in iter_tables(build_plan(dataset, 5, scale=0.02)):
            schema = arrow_schema(run.table.node)
            columns = dictionary_columns(run.table.node)
            with open_writer(fmt, direct, table, schema, columns) as writer:
                for batch in blocks:
                    writer.write(_conform(batch, schema))
        names = [p.name for p in direct.iterdir()]
        _, mismatch, errors = filecmp.cmpfiles(direct, tmp_path / f"run-{fmt}", names, False)
        assert mismatch == [] and errors == [], (fmt, mismatch, errors)
        meta = json.loads((tmp_path / f"run-{fmt}" / ".metadata.json").read_text())
        assert "formats" not in meta and "profile" not in meta and "defects" not in meta


def test_json_refuses_large_tables_before_writing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import datagen.engine.writers.jsonl as jsonl

    monkeypatch.setattr(jsonl, "JSON_MAX_ROWS", 50)
    dataset = load_dataset(ROOT / "examples" / "shop.json")
    with pytest.raises(InputError, match="small data.*use --format jsonl"):
        generate_dataset(dataset, tmp_path / "out", seed=1, fmt="parquet,json", scale=0.02)
    assert not (tmp_path / "out").exists()
    assert list(tmp_path.iterdir()) == []  # the temporary directory is gone too


def test_format_lists_are_parsed_and_checked() -> None:
    assert parse_formats("parquet, SQLite,parquet") == ["parquet", "sqlite"]
    assert set(format_names()) >= {
        "parquet",
        "csv",
        "jsonl",
        "json",
        "duckdb",
        "sqlite",
        "postgres",
    }
    with pytest.raises(InputError, match="xml"):
        parse_formats("parquet,xml")
    with pytest.raises(InputError, match="empty"):
        parse_formats(" , ")


def test_postgres_without_a_dsn_is_an_input_error(tmp_path: Path) -> None:
    dataset = load_dataset(ROOT / "examples" / "shop.json")
    with pytest.raises(InputError, match="--dsn"):
        generate_dataset(dataset, tmp_path / "out", seed=1, fmt="postgres", scale=0.02)
    assert not (tmp_path / "out").exists()


def test_rerun_with_fewer_formats_removes_the_stale_files(tmp_path: Path) -> None:
    dataset = load_dataset(ROOT / "examples" / "shop.json")
    out = tmp_path / "out"
    generate_dataset(dataset, out, seed=1, fmt="parquet,sqlite,jsonl", scale=0.02)
    assert (out / "shop.sqlite").exists() and (out / "order.jsonl").exists()
    generate_dataset(dataset, out, seed=1, fmt="parquet", scale=0.02)
    assert not (out / "shop.sqlite").exists() and not (out / "order.jsonl").exists()
    assert (out / "order.parquet").exists()


def test_cli_writes_several_formats_and_streams_events(tmp_path: Path) -> None:
    runner = CliRunner()
    schema = str(ROOT / "examples" / "shop.json")
    out = tmp_path / "cli"
    result = runner.invoke(
        generate_cmd,
        [schema, "--out", str(out), "--format", "parquet,sqlite", "--scale", "0.02", "-q"],
    )
    assert result.exit_code == 0, result.output
    assert (out / "order.parquet").is_file() and (out / "shop.sqlite").is_file()

    feed = runner.invoke(
        generate_cmd, [schema, "--out", "-", "--format", "events", "--scale", "0.02", "-q"]
    )
    assert feed.exit_code == 0, feed.output
    lines = feed.stdout.splitlines()
    orders = pq.read_table(out / "order.parquet").num_rows
    payments = pq.read_table(out / "payment.parquet").num_rows
    assert len(lines) == orders + payments
    assert json.loads(lines[0])["table"] in ("order", "payment")

    refused = runner.invoke(generate_cmd, [schema, "--out", "-", "--format", "csv"])
    assert refused.exit_code != 0 and isinstance(refused.exception, InputError)


def test_validator_reads_a_multi_format_directory(written: Any) -> None:
    from datagen.engine.validate import validate_dataset

    dataset, out, _ = written
    if dataset.metadata.name != "shop":
        pytest.skip("one example is enough")
    report = validate_dataset(dataset, out)
    assert not [c for c in report.checks if c.category == "structural" and not c.passed]


def test_awkward_values_survive_csv_jsonl_and_json(tmp_path: Path) -> None:
    """Quotes, commas, newlines, unicode, control characters, nulls, NaN, dates, times."""
    import pyarrow as pa

    from datagen.engine.writers.csv import CsvTableWriter
    from datagen.engine.writers.jsonl import JsonlTableWriter, JsonTableWriter

    text = ['say "hi", then\nleave', "Zürich ✓", "tab\there\x01", "", None]
    batch = pa.record_batch(
        {
            "text": pa.array(text).dictionary_encode(),
            "number": [1.5, float("nan"), float("inf"), None, -0.25],
            "flag": [True, False, None, True, False],
            "day": pa.array([dt.date(2024, 2, 29)] * 4 + [None]),
            "at": pa.array(
                [dt.datetime(2024, 1, 2, 3, 4, 5), None]
                + [dt.datetime(2024, 12, 31, 23, 59, 59)] * 3,
                pa.timestamp("us"),
            ),
        }
    )
    for writer in (
        CsvTableWriter(tmp_path, "t", batch.schema),
        JsonlTableWriter(tmp_path, "t"),
        JsonTableWriter(tmp_path, "t", rows=5),
    ):
        with writer:
            writer.write(batch)
            writer.write(batch.slice(0, 0))  # an empty block writes nothing
    with open(tmp_path / "t.csv", newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert [r["text"] for r in rows] == [t or "" for t in text]
    assert rows[1]["at"] == "" and rows[0]["at"] == "2024-01-02T03:04:05.000000"
    lines = (tmp_path / "t.jsonl").read_text(encoding="utf-8").splitlines()
    objects = [
        json.loads(line, parse_constant=lambda c: pytest.fail(f"not JSON: {c}")) for line in lines
    ]
    assert [o["text"] for o in objects] == text
    assert [o["number"] for o in objects] == [1.5, None, None, None, -0.25]
    assert [o["flag"] for o in objects] == [True, False, None, True, False]
    assert objects[0]["day"] == "2024-02-29" and objects[4]["day"] is None
    assert objects[0]["at"] == "2024-01-02T03:04:05.000000" and objects[1]["at"] is None
    assert json.loads((tmp_path / "t.json").read_text(encoding="utf-8")) == objects


def test_an_empty_table_is_valid_in_every_text_format(tmp_path: Path) -> None:
    import pyarrow as pa

    from datagen.engine.writers.jsonl import JsonlTableWriter, JsonTableWriter

    batch = pa.record_batch({"a": pa.array([], pa.int64())})
    for writer in (JsonlTableWriter(tmp_path, "t"), JsonTableWriter(tmp_path, "t", rows=0)):
        with writer:
            writer.write(batch)
    assert (tmp_path / "t.jsonl").read_text() == ""
    assert json.loads((tmp_path / "t.json").read_text()) == []
