"""`datagen import` round trips into a real PostgreSQL (the server tests/test_formats_postgres.py
starts): the original DDL is created in `public`, our data is generated with
`--format postgres` into schema `gen`, then inserted into the original tables.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.test_import_roundtrip import DDL, columns_sql, import_and_generate, load_order

psycopg = pytest.importorskip("psycopg", reason="psycopg 3 is not installed")
from tests.test_formats_postgres import fresh_database, server  # noqa: E402,F401


def load_postgres(dsn: str, ddl_sql: str, schema: dict) -> dict[str, int]:
    """Insert the tables generated into schema `gen` into the original tables in `public`."""
    with psycopg.connect(dsn, autocommit=True) as conn:
        types = dict(
            conn.execute(
                "SELECT c.relname || '.' || a.attname, t.typtype = 'e' FROM pg_attribute a "
                "JOIN pg_class c ON c.oid = a.attrelid JOIN pg_type t ON t.oid = a.atttypid "
                "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public'"
            ).fetchall()
        )
        counts = {}
        for table, cols in load_order(schema):
            # enums need an explicit cast from text; nothing else is cast, so lengths,
            # precisions and ranges are checked by the original columns' types
            select = ", ".join(
                f'"{c}"::"{_enum_type(conn, table, c)}"' if types.get(f"{table}.{c}") else f'"{c}"'
                for c in cols
            )
            conn.execute(
                f'INSERT INTO public."{table}" ({columns_sql(cols)}) SELECT {select} FROM gen."{table}"'
            )
            row = conn.execute(f'SELECT count(*) FROM public."{table}"').fetchone()
            assert row is not None
            counts[table] = int(row[0])
    return counts


def _enum_type(conn: object, table: str, column: str) -> str:
    row = conn.execute(  # type: ignore[attr-defined]
        "SELECT udt_name FROM information_schema.columns WHERE table_schema = 'public' "
        "AND table_name = %s AND column_name = %s",
        (table, column),
    ).fetchone()
    return str(row[0])


def prepare_postgres(root_dsn: str, name: str, ddl_sql: str) -> tuple[str, str]:
    """A fresh database holding the original DDL in `public`, and a DSN writing into `gen`."""
    dsn = fresh_database(root_dsn, name)
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(ddl_sql)
        conn.execute("CREATE SCHEMA gen")
    return dsn, dsn + "&options=-csearch_path%3Dgen"


def test_sakila_loads_into_the_original_postgres_database(server: str, tmp_path: Path) -> None:  # noqa: F811
    ddl_sql = (DDL / "sakila_postgres.sql").read_text()
    dsn, gen_dsn = prepare_postgres(server, "sakila", ddl_sql)
    schema = import_and_generate(
        tmp_path,
        "sakila_postgres.sql",
        "postgres",
        "postgres",
        ["film=150", "actor=60", "customer=80", "film_actor=400", "rental=200", "payment=150"],
        dsn=gen_dsn,
    )
    counts = load_postgres(dsn, ddl_sql, schema)
    assert counts["film"] == 150 and counts["actor"] == 60 and counts["customer"] == 80
    assert counts["film_actor"] == 400
    assert counts["rental"] == 200 and counts["payment"] == 150 and counts["film_category"] > 0


def test_northwind_mysql_ddl_loads_into_postgres(server: str, tmp_path: Path) -> None:  # noqa: F811
    """The MySQL file, translated by sqlglot, is the original; our import reads the MySQL text.

    sqlglot keeps three MySQL-only spellings PostgreSQL refuses: table options (ENGINE=,
    COMMENT=) are dropped, TINYINT(1)'s display width goes, and an inline ENUM(...)
    becomes text with a CHECK on its list.
    """
    import re

    import sqlglot

    mysql = (DDL / "northwind_mysql.sql").read_text()
    statements = sqlglot.transpile(mysql, read="mysql", write="postgres")
    postgres = ";\n".join(
        re.sub(
            r"(\w+) ENUM \(([^)]*)\)",
            r"\1 VARCHAR(20) CHECK (\1 IN (\2))",
            re.sub(r"\)\s*ENGINE=\w+(\s+COMMENT='[^']*')?$", ")", statement).replace(
                "SMALLINT(1)", "SMALLINT"
            ),
        )
        for statement in statements
    )
    dsn, gen_dsn = prepare_postgres(server, "northwind", postgres)
    schema = import_and_generate(
        tmp_path,
        "northwind_mysql.sql",
        "mysql",
        "postgres",
        ["customers=90", "products=77", "orders=400", "order_details=1200", "employees=9"]
        + ["suppliers=29", "shippers=3"],
        dsn=gen_dsn,
    )
    counts = load_postgres(dsn, "", schema)
    assert counts["customers"] == 90 and counts["products"] == 77
    assert counts["orders"] == 400 and counts["order_details"] == 1200
    with psycopg.connect(dsn) as conn:
        statuses = {r[0] for r in conn.execute("SELECT DISTINCT status FROM orders").fetchall()}
    assert statuses <= {"new", "shipped", "delivered", "cancelled"} and len(statuses) > 1


def test_live_postgres_catalogue_reads_like_its_ddl(server: str, tmp_path: Path) -> None:  # noqa: F811
    from datagen.agent.importer import import_schema
    from datagen.agent.importer.live import read_database
    from tests.test_import import _same_shape

    dsn = fresh_database(server, "sakila_live")
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute((DDL / "sakila_postgres.sql").read_text())
    catalog = read_database(dsn)
    _same_shape(catalog, "sakila_postgres.sql", "postgres")
    film = catalog.table("film")
    assert film is not None and film.comment == "Films available for rent"
    assert film.column("rental_rate").comment == "price per rental period"  # type: ignore[union-attr]
    # --profile: aggregates of the rows present, never the rows
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute("INSERT INTO language (name) VALUES ('English'), ('German'), ('French')")
        conn.execute(
            "INSERT INTO customer (first_name, last_name, email, active) SELECT 'F' || i, "
            "'L' || i, 'private' || i || '@mail.example', i % 4 <> 0 FROM generate_series(1, 40) i"
        )
    result = import_schema(url=dsn, profile=True)
    customer = result.dataset.node("customer")
    assert customer is not None and customer.rows == 40
    active = customer.column("active").generator.choice  # type: ignore[union-attr]
    assert dict(zip(active.choices, active.weights, strict=True)) == {True: 0.75, False: 0.25}  # type: ignore[arg-type]
    assert "private1@mail.example" not in str(result.dataset.to_json_dict())
    assert result.dataset.node("language").rows == 3  # type: ignore[union-attr]


def test_uuid_json_and_time_columns_load_into_postgres(server: str, tmp_path: Path) -> None:  # noqa: F811
    """Text the database parses into its own types: values it accepts, the same every run."""
    from datagen.agent.importer.build import build_dataset
    from datagen.agent.importer.ddl import parse_ddl
    from datagen.engine.execute import generate_dataset

    ddl = (
        "CREATE TABLE event (id uuid PRIMARY KEY, body jsonb NOT NULL, at time NOT NULL, "
        "ref uuid UNIQUE, payload json);"
    )
    dsn, gen_dsn = prepare_postgres(server, "special_types", ddl)
    dataset = build_dataset(parse_ddl(ddl, "postgres"), rows={"event": 300}).dataset
    generate_dataset(dataset, tmp_path / "a", seed=4, fmt="parquet,postgres", dsn=gen_dsn)
    generate_dataset(dataset, tmp_path / "b", seed=4)
    first = (tmp_path / "a" / "event.parquet").read_bytes()
    assert first == (tmp_path / "b" / "event.parquet").read_bytes()
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(
            "INSERT INTO public.event SELECT id::uuid, body::jsonb, at::time, ref::uuid, "
            "payload::json FROM gen.event"
        )
        row = conn.execute("SELECT count(DISTINCT id), count(*) FROM public.event").fetchone()
    assert row == (300, 300)


def test_live_postgres_profile_through_the_cli_copies_no_row(server: str, tmp_path: Path) -> None:  # noqa: F811
    """`datagen import --from postgresql://... --profile`: row counts and shares of the
    source, then generated data in which no text of the source's rows appears (other than a
    categorical column's own categories)."""
    import json

    import pyarrow.parquet as pq

    from datagen.engine.load import parse_dataset
    from tests.cli_helpers import run_cli as datagen
    from tests.test_import import assert_nothing_copied

    dsn = fresh_database(server, "shop_profile")
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(
            "CREATE TYPE plan AS ENUM ('free', 'pro', 'team');"
            "CREATE TABLE account (id serial PRIMARY KEY, email varchar(80) NOT NULL UNIQUE, "
            "name text NOT NULL, plan plan NOT NULL, city text, seats int CHECK (seats > 0));"
            "CREATE TABLE invoice (id serial PRIMARY KEY, account_id int NOT NULL "
            "REFERENCES account (id), amount numeric(8, 2) NOT NULL CHECK (amount >= 0), "
            "memo text);"
            "INSERT INTO account (email, name, plan, city, seats) SELECT 'owner' || i || "
            "'@hidden.example', 'Owner Name ' || i, (ARRAY['free', 'pro', 'team'])[1 + i % 3]::plan,"
            " (ARRAY['Oslo', 'Lima', NULL])[1 + i % 3], 1 + i % 9 FROM generate_series(1, 90) i;"
            "INSERT INTO invoice (account_id, amount, memo) SELECT 1 + i % 90, 10 + i % 50, "
            "'memo number ' || i FROM generate_series(1, 400) i;"
        )
        source = {
            table: {
                col: [r[0] for r in conn.execute(f"SELECT {col}::text FROM {table}").fetchall()]
                for col in cols
            }
            for table, cols in (("account", ("email", "name", "city")), ("invoice", ("memo",)))
        }
    schema, out = tmp_path / "shop.json", tmp_path / "out"
    done = datagen("import", "--from", dsn, "--profile", "--out", str(schema))
    assert done.returncode == 0, done.stderr
    assert "hidden.example" not in schema.read_text() and "memo number" not in schema.read_text()
    done = datagen("generate", str(schema), "--out", str(out), "--seed", "5")
    assert done.returncode == 0, done.stderr
    dataset = parse_dataset(json.loads(schema.read_text()))
    assert dataset.node("account").rows == 90 and dataset.node("invoice").rows == 400  # type: ignore[union-attr]
    account = pq.read_table(out / "account.parquet").to_pydict()
    assert len(account["id"]) == 90 and set(account["plan"]) <= {"free", "pro", "team"}
    assert {c for c in account["city"] if c is not None} <= {"Oslo", "Lima"}  # its categories
    assert all(1 <= s <= 9 for s in account["seats"] if s is not None)
    assert_nothing_copied(dataset, source, out)


def test_staff_loads_into_the_original_postgres_database(server: str, tmp_path: Path) -> None:  # noqa: F811
    """ENUM type, timestamptz with a CHECK between two columns, a self-reference, a link
    table keyed by an integer and a text reference, a composite foreign key into it."""
    from datagen.agent.importer.live import read_database
    from tests.test_import import _same_shape

    ddl_sql = (DDL / "staff_postgres.sql").read_text()
    dsn, gen_dsn = prepare_postgres(server, "staff", ddl_sql)
    _same_shape(read_database(dsn), "staff_postgres.sql", "postgres")  # the live catalogue
    schema = import_and_generate(
        tmp_path, "staff_postgres.sql", "postgres", "postgres",
        ["team=12", "person=150", "skill=40"], dsn=gen_dsn,
    )  # fmt: skip
    counts = load_postgres(dsn, ddl_sql, schema)
    assert counts["team"] == 12 and counts["person"] == 150 and counts["skill"] == 40
    assert counts["person_skill"] > 150 and counts["endorsement"] > 150
    with psycopg.connect(dsn) as conn:
        row = conn.execute("SELECT count(parent_team_id), count(left_at) FROM team, person")
        assert all(n > 0 for n in row.fetchone())  # type: ignore[union-attr]
