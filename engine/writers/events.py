"""An event stream: every fact row as one NDJSON line, all tables merged in time order.

    {"table":"transaction","ts":"2024-03-01T09:12:44.000000","row":{...}}

Each fact table contributes its event-time column (`event_column`). Rows are
staged in DuckDB (it sorts beyond memory) and written ordered by arrival time,
then table (schema order), then row: a deterministic, replayable feed. Arrival is
the event time, except for the rows a corruption profile delays: a late row
arrives hours after its time, an out-of-order one right after the next 1-3
events. Those whose arrival really lands after a later event are reported as
defects (`late_arrival`, `out_of_order`).
"""

from __future__ import annotations

import shutil
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from datagen.engine import dsl
from datagen.engine.generators.kind import kinds_with_specs
from datagen.engine.writers.jsonl import connect_duckdb, joined, text_ready

if TYPE_CHECKING:
    import duckdb

EVENTS_FILE = "events.jsonl"
READ_ROWS = 1 << 16
DELAY_KINDS = {1: "late_arrival", 2: "out_of_order"}
NO_TIME = np.iinfo(np.int64).min
STAGING_MEMORY = "512MB"


def event_column(node: dsl.Node, dataset: dsl.Dataset) -> str | None:
    """The column that dates a fact row: a datetime drawn within the timeframe first,
    then any datetime, then any date."""
    for col, kind, spec in kinds_with_specs(node):
        if col.type == "datetime" and (shape := kind.time_shape(spec, dataset)) is not None:
            if shape.in_timeframe:
                return col.name
    for type_ in ("datetime", "date"):
        for col in node.columns:
            if col.type == type_:
                return col.name
    return None


def event_tables(dataset: dsl.Dataset) -> dict[str, str]:
    """Fact table -> its event-time column (facts without one are not events)."""
    found = {}
    for node in dataset.nodes:
        if node.kind == "fact" and (column := event_column(node, dataset)) is not None:
            found[node.id] = column
    return found


def micros(values: pa.Array) -> np.ndarray:
    """A date or timestamp column as int64 microseconds, nulls as NO_TIME."""
    if values.type != pa.timestamp("us"):
        values = values.cast(pa.timestamp("us"))
    return np.asarray(pc.fill_null(values.cast(pa.int64()), NO_TIME).to_numpy(zero_copy_only=False))


# Out-of-order rows take the time of the event `shift` places after them (in time order)
# and go after the events of that instant: swapped behind their next 1-3 neighbours.
ORDERED_FEED = """
SELECT ts, tbl, clean_row, delay_kind, row_key, line FROM (
  SELECT *,
    CASE WHEN delay_kind = 2 AND ts IS NOT NULL THEN coalesce(CASE shift
      WHEN 1 THEN lead(ts, 1) OVER feed WHEN 2 THEN lead(ts, 2) OVER feed
      ELSE lead(ts, 3) OVER feed END, ts) ELSE arrival END AS arrives,
    CASE WHEN delay_kind = 2 THEN 1 ELSE 0 END AS behind
  FROM staged WINDOW feed AS (ORDER BY ts NULLS LAST, tbl, rn)
) ORDER BY arrives NULLS LAST, behind, tbl, rn
"""

STAGED = pa.schema(
    [
        ("arrival", pa.int64()),
        ("ts", pa.int64()),
        ("tbl", pa.int32()),
        ("rn", pa.int64()),
        ("clean_row", pa.int64()),
        ("delay_kind", pa.int8()),
        ("shift", pa.int8()),
        ("row_key", pa.string()),
        ("line", pa.string()),
    ]
)


