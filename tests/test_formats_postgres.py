"""`--format postgres` against a real server, started once per session on a private socket.

The server comes from Debian's packages (/usr/lib/postgresql/*/bin). When it
is missing and we are root, the set-up installs it (`apt-get update` then
`apt-get install postgresql`); when that cannot be done the tests are skipped
with the reason. The server listens on a Unix socket in a temporary
directory only (no TCP), runs as the `postgres` user when we are root
(initdb refuses root), and is stopped at the end (tests/postgres_server.py).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest

from datagen.engine.ddl import ddl_script
from datagen.engine.errors import DatagenError, InputError
from datagen.engine.execute import generate_dataset
from datagen.engine.load import load_dataset
from datagen.engine.relations import foreign_keys

ROOT = Path(__file__).resolve().parent.parent
SCALE = 0.02

psycopg = pytest.importorskip("psycopg", reason="psycopg 3 is not installed (pip install -e .)")


@pytest.fixture(scope="module")
def server(postgres_server: str) -> str:
    """The session's server (tests/conftest.py): one initdb and start for every module."""
    return postgres_server


def fresh_database(server: str, name: str) -> str:
    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    return server.replace("postgresql:///postgres", f"postgresql:///{name}")


def count(dsn: str, sql: str) -> int:
    with psycopg.connect(dsn) as conn:
        row = conn.execute(sql).fetchone()
    assert row is not None
    return int(row[0])


def test_bank_loads_with_keys_and_no_orphans(server: str, tmp_path: Path) -> None:
    dsn = fresh_database(server, "bank")
    bank = load_dataset(ROOT / "examples" / "bank.json")
    out = tmp_path / "bank"
    result = generate_dataset(bank, out, seed=4, fmt="parquet,postgres", scale=SCALE, dsn=dsn)
    for table in result.tables:
        assert table.rows > 0
        assert count(dsn, f'SELECT count(*) FROM "{table.name}"') == table.rows, table.name
    for fk in foreign_keys(bank):
        orphans = count(
            dsn,
            f'SELECT count(*) FROM "{fk.table}" c WHERE c."{fk.column}" IS NOT NULL AND NOT EXISTS '
            f'(SELECT 1 FROM "{fk.ref_table}" p WHERE p."{fk.ref_column}" = c."{fk.column}")',
        )
        assert orphans == 0, fk
    constraints = (
        "SELECT count(*) FROM information_schema.table_constraints "
        "WHERE table_schema = 'public' AND constraint_type = '{}'"
    )
    assert count(dsn, constraints.format("FOREIGN KEY")) == len(foreign_keys(bank))
    assert count(dsn, constraints.format("PRIMARY KEY")) == len(bank.nodes)
    assert count(dsn, constraints.format("CHECK")) > 10
    # values, not just counts: the same sum and the same latest timestamp as the Parquet
    amounts = pq.read_table(out / "transaction.parquet").column("amount").to_pylist()
    with psycopg.connect(dsn) as conn:
        total, latest = conn.execute(
            'SELECT sum(amount), max(txn_at) FROM "transaction"'
        ).fetchone()  # type: ignore[misc]
    assert total == pytest.approx(sum(amounts))
    assert latest == max(pq.read_table(out / "transaction.parquet").column("txn_at").to_pylist())

    # a second load into the same database refuses, and changes nothing
    with pytest.raises(InputError, match="already has table"):
        generate_dataset(bank, tmp_path / "again", seed=4, fmt="postgres", scale=SCALE, dsn=dsn)
    assert count(dsn, 'SELECT count(*) FROM "customer"') == next(
        t.rows for t in result.tables if t.name == "customer"
    )


