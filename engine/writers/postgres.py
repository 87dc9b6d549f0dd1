"""PostgreSQL: create each table with its keys and checks, load it with COPY (psycopg 3).

All tables go in DAG order in one transaction (every CREATE TABLE and COPY,
then one COMMIT when the run succeeds): a failure anywhere rolls everything
back, so the database is left as it was. Blocks travel in PostgreSQL's binary
COPY format, encoded from the Arrow batch by pgpq (no Python rows, no text to
parse on the server: integers, floats, dates and timestamps go as they are
stored) and sent through psycopg's `copy`. A table that already exists is an error, never
overwritten. Connections time out (CONNECT_TIMEOUT) instead of hanging on a
server that does not answer, and every message goes through engine/redact.py.
"""

from __future__ import annotations

from types import TracebackType
from typing import Any

import pyarrow as pa

from datagen.engine import dsl
from datagen.engine.ddl import TableDef, create_table_sql, quote, table_defs
from datagen.engine.errors import DatagenError, InputError
from datagen.engine.redact import redact

CONNECT_TIMEOUT = 10  # seconds; a DSN's own connect_timeout wins


def connect(dsn: str) -> Any:
    try:
        import psycopg
    except ModuleNotFoundError:
        raise InputError(
            "--format postgres needs psycopg 3: pip install 'psycopg[binary]'"
        ) from None
    try:
        params = psycopg.conninfo.conninfo_to_dict(dsn)
        params.setdefault("connect_timeout", CONNECT_TIMEOUT)
        return psycopg.connect(psycopg.conninfo.make_conninfo("", **params), autocommit=False)
    except psycopg.Error as exc:
        raise InputError(
            f"cannot connect to PostgreSQL ({redact(dsn)}): {redact(exc)}".strip()
        ) from None


def copy_binary(batch: pa.RecordBatch) -> bytes:
    """One whole binary COPY stream (header, rows, trailer) of the batch, each column in
    the Arrow type whose wire type is the table's (bigint, double precision, text,
    boolean, date, timestamp, numeric, time; a uuid as its 16 bytes: `uuid_columns`)."""
    try:
        from pgpq import ArrowToPostgresBinaryEncoder
    except ModuleNotFoundError:
        raise InputError("--format postgres needs pgpq: pip install 'datagen[postgres]'") from None
    plain = pa.RecordBatch.from_arrays([_wire(a) for a in batch.columns], names=batch.schema.names)
    encoder = ArrowToPostgresBinaryEncoder(plain.schema)
    return (
        bytes(encoder.write_header()) + bytes(encoder.write_batch(plain)) + bytes(encoder.finish())
    )


def uuid_columns(batch: pa.RecordBatch, names: frozenset[str]) -> pa.RecordBatch:
    """The batch with the named (uuid) string columns as their 16 bytes: PostgreSQL's
    binary uuid."""
    if not names:
        return batch
    from datagen.engine.generators.uuids import uuid_bytes

    arrays = [
        uuid_bytes(a) if name in names else a
        for a, name in zip(batch.columns, batch.schema.names, strict=True)
    ]
    return pa.RecordBatch.from_arrays(arrays, names=batch.schema.names)


def _wire(array: pa.Array) -> pa.Array:
    """The column as the Arrow type pgpq sends as the table's column type."""
    if pa.types.is_dictionary(array.type):
        array = array.cast(array.type.value_type)
    kind = array.type
    if pa.types.is_integer(kind) and kind != pa.int64():
        return array.cast(pa.int64())  # bigint: a binary int4 would be refused
    if pa.types.is_floating(kind) and kind != pa.float64():
        return array.cast(pa.float64())
    if pa.types.is_large_string(kind):
        return array.cast(pa.string())
    if pa.types.is_timestamp(kind) and (kind.unit != "us" or kind.tz is not None):
        return array.cast(pa.timestamp("us"))
    if pa.types.is_date64(kind):
        return array.cast(pa.date32())
    return array


class PostgresSink:
    format = "postgres"

    def __init__(self, dsn: str, dataset: dsl.Dataset, *, constraints: bool = True):
        self.filename = ""  # nothing on disk
        self._defs = {t.name: t for t in table_defs(dataset, "postgres", constraints=constraints)}
        self._conn = connect(dsn)
        existing = self._existing(list(self._defs))
        if existing:
            self._conn.close()
            raise InputError(
                f"PostgreSQL ({redact(dsn)}) already has table(s) {', '.join(existing)}: "
                "drop them or load into another database"
            )

    def _existing(self, tables: list[str]) -> list[str]:
        with self._conn.cursor() as cur:
            cur.execute(
                "SELECT table_name FROM information_schema.tables "
                "WHERE table_schema = current_schema() AND table_name = ANY(%s)",
                (tables,),
            )
            found = {row[0] for row in cur.fetchall()}
        self._conn.rollback()
        return [t for t in tables if t in found]

    def open_table(
        self, table: str, schema: pa.Schema, rows: int, dictionary_columns: list[str]
    ) -> PostgresTableWriter:
        return PostgresTableWriter(self._conn, self._defs[table])

    def close(self) -> list[str]:
        """Every table was loaded: commit them together."""
        import psycopg

        try:
            self._conn.commit()
        except psycopg.Error as exc:
            raise DatagenError(f"PostgreSQL refused the load: {redact(exc)}") from None
        finally:
            self._conn.close()
        return []

    def abort(self) -> None:
        try:
            self._conn.rollback()
        finally:
            self._conn.close()


class PostgresTableWriter:
    def __init__(self, conn: Any, tdef: TableDef):
        self.filename = ""
        self._conn = conn
        self._table = tdef.name
        names = ", ".join(quote(c.name) for c in tdef.columns)
        self._copy = f"COPY {quote(tdef.name)} ({names}) FROM STDIN (FORMAT binary)"
        self._uuids = frozenset(c.name for c in tdef.columns if c.format == "uuid")
        self._run(create_table_sql(tdef, "postgres"))

    def _run(self, sql: str) -> None:
        import psycopg

        try:
            with self._conn.cursor() as cur:
                cur.execute(sql)
        except psycopg.Error as exc:
            raise DatagenError(f"PostgreSQL refused `{self._table}`: {redact(exc)}") from None

    def write(self, batch: pa.RecordBatch) -> None:
        import psycopg

        try:
            with self._conn.cursor() as cur, cur.copy(self._copy) as copy:
                copy.write(copy_binary(uuid_columns(batch, self._uuids)))
        except psycopg.Error as exc:
            raise DatagenError(
                f"PostgreSQL refused a row of `{self._table}`: {redact(exc)}"
            ) from None

    def close(self) -> None:
        """The table is loaded; the sink commits all tables at once (or rolls all back)."""

    def __enter__(self) -> PostgresTableWriter:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if exc is None:
            self.close()
