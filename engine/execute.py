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
from typing import Any

import numpy as np
import pyarrow as pa

from datagen.engine import dsl
from datagen.engine.arrowtypes import arrow_schema, conform, dictionary_columns
from datagen.engine.block import TableRun, prepare_table
from datagen.engine.errors import InputError, OutputError, os_cause
from datagen.engine.executors import (
    BlockExecutor,
    InlineExecutor,
    ThreadExecutor,
    default_workers,
)
from datagen.engine.formats import get_format, parse_formats
from datagen.engine.generators.aggregate import collect_aggregate
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
    """
    executor = executor or InlineExecutor()
    store = TableStore(plan.dataset)
    graph = dependency_graph(plan.dataset)
    first_passes: set[str] = set()
    for table in plan.order:
        for parent in sorted(graph.get(table, ()), key=plan.order.index):
            if plan.tables[parent].late and parent not in first_passes:
                first_passes.add(parent)
                run = prepare_table(plan, parent, store)
                run.skip = plan.tables[parent].first_pass_skip | plan.tables[parent].late
                for _ in _blocks(plan, parent, run, store, executor, None):
                    pass
        run = prepare_table(plan, table, store)
        yield table, run, _blocks(plan, table, run, store, executor, on_block)


def _blocks(
    plan: Plan,
    table: str,
    run: TableRun,
    store: TableStore,
    executor: BlockExecutor,
    on_block: Progress | None,
) -> Iterator[pa.RecordBatch]:
    """The table's batches in order; afterwards, its kept columns and aggregates are stored.

    A table with aggregates over its children is made twice: first only what
    other tables read (`run.skip` set, nothing written), then, after its
    children, whole (see engine/generators/aggregate.py).
    """
    first_pass = bool(run.skip)
    second_pass = bool(run.table.late) and not first_pass
    if second_pass:
        assert table in store.row_counts, f"`{table}` is made again after its first pass"
    keep = () if second_pass else tuple(sorted(plan.keep.get(table, set())))
    builders = {c: KeptBuilder() for c in keep}
    feeds = [] if first_pass else run.table.feeds
    parts: dict[str, list[tuple[np.ndarray, np.ndarray, np.ndarray | None]]] = {
        feed.key: [] for feed in feeds
    }
    for b, (batch, kept) in enumerate(executor.map_blocks(plan, run, store, keep)):
        for name, builder in builders.items():
            builder.add(*kept[name])
        for key, collected in parts.items():
            values, mask = kept[key]
            collected.append((np.asarray(kept[f"{key}:parents"][0]), np.asarray(values), mask))
        if on_block:
            on_block(table, run.block_range(b)[1], run.rows)
        yield batch
    node = run.table.node
    store.row_counts[table] = run.rows
    for name, builder in builders.items():
        col = node.column(name)
        assert col is not None
        store.kept[(table, name)] = builder.build(col.type)
    for feed in feeds:
        store.aggregates[(feed.parent, feed.column)] = Kept(
            *collect_aggregate(plan.dataset, feed, store.rows(feed.parent), parts[feed.key])
        )


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
) -> GenerationResult:
    """Generate every table into out_dir, atomically (staged whole, then swapped in).

    out_dir must be new, empty or a datagen output (force: write beside the user's
    files, never over them; skip the disk-space check): see engine/publish.py.
    reserved: files the caller adds to out_dir afterwards (report.json): no table may
    land on them.

    fmt: one format or several (`parquet,sqlite`); profile: clean | realistic | dirty
    (see engine/corruption.py); dsn: the PostgreSQL server for `postgres`;
    on_stage(name): a context around the last step (database checks, checkpoints).
    """
    plan = build_plan(dataset, seed, rows=rows, scale=scale)
    out = Path(out_dir)
    formats = parse_formats(fmt)
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
    # one core writes (Arrow releases the GIL) while the others compute blocks
    compute_workers = workers if scheduler == "dask" else max(1, workers - 1)
    executor = make_executor(compute_workers, scheduler, address)
    outputs: Outputs | None = None
    try:
        outputs = Outputs(tmp, dataset.output_view(), fmt, seed=seed, profile=profile, dsn=dsn)
        for table, run, blocks in iter_tables(plan, on_block, executor):
            schema = arrow_schema(run.table.node)
            row_counts = {r.name: r.rows for r in results} | {table: run.rows}
            writer = outputs.open_table(
                table, schema, run.rows, dictionary_columns(run.table.node, row_counts)
            )
            with writer:
                conformed = (conform(batch, schema) for batch in blocks)
                if workers > 1:
                    _write_in_background(writer, conformed)
                else:
                    for batch in conformed:
                        writer.write(batch)
            results.append(
                TableResult(table, writer.filename, writer.rows, len(schema), writer.bytes)
            )
        with on_stage("finishing " + ", ".join(outputs.formats)) if on_stage else nullcontext():
            published = outputs.finish()
        metadata = run_metadata(dataset, seed, outputs.primary, results)
        metadata.update(published.metadata)
        (tmp / ".metadata.json").write_text(json.dumps(metadata, indent=2) + "\n")
        publish(tmp, out, published.files)
    except BaseException:
        if outputs is not None:
            outputs.abort()
        raise
    finally:
        executor.close()
    return GenerationResult(out, seed, results, metadata)


def _write_in_background(writer: TableWriter, batches: Iterator[pa.RecordBatch]) -> None:
    """Write batches on a thread while the caller computes the next ones, in order."""
    pending: queue.Queue[pa.RecordBatch | None] = queue.Queue(maxsize=4)
    failure: list[BaseException] = []

    def drain() -> None:
        while (batch := pending.get()) is not None:
            if not failure:
                try:
                    writer.write(batch)
                except BaseException as exc:  # handed to the caller below
                    failure.append(exc)

    thread = threading.Thread(target=drain, name="datagen-writer", daemon=True)
    thread.start()
    try:
        for batch in batches:
            if failure:
                break
            pending.put(batch)
    finally:
        pending.put(None)
        thread.join()
    if failure:
        raise failure[0]


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