def test_a_failing_table_rolls_the_whole_load_back(
    server: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import datagen.engine.writers.postgres as postgres

    dsn = fresh_database(server, "broken")
    real_copy = postgres.copy_binary

    def failing(batch: Any) -> bytes:
        if "txn_at" in batch.schema.names:
            raise DatagenError("disk full (simulated)")
        return real_copy(batch)

    monkeypatch.setattr(postgres, "copy_binary", failing)
    bank = load_dataset(ROOT / "examples" / "bank.json")
    with pytest.raises(DatagenError, match="simulated"):
        generate_dataset(bank, tmp_path / "out", seed=4, fmt="postgres", scale=SCALE, dsn=dsn)
    with psycopg.connect(dsn) as conn:
        tables = {
            r[0]
            for r in conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
        }
    assert not (tmp_path / "out").exists()
    # one transaction: the earlier tables went with the failed COPY, the database is as it was
    assert not tables & {"branch", "customer", "account", "transaction"}
    # so the next run loads everything instead of refusing "already has table(s)"
    monkeypatch.setattr(postgres, "copy_binary", real_copy)
    result = generate_dataset(bank, tmp_path / "out", seed=4, fmt="postgres", scale=SCALE, dsn=dsn)
    assert count(dsn, "SELECT count(*) FROM account") == next(
        t.rows for t in result.tables if t.name == "account"
    )


def test_ddl_runs_on_postgres_for_every_example(server: str) -> None:
    for path in sorted((ROOT / "examples").glob("*.json")):
        dsn = fresh_database(server, f"ddl_{path.stem}")
        dataset = load_dataset(path)
        with psycopg.connect(dsn) as conn:
            conn.execute(ddl_script(dataset, "postgres"))  # type: ignore[arg-type]
            conn.commit()
        assert count(dsn, "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'") == len(
            dataset.nodes
        )


EVERY_TYPE = {
    "version": "1.0",
    "metadata": {"name": "types"},
    "timeframe": {"start": "2024-01-01", "end": "2024-03-01", "freq": "s"},
    "nodes": [
        {
            "id": "thing",
            "kind": "entity",
            "rows": 300,
            "pk": "thing_id",
            "columns": [
                {"name": "thing_id", "type": "int", "generator": {"sequence": {"start": -5}}},
                {
                    "name": "label",
                    "type": "string",
                    "generator": {
                        "choice": {"choices": ["plain", "it's", 'a "quote", and a comma', "é\nß ✓"]}
                    },
                },
                {
                    "name": "price",
                    "type": "float",
                    "nullable": True,
                    "null_rate": 0.2,
                    "generator": {
                        "distribution": {"type": "normal", "params": {"mean": 0, "std": 1e6}}
                    },
                },
                {
                    "name": "active",
                    "type": "bool",
                    "generator": {"choice": {"choices": [True, False]}},
                },
                {
                    "name": "seen_on",
                    "type": "date",
                    "generator": {"datetime_series": {"within": "timeframe"}},
                },
                {
                    "name": "seen_at",
                    "type": "datetime",
                    "nullable": True,
                    "null_rate": 0.1,
                    "generator": {"datetime_series": {"within": "timeframe"}},
                },
            ],
        }
    ],
}


def test_binary_copy_keeps_every_value_of_every_type(server: str, tmp_path: Path) -> None:
    """Every value read back from PostgreSQL equals the Parquet's: ints (negative),
    floats, text with quotes, commas, newlines and non-ASCII, booleans, dates,
    timestamps, and nulls."""
    from datagen.engine import dsl

    dsn = fresh_database(server, "types")
    dataset = dsl.Dataset.model_validate(EVERY_TYPE)
    out = tmp_path / "types"
    generate_dataset(dataset, out, seed=9, fmt="parquet,postgres", dsn=dsn)
    expected = pq.read_table(out / "thing.parquet").to_pylist()
    names = list(expected[0])
    with psycopg.connect(dsn) as conn:
        cursor = conn.execute(
            f"SELECT {', '.join(names)} FROM thing ORDER BY thing_id"  # noqa: S608
        )
        rows = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    assert rows == sorted(expected, key=lambda r: r["thing_id"])
    assert any(r["price"] is None for r in rows) and any(r["seen_at"] is None for r in rows)
    assert {r["label"] for r in rows} == {"plain", "it's", 'a "quote", and a comma', "é\nß ✓"}
