"""Writers and sinks: where the record batches of a run go.

A `Sink` receives a whole dataset, table by table in DAG order; it opens a
`TableWriter` per table, which receives that table's batches block by block.
- file formats (parquet, csv, jsonl, json) write one file per table;
- database formats (sqlite, duckdb) write one database file holding every
  table, with keys and constraints from `engine.ddl`; postgres loads a
  server through COPY;
- `events` writes one NDJSON feed of every fact row ordered by time.
Everything file-based is written inside the run's temporary directory and
published by `generate_dataset` when the run is complete. Which sink serves
which format name is the format registry's business (`engine.formats`).
"""

from __future__ import annotations

from pathlib import Path
from types import TracebackType
from typing import Protocol

import pyarrow as pa

from datagen.engine import dsl
from datagen.engine.errors import InputError

FILE_FORMATS = ("parquet", "csv", "jsonl", "json")  # the file-per-table writers of `open_writer`


class TableWriter(Protocol):
    filename: str

    def write(self, batch: pa.RecordBatch) -> None: ...

    def close(self) -> None: ...

    def __enter__(self) -> TableWriter: ...

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None: ...


class Sink(Protocol):
    """One output format of a run: opened once, fed every table, closed once."""

    format: str

    def open_table(
        self, table: str, schema: pa.Schema, rows: int, dictionary_columns: list[str]
    ) -> TableWriter | None:
        """A writer for the table's batches, or None when the format skips the table."""
        ...

    def close(self) -> list[str]:
        """Finish (final checks included) and return the files written, relative names."""
        ...

    def abort(self) -> None: ...


def open_writer(
    fmt: str,
    directory: Path,
    table: str,
    schema: pa.Schema,
    dictionary_columns: list[str] | None = None,
    rows: int | None = None,
) -> TableWriter:
    """A file-per-table writer. dictionary_columns: worth dictionary encoding (Parquet)."""
    if fmt == "parquet":
        from datagen.engine.writers.parquet import ParquetTableWriter

        return ParquetTableWriter(directory, table, schema, dictionary_columns or [])
    if fmt == "csv":
        from datagen.engine.writers.csv import CsvTableWriter

        return CsvTableWriter(directory, table, schema)
    if fmt == "jsonl":
        from datagen.engine.writers.jsonl import JsonlTableWriter

        return JsonlTableWriter(directory, table)
    if fmt == "json":
        from datagen.engine.writers.jsonl import JsonTableWriter

        return JsonTableWriter(directory, table, rows)
    raise InputError(f"--format {fmt!r} is not a file-per-table format: {', '.join(FILE_FORMATS)}")


class FileSink:
    """One file per table, in the run's directory."""

    def __init__(self, fmt: str, directory: Path):
        self.format = fmt
        self._directory = directory
        self._files: list[str] = []

    def open_table(
        self, table: str, schema: pa.Schema, rows: int, dictionary_columns: list[str]
    ) -> TableWriter:
        writer = open_writer(self.format, self._directory, table, schema, dictionary_columns, rows)
        self._files.append(writer.filename)
        return writer

    def close(self) -> list[str]:
        return list(self._files)

    def abort(self) -> None:
        pass


def open_sink(
    fmt: str,
    directory: Path,
    dataset: dsl.Dataset,
    *,
    constraints: bool = True,
    dsn: str | None = None,
) -> Sink:
    """The registered format's sink. constraints=False: no keys or checks (dirty profiles)."""
    from datagen.engine.formats import SinkRequest, get_format

    request = SinkRequest(directory, dataset, constraints=constraints, dsn=dsn)
    return get_format(fmt).open_sink(request)
