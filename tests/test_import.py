"""`datagen import`: DDL and live catalogues -> DSL schema; constraints honoured; bad input."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

from datagen.agent.cli import main
from datagen.agent.importer import import_schema
from datagen.agent.importer.build import HIDDEN_KEY, build_dataset
from datagen.agent.importer.catalog import Catalog, TableInfo
from datagen.agent.importer.ddl import parse_ddl
from datagen.engine.ddl import ddl_script
from datagen.engine.errors import InputError
from datagen.engine.execute import generate_dataset
from tests.cli_helpers import run_cli as datagen  # in-process: flags, files, exit codes

DDL = Path(__file__).parent / "data" / "ddl"
FILES = [
    ("chinook_sqlite.sql", "sqlite"),
    ("sakila_postgres.sql", "postgres"),
    ("northwind_mysql.sql", "mysql"),
    ("shop_duckdb.sql", "duckdb"),
    ("school_sqlite.sql", "sqlite"),
    ("staff_postgres.sql", "postgres"),
]

SMALL = """
CREATE TABLE product (
    id INTEGER PRIMARY KEY,
    code CHAR(3) NOT NULL UNIQUE,
    price NUMERIC(6, 2) NOT NULL CHECK (price > 0),
    qty INTEGER NOT NULL CHECK (qty BETWEEN 1 AND 5),
    status TEXT NOT NULL CHECK (status IN ('draft', 'live', 'retired')),
    discount REAL CHECK (discount >= 0 AND discount < 0.5),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
COMMENT ON COLUMN product.price IS 'list price in euros';
"""


# --------------------------------------------------------------------------- DDL -> schema


def test_constraints_of_the_ddl_hold_in_the_generated_data(tmp_path: Path) -> None:
    result = build_dataset(parse_ddl(SMALL, "postgres"), rows={"product": 3000})
    dataset = result.dataset
    node = dataset.node("product")
    assert node is not None and node.rows == 3000 and node.pk == "id"
    assert node.column("price").description == "list price in euros"  # type: ignore[union-attr]
    generate_dataset(dataset, tmp_path, seed=3)
    table = pq.read_table(tmp_path / "product.parquet").to_pydict()
    assert len(table["id"]) == 3000
    assert min(table["price"]) > 0 and max(table["price"]) <= 9999.99
    assert all(round(p, 2) == p for p in table["price"])
    assert set(table["qty"]) == {1, 2, 3, 4, 5}
    assert set(table["status"]) == {"draft", "live", "retired"}
    discounts = [d for d in table["discount"] if d is not None]
    assert discounts and min(discounts) >= 0 and max(discounts) < 0.5
    assert len(set(table["code"])) == 3000 and max(len(c) for c in table["code"]) <= 3
    assert all(u >= c for c, u in zip(table["created_at"], table["updated_at"], strict=True))
    # the choices are written down
    assert any("qty" in a for a in dataset.metadata.assumptions)
    assert any("updated_at >= created_at" in a for a in result.assumptions)


def test_enum_types_and_checks_become_choices_and_constraints() -> None:
    sakila = import_schema(DDL / "sakila_postgres.sql", dialect="postgres").dataset
    film = sakila.node("film")
    assert film is not None and film.description == "Films available for rent"
    rating = film.column("rating")
    assert rating is not None
    assert rating.generator.choice.choices == ["G", "PG", "PG-13", "R", "NC-17"]  # type: ignore[union-attr]
    enums = {e.column: e.values for e in sakila.constraints.enum}
    assert enums["film.rating"] == ["G", "PG", "PG-13", "R", "NC-17"]
    ranges = {r.column: (r.min, r.max) for r in sakila.constraints.ranges}
    assert ranges["film.release_year"] == (1901, 2155)
    assert ranges["film.length"] == (1, 300)
    northwind = import_schema(DDL / "northwind_mysql.sql", dialect="mysql").dataset
    enums = {e.column: e.values for e in northwind.constraints.enum}
    assert enums["orders.status"] == ["new", "shipped", "delivered", "cancelled"]
    ineqs = {(i.left, i.op, i.right) for i in northwind.constraints.inequalities}
    assert ("orders.shipped_date", ">=", "orders.order_date") in ineqs


def test_keys_become_lookups_facts_and_link_tables() -> None:
    result = import_schema(DDL / "chinook_sqlite.sql", dialect="sqlite", rows={"track": 50})
    dataset = result.dataset
    album = dataset.node("Album")
    assert album is not None and album.kind == "fact" and album.parents == ["Artist"]
    assert album.column("ArtistId").generator.lookup.from_ == "Artist.ArtistId"  # type: ignore[union-attr]
    employee = dataset.node("Employee")
    reports_to = employee.column("ReportsTo")  # type: ignore[union-attr]
    assert reports_to is not None and reports_to.nullable
    assert reports_to.generator.lookup.from_ == "Employee.EmployeeId"  # type: ignore[union-attr]
    track = dataset.node("Track")
    assert track is not None and track.kind == "entity" and track.rows == 50
    # a many-to-many table: the DSL's composite key, a fact of its first reference whose
    # second reference is distinct per parent (unique by construction), nothing hidden
    link = dataset.node("PlaylistTrack")
    assert link is not None and link.pk_columns == ["PlaylistId", "TrackId"]
    assert link.kind == "fact" and link.parents == ["Playlist"]
    assert link.column("TrackId").generator.lookup.distinct  # type: ignore[union-attr]
    assert link.fanout is not None and link.fanout.max <= 50  # never more than the tracks
    assert not any(c.hidden for c in link.columns)
    assert not any("PlaylistTrack" in note for note in result.notes)
    assert any(
        a.startswith("`PlaylistTrack`") and "unique by construction" in a
        for a in dataset.metadata.assumptions
    )


def test_composite_keys_use_the_dsl_keys_and_load_without_helpers(tmp_path: Path) -> None:
    """A line number under its order (position()), a composite foreign key copied from one
    row; with an exact row count asked, a hidden helper (not written) makes the key unique."""
    for rows, kind in (({"orders": 80}, "fact"), ({"orders": 80, "order_items": 500}, "entity")):
        dataset = import_schema(DDL / "shop_duckdb.sql", dialect="duckdb", rows=rows).dataset
        items = dataset.node("order_items")
        assert items is not None and items.kind == kind
        assert items.pk_columns == ["order_id", "line_no"]
        returns = dataset.node("returns")
        assert returns is not None
        line_no = returns.column("line_no").generator.lookup  # type: ignore[union-attr]
        assert line_no.from_ == "order_items.line_no" and line_no.on == "order_id"
        out = tmp_path / kind
        generate_dataset(dataset, out, seed=4)
        table = pq.read_table(out / "order_items.parquet")
        assert table.column_names == ["order_id", "line_no", "sku", "quantity"]  # no helper
        pairs = list(zip(*table.select(["order_id", "line_no"]).to_pydict().values(), strict=True))
        assert len(set(pairs)) == len(pairs) > 0 and min(p[1] for p in pairs) >= 1
        if kind == "entity":
            assert len(pairs) == 500
        taken = pq.read_table(out / "returns.parquet").select(["order_id", "line_no"])
        assert set(zip(*taken.to_pydict().values(), strict=True)) <= set(pairs)
        ddl = ddl_script(dataset, "duckdb")
        assert 'PRIMARY KEY ("order_id", "line_no")' in ddl
        assert 'FOREIGN KEY ("order_id", "line_no") REFERENCES "order_items"' in ddl


def _key_of(catalog: Catalog, fk: object) -> tuple[str, ...]:
    """`REFERENCES team` without columns: the referenced table's primary key."""
    parent = catalog.table(fk.ref_table)  # type: ignore[attr-defined]
    return tuple(parent.primary_key) if parent is not None else ()


def _shape(catalog: Catalog, sqlite: bool = False) -> dict[str, dict[str, object]]:
    """Tables, columns, DSL types, keys, enums and bounded columns: what must survive.

    sqlite: the DDL was written for SQLite, which keeps dates as text and booleans as 0/1.
    """
    as_sqlite = {"date": "string", "datetime": "string", "bool": "int"}
    out: dict[str, dict[str, object]] = {}
    for table in catalog.tables:
        columns = table.columns
        keys = [table.primary_key] if table.primary_key else []
        unique = [g for g in table.unique if g not in keys]
        single = [[c.name] for c in columns if c.unique or [c.name] in unique]
        out[table.name] = {
            "columns": [
                (c.name, as_sqlite.get(c.type, c.type) if sqlite else c.type) for c in columns
            ],
            "key": keys,
            "multi_unique": sorted(g for g in table.unique if len(g) > 1),
            "single_unique": single,
            "references": sorted(
                (tuple(f.columns), f.ref_table, tuple(f.ref_columns) or _key_of(catalog, f))
                for f in table.foreign_keys
            ),
            "enums": {
                c.name: c.enum_values
                for c in columns
                if c.enum_values and not (sqlite and c.enum_values == [0, 1])
            },
            "bounded": sorted(c.name for c in columns if c.bounds),
            "comparisons": sorted((x.left, x.op, x.right) for x in table.comparisons),
        }
    return out


@pytest.mark.parametrize(
    ("ddl", "dialect", "rows"),
    [(ddl, dialect, None) for ddl, dialect in FILES]
    # exact rows of link tables: their keys made unique by hidden helpers, which are not DDL
    + [
        ("shop_duckdb.sql", "duckdb", {"order_items": 300}),
        ("sakila_postgres.sql", "postgres", {"film_actor": 300, "film_category": 100}),
    ],  # fmt: skip
)
def test_ddl_of_an_imported_schema_is_equivalent_to_the_input(
    ddl: str, dialect: str, rows: dict[str, int] | None
) -> None:
    source = parse_ddl((DDL / ddl).read_text(), dialect)
    dataset = import_schema(DDL / ddl, dialect=dialect, rows=rows).dataset
    for out_dialect in ("postgres", "sqlite", "duckdb"):
        sqlite = out_dialect == "sqlite"
        again = _shape(parse_ddl(ddl_script(dataset, out_dialect), out_dialect), sqlite)  # type: ignore[arg-type]
        given = _shape(source, sqlite)
        assert list(again) == [t.name for t in _dag_order(source, list(again))]
        for name, shape in given.items():
            mine = again[name]
            assert mine["columns"] == shape["columns"], (out_dialect, name)
            assert mine["key"] == shape["key"], (out_dialect, name)
            assert mine["enums"] == shape["enums"], (out_dialect, name)
            assert mine["bounded"] == shape["bounded"], (out_dialect, name)
            assert mine["comparisons"] == shape["comparisons"], (out_dialect, name)
            assert mine["multi_unique"] == shape["multi_unique"], (out_dialect, name)
            # every FK, composite ones too (DuckDB leaves self-references out, as noted)
            references = shape["references"]
            if out_dialect == "duckdb":
                references = [r for r in references if r[1] != name]  # type: ignore[attr-defined]
            assert mine["references"] == references, (out_dialect, name)
            # the source's UNIQUE columns stay unique (a referenced column may become so)
            assert all(u in mine["single_unique"] for u in shape["single_unique"]), name  # type: ignore[attr-defined]


def _dag_order(source: Catalog, names: list[str]) -> list[TableInfo]:
    by_name = {t.name: t for t in source.tables}
    return [by_name[n] for n in names]


# --------------------------------------------------------------------------- the command


def test_cli_writes_a_schema_that_generates_and_lists_assumptions(tmp_path: Path) -> None:
    out = tmp_path / "chinook.json"
    done = datagen(
        "import", str(DDL / "chinook_sqlite.sql"), "--dialect", "sqlite", "--out", str(out)
    )
    assert done.returncode == 0, done.stderr
    schema = json.loads(out.read_text())
    assert len(schema["nodes"]) == 11
    assert "assumptions" in done.stderr and "unique by construction" in done.stderr
    assert schema["metadata"]["assumptions"]
    # printed to stdout without --out
    done = datagen("import", str(DDL / "shop_duckdb.sql"), "--dialect", "duckdb")
    assert done.returncode == 0 and json.loads(done.stdout)["nodes"][0]["id"] == "customers"
    # --json: a summary for programs; --quiet: nothing but the result
    shop = tmp_path / "shop.json"
    args = ["import", str(DDL / "shop_duckdb.sql"), "--dialect", "duckdb", "--out", str(shop)]
    result = CliRunner().invoke(main, [*args, "--json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["tables"] == 5 and summary["schema"] == str(shop) and summary["assumptions"]
    assert summary["notes"] == []  # the shop's composite keys are the DSL's own: nothing left out
    result = CliRunner().invoke(main, [*args, "--force", "--quiet"])
    assert result.exit_code == 0 and result.stdout == "" and result.stderr == ""


def test_cli_refuses_bad_input_with_the_place_and_exit_2(tmp_path: Path) -> None:
    bad = tmp_path / "bad.sql"
    bad.write_text(
        "CREATE TABLE ok (id INT);\n\nCREATE TABLE broken (\n  a INT,\n  b VARCHAR(9 NOT NULL\n);\n"
    )
    done = datagen("import", str(bad), "--dialect", "postgres")
    assert done.returncode == 2
    assert f"{bad}, line 5, column 11" in done.stderr and "Traceback" not in done.stderr
    kept = tmp_path / "kept.json"
    kept.write_text("{}")
    done = datagen("import", str(DDL / "shop_duckdb.sql"), "--out", str(kept))
    assert done.returncode == 2 and "--force" in done.stderr
    assert kept.read_text() == "{}"
    runner = CliRunner()  # in-process for the rest: the same group maps errors to exit 2
    for args, message in (
        (["import", str(tmp_path / "none.sql")], "not found"),
        (["import", str(DDL / "shop_duckdb.sql"), "--rows", "orders"], "--rows"),
        (["import", str(DDL / "shop_duckdb.sql"), "--dialect", "cobol"], "--dialect"),
        (["import", "--from", "mongodb://x/y"], "unknown scheme"),
        (["import", "--from", f"sqlite:///{tmp_path}/missing.db"], "no database file"),
        (["import"], "one of the two"),
        (["import", str(DDL / "shop_duckdb.sql"), "--profile"], "--profile"),
    ):
        result = runner.invoke(main, args)
        assert result.exit_code == 2, (args, result.output)
        assert message in result.output, (args, result.output)
        assert not isinstance(result.exception, AssertionError | TypeError | KeyError)
    assert not (tmp_path / "missing.db").exists()


def test_a_file_without_tables_is_bad_input() -> None:
    with pytest.raises(InputError, match="no CREATE TABLE"):
        parse_ddl("CREATE INDEX i ON t (a);", "postgres")


# --------------------------------------------------------------------------- live databases


def _same_shape(live: Catalog, ddl_file: str, dialect: str) -> None:
    given = _shape(parse_ddl((DDL / ddl_file).read_text(), dialect))
    found = _shape(live)
    assert set(found) == set(given)
    for name, shape in given.items():
        assert found[name]["columns"] == shape["columns"], name
        assert found[name]["key"] == shape["key"], name
        assert sorted(found[name]["references"]) == sorted(shape["references"]), name  # type: ignore[type-var]
        assert found[name]["enums"] == shape["enums"], name
        assert found[name]["bounded"] == shape["bounded"], name
        assert found[name]["comparisons"] == shape["comparisons"], name


def test_live_sqlite_catalogue_reads_like_its_ddl(tmp_path: Path) -> None:
    from datagen.agent.importer.live import read_database

    path = tmp_path / "chinook.db"
    con = sqlite3.connect(path)
    con.executescript((DDL / "chinook_sqlite.sql").read_text())
    con.close()
    _same_shape(read_database(f"sqlite:///{path}"), "chinook_sqlite.sql", "sqlite")
    school = tmp_path / "school.db"  # composite foreign keys, CHECKs with IN lists, a length
    con = sqlite3.connect(school)
    con.executescript((DDL / "school_sqlite.sql").read_text())
    con.close()
    _same_shape(read_database(f"sqlite:///{school}"), "school_sqlite.sql", "sqlite")
    out = tmp_path / "schema.json"
    done = datagen("import", "--from", f"sqlite:///{path}", "--out", str(out))
    assert done.returncode == 0, done.stderr
    assert {n["id"] for n in json.loads(out.read_text())["nodes"]} >= {"Artist", "PlaylistTrack"}


def test_live_duckdb_catalogue_reads_like_its_ddl(tmp_path: Path) -> None:
    from datagen.agent.importer.live import read_database

    path = tmp_path / "shop.duckdb"
    con = duckdb.connect(str(path))
    con.execute((DDL / "shop_duckdb.sql").read_text())
    con.close()
    _same_shape(read_database(f"duckdb:///{path}"), "shop_duckdb.sql", "duckdb")


def test_profile_uses_statistics_and_copies_no_row(tmp_path: Path) -> None:
    path = tmp_path / "app.db"
    con = sqlite3.connect(path)
    con.execute(
        "CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL UNIQUE, "
        "plan TEXT NOT NULL, score REAL, note TEXT)"
    )
    rows = [
        (
            i,
            f"person{i:03d}.secret@corp.example",
            "pro" if i % 5 == 0 else "free",
            10 + (i % 11),
            None if i % 10 < 3 else f"note {i}",
        )
        for i in range(1, 201)
    ]
    con.executemany("INSERT INTO users VALUES (?, ?, ?, ?, ?)", rows)
    con.commit()
    con.close()
    result = import_schema(url=f"sqlite:///{path}", profile=True)
    users = result.dataset.node("users")
    assert users is not None and users.rows == 200
    plan = users.column("plan").generator.choice  # type: ignore[union-attr]
    assert dict(zip(plan.choices, plan.weights, strict=True)) == {"free": 0.8, "pro": 0.2}  # type: ignore[arg-type]
    assert users.column("note").null_rate == pytest.approx(0.3)  # type: ignore[union-attr]
    assert users.column("score").generator.distribution.clamp == (10, 20)  # type: ignore[union-attr]
    out = tmp_path / "out"
    generate_dataset(result.dataset, out, seed=1)
    generated = pq.read_table(out / "users.parquet").to_pydict()
    assert len(generated["id"]) == 200
    assert not set(generated["email"]) & {r[1] for r in rows}
    text = json.dumps(result.dataset.to_json_dict())
    assert "secret@corp.example" not in text and "note 1" not in text
    assert all(10 <= s <= 20 for s in generated["score"] if s is not None)
    columns = ["id", "email", "plan", "score", "note"]
    source = {"users": {c: [r[i] for r in rows] for i, c in enumerate(columns)}}
    assert_nothing_copied(result.dataset, source, out)


TSQL = """
CREATE TABLE [dbo].[Stores] (
  [StoreId] INT IDENTITY(1,1) NOT NULL PRIMARY KEY,
  [ManagerId] INT NULL,
  [City] NVARCHAR(40),
  [Notes] NVARCHAR(MAX) NULL
);
GO
CREATE TABLE [dbo].[Staff] (
  [StaffId] INT NOT NULL PRIMARY KEY,
  [StoreId] INT NOT NULL REFERENCES [dbo].[Stores]([StoreId]),
  [Email] VARCHAR(80) UNIQUE,
  [IsActive] BIT NOT NULL DEFAULT 1
);
GO
ALTER TABLE [dbo].[Stores] ADD CONSTRAINT FK_Manager
  FOREIGN KEY ([ManagerId]) REFERENCES [dbo].[Staff]([StaffId]);
"""


def test_tsql_batches_alter_table_and_a_reference_cycle(tmp_path: Path) -> None:
    """Stores -> Staff -> Stores (as in Sakila): the nullable reference is left empty, noted."""
    catalog = parse_ddl(TSQL, "tsql")
    assert [t.name for t in catalog.tables] == ["Stores", "Staff"]
    stores = catalog.table("Stores")
    assert stores is not None and stores.foreign_keys[0].ref_table == "Staff"
    result = build_dataset(catalog, rows={"stores": 5, "staff": 40})
    assert any("round in a circle" in note and "ManagerId" in note for note in result.notes)
    generate_dataset(result.dataset, tmp_path, seed=2)
    staff = pq.read_table(tmp_path / "Staff.parquet").to_pydict()
    emails = [e for e in staff["Email"] if e is not None]  # nullable: no NOT NULL
    assert set(staff["StoreId"]) <= {1, 2, 3, 4, 5} and len(set(emails)) == len(emails) > 30
    assert set(staff["IsActive"]) <= {True, False}
    managers = pq.read_table(tmp_path / "Stores.parquet").column("ManagerId")
    assert managers.null_count == 5


def test_a_check_that_is_not_understood_is_a_not_modelled_claim() -> None:
    ddl = (
        "CREATE TABLE t (id INT PRIMARY KEY, a INT, b INT, code TEXT, "
        "CHECK (a > 0 OR b > 0), CHECK (length(code) = 5));"
    )
    result = build_dataset(parse_ddl(ddl, "postgres"))
    claims = result.dataset.claims
    assert [c.status for c in claims] == ["not_modelled", "not_modelled"]
    assert claims[0].text == "t: CHECK (a > 0 OR b > 0)" and claims[0].reason
    assert sum("is not understood" in note for note in result.notes) == 2


def test_postgres_folds_unquoted_names_as_the_database_does() -> None:
    catalog = parse_ddl(
        'CREATE TABLE Users (Id INT PRIMARY KEY, "DisplayName" TEXT, CHECK (Id > 0));\n'
        "COMMENT ON COLUMN Users.Id IS 'the key';",
        "postgres",
    )
    users = catalog.table("users")
    assert users is not None and users.name == "users"
    assert [c.name for c in users.columns] == ["id", "DisplayName"]
    assert users.columns[0].comment == "the key" and users.columns[0].bounds
    assert parse_ddl("CREATE TABLE Users (Id INT);", "duckdb").tables[0].name == "Users"


def test_a_composite_unique_beside_a_primary_key_is_unique_by_construction(
    tmp_path: Path,
) -> None:
    ddl = """
    CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT NOT NULL);
    CREATE TABLE products (id INTEGER PRIMARY KEY, title TEXT NOT NULL);
    CREATE TABLE wishes (
        id INTEGER PRIMARY KEY,
        user_id INTEGER NOT NULL REFERENCES users (id),
        product_id INTEGER NOT NULL REFERENCES products (id),
        note TEXT,
        UNIQUE (user_id, product_id)
    );
    """
    for rows in ({"users": 30, "products": 20}, {"users": 30, "products": 20, "wishes": 90}):
        result = build_dataset(parse_ddl(ddl, "sqlite"), rows=rows)
        wishes = result.dataset.node("wishes")
        assert wishes is not None and wishes.pk == "id"
        assert [u.columns for u in result.dataset.constraints.unique] == [["user_id", "product_id"]]
        assert wishes.column(HIDDEN_KEY) is None and not result.notes
        if "wishes" in rows:  # exactly 90 rows: distinct pairs of two plain lookups
            assert wishes.kind == "entity" and wishes.rows == 90
            assert not wishes.column("product_id").generator.lookup.distinct  # type: ignore[union-attr]
        else:  # a fact of users, each wishing for distinct products
            assert wishes.kind == "fact"
            assert wishes.column("product_id").generator.lookup.distinct  # type: ignore[union-attr]
        out = tmp_path / str(len(rows))
        generate_dataset(result.dataset, out, seed=9)
        table = pq.read_table(out / "wishes.parquet").to_pydict()
        assert HIDDEN_KEY not in table
        pairs = list(zip(table["user_id"], table["product_id"], strict=True))
        assert len(pairs) > 50 and len(set(pairs)) == len(pairs)
        assert set(table["user_id"]) <= set(range(1, 31))
        assert set(table["product_id"]) <= set(range(1, 21))


def test_an_exact_count_of_numbered_rows_is_unique_through_a_hidden_helper(
    tmp_path: Path,
) -> None:
    """UNIQUE (user_id, slot) with exactly 70 rows: no fanout gives an exact count, so a
    hidden `key_index` (not written) spreads the rows over the pairs; said in the notes."""
    ddl = """
    CREATE TABLE users (id INTEGER PRIMARY KEY);
    CREATE TABLE slots (
        id INTEGER PRIMARY KEY,
        user_id INTEGER NOT NULL REFERENCES users (id),
        slot INTEGER NOT NULL CHECK (slot BETWEEN 1 AND 4),
        UNIQUE (user_id, slot)
    );
    """
    result = build_dataset(parse_ddl(ddl, "sqlite"), rows={"users": 30, "slots": 70})
    slots = result.dataset.node("slots")
    assert slots is not None and slots.rows == 70 and slots.pk == "id"
    helper = slots.column(HIDDEN_KEY)
    assert helper is not None and helper.hidden
    assert any("composite UNIQUE key" in note for note in result.notes)
    generate_dataset(result.dataset, tmp_path, seed=1)
    table = pq.read_table(tmp_path / "slots.parquet").to_pydict()
    assert HIDDEN_KEY not in table and len(table["id"]) == 70
    pairs = list(zip(table["user_id"], table["slot"], strict=True))
    assert len(set(pairs)) == 70 and {s for _, s in pairs} <= {1, 2, 3, 4}


def test_a_composite_key_of_text_columns_is_declared_checked_and_noted() -> None:
    ddl = (
        "CREATE TABLE tags (post TEXT NOT NULL, tag VARCHAR(20) NOT NULL, PRIMARY KEY (post, tag));"
    )
    result = build_dataset(parse_ddl(ddl, "postgres"), rows={"tags": 70})
    tags = result.dataset.node("tags")
    assert tags is not None and tags.rows == 70 and tags.pk_columns == ["post", "tag"]
    assert any("not unique by construction" in note for note in result.notes)


def test_profiled_shares_survive_an_enum_list(tmp_path: Path) -> None:
    path = tmp_path / "app.db"
    con = sqlite3.connect(path)
    con.execute(
        "CREATE TABLE tickets (id INTEGER PRIMARY KEY, "
        "state TEXT NOT NULL CHECK (state IN ('open', 'pending', 'closed')))"
    )
    states = ["closed"] * 14 + ["open"] * 4 + ["pending"] * 2
    con.executemany("INSERT INTO tickets (state) VALUES (?)", [(s,) for s in states])
    con.commit()
    con.close()
    tickets = import_schema(url=f"sqlite:///{path}", profile=True).dataset.node("tickets")
    state = tickets.column("state").generator.choice  # type: ignore[union-attr]
    assert state.choices == ["open", "pending", "closed"]  # the CHECK's list, in its order
    assert state.weights == [0.2, 0.1, 0.7]


def test_profile_does_not_copy_the_values_of_a_small_free_text_column(tmp_path: Path) -> None:
    path = tmp_path / "tiny.db"
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE product (id INTEGER PRIMARY KEY, title TEXT NOT NULL)")
    con.executemany("INSERT INTO product (title) VALUES (?)", [("Secret Apple",), ("Secret Pear",)])
    con.commit()
    con.close()
    dataset = import_schema(url=f"sqlite:///{path}", profile=True).dataset
    assert "Secret" not in json.dumps(dataset.to_json_dict())


def test_unsigned_columns_never_go_below_zero(tmp_path: Path) -> None:
    ddl = (
        "CREATE TABLE account (id INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY, "
        "balance DECIMAL(12, 2) UNSIGNED NOT NULL, change_delta INT UNSIGNED NOT NULL);"
    )
    dataset = build_dataset(parse_ddl(ddl, "mysql"), rows={"account": 500}).dataset
    generate_dataset(dataset, tmp_path, seed=6)
    table = pq.read_table(tmp_path / "account.parquet").to_pydict()
    assert min(table["balance"]) >= 0 and min(table["change_delta"]) >= 0
    assert {r.column for r in dataset.constraints.ranges} >= {
        "account.balance",
        "account.change_delta",
    }


def test_oracle_number_types(tmp_path: Path) -> None:
    """NUMBER(4) is a whole number (a key can be a sequence), NUMBER(7,2) money in range."""
    ddl = (
        "CREATE TABLE dept (deptno NUMBER(2) PRIMARY KEY, dname VARCHAR2(14) NOT NULL);\n"
        "CREATE TABLE emp (empno NUMBER(4) PRIMARY KEY, ename VARCHAR2(10) NOT NULL, "
        "sal NUMBER(7,2) NOT NULL CHECK (sal > 0), deptno NUMBER(2) NOT NULL REFERENCES dept);"
    )
    dataset = build_dataset(parse_ddl(ddl, "oracle"), rows={"dept": 40, "emp": 300}).dataset
    assert dataset.node("emp").column("empno").type == "int"  # type: ignore[union-attr]
    generate_dataset(dataset, tmp_path, seed=1)
    emp = pq.read_table(tmp_path / "emp.parquet").to_pydict()
    assert max(emp["empno"]) <= 9999 and set(emp["deptno"]) <= set(range(1, 41))
    assert max(len(name) for name in emp["ename"]) <= 10
    assert min(emp["sal"]) > 0 and max(emp["sal"]) <= 99999.99


def test_profile_keeps_how_skewed_references_are(tmp_path: Path) -> None:
    path = tmp_path / "skew.db"
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE shop (id INTEGER PRIMARY KEY)")
    con.execute("CREATE TABLE sale (id INTEGER PRIMARY KEY, shop_id INTEGER REFERENCES shop)")
    con.executemany("INSERT INTO shop VALUES (?)", [(i,) for i in range(1, 51)])
    # shops 1-10 (the top fifth) get 80% of 1000 sales
    shops = [1 + i % 10 for i in range(800)] + [11 + i % 40 for i in range(200)]
    con.executemany("INSERT INTO sale (shop_id) VALUES (?)", [(s,) for s in shops])
    con.commit()
    con.close()
    dataset = import_schema(url=f"sqlite:///{path}", profile=True).dataset
    lookup = dataset.node("sale").column("shop_id").generator.lookup  # type: ignore[union-attr]
    assert lookup.weights_kind == "head_tail@{0.2,0.80}"
    generate_dataset(dataset, tmp_path / "out", seed=3)
    sales = pq.read_table(tmp_path / "out" / "sale.parquet").column("shop_id").to_pylist()
    counts = sorted((sales.count(s) for s in set(sales) if s is not None), reverse=True)
    assert sum(counts[:10]) / sum(counts) > 0.6  # skewed again, not uniform (0.2)


def test_a_unique_index_is_a_unique_constraint() -> None:
    catalog = parse_ddl(
        "CREATE TABLE member (id INTEGER PRIMARY KEY, email TEXT, club INT, seat INT);\n"
        "CREATE UNIQUE INDEX ux_email ON member (email);\n"
        "CREATE INDEX ix_club ON member (club);\n"
        "CREATE UNIQUE INDEX ux_seat ON member (club, seat);",
        "sqlite",
    )
    member = catalog.table("member")
    assert member is not None and member.column("email").unique  # type: ignore[union-attr]
    assert member.unique == [["club", "seat"]] and not member.column("club").unique  # type: ignore[union-attr]


@pytest.mark.parametrize(("ddl", "dialect"), FILES)
def test_every_generator_choice_is_an_assumption(ddl: str, dialect: str) -> None:
    """Each written column is named in an assumption (a fact's link to its parent by its
    table's fanout one); a guess the DDL overrode (an ENUM list) is not left behind."""
    result = import_schema(DDL / ddl, dialect=dialect)
    said = "\n".join(result.assumptions)
    for node in result.dataset.output_view().nodes:
        for col in node.columns:
            lookup = getattr(col.generator, "lookup", None)
            if node.kind == "fact" and lookup and lookup.from_.split(".")[0] == node.parents[0]:
                assert f"`{node.id}`: about" in said, node.id
            else:
                own = [a for a in result.assumptions if a.startswith(f"`{node.id}`")]
                assert f"`{node.id}.{col.name}`" in said or any(
                    f"`{col.name}`" in a or f"`{node.id}`(" in a for a in own
                ), col.name
    if ddl == "shop_duckdb.sql":
        tier = [a for a in result.assumptions if a.startswith("`customers.tier`")]
        assert tier == ["`customers.tier`: one of ['bronze', 'silver', 'gold'] (the source's "
                        "ENUM/CHECK list)"]  # fmt: skip
    if ddl == "chinook_sqlite.sql":  # a name the lexicon does not know, read by its last word
        assert "`Invoice.BillingCity`: Faker `city` (read as `city`)" in result.assumptions


def test_a_check_on_a_length_caps_the_values_and_is_validated(tmp_path: Path) -> None:
    ddl = (
        "CREATE TABLE t (id INT PRIMARY KEY, code TEXT NOT NULL UNIQUE CHECK (length(code) <= 5),"
        " tag TEXT NOT NULL CHECK (char_length(tag) BETWEEN 1 AND 3 OR tag = ''),"
        " label TEXT NOT NULL CHECK (7 > len(label) AND length(label) > 0),"
        " name TEXT NOT NULL CHECK (length(trim(name)) > 3),"
        " city TEXT CHECK (length(city) BETWEEN 1 AND 12));"
    )
    result = build_dataset(parse_ddl(ddl, "postgres"), rows={"t": 500})
    patterns = {p.column: p.regex for p in result.dataset.constraints.pattern}
    assert patterns == {"t.code": "(?s).{0,5}", "t.label": "(?s).{1,6}", "t.city": "(?s).{1,12}"}
    claims = [c.text for c in result.dataset.claims]  # what is not generated for is said
    assert any("tag" in c for c in claims) and any("TRIM(name)" in c for c in claims)
    generate_dataset(result.dataset, tmp_path, seed=2)
    table = pq.read_table(tmp_path / "t.parquet").to_pydict()
    assert max(len(c) for c in table["code"]) <= 5 and len(set(table["code"])) == 500
    assert all(1 <= len(v) <= 6 for v in table["label"])
    assert all(1 <= len(v) <= 12 for v in table["city"] if v is not None)


def assert_nothing_copied(dataset, source: dict[str, dict[str, list]], out: Path) -> None:  # type: ignore[no-untyped-def]
    """No text value of the source appears in the generated data unless it is one of the top
    values the profile made a column's choices (a categorical column's own categories)."""
    for node in dataset.output_view().nodes:
        generated = pq.read_table(out / f"{node.id}.parquet").to_pydict()
        for col in node.columns:
            if col.type != "string" or col.name not in source.get(node.id, {}):
                continue
            choice = getattr(col.generator, "choice", None)
            allowed = set(choice.choices) if choice is not None else set()
            copied = set(generated[col.name]) & set(source[node.id][col.name]) - allowed - {None}
            assert not copied, (node.id, col.name, sorted(copied)[:5])


SHOP_ROWS = (  # DuckDB rows of the shop: unique emails and names, a few categories
    "INSERT INTO customers SELECT i, 'user' || i || '@secret.example', 'Person ' || i, "
    "['bronze', 'silver', 'gold'][1 + i % 3], TIMESTAMP '2024-01-01' + INTERVAL (i) HOUR, "
    "TIMESTAMP '2024-01-02' + INTERVAL (i) HOUR FROM range(1, 121) t(i);"
    "INSERT INTO products SELECT 'SKU' || i, 'Product ' || i, 1.5 + i, "
    "CASE WHEN i % 4 = 0 THEN NULL ELSE 0.5 + i % 7 END FROM range(1, 31) t(i);"
    "INSERT INTO orders SELECT i, 1 + i % 120, "
    "['pending', 'paid', 'shipped', 'refunded'][1 + i % 4]::order_status, "
    "TIMESTAMP '2024-03-01' + INTERVAL (i) MINUTE FROM range(1, 201) t(i);"
    "INSERT INTO order_items SELECT 1 + i // 2, 1 + i % 2, 'SKU' || (1 + i % 30), 1 + i % 5 "
    "FROM range(0, 300) t(i);"
    "INSERT INTO returns SELECT i, 1 + i, 1, ['damaged', 'wrong item', 'changed mind'][1 + i % 3] "
    "FROM range(1, 21) t(i);"
)


def test_live_duckdb_profile_gives_counts_shares_and_ranges_and_copies_no_row(
    tmp_path: Path,
) -> None:
    path = tmp_path / "shop.duckdb"
    con = duckdb.connect(str(path))
    con.execute((DDL / "shop_duckdb.sql").read_text())
    con.execute(SHOP_ROWS)
    source = {
        t: con.sql(f"SELECT * FROM {t}").to_arrow_table().to_pydict()
        for t in ("customers", "products", "orders", "order_items", "returns")
    }
    con.close()
    schema, out = tmp_path / "shop.json", tmp_path / "out"
    done = datagen("import", "--from", f"duckdb:///{path}", "--profile", "--out", str(schema))
    assert done.returncode == 0, done.stderr
    done = datagen("generate", str(schema), "--out", str(out), "--seed", "3")
    assert done.returncode == 0, done.stderr
    dataset = import_schema(url=f"duckdb:///{path}", profile=True).dataset
    assert json.loads(schema.read_text()) == dataset.to_json_dict()  # no value of a row in it
    counts = {n: len(pq.read_table(out / f"{n}.parquet")) for n in source}
    assert counts == {n: len(next(iter(rows.values()))) for n, rows in source.items()}
    tier = dataset.node("customers").column("tier").generator.choice  # type: ignore[union-attr]
    assert dict(zip(tier.choices, tier.weights, strict=True)) == pytest.approx(  # type: ignore[arg-type]
        {"bronze": 40 / 120, "silver": 40 / 120, "gold": 40 / 120}
    )
    price = pq.read_table(out / "products.parquet").column("price").to_pylist()
    assert min(price) >= 2.5 and max(price) <= 31.5  # the source's min and max
    weight = dataset.node("products").column("weight_kg")  # type: ignore[union-attr]
    assert weight.null_rate == pytest.approx(7 / 30, abs=1e-3)  # type: ignore[union-attr]
    assert weight.generator.distribution.type == "normal"  # type: ignore[union-attr]
    assert_nothing_copied(dataset, source, out)
    text = schema.read_text()
    assert "secret.example" not in text and "Person 1" not in text and "Product 1" not in text


def _type_class(sql_type: str) -> str:
    """A type as the database holds it, up to width: int, decimal(p,s), real, text, ..."""
    t = sql_type.upper()
    if t.startswith(("DECIMAL", "NUMERIC(")):
        return t.replace("NUMERIC", "DECIMAL").replace(" ", "")
    if "INT" in t:
        return "int"
    if any(w in t for w in ("CHAR", "TEXT", "CLOB", "ENUM", "STRING")):
        return "text"
    if any(w in t for w in ("REAL", "FLOA", "DOUB")):
        return "real"
    return t.split("(")[0].lower()


def _sqlite_catalogue(sql: str) -> dict[str, dict[str, object]]:
    con = sqlite3.connect(":memory:")
    con.executescript(sql)
    out: dict[str, dict[str, object]] = {}
    tables = "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
    for (name,) in con.execute(tables).fetchall():
        cols = con.execute(f'PRAGMA table_info("{name}")').fetchall()
        fks: dict[int, list[tuple[str, str, str]]] = {}
        for row in con.execute(f'PRAGMA foreign_key_list("{name}")').fetchall():
            fks.setdefault(row[0], []).append((row[2], row[3], row[4]))
        unique = [
            tuple(r[2] for r in con.execute(f'PRAGMA index_info("{index[1]}")').fetchall())
            for index in con.execute(f'PRAGMA index_list("{name}")').fetchall()
            if index[2] and index[3] != "pk"
        ]
        out[name] = {
            # SQLite keeps dates as text or numbers and decimals as REAL: names and NOT NULL
            "columns": [(c[1], bool(c[3]) or c[5] > 0) for c in cols],
            "key": [c[1] for c in sorted(cols, key=lambda c: c[5]) if c[5]],
            "references": sorted(
                (v[0][0], tuple(x[1] for x in v), tuple(x[2] for x in v)) for v in fks.values()
            ),
            "unique": sorted(unique),
        }
    con.close()
    return out


def _duckdb_catalogue(sql: str) -> dict[str, dict[str, object]]:
    con = duckdb.connect()
    con.execute(sql)
    out: dict[str, dict[str, object]] = {}
    for table, column, data_type, nullable in con.execute(
        "SELECT table_name, column_name, data_type, is_nullable FROM duckdb_columns() "
        "WHERE NOT internal ORDER BY table_name, column_index"
    ).fetchall():
        entry = out.setdefault(table, {"columns": [], "key": [], "references": [], "unique": []})
        entry["columns"].append((column, _type_class(data_type), nullable))  # type: ignore[union-attr]
        # an ENUM type restricts its column as a CHECK (x IN (...)) does
        entry.setdefault("checked", []).extend([column] if data_type.startswith("ENUM") else [])  # type: ignore[union-attr]
    for table, kind, columns, ref_table, ref_columns in con.execute(
        "SELECT table_name, constraint_type, constraint_column_names, referenced_table, "
        "referenced_column_names FROM duckdb_constraints() WHERE constraint_type <> 'NOT NULL'"
    ).fetchall():
        entry = out[table]
        if kind == "PRIMARY KEY":
            entry["key"] = list(columns)
        elif kind == "FOREIGN KEY":
            entry["references"].append((ref_table, tuple(columns), tuple(ref_columns)))  # type: ignore[union-attr]
        elif kind == "UNIQUE":
            entry["unique"].append(tuple(columns))  # type: ignore[union-attr]
        elif kind == "CHECK":
            entry["checked"].extend(columns)  # type: ignore[union-attr]
    con.close()
    for entry in out.values():
        for key in ("references", "unique", "checked"):
            entry[key] = sorted(set(entry[key]))  # type: ignore[call-overload]
    return out


@pytest.mark.parametrize(
    ("ddl", "dialect", "rows"),
    [
        ("chinook_sqlite.sql", "sqlite", None),
        ("school_sqlite.sql", "sqlite", None),
        ("school_sqlite.sql", "sqlite", {"enrollment": 500, "session": 300}),
        ("shop_duckdb.sql", "duckdb", None),
        ("shop_duckdb.sql", "duckdb", {"order_items": 300}),
    ],
)
def test_the_databases_catalogues_of_both_ddls_agree(
    ddl: str, dialect: str, rows: dict[str, int] | None
) -> None:
    """The original DDL and `datagen ddl` of its import, each loaded into the database it was
    written for: the same tables, columns, NOT NULLs, keys, foreign keys (composite ones too),
    UNIQUEs and CHECKed columns, read back from the database's own catalogue."""
    result = import_schema(DDL / ddl, dialect=dialect, rows=rows)
    read = _sqlite_catalogue if dialect == "sqlite" else _duckdb_catalogue
    given, mine = read((DDL / ddl).read_text()), read(ddl_script(result.dataset, dialect))  # type: ignore[arg-type]
    assert set(mine) == set(given)
    for table, shape in given.items():
        for key in ("columns", "key", "references", "checked"):
            assert mine[table].get(key) == shape.get(key), (table, key)
        # every UNIQUE kept; one more only where the assumptions say the lexicon made it so
        assert set(shape["unique"]) <= set(mine[table]["unique"]), table  # type: ignore[arg-type]
        for extra in set(mine[table]["unique"]) - set(shape["unique"]):  # type: ignore[arg-type]
            assert len(extra) == 1 and any(
                a.startswith(f"`{table}.{extra[0]}`") and "(unique)" in a
                for a in result.assumptions
            ), (table, extra)


def test_two_references_that_must_differ_never_point_at_the_same_row(tmp_path: Path) -> None:
    ddl = (
        "CREATE TABLE person (id INTEGER PRIMARY KEY, name TEXT NOT NULL);"
        "CREATE TABLE follow (id INTEGER PRIMARY KEY,"
        " follower_id INTEGER NOT NULL REFERENCES person (id),"
        " followee_id INTEGER NOT NULL REFERENCES person (id),"
        " CHECK (follower_id <> followee_id));"
        "CREATE TABLE span (id INTEGER PRIMARY KEY, a INTEGER, b INTEGER CHECK (b <> 0),"
        " CHECK (a != b));"
    )
    result = build_dataset(parse_ddl(ddl, "sqlite"), rows={"person": 4, "follow": 400})
    follow = result.dataset.node("follow")
    lookup = follow.column("followee_id").generator.lookup  # type: ignore[union-attr]
    assert lookup.distinct_from == "follower_id"
    # two plain numbers that must differ: not generated for, and said so (the score caps)
    assert sorted(c.text for c in result.dataset.claims) == [
        "span: CHECK (a <> b)",
        "span: CHECK (b <> 0)",
    ]
    generate_dataset(result.dataset, tmp_path, seed=6)
    table = pq.read_table(tmp_path / "follow.parquet").to_pydict()
    assert len(table["id"]) == 400
    assert all(a != b for a, b in zip(table["follower_id"], table["followee_id"], strict=True))


def test_defaults_and_comments_are_kept_as_descriptions() -> None:
    dataset = import_schema(DDL / "staff_postgres.sql", dialect="postgres").dataset
    team, person = dataset.node("team"), dataset.node("person")
    assert team is not None and team.description == "teams of people"
    assert person is not None
    assert person.column("salary").description == "yearly, EUR"  # type: ignore[union-attr]
    assert person.column("mood").description == "default 'ok'"  # type: ignore[union-attr]
    northwind = import_schema(DDL / "northwind_mysql.sql", dialect="mysql").dataset
    assert northwind.node("categories").description == "product categories"  # type: ignore[union-attr]


@pytest.mark.parametrize("scheme", ["sqlite", "duckdb"])
def test_a_live_import_reads_no_row_without_profile_and_changes_no_byte(
    tmp_path: Path, scheme: str
) -> None:
    path = tmp_path / f"shop.{scheme}"
    if scheme == "sqlite":
        con = sqlite3.connect(path)
        con.executescript(
            "CREATE TABLE item (id INTEGER PRIMARY KEY, label TEXT NOT NULL);"
            "INSERT INTO item (label) VALUES ('only-in-the-source-1'), ('only-in-the-source-2');"
        )
        con.commit()
    else:
        con = duckdb.connect(str(path))  # type: ignore[assignment]
        con.execute(
            "CREATE TABLE item (id INTEGER PRIMARY KEY, label VARCHAR NOT NULL);"
            "INSERT INTO item VALUES (1, 'only-in-the-source-1'), (2, 'only-in-the-source-2');"
        )
    con.close()
    before = path.read_bytes()
    plain = import_schema(url=f"{scheme}:///{path}")
    item = plain.dataset.node("item")
    assert item is not None and item.rows == 1000  # the default: no row was counted
    assert not any("as in the source" in a for a in plain.assumptions)
    profiled = import_schema(url=f"{scheme}:///{path}", profile=True)
    assert profiled.dataset.node("item").rows == 2  # type: ignore[union-attr]
    assert "only-in-the-source" not in json.dumps(profiled.dataset.to_json_dict())
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == [path.name]  # no journal, no WAL


def test_postgres_catalogue_spelling_of_in_lists_is_an_enum() -> None:
    """pg_get_constraintdef gives `CHECK (x IN (...))` back as `x = ANY (ARRAY[...])`, with
    casts: the live PostgreSQL import reads it as the IN list it is."""
    catalog = parse_ddl(
        "CREATE TABLE t (grade char(1), status varchar(9), level int,"
        " CONSTRAINT a CHECK ((grade = ANY (ARRAY['A'::bpchar, 'B'::bpchar]))),"
        " CONSTRAINT b CHECK (((status)::text = ANY"
        " ((ARRAY['new'::character varying, 'done'::character varying])::text[]))),"
        " CONSTRAINT c CHECK (((level)::numeric > 0.5)));",
        "postgres",
    )
    table = catalog.tables[0]
    assert [c.enum_values for c in table.columns[:2]] == [["A", "B"], ["new", "done"]]
    assert table.columns[2].bounds and not table.skipped_checks


def test_checks_on_dates_and_timestamps_bound_the_values_and_are_validated(tmp_path: Path) -> None:
    ddl = (
        "CREATE TABLE ev (id INTEGER PRIMARY KEY,"
        " happened_on DATE NOT NULL CHECK (happened_on >= '2025-06-01'),"  # after the timeframe
        " at TIMESTAMP NOT NULL CHECK (at < '2024-03-01 00:00:00'),"
        " closed DATE NOT NULL CHECK (closed BETWEEN DATE '2024-05-01' AND '2024-05-31'));"
    )
    result = build_dataset(parse_ddl(ddl, "postgres"), rows={"ev": 400})
    ranges = {r.column: (r.min, r.max) for r in result.dataset.constraints.ranges}
    assert ranges == {
        "ev.happened_on": ("2025-06-01", None),
        "ev.at": (None, "2024-02-29 23:59:59"),
        "ev.closed": ("2024-05-01", "2024-05-31"),
    }
    generate_dataset(result.dataset, tmp_path, seed=3)
    table = pq.read_table(tmp_path / "ev.parquet").to_pydict()
    assert min(table["happened_on"]).isoformat() >= "2025-06-01"
    assert max(table["at"]).isoformat() < "2024-03-01"
    closed = {d.isoformat() for d in table["closed"]}
    assert min(closed) >= "2024-05-01" and max(closed) <= "2024-05-31" and len(closed) > 20


def test_odd_names_null_tolerant_checks_booleans_and_lists_longer_than_the_column(
    tmp_path: Path,
) -> None:
    ddl = (
        'CREATE TABLE "Weird Name" ("1st col" int PRIMARY KEY,'
        " \"sélection\" text CHECK (\"sélection\" IN ('a', 'b')));"
        'CREATE TABLE t (id int PRIMARY KEY, w int REFERENCES "Weird Name" ("1st col"),'
        " y real CHECK (y >= 0 OR y IS NULL), z int CHECK ((z IS NULL) OR (z BETWEEN 1 AND 4)),"
        " flag boolean NOT NULL CHECK (flag = TRUE), s varchar(2) CHECK (s IN ('toolong', 'ok')));"
    )
    result = build_dataset(parse_ddl(ddl, "postgres"), rows={"Weird Name": 30, "t": 300})
    weird = result.dataset.node("Weird_Name")
    assert weird is not None and weird.pk == "_1st_col" and weird.column("s_lection")
    assert result.dataset.claims == []  # every CHECK is generated for
    assert any("['toolong'] left out" in note for note in result.notes)
    generate_dataset(result.dataset, tmp_path, seed=8)
    table = pq.read_table(tmp_path / "t.parquet").to_pydict()
    assert set(table["w"]) - {None} <= set(range(1, 31))
    assert all(y >= 0 for y in table["y"] if y is not None)
    assert {z for z in table["z"] if z is not None} <= {1, 2, 3, 4}
    assert set(table["flag"]) == {True} and set(table["s"]) - {None} == {"ok"}


@pytest.mark.parametrize(
    ("column", "shown"),
    [
        ("e int CHECK (e > 10 AND e < 5)", "`t.e` INT: no value satisfies"),
        ("id2 int PRIMARY KEY CHECK (id2 BETWEEN 100 AND 50)", "`t.id2` INT"),
        ("d date CHECK (d > '2024-05-01' AND d < '2024-05-02')", "`t.d` DATE"),
        ("s varchar(2) CHECK (s IN ('long', 'longer'))", "`t.s` VARCHAR(2)"),
    ],
)
def test_a_check_no_value_satisfies_is_bad_input(tmp_path: Path, column: str, shown: str) -> None:
    path = tmp_path / "t.sql"
    path.write_text(f"CREATE TABLE t (x int, {column});\n")
    done = datagen("import", str(path), "--dialect", "postgres", "-o", str(tmp_path / "t.json"))
    assert done.returncode == 2 and shown in done.stderr and str(path) in done.stderr
    assert "no value satisfies" in done.stderr and not (tmp_path / "t.json").exists()


def test_a_key_of_a_reference_and_a_day_is_one_row_a_day_per_parent(tmp_path: Path) -> None:
    ddl = (
        "CREATE TABLE [dbo].[Shop] ([ShopId] INT NOT NULL PRIMARY KEY);\nGO\n"
        "CREATE TABLE [dbo].[ShopDay] ([ShopId] INT NOT NULL REFERENCES [dbo].[Shop]([ShopId]),"
        " [Day] DATE NOT NULL, [Sales] MONEY NOT NULL, PRIMARY KEY ([ShopId], [Day]));\nGO\n"
    )
    result = build_dataset(parse_ddl(ddl, "tsql"), rows={"shop": 40})
    day = result.dataset.node("ShopDay")
    assert day is not None and day.kind == "fact" and day.pk_columns == ["ShopId", "Day"]
    assert not result.notes  # unique by construction: nothing approximated
    generate_dataset(result.dataset, tmp_path, seed=2)
    table = pq.read_table(tmp_path / "ShopDay.parquet").to_pydict()
    pairs = list(zip(table["ShopId"], table["Day"], strict=True))
    assert len(pairs) > 40 and len(set(pairs)) == len(pairs)
    assert min(d.isoformat() for d in table["Day"]) == "2024-01-01"


def test_integer_keys_fit_their_type_and_checks(tmp_path: Path) -> None:
    """Oracle's dept (deptno NUMBER(2)): 99 rows at most; a key CHECKed from 100 starts
    there; a fact's small key is declared as a range the validator checks."""
    ddl = (
        "CREATE TABLE dept (deptno NUMBER(2) PRIMARY KEY, dname VARCHAR2(14) NOT NULL);"
        "CREATE TABLE emp (empno NUMBER(6) PRIMARY KEY CHECK (empno >= 100),"
        " deptno NUMBER(2) NOT NULL REFERENCES dept);"
        "CREATE TABLE badge (id SMALLINT PRIMARY KEY, empno NUMBER(6) NOT NULL REFERENCES emp);"
    )
    result = build_dataset(parse_ddl(ddl, "oracle"), rows={"emp": 300})
    dept = result.dataset.node("dept")
    assert dept is not None and dept.rows == 99
    assert "`dept`: 99 rows, all its key's type holds" in result.assumptions
    assert not any(a.startswith("`dept`: 1000 rows") for a in result.assumptions)
    ranges = {r.column: (r.min, r.max) for r in result.dataset.constraints.ranges}
    assert ranges["badge.id"] == (None, 32767) and ranges["emp.empno"] == (100, None)
    generate_dataset(result.dataset, tmp_path, seed=1)
    assert max(pq.read_table(tmp_path / "dept.parquet").column("deptno").to_pylist()) == 99
    assert min(pq.read_table(tmp_path / "emp.parquet").column("empno").to_pylist()) == 100
