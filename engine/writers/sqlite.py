"""SQLite: one database file, typed STRICT tables with keys, loaded in DAG order.

Blocks go in through ADBC's bulk ingest (`adbc-driver-sqlite`): the Arrow
batch is bound to one prepared INSERT in C, with no Python row tuples, one
transaction per table. Dates and datetimes are ISO text (`2024-01-31`,
`2024-01-31 12:00:00`, SQLite's own format), booleans 0/1, converted
column-wise in Arrow first. Keys and NOT NULL hold on every insert. The
CHECKs are in the schema (they hold for every later insert) but are verified
on each Arrow batch, vectorized, before it goes in, with SQLite's own check
switched off for the load (`ignore_check_constraints`): evaluated row by row
they took 60% of lineitem's load. Foreign keys are checked once, in bulk, at
the end (`PRAGMA foreign_key_check` must return nothing, or the run fails).
"""

from __future__ import annotations

from pathlib import Path
from types import TracebackType
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from datagen.engine import dsl
from datagen.engine.ddl import TEMPORAL, Check, TableDef, create_table_sql, render_check, table_defs
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
            # SQLite has no exact decimal: REAL, the double nearest the decimal (through its
            # text: Arrow's direct cast scales in binary and can land one ulp off, 1579.34 ->
            # 1579.3400000000001)
            array = array.cast(pa.string()).cast(pa.float64())
        elif pa.types.is_time(array.type) or pa.types.is_large_string(array.type):
            array = array.cast(pa.string())
        arrays.append(array)
    return arrays


def failed_checks(tdef: TableDef, batch: pa.RecordBatch) -> list[str]:
    """The table's CHECKs this batch breaks, as SQL (`"qty" >= 1: 2 row(s), e.g. 0`).
    As in SQL, a check on a null is not broken."""
    failed = []
    for check in tdef.checks:
        holds = _holds(check, tdef, batch)
        if holds is None:
            continue
        broken = pc.invert(pc.fill_null(holds, True))
        count = pc.sum(broken).as_py() or 0
        if count:
            first = batch.column(check.column).filter(broken)[0].as_py()
            failed.append(
                f"CHECK ({render_check(check, tdef, 'sqlite')}): {count} row(s), e.g. {first!r}"
            )
    return failed


_COMPARE = {
    ">=": pc.greater_equal,
    ">": pc.greater,
    "<=": pc.less_equal,
    "<": pc.less,
    "==": pc.equal,
    "=": pc.equal,
    "!=": pc.not_equal,
    "<>": pc.not_equal,
}


def _holds(check: Check, tdef: TableDef, batch: pa.RecordBatch) -> pa.Array | None:
    """Whether each row satisfies the check (null where SQL's answer is unknown)."""
    column = _comparable(batch.column(check.column))
    if check.kind == "bool":
        return None  # booleans are written as 0/1 by construction
    if check.kind == "enum":
        if pa.types.is_string(column.type):
            values = pa.array([str(v) for v in check.values], pa.string())
        else:  # SQLite compares numbers by value: 1 IN (1.0)
            column = column.cast(pa.float64())
            values = pa.array([float(v) for v in check.values], pa.float64())  # type: ignore[arg-type]
        return pc.if_else(column.is_null(), None, pc.is_in(column, value_set=values))
    compare = _COMPARE[check.op]
    if check.kind == "range":
        assert check.bound is not None
        if check.type in TEMPORAL:
            bound = pa.scalar(dsl.parse_instant(str(check.bound)).astype("datetime64[us]"))
            return compare(column, bound)
        return compare(column, pa.scalar(float(check.bound)))
    if check.kind == "inequality":
        return compare(column, _comparable(batch.column(check.other)))
    raise AssertionError(check.kind)


def _comparable(array: pa.Array) -> pa.Array:
    """Dates and datetimes as instants in microseconds (SQLite compares their julianday)."""
    if pa.types.is_dictionary(array.type):
        array = array.cast(array.type.value_type)
    if pa.types.is_date(array.type):
        return array.cast(pa.timestamp("s")).cast(pa.timestamp("us"))
    if pa.types.is_timestamp(array.type):
        return array.cast(pa.timestamp("us"))
    if pa.types.is_large_string(array.type):
        return array.cast(pa.string())
    return array


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
            # CHECKs are verified on each Arrow batch (failed_checks), not row by row;
            # the pragma lasts for this connection only: the file's CHECKs stay in force
            cursor.execute("PRAGMA ignore_check_constraints = ON")

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
        self._tdef = tdef
        self._table = tdef.name
        self._names = [c.name for c in tdef.columns]
        self._cursor = con.cursor()
        self._cursor.execute(create_table_sql(tdef, "sqlite"))
        self._cursor.execute("BEGIN")

    def write(self, batch: pa.RecordBatch) -> None:
        failed = failed_checks(self._tdef, batch)
        if failed:
            raise DatagenError(f"SQLite refused rows of `{self._table}`: {'; '.join(failed)}")
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
