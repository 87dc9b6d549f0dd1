"""DuckDB: one database file, typed tables with keys and checks, loaded from Arrow.

Each block is inserted straight from its Arrow batch (no Python rows), one
transaction per table. DuckDB enforces primary keys, UNIQUE, foreign keys and
CHECKs on insert, so a finished file holds no constraint violation. DuckDB
runs as many threads as the CPUs this process may use (its default counts the
machine's cores, which oversubscribes a process pinned to fewer).
"""

from __future__ import annotations

import os
from pathlib import Path
from types import TracebackType

import duckdb
import pyarrow as pa

from datagen.engine import dsl
from datagen.engine.ddl import TableDef, create_table_sql, quote, table_defs
from datagen.engine.errors import DatagenError
from datagen.engine.writers.jsonl import connect_duckdb


def usable_cpus() -> int:
    """The CPUs this process may run on (its affinity mask), not the machine's count."""
    try:
        return max(len(os.sched_getaffinity(0)), 1)
    except AttributeError:  # no affinity on this platform (macOS, Windows)
        return os.cpu_count() or 1


class DuckdbSink:
    format = "duckdb"

    def __init__(self, directory: Path, dataset: dsl.Dataset, *, constraints: bool = True):
        self.filename = f"{dataset.metadata.name}.duckdb"
        self._defs = {t.name: t for t in table_defs(dataset, "duckdb", constraints=constraints)}
        self._con = connect_duckdb(str(directory / self.filename), threads=usable_cpus())

    def open_table(
        self, table: str, schema: pa.Schema, rows: int, dictionary_columns: list[str]
    ) -> DuckdbTableWriter:
        return DuckdbTableWriter(self._con, self._defs[table], self.filename)

    def close(self) -> list[str]:
        self._con.execute("CHECKPOINT")
        self._con.close()
        return [self.filename]

    def abort(self) -> None:
        self._con.close()


class DuckdbTableWriter:
    def __init__(self, con: duckdb.DuckDBPyConnection, tdef: TableDef, filename: str):
        self.filename = filename
        self._con = con
        self._table = tdef.name
        names = ", ".join(quote(c.name) for c in tdef.columns)
        self._insert = f"INSERT INTO {quote(tdef.name)} ({names}) SELECT * FROM __datagen_batch"
        con.execute("BEGIN TRANSACTION")
        con.execute(create_table_sql(tdef, "duckdb"))

    def write(self, batch: pa.RecordBatch) -> None:
        self._con.register("__datagen_batch", batch)
        try:
            self._con.execute(self._insert)
        except duckdb.ConstraintException as exc:
            raise DatagenError(f"DuckDB refused a row of `{self._table}`: {exc}") from None
        finally:
            self._con.unregister("__datagen_batch")

    def close(self) -> None:
        self._con.execute("COMMIT")

    def __enter__(self) -> DuckdbTableWriter:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if exc is not None:
            try:
                self._con.execute("ROLLBACK")
            except duckdb.Error:
                pass
            return
        self.close()
