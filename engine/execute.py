"""Run a plan: tables in DAG order, each in fixed blocks of rows, streamed to disk.

A block is a pure function of (plan, table, block index, kept columns of
earlier tables): that is what makes output independent of scheduling. Only
the columns later tables read are kept in memory (`TableStore`).
"""

from __future__ import annotations

import json
import queue
import threading
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import numpy as np
import pyarrow as pa

from datagen.engine import dsl
from datagen.engine.arrowtypes import arrow_schema, conform, dictionary_columns
from datagen.engine.block import TableRun, prepare_table
from datagen.engine.decimals import Decimals
from datagen.engine.errors import InputError, OutputError, os_cause
from datagen.engine.executors import (
    BlockExecutor,
    InlineExecutor,
    PartJob,
    ThreadExecutor,
    default_workers,
)
from datagen.engine.formats import get_format, parse_formats
from datagen.engine.generators.aggregate import AggregateCollector
from datagen.engine.parts import (
    Partitioning,
    PartOutput,
    check_partitioning,
    is_url,
    remove_strays,
)
from datagen.engine.plan import Plan, build_plan
from datagen.engine.publish import (
    TableResult,
    check_output_names,
    check_size,
    publish,
    run_metadata,
    staged,
    storage_failure,
)
from datagen.engine.relations import dependency_graph
from datagen.engine.store import Kept, KeptBuilder, TableStore
from datagen.engine.writers import TableWriter
from datagen.engine.writers.outputs import Outputs

__all__ = [
    "GenerationResult",
    "Progress",
    "TableResult",
    "default_workers",
    "dry_run",
    "generate_dataset",
    "iter_parts",
    "iter_tables",
    "make_executor",
]

Progress = Callable[[str, int, int], None]  # table, rows done, rows total
Stage = Callable[[str], AbstractContextManager[Any]]  # a named step without a known size


@dataclass
class GenerationResult:
    out_dir: Path
    seed: int
    tables: list[TableResult]
    metadata: dict[str, Any]

    @property
    def total_rows(self) -> int:
        return sum(t.rows for t in self.tables)


def make_executor(
    workers: int, scheduler: str = "threads", address: str | None = None
) -> BlockExecutor:
    if scheduler == "dask":
        from datagen.engine.distributed import DaskExecutor

        return DaskExecutor(workers, address)
    if scheduler != "threads":
        raise InputError(f"--scheduler {scheduler!r}: choose threads or dask")
    return ThreadExecutor(workers) if workers > 1 else InlineExecutor()


def iter_tables(
    plan: Plan, on_block: Progress | None = None, executor: BlockExecutor | None = None
) -> Iterator[tuple[str, TableRun, Iterator[pa.RecordBatch]]]:
    """Yield each table with a lazy stream of its blocks; keeps what later tables read.

    Blocks come back strictly in block order whatever computes them, so the
    bytes written do not depend on the number of workers or the scheduler.
    With an executor that starts eagerly (threads), the next table is started
    while this one is read, when every table it reads is done already.
    """
    executor = executor or InlineExecutor()

    def start(table: str, run: TableRun, store: TableStore) -> Iterator[pa.RecordBatch]:
        return _blocks(plan, table, run, store, executor, on_block)

    yield from _walk(plan, executor, start, lookahead=executor.starts_eagerly)


def iter_parts(
    plan: Plan,
    job_for: Callable[[str, TableRun], PartJob],
    on_block: Progress | None = None,
    executor: BlockExecutor | None = None,
) -> Iterator[tuple[str, TableRun, Iterator[PartOutput]]]:
    """Like iter_tables, but each table is written as part files where its parts are computed
    (engine/parts.py); the stream yields each part's files and kept columns, in part order."""
    executor = executor or InlineExecutor()

    def start(table: str, run: TableRun, store: TableStore) -> Iterator[PartOutput]:
        return _parts(plan, table, run, store, executor, job_for(table, run), on_block)

    yield from _walk(plan, executor, start, lookahead=False)


Stream = TypeVar("Stream")


def _store_only(table: str, run: TableRun, store: TableStore) -> Any:
    return store


