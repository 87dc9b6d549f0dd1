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

from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from typing import Protocol

import pyarrow as pa

from datagen.engine import dsl
from datagen.engine.errors import InputError


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


# (directory, table, schema, dictionary_columns, rows) -> the writer of one table's file
WriterFactory = Callable[[Path, str, pa.Schema, list[str], int | None], TableWriter]


def open_writer(
    fmt: str,
    directory: Path,
    table: str,
    schema: pa.Schema,
    dictionary_columns: list[str] | None = None,
    rows: int | None = None,
) -> TableWriter:
    """The writer of one table's file in a file-per-table format of the registry."""
    from datagen.engine.formats import format_names, get_format

    factory = get_format(fmt).open_writer
    if factory is None:
        per_table = [f for f in format_names() if get_format(f).open_writer is not None]
        raise InputError(f"--format {fmt!r} is not a file-per-table format: {', '.join(per_table)}")
    return factory(directory, table, schema, dictionary_columns or [], rows)


class FileSink:
    """One file per table, in the run's directory, each from the format's writer factory."""

    def __init__(self, fmt: str, directory: Path, factory: WriterFactory):
        self.format = fmt
        self._directory = directory
        self._factory = factory
        self._files: list[str] = []

    def open_table(
        self, table: str, schema: pa.Schema, rows: int, dictionary_columns: list[str]
    ) -> TableWriter:
        writer = self._factory(self._directory, table, schema, dictionary_columns, rows)
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