class EventsSink:
    format = "events"

    def __init__(self, directory: Path, dataset: dsl.Dataset):
        self.filename = EVENTS_FILE
        self._directory = directory
        self._dataset = dataset
        self._tables = event_tables(dataset)
        self._order = [n.id for n in dataset.nodes]
        # staged on disk, in the run's directory: memory stays flat however long the feed
        self._staging = directory / ".events-staging.duckdb"
        self._spill = directory / ".events-spill"
        self._con = connect_duckdb(
            str(self._staging), temp_directory=str(self._spill), memory_limit=STAGING_MEMORY
        )
        self._con.execute(
            "CREATE TABLE staged (arrival BIGINT, ts BIGINT, tbl INTEGER, rn BIGINT, "
            "clean_row BIGINT, delay_kind TINYINT, shift TINYINT, row_key VARCHAR, line VARCHAR)"
        )
        self.defects: pa.Table | None = None

    @property
    def tables(self) -> dict[str, str]:
        return dict(self._tables)

    def open_table(
        self, table: str, schema: pa.Schema, rows: int, dictionary_columns: list[str]
    ) -> EventsTableWriter | None:
        column = self._tables.get(table)
        if column is None:
            return None
        node = self._dataset.node(table)
        assert node is not None
        return EventsTableWriter(
            self._con, table, self._order.index(table), column, node.pk, self.filename
        )

    def close(self) -> list[str]:
        names = self._order
        kinds: list[np.ndarray] = []
        late: list[pa.RecordBatch] = []
        running = NO_TIME
        with open(self._directory / self.filename, "wb") as out:
            reader = self._con.sql(ORDERED_FEED).to_arrow_reader(READ_ROWS)
            for batch in reader:
                lines = batch.column(5)
                if len(lines):
                    out.write(joined(lines, "\n") + b"\n")
                ts = np.asarray(
                    pc.fill_null(batch.column(0), NO_TIME).to_numpy(zero_copy_only=False),
                    dtype=np.int64,
                )
                peak = np.maximum.accumulate(np.concatenate([[running], ts]))
                running = int(peak[-1])
                # a row is out of place when an event later than it was already emitted
                displaced = (ts < peak[:-1]) & (ts != NO_TIME)  # untimed rows come last
                delay_kind = np.asarray(batch.column(3).to_numpy(zero_copy_only=False))
                hit = displaced & (delay_kind > 0)
                if hit.any():
                    index = pa.array(np.flatnonzero(hit))
                    late.append(batch.select([1, 2, 4]).take(index))
                    kinds.append(delay_kind[hit])
        self._con.close()
        self._remove_staging()
        self.defects = self._defect_table(late, kinds, names)
        return [self.filename]

    def _defect_table(
        self, late: list[pa.RecordBatch], kinds: list[np.ndarray], names: list[str]
    ) -> pa.Table | None:
        if not late:
            return None
        found = pa.Table.from_batches(late)
        tbl = found.column("tbl").to_numpy()
        kind = np.concatenate(kinds)
        return pa.table(
            {
                "table": pa.array(np.asarray(names, dtype=object)[tbl], pa.string()),
                "row": found.column("clean_row"),
                "row_key": found.column("row_key"),
                "column": pa.array(_columns(self._tables, names, tbl), pa.string()),
                "kind": pa.array(np.where(kind == 1, DELAY_KINDS[1], DELAY_KINDS[2]), pa.string()),
                "original": pa.nulls(len(kind), pa.string()),
                "corrupted": pa.nulls(len(kind), pa.string()),
            }
        )

    def abort(self) -> None:
        import duckdb  # loaded already: the sink holds a connection

        try:
            self._con.close()
        except duckdb.Error:
            pass
        self._remove_staging()

    def _remove_staging(self) -> None:
        shutil.rmtree(self._spill, ignore_errors=True)
        for path in (self._staging, self._staging.with_name(self._staging.name + ".wal")):
            path.unlink(missing_ok=True)


def _columns(tables: dict[str, str], names: list[str], tbl: np.ndarray) -> list[str]:
    lookup = np.asarray([tables.get(n, "") for n in names], dtype=object)
    return list(lookup[tbl])


class EventsTableWriter:
    def __init__(
        self,
        con: duckdb.DuckDBPyConnection,
        table: str,
        position: int,
        column: str,
        pk: str | None,
        filename: str,
    ):
        self.filename = filename
        self._con = con
        self._table = table
        self._position = position
        self._column = column
        self._pk = pk
        self._rows = 0
        self._select = (
            f"SELECT to_json({{'table': '{table}', 'ts': __datagen_row.\"{column}\", "
            "'row': __datagen_row})::VARCHAR FROM __datagen_batch AS __datagen_row"
        )

    def write(self, batch: pa.RecordBatch) -> None:
        self.write_events(batch, None, None, None)

    def write_events(
        self,
        batch: pa.RecordBatch,
        clean_rows: np.ndarray | None,
        delays: np.ndarray | None,
        delay_kinds: np.ndarray | None,
    ) -> None:
        """delays (corruption), per row: microseconds for late rows (kind 1), places for
        out-of-order ones (kind 2)."""
        n = batch.num_rows
        if n == 0:
            return
        self._con.register("__datagen_batch", text_ready(batch))
        try:
            lines = self._con.sql(self._select).to_arrow_table().column(0).combine_chunks()
        finally:
            self._con.unregister("__datagen_batch")
        ts = micros(batch.column(batch.schema.get_field_index(self._column)))
        arrival = ts.copy()
        shift = np.zeros(n, np.int8)
        if delays is not None and delay_kinds is not None:
            late = (ts != NO_TIME) & (delay_kinds == 1)
            arrival[late] += delays[late]
            shift = np.where(delay_kinds == 2, delays, 0).astype(np.int8)
        rn = np.arange(self._rows, self._rows + n, dtype=np.int64)
        if self._pk is not None:
            keys = batch.column(batch.schema.get_field_index(self._pk))
            if pa.types.is_dictionary(keys.type):
                keys = keys.cast(keys.type.value_type)
            row_key = keys.cast(pa.string())
        else:
            row_key = pa.array((clean_rows if clean_rows is not None else rn).astype(str))
        staged = pa.RecordBatch.from_arrays(
            [
                pa.array(arrival, mask=ts == NO_TIME),
                pa.array(ts, mask=ts == NO_TIME),
                pa.array(np.full(n, self._position, dtype=np.int32)),
                pa.array(rn),
                pa.array(clean_rows if clean_rows is not None else rn),
                pa.array(
                    delay_kinds if delay_kinds is not None else np.zeros(n, np.int8), pa.int8()
                ),
                pa.array(shift, pa.int8()),
                row_key,
                lines,
            ],
            schema=STAGED,
        )
        self._rows += n
        self._con.register("__datagen_staged", staged)
        try:
            self._con.execute("INSERT INTO staged SELECT * FROM __datagen_staged")
        finally:
            self._con.unregister("__datagen_staged")

    def close(self) -> None:
        pass

    def __enter__(self) -> EventsTableWriter:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()
