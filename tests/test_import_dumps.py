"""Whole database dumps as published (DDL + INSERTs, client commands, batch separators),
imported without --dialect: the dialect is guessed and recorded, data statements are skipped
unparsed, and each dialect's key syntax is read."""

from __future__ import annotations

from pathlib import Path

import pytest

from datagen.agent.importer.ddl import parse_ddl
from datagen.engine.errors import InputError

POSTGRES_DUMP = r"""
/* a dump made for psql */
DROP DATABASE IF EXISTS shop;
CREATE DATABASE shop;
\c shop;
CREATE TABLE artist (artist_id INT NOT NULL, name VARCHAR(120), PRIMARY KEY (artist_id));
CREATE TABLE album (
    album_id INT NOT NULL, title VARCHAR(160) NOT NULL, artist_id INT NOT NULL,
    CONSTRAINT pk_album PRIMARY KEY (album_id),
    FOREIGN KEY (artist_id) REFERENCES artist (artist_id)
);
INSERT INTO artist VALUES (1, 'AC/DC; live'), (2, 'it''s -- not a comment');
INSERT INTO album VALUES (1, 'For Those; About', 1);
"""

MYSQL_DUMP = r"""
CREATE TABLE `artist` (`artist_id` INT NOT NULL AUTO_INCREMENT, `name` NVARCHAR(120),
  PRIMARY KEY (`artist_id`)) ENGINE=InnoDB;
INSERT INTO `artist` VALUES (1, 'It\'s; a "quote"'), (2, 'x');
CREATE TABLE `album` (`album_id` INT NOT NULL, `artist_id` INT NOT NULL,
  PRIMARY KEY (`album_id`), FOREIGN KEY (`artist_id`) REFERENCES `artist` (`artist_id`));
"""

TSQL_DUMP = """
IF EXISTS (SELECT name FROM master.dbo.sysdatabases WHERE name = N'Shop')
BEGIN
    ALTER DATABASE [Shop] SET OFFLINE WITH ROLLBACK IMMEDIATE;
    DROP DATABASE [Shop];
END
GO
CREATE TABLE [dbo].[Artist]
(
    [ArtistId] INT NOT NULL IDENTITY,
    [Name] NVARCHAR(120),
    CONSTRAINT [PK_Artist] PRIMARY KEY CLUSTERED ([ArtistId])
);
GO
CREATE TABLE [dbo].[Album]
(
    [AlbumId] INT NOT NULL,
    [ArtistId] INT NOT NULL,
    CONSTRAINT [PK_Album] PRIMARY KEY CLUSTERED ([AlbumId])
);
GO
ALTER TABLE [dbo].[Album] ADD CONSTRAINT [FK_AlbumArtistId]
    FOREIGN KEY ([ArtistId]) REFERENCES [dbo].[Artist] ([ArtistId]);
GO
INSERT INTO [dbo].[Artist] ([Name]) VALUES (N'AC/DC');
"""

ORACLE_DUMP = """
CREATE TABLE Artist (ArtistId NUMBER NOT NULL, Name VARCHAR2(120),
  CONSTRAINT PK_Artist PRIMARY KEY (ArtistId));
CREATE TABLE Album (AlbumId NUMBER NOT NULL, ArtistId NUMBER NOT NULL, Price NUMBER(10,2),
  CONSTRAINT PK_Album PRIMARY KEY (AlbumId),
  CONSTRAINT FK_Artist FOREIGN KEY (ArtistId) REFERENCES Artist (ArtistId));
INSERT INTO Artist (ArtistId, Name) VALUES (1, 'AC/DC');
"""


def _keys(text: str) -> dict[str, tuple[list[str], list[tuple[list[str], str]]]]:
    catalog = parse_ddl(text, None, source="dump.sql")
    return {
        t.name.lower(): (
            [c.lower() for c in t.primary_key],
            [([c.lower() for c in fk.columns], fk.ref_table.lower()) for fk in t.foreign_keys],
        )
        for t in catalog.tables
    }


EXPECTED = {
    "artist": (["artist_id"], []),
    "album": (["album_id"], [(["artist_id"], "artist")]),
}


