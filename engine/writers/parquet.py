"""Parquet: one file per table, one row group per block, snappy."""

from __future__ import annotations

from pathlib import Path
from types import TracebackType

import pyarrow as pa
import pyarrow.parquet as pq


class ParquetTableWriter:
    def __init__(
        self, directory: Path, table: str, schema: pa.Schema, dictionary_columns: list[str]
    ):
        self.filename = f"{table}.parquet"
        # Dictionary encoding only where values repeat: trying it on every float
        # column costs more than the whole rest of the write.
        self._writer = pq.ParquetWriter(
            directory / self.filename,
            schema,
            compression="snappy",
            use_dictionary=dictionary_columns,
        )

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
