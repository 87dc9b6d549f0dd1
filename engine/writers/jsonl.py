"""JSONL (one object per line) and JSON (one array per table, small data only).

Rows are encoded by DuckDB's `to_json` over the Arrow batch: correct string
escaping and shortest round-trip floats, with no per-row Python. Timestamps
are ISO 8601 text (as in CSV), dates `YYYY-MM-DD`, nulls `null`.
"""

from __future__ import annotations

from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

import pyarrow as pa
import pyarrow.compute as pc

from datagen.engine.errors import InputError

if TYPE_CHECKING:
    import duckdb

# JSON arrays are for small data: a reader has to parse the whole file at once.
JSON_MAX_ROWS = 1_000_000


def iso_text(timestamps: pa.Array) -> pa.Array:
    """`2024-01-31T12:00:00.000000`: what pc.strftime("%Y-%m-%dT%H:%M:%S") prints, 5x faster."""
    return pc.replace_substring(timestamps.cast(pa.string()), " ", "T", max_replacements=1)


def connect_duckdb(
    path: str = ":memory:", **config: str | bool | int | float | list[str]
) -> duckdb.DuckDBPyConnection:
    import duckdb  # on use: `datagen SUB --help` does not pay for it

    con = duckdb.connect(path, config=dict(config))
    con.execute("SET enable_progress_bar = false")  # it would print on our stdout
    return con


def text_ready(batch: pa.RecordBatch) -> pa.RecordBatch:
    """Dictionary strings decoded, timestamps as ISO text, NaN and infinities as null (JSON
    has neither): what the JSON formats print."""
    arrays = []
    for array in batch.columns:
        if pa.types.is_dictionary(array.type):
            array = array.cast(array.type.value_type)
        elif pa.types.is_timestamp(array.type):
            array = iso_text(array)
        elif pa.types.is_floating(array.type):
            finite = pc.fill_null(pc.is_finite(array), True)
            if not pc.all(finite).as_py():
                array = pc.if_else(finite, array, pa.scalar(None, array.type))
        arrays.append(array)
    return pa.RecordBatch.from_arrays(arrays, names=batch.schema.names)


class JsonEncoder:
    """Arrow batch -> one JSON object per row (an Arrow string array)."""

    def __init__(self) -> None:
        self._con = connect_duckdb()

    def lines(self, batch: pa.RecordBatch) -> pa.Array:
        if batch.num_rows == 0:
            return pa.array([], pa.string())
        self._con.register("__datagen_batch", text_ready(batch))
        try:
            result = self._con.sql(
                "SELECT to_json(__datagen_row)::VARCHAR FROM __datagen_batch AS __datagen_row"
            ).to_arrow_table()
        finally:
            self._con.unregister("__datagen_batch")
        return result.column(0).combine_chunks()

    def close(self) -> None:
        self._con.close()


def joined(lines: pa.Array, separator: str) -> bytes:
    """All lines joined by `separator`, in one Arrow kernel call."""
    if len(lines) == 0:
        return b""
    offsets = pa.array([0, len(lines)], pa.int32())
    text = pc.binary_join(pa.ListArray.from_arrays(offsets, lines), separator)[0]
    return text.as_buffer().to_pybytes()


class JsonlTableWriter:
    def __init__(self, directory: Path, table: str):
        self.filename = f"{table}.jsonl"
        self._encoder = JsonEncoder()
        self._file = open(directory / self.filename, "wb")  # noqa: SIM115 (closed in close)

    def write(self, batch: pa.RecordBatch) -> None:
        lines = self._encoder.lines(batch)
        if len(lines):
            self._file.write(joined(lines, "\n") + b"\n")

    def close(self) -> None:
        self._file.close()
        self._encoder.close()

    def __enter__(self) -> JsonlTableWriter:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


class JsonTableWriter:
    """`[`, the rows separated by `,` one per line, `]`: json.load gives a list of dicts."""

    def __init__(self, directory: Path, table: str, rows: int | None = None):
        if rows is not None and rows > JSON_MAX_ROWS:
            raise InputError(
                f"--format json writes one array per table and is for small data: `{table}` has "
                f"{rows:,} rows (limit {JSON_MAX_ROWS:,}); use --format jsonl for large tables"
            )
        self.filename = f"{table}.json"
        self._table = table
        self._encoder = JsonEncoder()
        self._file = open(directory / self.filename, "wb")  # noqa: SIM115 (closed in close)
        self._file.write(b"[")
        self._rows = 0

    def write(self, batch: pa.RecordBatch) -> None:
        if self._rows + batch.num_rows > JSON_MAX_ROWS:
            raise InputError(
                f"--format json is for small data: `{self._table}` passed {JSON_MAX_ROWS:,} rows; "
                "use --format jsonl for large tables"
            )
        lines = self._encoder.lines(batch)
        if len(lines):
            self._file.write((b",\n" if self._rows else b"\n") + joined(lines, ",\n"))
        self._rows += batch.num_rows

    def close(self) -> None:
        if not self._file.closed:
            self._file.write(b"\n]\n" if self._rows else b"]\n")
            self._file.close()
        self._encoder.close()

    def __enter__(self) -> JsonTableWriter:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()
