"""Where the validator reads a table from: an in-memory Arrow table, a Parquet or a text file.

The format registry (`engine.formats`) picks the source of each format; databases
have theirs in `engine.formats.readers`.

Checks ask for the few columns they need; a Parquet table reads just those
columns each time, so memory is bounded by the largest column set one check
involves, never by the whole dataset.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.json as pajson
import pyarrow.parquet as pq

from datagen.engine import dsl
from datagen.engine.errors import InputError
from datagen.engine.values import ARROW_TYPES


class TableSource:
    """The columns of one table, read on demand."""

    name: str
    schema: pa.Schema
    num_rows: int
    location: str

    def read(self, columns: list[str]) -> pa.Table:
        raise NotImplementedError

    def column(self, name: str) -> pa.ChunkedArray:
        return self.read([name]).column(0)

    def batches(self, columns: list[str], rows: int) -> Iterator[pa.RecordBatch]:
        yield from self.read(columns).to_batches(max_chunksize=rows)

    def null_count(self, name: str) -> int:
        return self.column(name).null_count

    @property
    def names(self) -> list[str]:
        return list(self.schema.names)


class ArrowSource(TableSource):
    def __init__(self, name: str, table: pa.Table):
        self.name = name
        self.table = table
        self.schema = table.schema
        self.num_rows = table.num_rows
        self.location = f"<memory:{name}>"

    def read(self, columns: list[str]) -> pa.Table:
        return self.table.select(columns)


class ParquetSource(TableSource):
    def __init__(self, name: str, path: Path):
        self.name = name
        self.location = str(path)
        try:
            # pre_buffer keeps every column chunk read so far alive: off, memory stays at a batch
            self._file = pq.ParquetFile(path, pre_buffer=False)
            self.schema = self._file.schema_arrow
        except (OSError, pa.ArrowException) as exc:
            raise InputError(f"cannot read {path}: {exc}") from None
        self.num_rows = self._file.metadata.num_rows

    def null_count(self, name: str) -> int:
        """From the row groups' statistics when every one has them: no data read."""
        meta = self._file.metadata
        leaf = _leaf_index(meta, name)
        total = 0
        for group in range(meta.num_row_groups):
            stats = meta.row_group(group).column(leaf).statistics if leaf is not None else None
            if stats is None or not stats.has_null_count:
                return self.column(name).null_count
            total += stats.null_count
        return total

    def read(self, columns: list[str]) -> pa.Table:
        try:
            return self._file.read(columns=columns)
        except (OSError, pa.ArrowException) as exc:
            raise InputError(f"cannot read columns {columns} of {self.location}: {exc}") from None

    def batches(self, columns: list[str], rows: int) -> Iterator[pa.RecordBatch]:
        """Streamed from the file: memory holds one batch, never the whole column."""
        try:
            yield from self._file.iter_batches(batch_size=rows, columns=columns)
        except (OSError, pa.ArrowException) as exc:
            raise InputError(f"cannot read columns {columns} of {self.location}: {exc}") from None


def _leaf_index(meta: pq.FileMetaData, name: str) -> int | None:
    """The Parquet leaf column of a flat top-level field (None for nested ones)."""
    if meta.num_row_groups == 0:
        return None
    first = meta.row_group(0)
    return next(
        (i for i in range(meta.num_columns) if first.column(i).path_in_schema == name), None
    )


class TextSource(TableSource):
    """A text file (CSV, JSON lines, JSON) parsed once and kept in memory: text formats are
    for exchange, not the scale path. Types are inferred, then conformed to the schema
    where the text cannot say (ISO timestamps in JSON, all-empty columns), so a column
    that does not parse as its declared type shows up as a type mismatch."""

    def __init__(self, name: str, path: Path, node: dsl.Node):
        self.name = name
        self.location = str(path)
        try:
            table = self.parse(path, node)
        except (OSError, ValueError, pa.ArrowException) as exc:
            raise InputError(f"cannot read {path}: {exc}") from None
        for index, field in enumerate(table.schema):
            col = node.column(field.name)
            if col is not None:
                typed = conform_to_declared(table.column(index), declared_type(col))
                if typed is not None:
                    table = table.set_column(index, field.name, typed)
        self.table = table
        self.schema = table.schema
        self.num_rows = table.num_rows

    def parse(self, path: Path, node: dsl.Node) -> pa.Table:
        raise NotImplementedError

    def read(self, columns: list[str]) -> pa.Table:
        return self.table.select(columns)


def declared_type(col: dsl.Column) -> str:
    """The type a stored column is compared with: the DSL type, or `time` for a time of day."""
    return "time" if col.format == "time" else col.type


def _time_of_day(values: pa.ChunkedArray) -> pa.ChunkedArray | None:
    try:
        if pa.types.is_string(values.type) or pa.types.is_large_string(values.type):
            values = pc.binary_join_element_wise("1970-01-01 ", values, "").cast(pa.timestamp("us"))
        return values.cast(pa.time64("us"))
    except pa.ArrowException:
        return None


