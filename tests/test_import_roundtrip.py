"""`datagen import` round trips: DDL -> schema -> generated data -> the ORIGINAL DDL's database.

Each test creates a real database from the DDL file as written (SQLite, DuckDB,
PostgreSQL), generates our data with `datagen generate --format <db>` (real
subprocess runs), then inserts every table into the original database, parents
first. The original's keys, NOT NULLs, UNIQUEs, CHECKs, ENUM types, lengths and
precisions refuse any bad row, so a clean load means zero violations; the row
counts asked with `--rows` must be there.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import duckdb
import pytest

from tests.cli_helpers import run_cli as datagen  # in-process: flags, files, exit codes

DDL = Path(__file__).parent / "data" / "ddl"


def import_and_generate(
    tmp_path: Path, ddl: str, dialect: str, fmt: str, rows: list[str], dsn: str | None = None
) -> dict:
    schema = tmp_path / "schema.json"
    args = ["import", str(DDL / ddl), "--dialect", dialect, "-o", str(schema)]
    for item in rows:
        args += ["--rows", item]
    done = datagen(*args)
    assert done.returncode == 0, done.stderr
    out = tmp_path / "out"
    gen = ["generate", str(schema), "--out", str(out), "--seed", "7", "--format", fmt]
    if dsn is not None:
        gen += ["--dsn", dsn]
    done = datagen(*gen)
    assert done.returncode == 0, done.stderr
    return json.loads(schema.read_text())


def load_order(schema: dict) -> list[tuple[str, list[str]]]:
    """Tables parents first, with their columns as written (hidden helpers are not)."""
    from datagen.engine.ddl import table_order
    from datagen.engine.load import parse_dataset

    dataset = parse_dataset(schema).output_view()
    order = []
    for table in table_order(dataset):
        node = dataset.node(table)
        assert node is not None
        order.append((table, [c.name for c in node.columns]))
    return order


def columns_sql(columns: list[str]) -> str:
    return ", ".join(f'"{c}"' for c in columns)


def copy_into_sqlite(con: sqlite3.Connection, schema: dict, generated: Path) -> None:
    """Insert every generated table into the original SQLite tables, parents first: a CHECK,
    UNIQUE, NOT NULL or key violation raises; no foreign key is left dangling."""
    con.execute("ATTACH DATABASE ? AS gen", (str(generated),))
    for table, cols in load_order(schema):
        with con:
            con.execute(
                f'INSERT INTO main."{table}" ({columns_sql(cols)}) '
                f'SELECT {columns_sql(cols)} FROM gen."{table}"'
            )
    assert con.execute("PRAGMA foreign_key_check").fetchall() == []


def test_chinook_loads_into_the_original_sqlite_database(tmp_path: Path) -> None:
    schema = import_and_generate(
        tmp_path,
        "chinook_sqlite.sql",
        "sqlite",
        "sqlite",
        ["Artist=40", "Track=300", "Employee=12", "Customer=60", "Playlist=15", "InvoiceLine=200"],
    )
    target = tmp_path / "chinook.db"
    con = sqlite3.connect(target)
    con.executescript((DDL / "chinook_sqlite.sql").read_text())
    con.execute("PRAGMA foreign_keys = ON")
    copy_into_sqlite(con, schema, tmp_path / "out" / "chinook_sqlite.sqlite")
    assert con.execute("SELECT count(*) FROM Artist").fetchone() == (40,)
    assert con.execute("SELECT count(*) FROM Track").fetchone() == (300,)
    for table in ("Album", "Invoice", "InvoiceLine", "PlaylistTrack", "Employee"):
        assert con.execute(f"SELECT count(*) FROM {table}").fetchone()[0] > 0, table
    # the self-reference holds managers, not only nulls
    assert con.execute("SELECT count(ReportsTo) FROM Employee").fetchone()[0] > 0
    con.close()


@pytest.mark.parametrize("items", ["order_items=900", None])
def test_shop_loads_into_the_original_duckdb_database(tmp_path: Path, items: str | None) -> None:
    """order_items of exactly 900 rows (a hidden helper makes its key unique), or as a fact
    of orders numbering its lines (the DSL's own composite key)."""
    asked = ["customers=200", "orders=300", "products=50", "returns=40"]
    schema = import_and_generate(
        tmp_path, "shop_duckdb.sql", "duckdb", "duckdb", asked + ([items] if items else [])
    )
    con = duckdb.connect(str(tmp_path / "shop.duckdb"))
    con.execute((DDL / "shop_duckdb.sql").read_text())
    con.execute(f"ATTACH '{tmp_path / 'out' / 'shop_duckdb.duckdb'}' AS gen (READ_ONLY)")
    for table, cols in load_order(schema):
        con.execute(
            f'INSERT INTO main."{table}" ({columns_sql(cols)}) '
            f'SELECT {columns_sql(cols)} FROM gen."{table}"'
        )
    counts = {
        t: con.execute(f'SELECT count(*) FROM main."{t}"').fetchone()[0]  # type: ignore[index]
        for t, _ in load_order(schema)
    }
    assert counts["customers"] == 200 and counts["orders"] == 300
    assert counts["order_items"] == 900 if items else counts["order_items"] > 300
    assert counts["returns"] == 40
    # the CHECKs and the ENUM type of the original held every row
    bad = con.execute(
        "SELECT count(*) FROM customers WHERE updated_at < created_at "
        "OR tier NOT IN ('bronze', 'silver', 'gold')"
    ).fetchone()
    assert bad == (0,)
    assert con.execute("SELECT min(price) > 0, min(quantity) >= 1 FROM products, order_items")
    con.close()


def test_school_with_composite_keys_and_checks_loads_into_sqlite(tmp_path: Path) -> None:
    """Every key kind at once (two composite primary keys, two composite foreign keys, a
    self-reference, UNIQUEs, CHECKs on values, IN lists and a length): every row loads."""
    schema = import_and_generate(
        tmp_path, "school_sqlite.sql", "sqlite", "sqlite", ["department=8", "student=150"]
    )
    con = sqlite3.connect(tmp_path / "school.db")
    con.executescript((DDL / "school_sqlite.sql").read_text())
    copy_into_sqlite(con, schema, tmp_path / "out" / "school_sqlite.sqlite")
    counts = {
        t: con.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t, _ in load_order(schema)
    }
    assert counts["department"] == 8 and counts["student"] == 150
    assert all(counts[t] > 0 for t in ("teacher", "enrollment", "session", "attendance")), counts
    assert con.execute("SELECT count(mentor_id) FROM teacher").fetchone()[0] > 0
    assert con.execute("SELECT max(length(code)) FROM department").fetchone()[0] <= 6
    con.close()


ROWS = {  # small: every table at most a few hundred rows
    "chinook_sqlite.sql": ["Artist=30", "Track=200", "Customer=40", "Employee=8", "Playlist=10",
                           "InvoiceLine=200"],
    "school_sqlite.sql": ["department=5", "student=100", "course=30", "attendance=100"],
    "sakila_postgres.sql": ["film=100", "actor=40", "customer=60", "rental=150", "payment=100"],
    "northwind_mysql.sql": ["customers=40", "products=30", "orders=100", "employees=8"],
    "shop_duckdb.sql": ["customers=50", "orders=100", "products=30", "returns=20"],
    "staff_postgres.sql": ["team=10", "person=100", "skill=30"],
}  # fmt: skip


@pytest.mark.parametrize(
    ("ddl", "dialect"),
    [
        ("chinook_sqlite.sql", "sqlite"),
        ("school_sqlite.sql", "sqlite"),
        ("sakila_postgres.sql", "postgres"),
        ("northwind_mysql.sql", "mysql"),
        ("shop_duckdb.sql", "duckdb"),
        ("staff_postgres.sql", "postgres"),
    ],
)
def test_the_validator_says_every_check_and_enum_of_the_ddl_holds(
    tmp_path: Path, ddl: str, dialect: str
) -> None:
    """`datagen validate` on the imported schema's data: a range, enum, inequality or pattern
    check for every CHECK and ENUM the import read, keys and references resolved, all
    passed; the score is 100 (these files have no CHECK the import cannot generate for)."""
    schema = import_and_generate(tmp_path, ddl, dialect, "parquet", ROWS[ddl])
    done = datagen("validate", str(tmp_path / "schema.json"), "--data", str(tmp_path / "out"),
                   "--json")  # fmt: skip
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    checks = report["checks"]
    failed = [c for c in checks if not c["passed"]]
    assert not failed and report["score"] == 100.0, failed[:3]
    kinds = {c["name"] for c in checks}
    assert {"pk_unique", "fk_resolves"} <= kinds
    declared = schema["constraints"]
    for kind, check in (("ranges", "range"), ("enum", "enum"), ("inequalities", "inequality")):
        if declared.get(kind):
            ran = [c for c in checks if c["name"] == check]
            assert len(ran) >= len(declared[kind]), (kind, len(ran))


STOCK = """
PRAGMA foreign_keys = ON;
CREATE TABLE warehouse (id INTEGER PRIMARY KEY, code CHAR(4) NOT NULL UNIQUE);
CREATE TABLE bin (
  warehouse_id INTEGER NOT NULL REFERENCES warehouse (id),
  bin_no SMALLINT NOT NULL CHECK (bin_no BETWEEN 1 AND 200),
  PRIMARY KEY (warehouse_id, bin_no)
);
CREATE TABLE stock (
  id INTEGER PRIMARY KEY,
  warehouse_id INTEGER NOT NULL,
  bin_no SMALLINT NOT NULL,
  sku VARCHAR(20) NOT NULL,
  UNIQUE (warehouse_id, bin_no, sku),
  FOREIGN KEY (warehouse_id, bin_no) REFERENCES bin (warehouse_id, bin_no)
);
"""


def test_a_composite_reference_inside_a_composite_unique_loads(tmp_path: Path) -> None:
    """The columns of a composite foreign key that are also part of a wider UNIQUE are
    still copied from one referenced row (they were generated as plain numbers)."""
    (tmp_path / "stock.sql").write_text(STOCK)
    done = datagen("import", str(tmp_path / "stock.sql"), "--dialect", "sqlite", "--rows",
                   "warehouse=20", "--rows", "stock=300", "-o", str(tmp_path / "schema.json"))  # fmt: skip
    assert done.returncode == 0, done.stderr
    done = datagen("generate", str(tmp_path / "schema.json"), "--out", str(tmp_path / "out"),
                   "--format", "sqlite", "--seed", "2")  # fmt: skip
    assert done.returncode == 0, done.stderr
    schema = json.loads((tmp_path / "schema.json").read_text())
    con = sqlite3.connect(tmp_path / "stock.db")
    con.executescript(STOCK)
    copy_into_sqlite(con, schema, tmp_path / "out" / "stock.sqlite")
    assert con.execute("SELECT count(*) FROM stock").fetchone() == (300,)
    con.close()