@pytest.mark.parametrize(
    ("dump", "dialect"),
    [(POSTGRES_DUMP, None), (MYSQL_DUMP, "mysql"), (TSQL_DUMP, "tsql"), (ORACLE_DUMP, "oracle")],
)
def test_a_dump_imports_without_dialect_with_its_keys(dump: str, dialect: str | None) -> None:
    catalog = parse_ddl(dump, None, source="dump.sql")
    note = next(n for n in catalog.notes if n.startswith("dialect:"))
    assert (dialect or "generic SQL") in note
    keys = _keys(dump)
    normalised = {name.replace("_", ""): value for name, value in keys.items()}
    for table, (pk, fks) in EXPECTED.items():
        got_pk, got_fks = normalised[table]
        assert [c.replace("_", "") for c in got_pk] == [c.replace("_", "") for c in pk]
        assert [([c.replace("_", "") for c in cols], ref) for cols, ref in got_fks] == [
            ([c.replace("_", "") for c in cols], ref) for cols, ref in fks
        ]


def test_data_statements_are_not_parsed() -> None:
    broken_insert = "CREATE TABLE t (id INT PRIMARY KEY);\nINSERT INTO t VALUES (1, 'a' 'b' ((;\n"
    catalog = parse_ddl(broken_insert, "postgres")
    assert [t.name for t in catalog.tables] == ["t"]


def test_an_oracle_number_key_is_a_whole_number_and_a_price_keeps_its_scale() -> None:
    catalog = parse_ddl(ORACLE_DUMP, None)
    album = catalog.table("Album")
    assert album is not None
    types = {c.name.lower(): c.type for c in album.columns}
    assert types == {"albumid": "int", "artistid": "int", "price": "float"}
    assert any("key generated as whole numbers" in n for n in catalog.notes)


def test_a_parse_error_names_the_line_in_the_whole_file() -> None:
    text = "CREATE TABLE a (id INT);\n\n\nCREATE TABLE b (id INT, x INT DEFAULT (;\n"
    with pytest.raises(InputError) as caught:
        parse_ddl(text, "postgres", source="f.sql")
    assert "f.sql, line 4" in str(caught.value)


def test_a_semicolon_inside_a_default_string_does_not_split_the_statement() -> None:
    text = "CREATE TABLE a (id INT PRIMARY KEY, sep VARCHAR(3) DEFAULT ';', note TEXT);"
    table = parse_ddl(text, "postgres").tables[0]
    assert [c.name for c in table.columns] == ["id", "sep", "note"]


def test_triggers_functions_and_oracle_slash_separators_are_skipped() -> None:
    text = """
CREATE TABLE actor (actor_id NUMBER NOT NULL, name VARCHAR2(45), CONSTRAINT pk_actor PRIMARY KEY (actor_id));
CREATE OR REPLACE TRIGGER actor_before_update
BEFORE UPDATE ON actor FOR EACH ROW
BEGIN
  :new.last_update := current_date;
END;
/
CREATE TABLE film (film_id NUMBER NOT NULL, title VARCHAR2(255), CONSTRAINT pk_film PRIMARY KEY (film_id));
CREATE FUNCTION last_day(timestamp without time zone) RETURNS date AS $_$ SELECT 1; $_$ LANGUAGE sql;
"""
    catalog = parse_ddl(text, None)
    assert [t.name.lower() for t in catalog.tables] == ["actor", "film"]


def test_a_column_no_dialect_parses_is_left_out_and_said() -> None:
    text = (
        "CREATE TABLE film (film_id INTEGER NOT NULL, description BLOB SUB_TYPE TEXT, "
        "rating WEIRD THING 1 2 3, title VARCHAR(20), PRIMARY KEY (film_id));"
    )
    catalog = parse_ddl(text, None)
    film = catalog.tables[0]
    assert [c.name for c in film.columns] == ["film_id", "description", "title"]
    assert film.primary_key == ["film_id"]
    assert any("left out of the table" in n and "WEIRD" in n for n in catalog.notes)


def test_postgres_inherits_takes_the_parents_columns() -> None:
    text = """
CREATE TABLE payment (payment_id INT PRIMARY KEY, customer_id INT NOT NULL, amount NUMERIC(5,2));
CREATE TABLE payment_p1 (CONSTRAINT c CHECK (amount > 0)) INHERITS (payment);
ALTER TABLE payment_p1 ADD CONSTRAINT fk FOREIGN KEY (customer_id) REFERENCES payment (payment_id);
"""
    catalog = parse_ddl(text, "postgres")
    part = catalog.table("payment_p1")
    assert part is not None
    assert [c.name for c in part.columns] == ["payment_id", "customer_id", "amount"]
    assert [fk.columns for fk in part.foreign_keys] == [["customer_id"]]


