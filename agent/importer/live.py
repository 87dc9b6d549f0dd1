"""A live database's catalogue -> a `Catalog`: SQLite, DuckDB and PostgreSQL.

Only the catalogue is read (SQLite's PRAGMAs and stored CREATE statements,
DuckDB's `duckdb_columns()` / `duckdb_constraints()`, PostgreSQL's `pg_catalog`);
no row is read unless `profile` is set, and then only aggregates per column
(counts, nulls, distincts, min/max, mean and spread, string lengths, and the
shares of the values of categorical columns: at most 50 distinct values, each
held by two rows or more on average, never a unique column). The
connection is read-only where the driver allows it, and PostgreSQL's has a
connect timeout.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from datagen.agent.importer.catalog import (
    Catalog,
    ColumnInfo,
    ColumnStats,
    ForeignKeyInfo,
    TableInfo,
)
from datagen.agent.importer.ddl import apply_check, parse_ddl
from datagen.agent.importer.sqltypes import SqlType, parse_type
from datagen.engine.errors import InputError

Query = Callable[[str, Sequence[Any]], list[tuple[Any, ...]]]
CONNECT_TIMEOUT = 10  # seconds
TOP_VALUES = 50
HEAD = 0.2  # the "top fifth" of referenced keys whose share of the references is measured
FLOAT_TYPE = {"sqlite": "REAL", "duckdb": "DOUBLE", "postgres": "double precision"}


def read_database(url: str, *, profile: bool = False) -> Catalog:
    scheme, sep, rest = url.partition("://")
    scheme = scheme.lower()
    if not sep:
        raise InputError(
            f"--from {url!r}: expected a URL such as sqlite:///app.db, duckdb:///x.duckdb "
            "or postgresql://user@host/db"
        )
    reader = READERS.get(scheme)
    if reader is None:
        raise InputError(
            f"--from {url!r}: unknown scheme `{scheme}`; use {', '.join(sorted(READERS))}"
        )
    return reader(url, rest, profile)


def _file_path(url: str, rest: str) -> Path:
    # sqlite:///app.db is relative, sqlite:////var/app.db absolute (SQLAlchemy's convention)
    path = Path(rest[1:] if rest.startswith("/") else rest)
    if not path.is_file():
        raise InputError(f"--from {url!r}: no database file at {path}")
    return path


def _column(
    name: str, type_text: str, dialect: str, not_null: bool
) -> tuple[ColumnInfo, str | None]:
    sql_type: SqlType = parse_type(type_text or "TEXT", dialect)
    col = ColumnInfo(
        name,
        type_text or "TEXT",
        sql_type.type,
        not_null=not_null,
        length=sql_type.length,
        precision=sql_type.precision,
        scale=sql_type.scale,
        int_bytes=sql_type.int_bytes,
        enum_values=list(sql_type.enum_values or []),
        special=sql_type.special,
    )
    return col, sql_type.note


def _checks(table: TableInfo, expressions: list[str], dialect: str) -> None:
    import sqlglot

    for text in expressions:
        body = text.strip()
        if body.upper().startswith("CHECK"):
            body = body[5:].strip()
        body = body.removesuffix("NOT VALID").strip()
        try:
            expression = sqlglot.parse_one(body, read=dialect)
        except sqlglot.errors.ParseError:
            table.skipped_checks.append(body)
            continue
        apply_check(expression, table, None)


# --------------------------------------------------------------------------- SQLite


def _sqlite(url: str, rest: str, profile: bool) -> Catalog:
    import sqlite3

    path = _file_path(url, rest)
    try:
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        con.execute("SELECT 1 FROM sqlite_master LIMIT 1")
    except sqlite3.DatabaseError as exc:
        raise InputError(f"--from {url!r}: not a readable SQLite database: {exc}") from None
    try:

        def query(sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
            return con.execute(sql, tuple(params)).fetchall()

        catalog = Catalog([], url)
        tables = query(
            "SELECT name, sql FROM sqlite_master WHERE type = 'table' "
            "AND name NOT LIKE 'sqlite_%' ORDER BY rowid"
        )
        for name, create_sql in tables:
            table = TableInfo(name, [])
            quoted = _quote(name)
            pk: list[tuple[int, str]] = []
            for _, col_name, type_text, not_null, default, pk_pos in query(
                f"PRAGMA table_info({quoted})"
            ):
                col, note = _column(col_name, type_text, "sqlite", bool(not_null) or pk_pos > 0)
                col.default = default
                if note:
                    catalog.notes.append(f"{name}.{col_name}: {note}")
                table.columns.append(col)
                if pk_pos:
                    pk.append((pk_pos, col_name))
            table.primary_key = [c for _, c in sorted(pk)]
            groups: dict[int, ForeignKeyInfo] = {}
            for fk_id, _, ref_table, from_col, to_col, *_ in query(
                f"PRAGMA foreign_key_list({quoted})"
            ):
                fk = groups.setdefault(fk_id, ForeignKeyInfo([], ref_table, []))
                fk.columns.append(from_col)
                if to_col is not None:
                    fk.ref_columns.append(to_col)
            table.foreign_keys = [groups[i] for i in sorted(groups)]
            for _, index, unique, origin, *_ in query(f"PRAGMA index_list({quoted})"):
                if unique and origin != "pk":
                    cols = [r[2] for r in query(f"PRAGMA index_info({_quote(index)})")]
                    if len(cols) == 1 and table.column(cols[0]) is not None:
                        table.column(cols[0]).unique = True  # type: ignore[union-attr]
                    elif cols:
                        table.unique.append(cols)
            _sqlite_checks(table, create_sql or "")
            catalog.tables.append(table)
        if not catalog.tables:
            raise InputError(f"--from {url!r}: the database has no tables")
        if profile:
            _profile(catalog, query, "sqlite")
        return catalog
    finally:
        con.close()


def _sqlite_checks(table: TableInfo, create_sql: str) -> None:
    """CHECKs have no PRAGMA: read them from the stored CREATE TABLE statement."""
    try:
        parsed = parse_ddl(create_sql, "sqlite", source=table.name).tables[0]
    except InputError:
        return
    for col in parsed.columns:
        mine = table.column(col.name)
        if mine is not None:
            mine.bounds = col.bounds
            mine.enum_values = col.enum_values or mine.enum_values
    table.comparisons = parsed.comparisons
    table.skipped_checks = parsed.skipped_checks


# --------------------------------------------------------------------------- DuckDB


def _duckdb(url: str, rest: str, profile: bool) -> Catalog:
    import duckdb

    path = _file_path(url, rest)
    try:
        con = duckdb.connect(str(path), read_only=True)
    except duckdb.Error as exc:
        raise InputError(f"--from {url!r}: cannot open the DuckDB database: {exc}") from None
    try:

        def query(sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
            return con.execute(sql, list(params)).fetchall()

        catalog = Catalog([], url)
        where = "schema_name = current_schema() AND NOT internal"
        by_name: dict[str, TableInfo] = {}
        for name, comment in query(
            f"SELECT table_name, comment FROM duckdb_tables() WHERE {where} ORDER BY table_oid"
        ):
            by_name[name] = TableInfo(name, [], comment=comment)
            catalog.tables.append(by_name[name])
        for table_name, col_name, type_text, nullable, default, comment in query(
            "SELECT table_name, column_name, data_type, is_nullable, column_default, comment "
            f"FROM duckdb_columns() WHERE {where} ORDER BY table_oid, column_index"
        ):
            table = by_name.get(table_name)
            if table is None:
                continue
            col, note = _column(col_name, type_text, "duckdb", not nullable)
            col.default, col.comment = default, comment
            if note:
                catalog.notes.append(f"{table_name}.{col_name}: {note}")
            table.columns.append(col)
        for table_name, kind, columns, expression, ref_table, ref_columns in query(
            "SELECT table_name, constraint_type, constraint_column_names, expression, "
            "referenced_table, referenced_column_names FROM duckdb_constraints() WHERE "
            "schema_name = current_schema() ORDER BY table_oid, constraint_index"
        ):
            table = by_name.get(table_name)
            if table is None:
                continue
            _constraint(
                table, kind, list(columns or []), expression, ref_table, ref_columns, "duckdb"
            )
        if not catalog.tables:
            raise InputError(f"--from {url!r}: the database has no tables")
        if profile:
            _profile(catalog, query, "duckdb")
        return catalog
    finally:
        con.close()


def _constraint(
    table: TableInfo,
    kind: str,
    columns: list[str],
    check: str | None,
    ref_table: str | None,
    ref_columns: Sequence[str] | None,
    dialect: str,
) -> None:
    kind = kind.upper()
    if kind == "PRIMARY KEY":
        table.primary_key = columns
        for name in columns:
            col = table.column(name)
            if col is not None:
                col.not_null = True
    elif kind == "UNIQUE":
        if len(columns) == 1 and table.column(columns[0]) is not None:
            table.column(columns[0]).unique = True  # type: ignore[union-attr]
        else:
            table.unique.append(columns)
    elif kind == "FOREIGN KEY" and ref_table:
        table.foreign_keys.append(ForeignKeyInfo(columns, ref_table, list(ref_columns or [])))
    elif kind == "CHECK" and check:
        _checks(table, [check], dialect)


# --------------------------------------------------------------------------- PostgreSQL


def _postgres(url: str, rest: str, profile: bool) -> Catalog:
    from datagen.engine.writers.postgres import redact

    try:
        import psycopg
    except ModuleNotFoundError:
        raise InputError(
            "--from postgresql:// needs psycopg 3: pip install 'datagen[postgres]'"
        ) from None
    shown = redact(url)
    try:
        con = psycopg.connect(url, connect_timeout=CONNECT_TIMEOUT, autocommit=True)
    except psycopg.Error as exc:
        raise InputError(f"--from {shown}: cannot connect: {exc}") from None
    try:
        con.read_only = True

        def query(sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
            with con.cursor() as cur:
                cur.execute(sql, tuple(params))  # type: ignore[arg-type]
                return cur.fetchall()

        catalog = Catalog([], shown)
        relations = query(
            "SELECT c.oid, c.relname, obj_description(c.oid, 'pg_class') FROM pg_class c "
            "JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE c.relkind IN ('r', 'p') AND n.nspname = current_schema() ORDER BY c.oid"
        )
        by_oid = {oid: TableInfo(name, [], comment=comment) for oid, name, comment in relations}
        names: dict[tuple[int, int], str] = {}
        enums: dict[int, list[str]] = {}
        for type_oid, label in query(
            "SELECT enumtypid, enumlabel FROM pg_enum ORDER BY enumtypid, enumsortorder"
        ):
            enums.setdefault(type_oid, []).append(label)
        oids = list(by_oid)
        for relid, attnum, name, type_text, not_null, default, comment, type_oid in query(
            "SELECT a.attrelid, a.attnum, a.attname, format_type(a.atttypid, a.atttypmod), "
            "a.attnotnull, pg_get_expr(d.adbin, d.adrelid), col_description(a.attrelid, a.attnum), "
            "a.atttypid FROM pg_attribute a LEFT JOIN pg_attrdef d "
            "ON d.adrelid = a.attrelid AND d.adnum = a.attnum "
            "WHERE a.attrelid = ANY(%s) AND a.attnum > 0 AND NOT a.attisdropped "
            "ORDER BY a.attrelid, a.attnum",
            (oids,),
        ):
            table = by_oid[relid]
            if type_oid in enums:
                col = ColumnInfo(name, type_text, "string", not_null=not_null)
                col.enum_values = list(enums[type_oid])
            else:
                col, note = _column(name, type_text, "postgres", not_null)
                if note:
                    catalog.notes.append(f"{table.name}.{name}: {note}")
            col.default, col.comment = default, comment
            table.columns.append(col)
            names[(relid, attnum)] = name
        for relid, kind, keys, ref_oid, ref_keys, definition in query(
            "SELECT conrelid, contype, conkey, confrelid, confkey, pg_get_constraintdef(oid) "
            "FROM pg_constraint WHERE conrelid = ANY(%s) ORDER BY conrelid, oid",
            (oids,),
        ):
            table = by_oid[relid]
            columns = [names[(relid, k)] for k in keys or []]
            if kind == "f":
                ref = by_oid.get(ref_oid)
                if ref is None:
                    catalog.notes.append(f"{table.name}: a reference outside the schema skipped")
                    continue
                ref_columns = [names[(ref_oid, k)] for k in ref_keys or []]
                _constraint(table, "FOREIGN KEY", columns, None, ref.name, ref_columns, "postgres")
            else:
                kinds = {"p": "PRIMARY KEY", "u": "UNIQUE", "c": "CHECK"}
                if kind in kinds:
                    _constraint(table, kinds[kind], columns, definition, None, None, "postgres")
        catalog.tables = list(by_oid.values())
        if not catalog.tables:
            raise InputError(f"--from {shown}: the schema has no tables")
        if profile:
            _profile(catalog, query, "postgres")
        return catalog
    except psycopg.Error as exc:
        raise InputError(f"--from {shown}: cannot read the catalogue: {exc}") from None
    finally:
        con.close()


# URL scheme -> the reader of that database's catalogue
READERS: dict[str, Callable[[str, str, bool], Catalog]] = {
    "sqlite": _sqlite,
    "duckdb": _duckdb,
    "postgresql": _postgres,
    "postgres": _postgres,
}


# --------------------------------------------------------------------------- profile


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _profile(catalog: Catalog, query: Query, dialect: str) -> None:
    """Aggregates per column (never a row): what `--profile` turns into parameters."""
    float_type = FLOAT_TYPE[dialect]
    for table in catalog.tables:
        source = _quote(table.name)
        table.rows = int(query(f"SELECT count(*) FROM {source}", ())[0][0])
        references = {fk.columns[0] for fk in table.foreign_keys if len(fk.columns) == 1}
        for col in table.columns:
            name = _quote(col.name)
            parts = [f"count({name})", f"count(DISTINCT {name})"]
            numeric = col.type in ("int", "float")
            if numeric:
                as_float = f"CAST({name} AS {float_type})"
                parts += [f"min({name})", f"max({name})", f"avg({as_float})",
                          f"avg({as_float} * {as_float})"]  # fmt: skip
            elif col.type in ("date", "datetime"):
                parts += [f"min({name})", f"max({name})"]
            elif col.type == "string":
                text = f"CAST({name} AS TEXT)" if dialect != "sqlite" else name
                parts += [f"min(length({text}))", f"max(length({text}))"]
            row = query(f"SELECT {', '.join(parts)} FROM {source}", ())[0]
            present, distinct = int(row[0]), int(row[1])
            stats = ColumnStats(rows=table.rows, nulls=table.rows - present, distinct=distinct)
            if numeric and present:
                stats.min, stats.max = _plain(row[2]), _plain(row[3])
                mean, square = float(row[4]), float(row[5])
                stats.mean = mean
                stats.std = math.sqrt(max(square - mean * mean, 0.0))
            elif col.type in ("date", "datetime") and present:
                stats.min, stats.max = str(row[2]), str(row[3])
            elif col.type == "string" and present:
                stats.min_length, stats.max_length = int(row[2]), int(row[3])
            # categorical only (each value held by two rows or more on average): a value
            # of one row is that row's, and is not copied
            categorical = distinct <= TOP_VALUES and distinct * 2 <= present
            if categorical and not _unique(table, col):
                counts = query(
                    f"SELECT {name}, count(*) FROM {source} WHERE {name} IS NOT NULL "
                    f"GROUP BY {name} ORDER BY count(*) DESC LIMIT {TOP_VALUES}",
                    (),
                )
                stats.top = [(_plain(value), n / present) for value, n in counts]
            if present and distinct >= 5 and col.name in references:
                # how skewed the references are: the share of rows held by the top fifth
                head = math.ceil(distinct * HEAD)
                held = query(
                    f"SELECT sum(n) FROM (SELECT count(*) AS n FROM {source} WHERE {name} "
                    f"IS NOT NULL GROUP BY {name} ORDER BY n DESC LIMIT {head}) AS top",
                    (),
                )[0][0]
                stats.head_share = round(float(held) / present, 4)
            col.stats = stats


def _unique(table: TableInfo, col: ColumnInfo) -> bool:
    return col.unique or table.primary_key == [col.name]


def _plain(value: Any) -> Any:
    """Database values as JSON scalars (Decimal -> float, bool kept)."""
    from decimal import Decimal

    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, (bool, int, float, str)):
        return value
    return str(value)
