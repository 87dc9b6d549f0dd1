"""Parquet: one file per table, one row group per block, snappy."""

from __future__ import annotations

from pathlib import Path
from types import TracebackType

import pyarrow as pa

from datagen.engine.arrowtypes import parquet_writer


class ParquetTableWriter:
    def __init__(
        self, directory: Path, table: str, schema: pa.Schema, dictionary_columns: list[str]
    ):
        self.filename = f"{table}.parquet"
        self._writer = parquet_writer(directory / self.filename, schema, dictionary_columns)

    def write(self, batch: pa.RecordBatch) -> None:
        self._writer.write_batch(batch, row_group_size=max(1, batch.num_rows))

    def close(self) -> None:
        self._writer.close()

    def __enter__(self) -> ParquetTableWriter:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()
