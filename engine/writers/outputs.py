"""Everything a run writes: one sink per format, corruption on the way, the defects file.

`generate_dataset` opens an `Outputs` once, asks it for one writer per table
(`OutputTable`, which corrupts each block when a profile says so and hands
it to every format), and calls `finish` for the list of files to publish and
what `.metadata.json` should add about them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from datagen.engine import dsl
from datagen.engine.corruption import (
    DEFECT_SCHEMA,
    DEFECTS_FILE,
    Corruptor,
    TableCorruptor,
    check_profile,
    nullable,
)
from datagen.engine.formats import get_format, parse_formats, primary_format
from datagen.engine.writers import Sink, TableWriter, open_sink
from datagen.engine.writers.events import EventsSink, EventsTableWriter


@dataclass
class Published:
    files: list[str]  # to move from the temporary directory into --out
    metadata: dict[str, Any] = field(default_factory=dict)  # added to .metadata.json


class Outputs:
    def __init__(
        self,
        directory: Path,
        dataset: dsl.Dataset,
        formats: str | list[str] | tuple[str, ...],
        *,
        seed: int,
        profile: str = "clean",
        dsn: str | None = None,
    ):
        self.directory = directory
        self.dataset = dataset
        self.formats = parse_formats(formats)
        self.primary = primary_format(self.formats)
        self.profile = check_profile(profile)
        self.corruptor = Corruptor(dataset, seed, profile) if profile != "clean" else None
        self.dsn = dsn
        self.sinks: list[Sink] = []
        self.rows: dict[
            str, int
        ] = {}  # clean rows per finished table (orphan keys start past them)
        self.defects: list[pa.Table] = []
        try:
            for fmt in self.formats:
                self.sinks.append(
                    open_sink(fmt, directory, dataset, constraints=self.corruptor is None, dsn=dsn)
                )
        except BaseException:
            self.abort()
            raise

    def open_table(
        self, table: str, schema: pa.Schema, rows: int, dictionary_columns: list[str]
    ) -> OutputTable:
        corrupt = self.corruptor.table(table, self.rows) if self.corruptor else None
        if corrupt is not None:
            schema = nullable(schema)
        writers: list[tuple[str, TableWriter]] = []
        try:
            for sink in self.sinks:
                writer = sink.open_table(table, schema, rows, dictionary_columns)
                if writer is not None:
                    writers.append((sink.format, writer))
        except BaseException:
            for _, writer in writers:
                writer.__exit__(None, None, None)
            raise
        self.rows[table] = rows
        return OutputTable(self, table, writers, corrupt)

    def finish(self) -> Published:
        files: list[str] = []
        by_format: dict[str, list[str]] = {}
        for sink in self.sinks:
            written = sink.close()
            by_format[sink.format] = written
            files += [f for f in written if f not in files]
            if isinstance(sink, EventsSink) and sink.defects is not None:
                self.defects.append(sink.defects.cast(DEFECT_SCHEMA))
        metadata: dict[str, Any] = {}
        if len(self.formats) > 1 or get_format(self.primary).one_file:
            metadata["formats"] = by_format
        if "postgres" in self.formats:
            from datagen.engine.redact import redact

            metadata["postgres"] = {"dsn": redact(self.dsn or ""), "tables": list(self.rows)}
        events = next((s for s in self.sinks if isinstance(s, EventsSink)), None)
        if events is not None:
            metadata["events"] = {"file": events.filename, "tables": events.tables}
        if self.corruptor is not None:
            truth = pa.concat_tables(self.defects) if self.defects else DEFECT_SCHEMA.empty_table()
            pq.write_table(truth, self.directory / DEFECTS_FILE, compression="snappy")
            files.append(DEFECTS_FILE)
            kinds = truth.column("kind").value_counts().to_pylist()
            metadata["profile"] = self.profile
            metadata["defects"] = {
                "file": DEFECTS_FILE,
                "count": truth.num_rows,
                "by_kind": {
                    k["values"]: k["counts"] for k in sorted(kinds, key=lambda k: k["values"])
                },
            }
        return Published(files, metadata)

    def abort(self) -> None:
        for sink in self.sinks:
            try:
                sink.abort()
            except Exception:  # the original failure matters more
                pass


class OutputTable:
    """One table's writer for every format: corrupts each block first, if asked."""

    def __init__(
        self,
        outputs: Outputs,
        table: str,
        writers: list[tuple[str, TableWriter]],
        corrupt: TableCorruptor | None,
    ):
        self._outputs = outputs
        self._table = table
        self._writers = writers
        self._corrupt = corrupt
        self._block = 0
        self._start = 0
        self.rows = 0
        primary = next((w for f, w in writers if f == outputs.primary), None)
        self.filename = primary.filename if primary is not None else ""
        self._measured = not get_format(outputs.primary).one_file

    @property
    def bytes(self) -> int:
        path = self._outputs.directory / self.filename
        return path.stat().st_size if self._measured and self.filename and path.is_file() else 0

    def write(self, batch: pa.RecordBatch) -> None:
        clean_rows = delays = delay_kinds = None
        clean_count = batch.num_rows
        if self._corrupt is not None:
            block = self._corrupt.corrupt(batch, self._block, self._start)
            if block.defects is not None:
                self._outputs.defects.append(block.defects)
            batch, clean_rows = block.batch, block.clean_rows
            arrival = self._corrupt.arrival_delays(self._block, batch.num_rows)
            if arrival is not None:
                delays, delay_kinds = arrival
        for _, writer in self._writers:
            if isinstance(writer, EventsTableWriter):
                writer.write_events(batch, clean_rows, delays, delay_kinds)
            else:
                writer.write(batch)
        self._block += 1
        self._start += clean_count
        self.rows += batch.num_rows

    def close(self) -> None:
        self.__exit__(None, None, None)

    def __enter__(self) -> OutputTable:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        failure: BaseException | None = None
        for _, writer in self._writers:
            try:
                writer.__exit__(kind, exc, tb)
            except BaseException as error:  # close the others, then report the first
                failure = failure or error
        self._writers = []
        if failure is not None and exc is None:
            raise failure
