"""Composite keys: a composite primary key (`"pk": [a, b]`, link table playlist_track with
k distinct tracks per playlist) and a composite foreign key (play (playlist_id, track_id)
-> playlist_track); the DDL of every dialect declares both and real SQLite, DuckDB and
PostgreSQL databases enforce them; the validator checks them and catches broken data.
The logical types' PostgreSQL load is here too (one server for both)."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from datagen.engine.ddl import ddl_script
from datagen.engine.execute import generate_dataset
from datagen.engine.load import load_dataset, parse_dataset
from datagen.engine.relations import composite_foreign_keys, foreign_keys
from datagen.engine.validate.run import validate_tables
from tests.dsl_doc_examples import cli_here, doc_example, generate_for_any_workers
from tests.engine_helpers import run
from tests.test_formats_postgres import count, fresh_database, psycopg, server  # noqa: F401

SCHEMA = Path(__file__).resolve().parent / "data" / "keys" / "music.json"


def test_the_docs_show_this_schema() -> None:
    assert doc_example("keys") == json.loads(SCHEMA.read_text())


def test_the_model_reads_a_list_pk_as_a_composite_key() -> None:
    dataset = load_dataset(SCHEMA)
    link = dataset.node("playlist_track")
    assert link is not None and link.pk is None and link.pk_columns == ["playlist_id", "track_id"]
    assert link.key_columns == ["playlist_id", "track_id"]
    assert dataset.to_json_dict()["nodes"][2]["pk_columns"] == ["playlist_id", "track_id"]
    [key] = composite_foreign_keys(dataset)
    assert (key.table, key.columns, key.ref_table) == (
        "play",
        ("playlist_id", "track_id"),
        "playlist_track",
    )
    # the columns of a composite key are no single-column foreign keys
    assert not [fk for fk in foreign_keys(dataset) if fk.ref_table == "playlist_track"]


@pytest.mark.slow  # several full runs: make test-slow (CI runs both)
def test_generated_keys_hold_in_sqlite_and_duckdb_which_enforce_them(tmp_path: Path) -> None:
    out = generate_for_any_workers(SCHEMA, tmp_path, 3, "--format", "parquet,sqlite,duckdb")
    con = duckdb.connect(str(out / "music.duckdb"))
    [(rows, pairs, playlists)] = con.execute(
        "SELECT count(*), count(DISTINCT (playlist_id, track_id)), count(DISTINCT playlist_id)"
        " FROM playlist_track"
    ).fetchall()
    assert rows > 600 and pairs == rows and playlists == 40
    [(orphans,)] = con.execute(
        "SELECT count(*) FROM play p ANTI JOIN playlist_track t USING (playlist_id, track_id)"
    ).fetchall()
    assert orphans == 0
    with pytest.raises(duckdb.ConstraintException):
        con.execute("INSERT INTO playlist_track SELECT * FROM playlist_track LIMIT 1")
    with pytest.raises(duckdb.ConstraintException):
        con.execute("INSERT INTO play VALUES (999999, 1, 1, 100000)")
    con.close()
    lite = sqlite3.connect(out / "music.sqlite")
    lite.execute("PRAGMA foreign_keys = ON")
    with pytest.raises(sqlite3.IntegrityError):
        lite.execute("INSERT INTO playlist_track SELECT * FROM playlist_track LIMIT 1")
    with pytest.raises(sqlite3.IntegrityError):
        lite.execute("INSERT INTO play VALUES (999999, 1, 1, 100000)")
    lite.close()
    result = cli_here("validate", SCHEMA, "--data", out)
    assert result.returncode == 0, result.stdout


@pytest.mark.parametrize("dialect", ["sqlite", "duckdb", "postgres"])
def test_ddl_declares_the_composite_keys(dialect: str) -> None:
    ddl = ddl_script(load_dataset(SCHEMA), dialect)  # type: ignore[arg-type]
    assert 'PRIMARY KEY ("playlist_id", "track_id")' in ddl
    assert (
        'FOREIGN KEY ("playlist_id", "track_id") REFERENCES "playlist_track" '
        '("playlist_id", "track_id")'
    ) in ddl


def test_postgres_loads_and_enforces_the_composite_keys(server: str, tmp_path: Path) -> None:  # noqa: F811
    dsn = fresh_database(server, "music")
    result = generate_dataset(load_dataset(SCHEMA), tmp_path / "o", seed=3, fmt="postgres", dsn=dsn)
    rows = {t.name: t.rows for t in result.tables}
    assert count(dsn, "SELECT count(*) FROM play") == rows["play"] > 0
    constraints = (
        "SELECT count(*) FROM information_schema.key_column_usage k JOIN "
        "information_schema.table_constraints c USING (constraint_name, table_name) "
        "WHERE c.constraint_type = '{}' AND k.table_name = '{}'"
    )
    assert count(dsn, constraints.format("PRIMARY KEY", "playlist_track")) == 2
    # play: listener_id alone, then the two columns of its composite key
    assert count(dsn, constraints.format("FOREIGN KEY", "play")) == 3
    with psycopg.connect(dsn) as conn, pytest.raises(psycopg.errors.UniqueViolation):
        conn.execute("INSERT INTO playlist_track SELECT * FROM playlist_track LIMIT 1")
    with psycopg.connect(dsn) as conn, pytest.raises(psycopg.errors.ForeignKeyViolation):
        conn.execute("INSERT INTO play VALUES (999999, 1, 1, 100000)")


def test_the_validator_catches_a_repeated_pair_and_an_orphan_pair() -> None:
    data = json.loads(SCHEMA.read_text())
    dataset = parse_dataset(data)
    tables = run(data)
    assert validate_tables(dataset, tables).score == 100
    link = tables["playlist_track"]
    tables["playlist_track"] = pa.concat_tables([link, link.slice(0, 2)])
    play = tables["play"].to_pydict()
    play["track_id"][0] = 10**6
    tables["play"] = pa.Table.from_pydict(play, schema=tables["play"].schema)
    report = validate_tables(dataset, tables)
    failed = {(c.name, c.table, c.column): c for c in report.checks if not c.passed}
    repeated = failed[("pk_unique", "playlist_track", "playlist_id,track_id")]
    assert repeated.measured == 2
    orphan = failed[("fk_resolves", "play", "playlist_id,track_id")]
    assert orphan.measured == 1 and orphan.examples[0]["row"] == 0
    assert report.score < 100


def test_composite_pk_columns_are_checked(tmp_path: Path) -> None:
    data = json.loads(SCHEMA.read_text())
    data["nodes"][2]["pk"] = ["playlist_id", "track"]
    with pytest.raises(Exception, match="pk column `track` is not a column"):
        parse_dataset(data)
    data["nodes"][2]["pk"] = ["playlist_id", "playlist_id"]
    with pytest.raises(Exception, match="repeats a column"):
        parse_dataset(data)
    data["nodes"][2]["pk"] = ["playlist_id", "track_id"]
    data["nodes"][2]["columns"][1]["nullable"] = True
    path = tmp_path / "s.json"
    path.write_text(json.dumps(data))
    result = cli_here("generate", path, "--out", tmp_path / "o")
    assert result.returncode == 2 and "must not be nullable" in result.stdout + result.stderr


def test_a_parquet_round_trip_keeps_the_pairs(tmp_path: Path) -> None:
    generate_dataset(load_dataset(SCHEMA), tmp_path / "o", seed=9, fmt="parquet")
    link = pq.read_table(tmp_path / "o" / "playlist_track.parquet").to_pydict()
    pairs = list(zip(link["playlist_id"], link["track_id"], strict=True))
    assert len(pairs) == len(set(pairs))
    per_playlist: dict[int, int] = {}
    for playlist, _ in pairs:
        per_playlist[playlist] = per_playlist.get(playlist, 0) + 1
    assert max(per_playlist.values()) <= 60 and min(per_playlist.values()) >= 1


# one PostgreSQL server for this module: the logical types' load too (docs: types)
def test_postgres_stores_the_types_exactly(server: str, tmp_path: Path) -> None:  # noqa: F811
    dsn = fresh_database(server, "payments")
    data = parse_dataset(doc_example("types"))
    generate_dataset(data, tmp_path / "o", seed=4, fmt="parquet,postgres", dsn=dsn)
    with psycopg.connect(dsn) as conn:
        types = dict(
            conn.execute(
                "SELECT column_name, data_type FROM information_schema.columns "
                "WHERE table_schema = 'public'"
            ).fetchall()
        )
        [(total,)] = conn.execute("SELECT sum(amount) FROM payment").fetchall()
        [(first,)] = conn.execute("SELECT opened_at FROM account LIMIT 1").fetchall()
    assert types["amount"] == "numeric" and types["payment_id"] == "uuid"
    assert types["opened_at"] == "timestamp with time zone"
    assert types["cutoff"] == "time without time zone"
    parquet = pq.read_table(tmp_path / "o" / "payment.parquet").column("amount").to_pylist()
    assert total == sum(parquet)
    assert first.utcoffset().total_seconds() == 0
