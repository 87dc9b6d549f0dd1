"""SQLite: one database file, typed STRICT tables with keys, loaded in DAG order.

Blocks go in through ADBC's bulk ingest (`adbc-driver-sqlite`): the Arrow
batch is bound to one prepared INSERT in C, with no Python row tuples, one
transaction per table. Dates and datetimes are ISO text (`2024-01-31`,
`2024-01-31 12:00:00`, SQLite's own format), booleans 0/1, converted
column-wise in Arrow first. Keys, NOT NULL and CHECKs hold on every insert;
foreign keys are checked once, in bulk, at the end (`PRAGMA
foreign_key_check` must return nothing, or the run fails).
"""

from __future__ import annotations

from pathlib import Path
from types import TracebackType
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from datagen.engine import dsl
from datagen.engine.ddl import TableDef, create_table_sql, table_defs
from datagen.engine.errors import DatagenError


def sqlite_columns(batch: pa.RecordBatch) -> list[pa.Array]:
    """Each column as the Arrow type SQLite stores as intended (text dates, 0/1 booleans)."""
    arrays = []
    for array in batch.columns:
        if pa.types.is_dictionary(array.type):
            array = array.cast(array.type.value_type)
        if pa.types.is_timestamp(array.type):
            # SQLite's own text format; whole seconds without the `.000000`
            array = pc.replace_substring(array.cast(pa.string()), ".000000", "")
        elif pa.types.is_date(array.type):
            array = array.cast(pa.string())
        elif pa.types.is_boolean(array.type):
            array = array.cast(pa.int64())
        elif pa.types.is_decimal(array.type):
            array = array.cast(pa.float64())  # SQLite has no exact decimal: REAL
        elif pa.types.is_time(array.type) or pa.types.is_large_string(array.type):
            array = array.cast(pa.string())
        arrays.append(array)
    return arrays


def connect(path: Path) -> Any:
    """An ADBC SQLite connection in autocommit mode: the writer opens one transaction per
    table itself (PRAGMAs such as `synchronous` cannot be set inside a transaction)."""
    import adbc_driver_sqlite.dbapi as adbc_sqlite

    return adbc_sqlite.connect(str(path), autocommit=True)


class SqliteSink:
    format = "sqlite"

    def __init__(self, directory: Path, dataset: dsl.Dataset, *, constraints: bool = True):
        self.filename = f"{dataset.metadata.name}.sqlite"
        self._constraints = constraints
        self._defs = {t.name: t for t in table_defs(dataset, "sqlite", constraints=constraints)}
        self._con = connect(directory / self.filename)
        with self._con.cursor() as cursor:
            # The file sits in the run's temporary directory and is only published complete,
            # so the rollback journal and fsyncs buy nothing here.
            cursor.execute("PRAGMA journal_mode = OFF")
            cursor.execute("PRAGMA synchronous = OFF")
            cursor.execute("PRAGMA locking_mode = EXCLUSIVE")
            cursor.execute("PRAGMA cache_size = -65536")  # 64 MB of pages: index inserts in RAM
            # Keys are checked once, in bulk, by `foreign_key_check` at the end (close):
            # checking every row on insert as well would do the same lookups twice.
            cursor.execute("PRAGMA foreign_keys = OFF")

    def open_table(
        self, table: str, schema: pa.Schema, rows: int, dictionary_columns: list[str]
    ) -> SqliteTableWriter:
        return SqliteTableWriter(self._con, self._defs[table], self.filename)

    def close(self) -> list[str]:
        with self._con.cursor() as cursor:
            cursor.execute("PRAGMA foreign_key_check")
            violations = cursor.fetchall()
        self._con.close()
        if violations and self._constraints:
            shown = ", ".join(f"{t} rowid {r} -> {p}" for t, r, p, _ in violations[:5])
            raise DatagenError(
                f"SQLite foreign_key_check found {len(violations)} orphan(s): {shown}"
            )
        return [self.filename]

    def abort(self) -> None:
        self._con.close()


class SqliteTableWriter:
    def __init__(self, con: Any, tdef: TableDef, filename: str):
        self.filename = filename
        self._con = con
        self._table = tdef.name
        self._names = [c.name for c in tdef.columns]
        self._cursor = con.cursor()
        self._cursor.execute(create_table_sql(tdef, "sqlite"))
        self._cursor.execute("BEGIN")

    def write(self, batch: pa.RecordBatch) -> None:
        rows = pa.RecordBatch.from_arrays(sqlite_columns(batch), names=batch.schema.names)
        try:
            self._cursor.adbc_ingest(self._table, rows.select(self._names), mode="append")
        except Exception as exc:  # the driver's own classes; a full disk is not the data's fault
            if "constraint failed" not in str(exc):
                raise
            raise DatagenError(f"SQLite refused a row of `{self._table}`: {exc}") from None

    def close(self) -> None:
        self._cursor.execute("COMMIT")
        self._cursor.close()

    def __enter__(self) -> SqliteTableWriter:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if exc is not None:
            try:
                self._cursor.execute("ROLLBACK")
            finally:
                self._cursor.close()
            return
        self.close()