def conform_to_declared(values: pa.ChunkedArray, declared: str) -> pa.ChunkedArray | None:
    """The column cast to its declared type when the storage left it untyped, else None.

    Text (CSV, JSON, SQLite) has no date type and SQLite stores booleans as 0/1;
    a value that does not convert leaves the column as stored, a type mismatch.
    """
    if declared == "time":  # a time of day: text, time32 or a timestamp as read back
        return _time_of_day(values)
    if pa.types.is_null(values.type):
        return values.cast(ARROW_TYPES[declared])
    is_text = pa.types.is_string(values.type) or pa.types.is_large_string(values.type)
    if is_text and declared in ("date", "datetime"):
        try:
            return values.cast(ARROW_TYPES[declared])
        except pa.ArrowException:
            pass
        try:  # a timestamptz written as text: `...Z`
            return values.cast(pa.timestamp("us", tz="UTC")) if declared == "datetime" else None
        except pa.ArrowException:
            return None
    if declared == "date" and pa.types.is_timestamp(values.type):
        # JSON readers take "2024-01-05" for a timestamp: a date when every time is midnight
        days = values.cast(pa.date32())
        if pc.all(pc.equal(days.cast(values.type), values)).as_py() is not False:
            return days
    if declared == "bool" and pa.types.is_integer(values.type):
        if pc.all(pc.is_in(values, pa.array([0, 1], values.type))).as_py() is not False:
            return values.cast(pa.bool_())
    return None


class CsvSource(TextSource):
    def parse(self, path: Path, node: dsl.Node) -> pa.Table:
        # declared strings stay strings ("01234" is not an int)
        strings = {c.name: pa.string() for c in node.columns if c.type == "string"}
        # nulls are empty cells (what datagen writes) or NULL/null; not "NA" (Namibia) or "n/a";
        # a quoted cell is text: datagen quotes every string, so "" and "NULL" stay strings
        options = pacsv.ConvertOptions(
            column_types=strings,
            strings_can_be_null=True,
            quoted_strings_can_be_null=False,
            null_values=["", "NULL", "null"],
        )
        return pacsv.read_csv(path, convert_options=options)


def _empty_table(node: dsl.Node) -> pa.Table:
    """No rows, so no columns to infer: the declared ones."""
    return pa.table({c.name: pa.array([], ARROW_TYPES[c.type]) for c in node.columns})


class JsonLinesSource(TextSource):
    def parse(self, path: Path, node: dsl.Node) -> pa.Table:
        if _blank(path):
            return _empty_table(node)
        return pajson.read_json(path)


def _blank(path: Path) -> bool:
    with path.open("rb") as handle:
        return not handle.read(1 << 16).strip()


class JsonSource(TextSource):
    """One JSON array of objects per table (small data)."""

    def parse(self, path: Path, node: dsl.Node) -> pa.Table:
        rows = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(rows, list):
            raise ValueError("expected a JSON array of row objects")
        return pa.Table.from_pylist(rows) if rows else _empty_table(node)


# --------------------------------------------------------------------------- types


def type_family(arrow_type: pa.DataType) -> str:
    """The DSL type an Arrow type stores (`int`, `float`, ...), or the Arrow name."""
    if pa.types.is_dictionary(arrow_type):
        return type_family(arrow_type.value_type)
    if pa.types.is_integer(arrow_type):
        return "int"
    if pa.types.is_floating(arrow_type) or pa.types.is_decimal(arrow_type):
        return "float"
    if pa.types.is_string(arrow_type) or pa.types.is_large_string(arrow_type):
        return "string"
    if hasattr(pa.types, "is_string_view") and pa.types.is_string_view(arrow_type):
        return "string"
    if pa.types.is_boolean(arrow_type):
        return "bool"
    if pa.types.is_date(arrow_type):
        return "date"
    if pa.types.is_timestamp(arrow_type):
        return "datetime"
    if pa.types.is_time(arrow_type):
        return "time"
    if pa.types.is_null(arrow_type):
        return "null"
    return str(arrow_type)


PHYSICAL_TYPE = {
    "int": "int64",
    "float": "float64",
    "string": "string",
    "bool": "bool",
    "date": "date32",
    "datetime": "timestamp[us]",
}


def type_matches(declared: str, arrow_type: pa.DataType, *, lenient: bool = False) -> bool:
    """Whether a column stored as `arrow_type` holds the DSL type `declared`.

    Integers are accepted for floats (lossless). A column of nulls only (type
    `null`, e.g. an all-empty CSV column) matches any type. `lenient` (CSV)
    also accepts floats for ints; the values are then checked to be integral.
    """
    family = type_family(arrow_type)
    if family in (declared, "null"):
        return True
    if declared == "float" and family == "int":
        return True
    return lenient and declared == "int" and family == "float"