def _walk(
    plan: Plan,
    executor: BlockExecutor,
    start: Callable[[str, TableRun, TableStore], Stream] = _store_only,
    *,
    lookahead: bool = False,
) -> Iterator[tuple[str, TableRun, Stream]]:
    """Tables in DAG order, each after the first pass of any parent aggregated over its children.

    Each table is yielded with its started stream (by default the store: the caller then
    makes the table's blocks itself), which the caller reads whole before asking for the
    next. With lookahead, the next table in the order is started before
    this one is yielded when all the tables it reads are complete already: its first
    blocks are computed while this one's are read and written (no idle core between
    small tables). A block reads only finished tables, so the bytes do not change.
    """
    store = TableStore(plan.dataset)
    graph = dependency_graph(plan.dataset)
    first_passes: set[str] = set()
    complete: set[str] = set()  # read whole by the caller: every kept column is stored
    started: dict[str, tuple[TableRun, Stream]] = {}
    order = plan.order
    for i, table in enumerate(order):
        for parent in sorted(graph.get(table, ()), key=order.index):
            if plan.tables[parent].late and parent not in first_passes:
                first_passes.add(parent)
                run = prepare_table(plan, parent, store)
                run.skip = plan.tables[parent].first_pass_skip | plan.tables[parent].late
                for _ in _blocks(plan, parent, run, store, executor, None):
                    pass
        if table in started:
            run, stream = started.pop(table)
        else:
            run = prepare_table(plan, table, store)
            stream = start(table, run, store)
        following = order[i + 1] if i + 1 < len(order) else None
        if (
            lookahead
            and following is not None
            and not plan.tables[following].late  # its aggregates come from tables not yet read
            and graph.get(following, set()) <= complete
        ):
            following_run = prepare_table(plan, following, store)
            started[following] = (following_run, start(following, following_run, store))
        yield table, run, stream
        complete.add(table)


class _Keeper:
    """Collects, block by block, what later tables read of a table; stores it at the end.

    A table with aggregates over its children is made twice: first only what
    other tables read (`run.skip` set, nothing written), then, after its
    children, whole (see engine/generators/aggregate.py).
    """

    def __init__(self, plan: Plan, table: str, run: TableRun, store: TableStore):
        first_pass = bool(run.skip)
        second_pass = bool(run.table.late) and not first_pass
        if second_pass:
            assert table in store.row_counts, f"`{table}` is made again after its first pass"
        self.plan, self.table, self.run, self.store = plan, table, run, store
        # a column computed from the row index is read back on demand, never kept
        kept = {c for c in plan.keep.get(table, set()) if not store.computable(table, c)}
        self.keep = () if second_pass else tuple(sorted(kept))
        node = run.table.node
        self.builders = {
            c: KeptBuilder(col.type if (col := node.column(c)) else "", run.rows) for c in self.keep
        }
        self.feeds = [] if first_pass else run.table.feeds
        # aggregates stream into their collectors (a temporary file for a big parent)
        self.collectors = {
            feed.key: AggregateCollector(plan.dataset, feed, store.rows(feed.parent))
            for feed in self.feeds
        }

    def add(self, kept: dict[str, Any]) -> None:
        for name, builder in self.builders.items():
            builder.add(*kept[name])
        for key, collector in self.collectors.items():
            values, mask = kept[key]
            exact = isinstance(values, Decimals)  # exact sums keep their units
            part = values if exact else np.asarray(values)
            collector.add(_compact(kept[f"{key}:parents"][0]), part, mask)

    def finish(self) -> None:
        node = self.run.table.node
        self.store.row_counts[self.table] = self.run.rows
        for name, builder in self.builders.items():
            col = node.column(name)
            assert col is not None
            self.store.kept[(self.table, name)] = builder.build(col.type)
        for feed in self.feeds:
            self.store.aggregates[(feed.parent, feed.column)] = Kept(
                *self.collectors[feed.key].finish()
            )


def _compact(parents: Any) -> Any:
    """A block's parent rows as a range when they are consecutive (they are, blocks hold
    whole parents): an aggregate's parts then cost nothing per parent until collected."""
    rows = np.asarray(parents)
    if len(rows) and int(rows[-1]) - int(rows[0]) + 1 == len(rows) and (np.diff(rows) == 1).all():
        return range(int(rows[0]), int(rows[-1]) + 1)
    return rows


