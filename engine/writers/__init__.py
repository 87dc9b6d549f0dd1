"""Writers: one per format, each streaming record batches into one file per table."""

from __future__ import annotations

from pathlib import Path
from types import TracebackType
from typing import Protocol

import pyarrow as pa

from datagen.engine.errors import InputError

FORMATS = ("parquet", "csv")


class TableWriter(Protocol):
    filename: str

    def write(self, batch: pa.RecordBatch) -> None: ...

    def close(self) -> None: ...

    def __enter__(self) -> TableWriter: ...

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None: ...


def open_writer(
    fmt: str,
    directory: Path,
    table: str,
    schema: pa.Schema,
    dictionary_columns: list[str] | None = None,
) -> TableWriter:
    """dictionary_columns: columns worth dictionary encoding (few distinct values)."""
    if fmt == "parquet":
        from datagen.engine.writers.parquet import ParquetTableWriter

        return ParquetTableWriter(directory, table, schema, dictionary_columns or [])
    if fmt == "csv":
        from datagen.engine.writers.csv import CsvTableWriter

        return CsvTableWriter(directory, table, schema)
    raise InputError(f"--format {fmt!r} is not supported; choose one of: {', '.join(FORMATS)}")
