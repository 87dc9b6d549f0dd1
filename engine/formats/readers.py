"""How the validator and the HTML report read each format back, as `TableSource`s.

File formats open one file per table. Databases (SQLite, DuckDB, PostgreSQL)
read the columns a check asks for with one query, into Arrow, conformed to
the declared type only where the database cannot store it (SQLite keeps dates
as text and booleans as 0/1): a value of another type stays visible as a
type mismatch.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa

from datagen.engine import dsl
from datagen.engine.arrowtypes import arrow_schema
from datagen.engine.ddl import quote
from datagen.engine.errors import InputError
from datagen.engine.formats import ReadRequest, TableReader
from datagen.engine.validate.source import (
    ParquetSource,
    TableSource,
    TextSource,
    conform_to_declared,
    declared_type,
)
from datagen.engine.values import ARROW_TYPES

OpenOne = Callable[[str, Path, dsl.Node], TableSource]


def file_tables(extension: str, open_one: OpenOne) -> TableReader:
    """One `<table><extension>` file per table (the name `.metadata.json` recorded wins),
    or, for Parquet, a folder of part files (`--partition-rows`, `--partition-by`)."""

    def read(request: ReadRequest) -> dict[str, TableSource]:
        sources: dict[str, TableSource] = {}
        for node in request.dataset.nodes:
            recorded = request.recorded_file(node.id)
            # the recorded name is for the recorded format; another format has its own file
            name = recorded if recorded.endswith(extension) else f"{node.id}{extension}"
            path = request.directory / name
            if path.is_file():
                sources[node.id] = open_one(node.id, path, node)
            elif extension == ".parquet" and (request.directory / recorded).is_dir() and recorded:
                sources[node.id] = PartsSource(node.id, request, node)
        return sources

    return read


class PartsSource(TableSource):
    """A table written as Parquet part files, read as one pyarrow dataset in the order
    `.metadata.json` lists the parts (Hive partition columns typed as declared)."""

    def __init__(self, name: str, request: ReadRequest, node: dsl.Node):
        import pyarrow.dataset as ds

        folder = request.directory / request.recorded_file(name)
        self.name = name
        self.location = str(folder)
        info = request.metadata["tables"][name]
        listed = [str(p["file"]) for p in info.get("parts", []) if isinstance(p, dict)]
        by = (request.metadata.get("partition") or {}).get("by")
        col = node.column(by) if isinstance(by, str) else None
        partitioning = None
        if col is not None:
            partitioning = ds.partitioning(
                pa.schema([(col.name, ARROW_TYPES[col.type])]), flavor="hive"
            )
        try:
            paths = [str(request.directory / f) for f in listed] or str(folder)
            self._dataset = ds.dataset(
                paths, format="parquet", partitioning=partitioning, partition_base_dir=str(folder)
            )
            self.num_rows = self._dataset.count_rows()
        except (OSError, ValueError, pa.ArrowException) as exc:
            raise InputError(f"cannot read {folder}: {exc}") from None
        written = arrow_schema(node)
        found = self._dataset.schema
        self.schema = pa.schema(
            [found.field(f.name) if f.name in found.names else f for f in written]
        )

    def read(self, columns: list[str]) -> pa.Table:
        try:
            if self.num_rows == 0:
                return self.schema.empty_table().select(columns)
            return self._dataset.to_table(columns=columns)
        except (OSError, pa.ArrowException) as exc:
            raise InputError(f"cannot read columns {columns} of {self.location}: {exc}") from None

    def batches(self, columns: list[str], rows: int) -> Iterator[pa.RecordBatch]:
        """Streamed part by part: memory holds a batch, never the whole column."""
        if self.num_rows == 0:
            return
        try:
            for batch in self._dataset.to_batches(columns=columns, batch_size=rows):
                if batch.num_rows:
                    yield batch
        except (OSError, pa.ArrowException) as exc:
            raise InputError(f"cannot read columns {columns} of {self.location}: {exc}") from None


def parquet_source(name: str, path: Path, node: dsl.Node) -> TableSource:
    return ParquetSource(name, path)


def text_source(kind: type[TextSource]) -> OpenOne:
    return lambda name, path, node: kind(name, path, node)


# --------------------------------------------------------------------------- databases

Query = Callable[[str], pa.Table]  # SQL -> Arrow table


class DatabaseSource(TableSource):
    """A table of a database: each read is one SELECT of the asked columns, in storage order.

    Checks align columns read by separate calls row by row, so every read has
    the same order: `order_by` names the database's physical row order where a
    plain scan could follow an index instead (SQLite's rowid, PostgreSQL's ctid).
    """

    def __init__(
        self,
        name: str,
        location: str,
        node: dsl.Node,
        columns: list[str],
        query: Query,
        order_by: str = "",
    ):
        self.name = name
        self.location = location
        self._node = node
        self._query = query
        self._table = quote(name) + (f" ORDER BY {order_by}" if order_by else "")
        self._count = f"SELECT count(*) AS n FROM {quote(name)}"
        self.num_rows = int(query(self._count).column(0)[0].as_py())
        empty = self._conform(query(f"SELECT {self._select(columns)} FROM {self._table} LIMIT 0"))
        self.schema = empty.schema

    def _select(self, columns: list[str]) -> str:
        return ", ".join(quote(c) for c in columns)

    def _conform(self, table: pa.Table) -> pa.Table:
        for index, field in enumerate(table.schema):
            col = self._node.column(field.name)
            typed = conform_to_declared(table.column(index), declared_type(col)) if col else None
            if typed is not None:
                table = table.set_column(index, field.name, typed)
        return table

    def read(self, columns: list[str]) -> pa.Table:
        if not columns:
            return pa.table({})
        try:
            return self._conform(self._query(f"SELECT {self._select(columns)} FROM {self._table}"))
        except Exception as exc:  # the driver's own error type; say where
            raise InputError(f"cannot read columns {columns} of {self.location}: {exc}") from None


def _database_sources(
    request: ReadRequest, where: str, tables: dict[str, list[str]], query: Query, order_by: str = ""
) -> dict[str, TableSource]:
    return {
        node.id: DatabaseSource(
            node.id, f"{where}#{node.id}", node, tables[node.id], query, order_by
        )
        for node in request.dataset.nodes
        if node.id in tables
    }


def database_file(request: ReadRequest, fmt: str, extension: str) -> Path:
    """The database file of the run: as `.metadata.json` lists it, else <schema name><ext>."""
    listed = [f for f in request.written_files(fmt) if f.endswith(extension)]
    path = request.directory / (
        listed[0] if listed else f"{request.dataset.metadata.name}{extension}"
    )
    if not path.is_file():
        raise InputError(f"no {fmt} database in {request.directory}: expected {path.name}")
    return path


def _rows_to_table(names: list[str], rows: list[tuple[Any, ...]]) -> pa.Table:
    columns = list(zip(*rows, strict=True)) if rows else [() for _ in names]
    return pa.table(
        {name: pa.array(list(values)) for name, values in zip(names, columns, strict=True)}
    )


def sqlite_tables(request: ReadRequest) -> dict[str, TableSource]:
    path = database_file(request, "sqlite", ".sqlite")
    try:
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
        names = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        tables = {t: [r[1] for r in con.execute(f"PRAGMA table_info({quote(t)})")] for t in names}
    except sqlite3.Error as exc:
        raise InputError(f"cannot read {path}: {exc}") from None

    def query(sql: str) -> pa.Table:
        cursor = con.execute(sql)
        return _rows_to_table([d[0] for d in cursor.description], cursor.fetchall())

    return _database_sources(request, str(path), tables, query, order_by="rowid")


def duckdb_tables(request: ReadRequest) -> dict[str, TableSource]:
    import duckdb

    path = database_file(request, "duckdb", ".duckdb")
    try:
        con = duckdb.connect(str(path), read_only=True)
        rows = con.execute(
            "SELECT table_name, column_name FROM information_schema.columns "
            "WHERE table_schema = 'main' ORDER BY table_name, ordinal_position"
        ).fetchall()
    except duckdb.Error as exc:
        raise InputError(f"cannot read {path}: {exc}") from None
    tables: dict[str, list[str]] = {}
    for table, column in rows:
        tables.setdefault(table, []).append(column)
    return _database_sources(request, str(path), tables, lambda sql: con.sql(sql).to_arrow_table())


def postgres_tables(request: ReadRequest) -> dict[str, TableSource]:
    from datagen.engine.writers.postgres import connect, redact

    if not request.dsn:
        raise InputError(
            "this dataset was loaded into PostgreSQL: give --dsn postgresql://user@host/db "
            "(or DATAGEN_DSN) to read it back"
        )
    con = connect(request.dsn)
    con.autocommit = True
    with con.cursor() as cursor:
        cursor.execute(
            "SELECT table_name, column_name FROM information_schema.columns "
            "WHERE table_schema = current_schema() ORDER BY table_name, ordinal_position"
        )
        tables: dict[str, list[str]] = {}
        for table, column in cursor.fetchall():
            tables.setdefault(table, []).append(column)

    def query(sql: str) -> pa.Table:
        with con.cursor() as cursor:
            cursor.execute(sql)
            names = [d.name for d in cursor.description or []]
            return _rows_to_table(names, cursor.fetchall())

    return _database_sources(request, redact(request.dsn), tables, query, order_by="ctid")
