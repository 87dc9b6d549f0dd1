"""Parquet: one file per table, one row group per block, snappy."""

from __future__ import annotations

from pathlib import Path
from types import TracebackType
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq


def parquet_writer(
    where: Any, schema: pa.Schema, dictionary_columns: list[str]
) -> pq.ParquetWriter:
    """The Parquet writer of every table file and part file (the same options everywhere)."""
    # Dictionary encoding only where values repeat: trying it on every float
    # column costs more than the whole rest of the write.
    return pq.ParquetWriter(
        where,
        schema,
        compression="snappy",
        use_dictionary=[c for c in dictionary_columns if c in schema.names],
        # DECIMAL(p <= 18) as INT32/INT64, as DuckDB, Spark and parquet-rs write it:
        # ~8% less encoding than fixed-length byte arrays, and smaller files
        store_decimal_as_integer=True,
    )


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
