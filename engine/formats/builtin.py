"""The formats datagen ships. Each factory imports its writer on use, so listing formats is cheap."""

from __future__ import annotations

from typing import TYPE_CHECKING

from datagen.engine.formats import Format, ReadRequest, SinkRequest, register

if TYPE_CHECKING:
    from datagen.engine.writers import Sink


def _file_sink(name: str):  # type: ignore[no-untyped-def]
    def open_sink(request: SinkRequest) -> Sink:
        from datagen.engine.formats import get_format
        from datagen.engine.writers import FileSink

        return FileSink(name, request.directory, get_format(name).open_writer)

    return open_sink


def _parquet_writer(directory, table, schema, dictionary_columns, rows):  # type: ignore[no-untyped-def]
    from datagen.engine.writers.parquet import ParquetTableWriter

    return ParquetTableWriter(directory, table, schema, dictionary_columns)


def _csv_writer(directory, table, schema, dictionary_columns, rows):  # type: ignore[no-untyped-def]
    from datagen.engine.writers.csv import CsvTableWriter

    return CsvTableWriter(directory, table, schema)


def _jsonl_writer(directory, table, schema, dictionary_columns, rows):  # type: ignore[no-untyped-def]
    from datagen.engine.writers.jsonl import JsonlTableWriter

    return JsonlTableWriter(directory, table)


def _json_writer(directory, table, schema, dictionary_columns, rows):  # type: ignore[no-untyped-def]
    from datagen.engine.writers.jsonl import JsonTableWriter

    return JsonTableWriter(directory, table, rows)


def _file_reader(extension: str, kind: str):  # type: ignore[no-untyped-def]
    def open_tables(request: ReadRequest):  # type: ignore[no-untyped-def]
        from datagen.engine.formats import readers
        from datagen.engine.validate import source

        open_one = (
            readers.parquet_source
            if kind == "parquet"
            else readers.text_source(
                {
                    "csv": source.CsvSource,
                    "jsonl": source.JsonLinesSource,
                    "json": source.JsonSource,
                }[kind]
            )
        )
        return readers.file_tables(extension, open_one)(request)

    return open_tables


def _sqlite_sink(request: SinkRequest) -> Sink:
    from datagen.engine.writers.sqlite import SqliteSink

    return SqliteSink(request.directory, request.dataset, constraints=request.constraints)


def _duckdb_sink(request: SinkRequest) -> Sink:
    from datagen.engine.writers.duckdb import DuckdbSink

    return DuckdbSink(request.directory, request.dataset, constraints=request.constraints)


def _postgres_sink(request: SinkRequest) -> Sink:
    from datagen.engine.errors import InputError
    from datagen.engine.writers.postgres import PostgresSink

    if not request.dsn:
        raise InputError(
            "--format postgres needs --dsn postgresql://user@host/dbname "
            "(or the DATAGEN_DSN environment variable)"
        )
    return PostgresSink(request.dsn, request.dataset, constraints=request.constraints)


def _events_sink(request: SinkRequest) -> Sink:
    from datagen.engine.writers.events import EventsSink

    return EventsSink(request.directory, request.dataset)


def _sqlite_tables(request: ReadRequest):  # type: ignore[no-untyped-def]
    from datagen.engine.formats.readers import sqlite_tables

    return sqlite_tables(request)


def _duckdb_tables(request: ReadRequest):  # type: ignore[no-untyped-def]
    from datagen.engine.formats.readers import duckdb_tables

    return duckdb_tables(request)


def _postgres_tables(request: ReadRequest):  # type: ignore[no-untyped-def]
    from datagen.engine.formats.readers import postgres_tables

    return postgres_tables(request)


def _file_format(name: str, summary: str, writer, *, exact_types: bool = False) -> Format:  # type: ignore[no-untyped-def]
    """A file-per-table format: `<table>.<name>`, its writer, read back by its source."""
    return register(
        Format(
            name,
            summary,
            _file_sink(name),
            extension=f".{name}",
            open_tables=_file_reader(f".{name}", name),
            open_writer=writer,
            exact_types=exact_types,
        )
    )


PARQUET = _file_format(
    "parquet",
    "one Parquet file per table (typed, compressed; the default)",
    _parquet_writer,
    exact_types=True,
)
CSV = _file_format("csv", "one CSV file per table, with a header", _csv_writer)
JSONL = _file_format("jsonl", "one JSON-lines file per table", _jsonl_writer)
JSON = _file_format("json", "one JSON array per table (small data)", _json_writer)
DUCKDB = register(
    Format(
        "duckdb",
        "one DuckDB database file, tables with keys and checks",
        _duckdb_sink,
        extension=".duckdb",
        open_tables=_duckdb_tables,
        is_database=True,
        one_file=True,
        exact_types=True,
        ddl_dialect="duckdb",
    )
)
SQLITE = register(
    Format(
        "sqlite",
        "one SQLite database file, STRICT tables with keys",
        _sqlite_sink,
        extension=".sqlite",
        open_tables=_sqlite_tables,
        is_database=True,
        one_file=True,
        ddl_dialect="sqlite",
    )
)
POSTGRES = register(
    Format(
        "postgres",
        "tables loaded into a PostgreSQL server (--dsn)",
        _postgres_sink,
        open_tables=_postgres_tables,
        is_database=True,
        one_file=True,
        remote=True,
        ddl_dialect="postgres",
    )
)
EVENTS = register(
    Format(
        "events",
        "one NDJSON feed of every fact row, ordered by time",
        _events_sink,
        filename="events.jsonl",
        not_tables="it is one time-ordered feed of every fact row, not tables; "
        "write a table format beside it (e.g. --format parquet,events) and validate that",
        one_file=True,
    )
)