def _blocks(
    plan: Plan,
    table: str,
    run: TableRun,
    store: TableStore,
    executor: BlockExecutor,
    on_block: Progress | None,
) -> Iterator[pa.RecordBatch]:
    """The table's batches in order (started now if the executor starts eagerly);
    afterwards, its kept columns and aggregates are stored."""
    keeper = _Keeper(plan, table, run, store)
    outputs = executor.map_blocks(plan, run, store, keeper.keep)
    return _read_blocks(keeper, outputs, table, run, on_block)


def _read_blocks(
    keeper: _Keeper,
    outputs: Iterator[Any],
    table: str,
    run: TableRun,
    on_block: Progress | None,
) -> Iterator[pa.RecordBatch]:
    for b, (batch, kept) in enumerate(outputs):
        keeper.add(kept)
        if on_block:
            on_block(table, run.block_range(b)[1], run.rows)
        yield batch
    keeper.finish()


def _parts(
    plan: Plan,
    table: str,
    run: TableRun,
    store: TableStore,
    executor: BlockExecutor,
    job: PartJob,
    on_block: Progress | None,
) -> Iterator[PartOutput]:
    keeper = _Keeper(plan, table, run, store)
    block = 0
    for output in executor.map_parts(plan, run, store, keeper.keep, job):
        for kept in output.kept:
            keeper.add(kept)
            block += 1
        if on_block:
            on_block(table, run.block_range(block - 1)[1] if block else 0, run.rows)
        yield output
    keeper.finish()


def generate_dataset(
    dataset: dsl.Dataset,
    out_dir: str | Path,
    *,
    seed: int,
    fmt: str | list[str] = "parquet",
    rows: dict[str, int] | None = None,
    scale: float = 1.0,
    quiet: bool = True,
    on_block: Progress | None = None,
    workers: int = 1,
    scheduler: str = "threads",
    address: str | None = None,
    profile: str = "clean",
    dsn: str | None = None,
    force: bool = False,
    reserved: tuple[str, ...] = (),
    on_stage: Stage | None = None,
    partition: Partitioning | None = None,
) -> GenerationResult:
    """Generate every table into out_dir, atomically (staged whole, then swapped in).

    out_dir must be new, empty or a datagen output (force: write beside the user's
    files, never over them; skip the disk-space check): see engine/publish.py.
    reserved: files the caller adds to out_dir afterwards (report.json): no table may
    land on them.

    fmt: one format or several (`parquet,sqlite`); profile: clean | realistic | dirty
    (see engine/corruption.py); dsn: the PostgreSQL server for `postgres`;
    on_stage(name): a context around the last step (database checks, checkpoints).
    partition: write each table as a folder of Parquet part files (engine/parts.py).
    """
    plan = build_plan(dataset, seed, rows=rows, scale=scale)
    formats = parse_formats(fmt)
    if is_url(out_dir) and partition is None:
        raise InputError(
            f"--out {out_dir}: a URL receives part files written by each worker; "
            "add --partition-rows N or --partition-by COLUMN"
        )
    if partition is not None:
        check_partitioning(dataset, partition, formats)
        if profile != "clean":
            raise InputError(
                "--partition-rows/--partition-by: write a clean profile (no --profile)"
            )
        if is_url(out_dir):
            return _generate_remote(
                plan, str(out_dir), seed, on_block, workers, scheduler, address, partition
            )
    out = Path(out_dir)
    check_output_names(dataset, formats, profile=profile, reserved=reserved)
    check_size(
        dataset,
        {name: t.estimated_rows for name, t in plan.tables.items()},
        out,
        file_formats=sum(not get_format(f).remote for f in formats),
        force=force,
    )
    try:
        with staged(out, force=force) as tmp:
            if partition is not None:
                results, metadata = _generate_parts(
                    plan, str(tmp), seed, on_block, workers, scheduler, address, partition
                )
                (tmp / ".metadata.json").write_text(json.dumps(metadata, indent=2) + "\n")
                publish(tmp, out, [r.name for r in results])
                return GenerationResult(out, seed, results, metadata)
            return _generate_into(
                plan,
                tmp,
                out,
                formats,
                seed,
                on_block,
                workers,
                scheduler,
                address,
                profile,
                dsn,
                on_stage,
            )
    except OSError as exc:  # disk full, read-only: the run failed (exit 1), with the place
        raise OutputError(f"cannot write {out}: {os_cause(exc)}") from None
    except Exception as exc:
        cause = storage_failure(exc)  # the same from SQLite or DuckDB
        if cause is None:
            raise
        raise OutputError(f"cannot write {out}: {cause}") from None


