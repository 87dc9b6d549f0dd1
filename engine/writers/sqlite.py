"""SQLite: one database file, typed STRICT tables with keys, loaded in DAG order.

Loading goes through `executemany` inside one transaction per table (the one
place rows become Python tuples: SQLite has no bulk columnar load). Dates and
datetimes are ISO text (`2024-01-31`, `2024-01-31 12:00:00`, SQLite's own
format), booleans 0/1. Foreign keys are enforced while loading
(`PRAGMA foreign_keys=ON`) and `PRAGMA foreign_key_check` must return nothing
at the end, or the run fails.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from types import TracebackType

import pyarrow as pa
import pyarrow.compute as pc

from datagen.engine import dsl
from datagen.engine.ddl import TableDef, create_table_sql, quote, table_defs
from datagen.engine.errors import DatagenError


def sqlite_columns(batch: pa.RecordBatch) -> list[pa.Array]:
    """Each column as the Arrow type whose Python values SQLite stores as intended."""
    arrays = []
    for array in batch.columns:
        if pa.types.is_dictionary(array.type):
            array = array.cast(array.type.value_type)
        elif pa.types.is_timestamp(array.type):
            # SQLite's own text format; whole seconds without the `.000000`
            array = pc.replace_substring(array.cast(pa.string()), ".000000", "")
        elif pa.types.is_date(array.type):
            array = array.cast(pa.string())
        elif pa.types.is_boolean(array.type):
            array = array.cast(pa.int8())
        arrays.append(array)
    return arrays


class SqliteSink:
    format = "sqlite"

    def __init__(self, directory: Path, dataset: dsl.Dataset, *, constraints: bool = True):
        self.filename = f"{dataset.metadata.name}.sqlite"
        self._constraints = constraints
        self._defs = {t.name: t for t in table_defs(dataset, "sqlite", constraints=constraints)}
        # check_same_thread off: tables are opened here and written by the run's writer
        # thread, one at a time, never concurrently
        self._con = sqlite3.connect(
            directory / self.filename, isolation_level=None, check_same_thread=False
        )
        # The file sits in the run's temporary directory and is only published complete,
        # so the rollback journal and fsyncs buy nothing here.
        self._con.execute("PRAGMA journal_mode = OFF")
        self._con.execute("PRAGMA synchronous = OFF")
        self._con.execute(f"PRAGMA foreign_keys = {'ON' if constraints else 'OFF'}")

    def open_table(
        self, table: str, schema: pa.Schema, rows: int, dictionary_columns: list[str]
    ) -> SqliteTableWriter:
        return SqliteTableWriter(self._con, self._defs[table], self.filename)

    def close(self) -> list[str]:
        violations = self._con.execute("PRAGMA foreign_key_check").fetchall()
        if violations and self._constraints:
            self._con.close()
            shown = ", ".join(f"{t} rowid {r} -> {p}" for t, r, p, _ in violations[:5])
            raise DatagenError(
                f"SQLite foreign_key_check found {len(violations)} orphan(s): {shown}"
            )
        self._con.close()
        return [self.filename]

    def abort(self) -> None:
        self._con.close()


class SqliteTableWriter:
    def __init__(self, con: sqlite3.Connection, tdef: TableDef, filename: str):
        self.filename = filename
        self._con = con
        names = ", ".join(quote(c.name) for c in tdef.columns)
        marks = ", ".join("?" for _ in tdef.columns)
        self._insert = f"INSERT INTO {quote(tdef.name)} ({names}) VALUES ({marks})"
        con.execute(create_table_sql(tdef, "sqlite"))
        con.execute("BEGIN")

    def write(self, batch: pa.RecordBatch) -> None:
        columns = [array.to_pylist() for array in sqlite_columns(batch)]
        self._con.executemany(self._insert, zip(*columns, strict=True))

    def close(self) -> None:
        if self._con.in_transaction:
            self._con.execute("COMMIT")

    def __enter__(self) -> SqliteTableWriter:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if exc is not None:
            if self._con.in_transaction:
                self._con.execute("ROLLBACK")
            return
        self.close()
