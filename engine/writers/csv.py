"""CSV: header once, then one chunk per block; strings decoded, timestamps ISO 8601."""

from __future__ import annotations

from pathlib import Path
from types import TracebackType

import pyarrow as pa
import pyarrow.csv as pacsv

from datagen.engine.writers.jsonl import iso_text


def _plain_schema(schema: pa.Schema) -> pa.Schema:
    fields = []
    for f in schema:
        if pa.types.is_dictionary(f.type) or pa.types.is_timestamp(f.type):
            fields.append(pa.field(f.name, pa.string(), f.nullable))
        else:
            fields.append(f)
    return pa.schema(fields)


class CsvTableWriter:
    def __init__(self, directory: Path, table: str, schema: pa.Schema):
        self.filename = f"{table}.csv"
        self._schema = _plain_schema(schema)
        self._writer = pacsv.CSVWriter(directory / self.filename, self._schema)

    def write(self, batch: pa.RecordBatch) -> None:
        arrays = []
        for array in batch.columns:
            if pa.types.is_dictionary(array.type):
                array = array.cast(pa.string())
            elif pa.types.is_timestamp(array.type):
                array = iso_text(array)
            arrays.append(array)
        self._writer.write_batch(pa.RecordBatch.from_arrays(arrays, schema=self._schema))

    def close(self) -> None:
        self._writer.close()

    def __enter__(self) -> CsvTableWriter:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()