def _generate_into(  # type: ignore[no-untyped-def]
    plan: Plan,
    tmp: Path,
    out: Path,
    fmt,
    seed,
    on_block,
    workers,
    scheduler,
    address,
    profile,
    dsn,
    on_stage: Stage | None,
) -> GenerationResult:
    dataset = plan.dataset
    results: list[TableResult] = []
    # every worker computes blocks; with more than one, a writer thread encodes beside them
    # (Arrow releases the GIL), so encoding overlaps computing on all the cores, across
    # tables too: the next table's blocks start while the last ones of a table are encoded
    executor = make_executor(workers, scheduler, address)
    outputs: Outputs | None = None
    background: _WriterThread | None = None
    try:
        outputs = Outputs(tmp, dataset.output_view(), fmt, seed=seed, profile=profile, dsn=dsn)
        if workers > 1:
            background = _WriterThread()
        for table, run, blocks in iter_tables(plan, on_block, executor):
            table_out = _TableOutput(outputs, table, run, results)
            if background is None:
                table_out.open()
                try:
                    for batch in blocks:
                        table_out.write(conform(batch, table_out.schema))
                except BaseException as exc:
                    table_out.abandon(exc)
                    raise
                table_out.close()
                continue
            background.submit(table_out.open)
            for batch in blocks:
                background.submit(table_out.write, conform(batch, table_out.schema))
            background.submit(table_out.close)
        if background is not None:
            background.finish()
        with on_stage("finishing " + ", ".join(outputs.formats)) if on_stage else nullcontext():
            published = outputs.finish()
        metadata = run_metadata(dataset, seed, outputs.primary, results)
        metadata.update(published.metadata)
        (tmp / ".metadata.json").write_text(json.dumps(metadata, indent=2) + "\n")
        publish(tmp, out, published.files)
    except BaseException as exc:
        if background is not None:
            background.stop(exc)
        if outputs is not None:
            outputs.abort()
        raise
    finally:
        executor.close()
    return GenerationResult(out, seed, results, metadata)


def _generate_parts(
    plan: Plan,
    destination: str,
    seed: int,
    on_block: Progress | None,
    workers: int,
    scheduler: str,
    address: str | None,
    partition: Partitioning,
) -> tuple[list[TableResult], dict[str, Any]]:
    """Every table as a folder of part files, each written where its part is computed;
    the results and the metadata to write once every part is in place."""
    results: list[TableResult] = []
    parts: dict[str, list[dict[str, Any]]] = {}

    def job_for(table: str, run: TableRun) -> PartJob:
        row_counts = {r.name: r.rows for r in results} | {table: run.rows}
        columns = dictionary_columns(run.table.node, row_counts)
        return PartJob(destination, partition, columns)

    executor = make_executor(workers, scheduler, address)
    try:
        for table, run, outputs in iter_parts(plan, job_for, on_block, executor):
            files = [f for output in outputs for f in output.files]
            if not is_url(destination):
                (Path(destination) / table).mkdir(exist_ok=True)
                remove_strays(Path(destination), table, files)
            parts[table] = [f.to_dict() for f in files]
            results.append(
                TableResult(
                    table,
                    table,
                    sum(f.rows for f in files),
                    len(arrow_schema(run.table.node)),
                    sum(f.bytes for f in files),
                )
            )
    finally:
        executor.close()
    metadata = run_metadata(plan.dataset, seed, "parquet", results)
    metadata["partition"] = {"rows": partition.rows, "by": partition.by}
    for table, listed in parts.items():
        metadata["tables"][table]["parts"] = listed
    return results, metadata


def _generate_remote(
    plan: Plan,
    url: str,
    seed: int,
    on_block: Progress | None,
    workers: int,
    scheduler: str,
    address: str | None,
    partition: Partitioning,
) -> GenerationResult:
    """Part files straight to an fsspec URL; `_SUCCESS` last (engine/remote.py)."""
    from datagen.engine.remote import RemoteOut

    remote = RemoteOut(url)
    remote.prepare()
    results, metadata = _generate_parts(
        plan, url, seed, on_block, workers, scheduler, address, partition
    )
    remote.finish(metadata, [r.name for r in results])
    return GenerationResult(Path(remote.root), seed, results, metadata)