def test_a_key_on_a_missing_column_is_left_out_not_a_crash() -> None:
    text = "CREATE TABLE t (id INT, PRIMARY KEY (nope), FOREIGN KEY (ghost) REFERENCES t (id));"
    catalog = parse_ddl(text, "postgres")
    assert catalog.tables[0].primary_key == [] and catalog.tables[0].foreign_keys == []
    assert sum("not a column: left out" in n for n in catalog.notes) == 2


@pytest.mark.parametrize("alias", ["mariadb", "cockroachdb"])
def test_dialect_aliases_read_with_the_dialect_they_follow(alias: str) -> None:
    catalog = parse_ddl("CREATE TABLE t (id INT PRIMARY KEY);", alias)
    assert [t.name for t in catalog.tables] == ["t"]


CIRCLE = """
CREATE TABLE store (store_id INT PRIMARY KEY, manager_staff_id INT NOT NULL{unique},
  FOREIGN KEY (manager_staff_id) REFERENCES staff (staff_id));
CREATE TABLE staff (staff_id INT PRIMARY KEY, store_id INT NOT NULL,
  FOREIGN KEY (store_id) REFERENCES store (store_id));
"""


@pytest.mark.parametrize("unique", ["", " UNIQUE"])
def test_a_circle_of_not_null_references_is_broken_and_every_value_is_a_key(
    unique: str, tmp_path: Path
) -> None:
    import duckdb

    from datagen.agent.importer.build import build_dataset
    from datagen.engine.execute import generate_dataset

    result = build_dataset(parse_ddl(CIRCLE.format(unique=unique), "postgres"))
    assert any("go round in a circle" in n for n in result.notes)
    generate_dataset(result.dataset, tmp_path / "out", seed=1)
    con = duckdb.connect()
    store, staff = (str(tmp_path / "out" / f"{t}.parquet") for t in ("store", "staff"))
    dangling = con.execute(
        f"SELECT count(*) FROM '{store}' s LEFT JOIN '{staff}' t "
        "ON s.manager_staff_id = t.staff_id WHERE t.staff_id IS NULL"
    ).fetchone()
    assert dangling == (0,)
    dangling = con.execute(
        f"SELECT count(*) FROM '{staff}' t LEFT JOIN '{store}' s "
        "ON t.store_id = s.store_id WHERE s.store_id IS NULL"
    ).fetchone()
    assert dangling == (0,)


def test_a_lenient_read_that_keeps_every_table_beats_a_dialect_that_skips_one() -> None:
    """SQLite DDL with one column no dialect reads beside a table only SQLite reads whole:
    the hinted dialect leaves out that column (said, and a claim the score counts) rather
    than another dialect leaving out the table and the references to it."""
    from datagen.agent.importer.build import build_dataset

    text = (
        "CREATE TABLE a (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT COLLATE NOCASE NOT NULL,"
        " total REAL GENERATED ALWAYS AS (1.0) VIRTUAL) WITHOUT ROWID;\n"
        "CREATE TABLE b (id INTEGER PRIMARY KEY, a_id INTEGER NOT NULL REFERENCES a (id));\n"
        "CREATE TABLE d (id INTEGER PRIMARY KEY, tags TEXT[], note TEXT);\n"
    )
    catalog = parse_ddl(text, None)
    assert [t.name for t in catalog.tables] == ["a", "b", "d"]
    assert [c.name for c in catalog.table("d").columns] == ["id", "note"]  # type: ignore[union-attr]
    assert catalog.table("b").foreign_keys[0].ref_table == "a"  # type: ignore[union-attr]
    assert any("dialect: sqlite" in n for n in catalog.notes)
    claims = build_dataset(catalog).dataset.claims
    assert [(c.kind, c.status) for c in claims] == [("unread", "not_modelled")]
    assert "tags TEXT[]" in claims[0].text


