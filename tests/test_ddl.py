"""DDL from the DSL: every example compiles in every dialect, and the constraints bite."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner

from datagen.agent.commands.ddl import ddl_cmd
from datagen.engine.ddl import DIALECTS, ddl_script, table_defs, table_order
from datagen.engine.errors import InputError
from datagen.engine.generators.aggregate import waits_for
from datagen.engine.load import load_dataset, parse_dataset
from datagen.engine.relations import foreign_keys
from tests.engine_helpers import entity, schema

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "examples").glob("*.json"))


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_every_example_compiles_in_sqlite_and_duckdb(path: Path) -> None:
    dataset = load_dataset(path)
    sqlite3.connect(":memory:").executescript(ddl_script(dataset, "sqlite"))
    con = duckdb.connect()
    con.execute(ddl_script(dataset, "duckdb"))
    tables = {row[0] for row in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
    assert tables == {n.id for n in dataset.nodes}


@pytest.mark.parametrize("dialect", DIALECTS)
def test_keys_and_checks_are_declared(dialect: str) -> None:
    bank = load_dataset(ROOT / "examples" / "bank.json")
    sql = ddl_script(bank, dialect)  # type: ignore[arg-type]
    assert 'PRIMARY KEY ("customer_id")' in sql
    assert 'FOREIGN KEY ("customer_id") REFERENCES "customer" ("customer_id")' in sql
    assert 'UNIQUE ("email")' in sql
    assert "\"account_type\" IN ('checking', 'savings', 'business')" in sql
    assert '"credit_score" >= 300' in sql and '"credit_score" <= 850' in sql
    assert 'CREATE TABLE "transaction"' in sql  # reserved words are quoted
    # a same-row inequality is a CHECK; one across tables is not
    assert "end_date" in sql and ">" in sql
    assert 'CHECK ("txn_at" >= "opened_at")' not in sql
    self_reference = 'FOREIGN KEY ("manager_id") REFERENCES "employee" ("employee_id")'
    assert (self_reference in sql) == (dialect != "duckdb")


def test_tables_come_parents_first() -> None:
    for path in EXAMPLES:
        dataset = load_dataset(path)
        order = table_order(dataset)
        waiting = waits_for(dataset)  # a table with aggregates is written after its children
        for fk in foreign_keys(dataset):
            if fk.table in waiting.get(fk.ref_table, set()):
                assert order.index(fk.ref_table) > order.index(fk.table), (path.stem, fk)
                continue
            assert order.index(fk.ref_table) <= order.index(fk.table), (path.stem, fk)


def test_sqlite_constraints_refuse_bad_rows() -> None:
    dataset = parse_dataset(
        schema(
            entity(
                "parent",
                [
                    {
                        "name": "label",
                        "type": "string",
                        "generator": {"choice": {"choices": ["a", "b"]}},
                    }
                ],
            ),
            entity(
                "child",
                [
                    {
                        "name": "parent_id",
                        "type": "int",
                        "generator": {"lookup": {"from": "parent.id"}},
                    },
                    {
                        "name": "low",
                        "type": "float",
                        "generator": {
                            "distribution": {"type": "uniform", "params": {"low": 0, "high": 1}}
                        },
                    },
                    {
                        "name": "high",
                        "type": "float",
                        "generator": {"expression": {"expr": "low + 1"}},
                    },
                    {
                        "name": "note",
                        "type": "string",
                        "nullable": True,
                        "null_rate": 0.5,
                        "generator": {"choice": {"choices": ["x"]}},
                    },
                ],
            ),
            constraints={
                "ranges": [{"column": "child.low", "min": 0, "max": 1}],
                "enum": [{"column": "parent.label", "values": ["a", "b"]}],
                "inequalities": [{"left": "child.high", "op": ">", "right": "child.low"}],
            },
        )
    )
    con = sqlite3.connect(":memory:")
    con.executescript(ddl_script(dataset, "sqlite"))
    con.execute("INSERT INTO parent VALUES (1, 'a')")
    con.execute("INSERT INTO child VALUES (1, 1, 0.5, 1.5, NULL)")
    bad_rows = [
        "INSERT INTO parent VALUES (2, 'z')",  # enum
        "INSERT INTO parent VALUES (1, 'b')",  # primary key
        "INSERT INTO child VALUES (2, 99, 0.5, 1.5, 'x')",  # orphan
        "INSERT INTO child VALUES (3, 1, 2.0, 3.0, 'x')",  # range
        "INSERT INTO child VALUES (4, 1, 0.5, 0.1, 'x')",  # inequality
        "INSERT INTO child VALUES (5, 1, NULL, 1.0, 'x')",  # NOT NULL
        "INSERT INTO child VALUES (6, 1, 'text', 1.0, 'x')",  # STRICT types
    ]
    for sql in bad_rows:
        with pytest.raises(sqlite3.IntegrityError):
            con.execute(sql)
    assert con.execute("SELECT count(*) FROM child").fetchone() == (1,)


def test_without_constraints_only_types_remain() -> None:
    dataset = load_dataset(ROOT / "examples" / "shop.json")
    for tdef in table_defs(dataset, "sqlite", constraints=False):
        assert tdef.pk is None and not tdef.foreign_keys and not tdef.checks
        assert not any(c.not_null for c in tdef.columns)
    sql = ddl_script(dataset, "postgres", constraints=False)
    assert "PRIMARY KEY" not in sql and "CHECK" not in sql and "NOT NULL" not in sql


def test_unknown_dialect_is_an_input_error() -> None:
    with pytest.raises(InputError, match="dialect"):
        table_defs(load_dataset(ROOT / "examples" / "shop.json"), "oracle")  # type: ignore[arg-type]


def test_ddl_command_prints_the_script() -> None:
    runner = CliRunner()
    result = runner.invoke(ddl_cmd, [str(ROOT / "examples" / "shop.json"), "--dialect", "sqlite"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("-- shop: DDL for sqlite")
    assert "PRAGMA foreign_keys = ON;" in result.output
    sqlite3.connect(":memory:").executescript(result.output)
    postgres = runner.invoke(ddl_cmd, [str(ROOT / "examples" / "shop.json")])
    assert postgres.exit_code == 0 and "double precision" in postgres.output
    bad = runner.invoke(ddl_cmd, [str(ROOT / "examples" / "shop.json"), "--dialect", "oracle"])
    assert bad.exit_code == 2