class _TableOutput:
    """One table's writer: opened, written and closed in order (on the writer thread with
    several workers); the table's result is appended when it is closed."""

    def __init__(self, outputs: Outputs, table: str, run: TableRun, results: list[TableResult]):
        self.outputs, self.table, self.run, self.results = outputs, table, run, results
        self.schema = arrow_schema(run.table.node)
        self.writer: TableWriter | None = None

    def open(self) -> None:
        # the earlier tables are closed by now: their rows decide the dictionary columns
        row_counts = {r.name: r.rows for r in self.results} | {self.table: self.run.rows}
        columns = dictionary_columns(self.run.table.node, row_counts)
        self.writer = self.outputs.open_table(self.table, self.schema, self.run.rows, columns)

    def write(self, batch: pa.RecordBatch) -> None:
        assert self.writer is not None
        self.writer.write(batch)

    def close(self) -> None:
        writer, self.writer = self.writer, None
        assert writer is not None
        writer.close()
        self.results.append(
            TableResult(self.table, writer.filename, writer.rows, len(self.schema), writer.bytes)
        )

    def abandon(self, exc: BaseException) -> None:
        """Close after a failure (a database writer rolls its table back)."""
        if self.writer is not None:
            writer, self.writer = self.writer, None
            writer.__exit__(type(exc), exc, exc.__traceback__)


class _WriterThread:
    """Runs every write of a run, in order, on one thread beside the block workers.

    The caller hands over opens, batches and closes of table after table and does
    not wait at a table's end: the next table's blocks are computed while the last
    ones of the table before are encoded. At most a few batches wait (flat memory).
    """

    def __init__(self, depth: int = 2):
        self._pending: queue.Queue[tuple[Callable[..., None], tuple[Any, ...]] | None] = (
            queue.Queue(maxsize=depth)
        )
        self._failure: list[BaseException] = []
        self._opened: list[_TableOutput] = []
        self._thread = threading.Thread(target=self._drain, name="datagen-writer", daemon=True)
        self._thread.start()

    def _drain(self) -> None:
        while (job := self._pending.get()) is not None:
            if self._failure:
                continue
            call, args = job
            try:
                call(*args)
            except BaseException as exc:  # handed to the caller at its next submit
                self._failure.append(exc)

    def submit(self, call: Callable[..., None], *args: Any) -> None:
        if self._failure:
            self._raise()
        owner = getattr(call, "__self__", None)
        if isinstance(owner, _TableOutput) and owner not in self._opened:
            self._opened.append(owner)
        self._pending.put((call, args))

    def finish(self) -> None:
        """Every write done; the first failure of the writer thread raised here."""
        self._pending.put(None)
        self._thread.join()
        if self._failure:
            self._raise()

    def stop(self, exc: BaseException) -> None:
        """After a failure: nothing more is written; open tables are closed for the abort."""
        self._failure.append(exc)
        while True:  # make room for the end mark: the thread skips what is left
            try:
                self._pending.put_nowait(None)
                break
            except queue.Full:
                try:
                    self._pending.get_nowait()
                except queue.Empty:
                    pass
        self._thread.join()
        for table_out in self._opened:
            try:
                table_out.abandon(exc)
            except Exception:  # the original failure matters more
                pass

    def _raise(self) -> None:
        raise self._failure[0]


def dry_run(dataset: dsl.Dataset, *, seed: int, rows_per_table: int = 300) -> dict[str, pa.Table]:
    """Small in-memory tables (entities capped at rows_per_table; facts follow their fanout)."""
    caps = {}
    for node in dataset.nodes:
        if node.kind == "entity":
            caps[node.id] = min(node.rows if node.rows is not None else 1000, rows_per_table)
    plan = build_plan(dataset, seed, rows=caps)
    tables = {}
    for table, run, blocks in iter_tables(plan):
        schema = arrow_schema(run.table.node)
        batches = [conform(b, schema) for b in blocks]
        tables[table] = pa.Table.from_batches(batches, schema=schema)
    return tables