def test_an_index_it_cannot_read_is_skipped_but_a_unique_one_is_a_claim() -> None:
    from datagen.agent.importer.build import build_dataset

    text = (
        "CREATE TABLE t (id int PRIMARY KEY, email text);\n"
        "CREATE INDEX ix ON t USING weird ((lower(email))) WITH (fillfactor = ??);\n"
        "CREATE UNIQUE INDEX ux ON t ((lower(email)));\n"
    )
    result = build_dataset(parse_ddl(text, "postgres"))
    assert [c.kind for c in result.dataset.claims] == ["unread"]
    assert "UNIQUE INDEX ux" in result.dataset.claims[0].text


def test_tsql_statements_without_separators_defaults_and_nonclustered_indexes() -> None:
    """As in the published Sakila for SQL Server: two CREATE TABLEs with no GO between (and
    a trailing comma), a named DEFAULT added by ALTER TABLE, a UNIQUE NONCLUSTERED index;
    and a partition's CHECK on a column it inherits (PostgreSQL's Sakila)."""
    from datagen.agent.importer.build import build_dataset

    tsql = (
        "CREATE TABLE film (film_id INT NOT NULL IDENTITY, PRIMARY KEY NONCLUSTERED (film_id))\n"
        "GO\n"
        "CREATE TABLE film_text (\n  film_id INT NOT NULL,\n  PRIMARY KEY NONCLUSTERED (film_id),\n)\n"
        "\n"
        "CREATE TABLE inventory (\n  inventory_id INT NOT NULL IDENTITY,\n  film_id INT NOT NULL,\n"
        "  store_id INT NOT NULL,\n  PRIMARY KEY NONCLUSTERED (inventory_id),\n"
        "  CONSTRAINT fk_film FOREIGN KEY (film_id) REFERENCES film (film_id)\n)\nGO\n"
        " ALTER TABLE film ADD CONSTRAINT [DF_film_last_update] DEFAULT (getdate()) FOR film_id\n"
        "GO\n"
        " CREATE UNIQUE NONCLUSTERED INDEX idx_store ON inventory(store_id)\nGO\n"
    )
    for dialect in ("tsql", None):
        catalog = parse_ddl(tsql, dialect)
        assert [t.name for t in catalog.tables] == ["film", "film_text", "inventory"]
        inventory = catalog.table("inventory")
        assert inventory is not None and inventory.column("store_id").unique  # type: ignore[union-attr]
        assert build_dataset(catalog).dataset.claims == []
    postgres = (
        "CREATE TABLE payment (payment_id int PRIMARY KEY, payment_date timestamp NOT NULL);\n"
        "CREATE TABLE payment_p2007_01 (CONSTRAINT c CHECK (payment_date >= '2007-01-01'::"
        "timestamp without time zone AND payment_date < '2007-02-01'::timestamp without time "
        "zone)) INHERITS (payment);\n"
    )
    part = parse_ddl(postgres, "postgres").table("payment_p2007_01")
    assert part is not None and not part.skipped_checks
    assert len(part.column("payment_date").bounds) == 2  # type: ignore[union-attr]


def test_a_check_of_like_patterns_is_generated_for_and_validated(tmp_path: Path) -> None:
    """Sakila's film.special_features (SQLite, SQL Server, Oracle, DB2): values that match
    one of the LIKE patterns, and a pattern the validator checks; no claim left."""
    from datagen.agent.importer.build import build_dataset
    from datagen.engine.execute import generate_dataset

    text = (
        "CREATE TABLE film (film_id INT PRIMARY KEY, special_features VARCHAR(100) DEFAULT NULL,"
        " code VARCHAR(8) NOT NULL,"
        " CONSTRAINT c CHECK (special_features IS NULL OR special_features LIKE '%Trailers%'"
        " OR special_features LIKE '%Deleted Scenes%'), CHECK (code LIKE 'F_%'));"
    )
    result = build_dataset(parse_ddl(text, "sqlite"), rows={"film": 200})
    patterns = {p.column: p.regex for p in result.dataset.constraints.pattern}
    assert patterns == {
        "film.special_features": "(?s)(?:.*Trailers.*|.*Deleted\\ Scenes.*)",
        "film.code": "(?s)(?:F..*)",
    }
    assert result.dataset.claims == [] and not any("six labels" in a for a in result.assumptions)
    generate_dataset(result.dataset, tmp_path, seed=1)
    import pyarrow.parquet as pq

    table = pq.read_table(tmp_path / "film.parquet").to_pydict()
    assert set(table["special_features"]) - {None} == {"Trailers", "Deleted Scenes"}
    assert set(table["code"]) == {"Fx"}
