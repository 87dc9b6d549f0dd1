"""Run a plan: tables in DAG order, each in fixed blocks of rows, streamed to disk.

A block is a pure function of (plan, table, block index, kept columns of
earlier tables): that is what makes output independent of scheduling. Only
the columns later tables read are kept in memory (`TableStore`).
"""

from __future__ import annotations

import datetime as _dt
import json
import os
import queue
import shutil
import threading
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import pyarrow as pa

from datagen.engine import __version__, dsl
from datagen.engine.errors import InputError
from datagen.engine.generators import BlockContext, generate_column, sequence
from datagen.engine.generators.aggregate import aggregate_part, collect_aggregate
from datagen.engine.generators.temporal import FREQ_SECONDS, freq_of, window_of
from datagen.engine.load import schema_hash
from datagen.engine.modifiers import apply_modifiers
from datagen.engine.plan import BLOCK_ROWS, Plan, TablePlan, build_plan
from datagen.engine.relations import dependency_graph, fk_between
from datagen.engine.rng import stream
from datagen.engine.values import Encoded, Values, as_numpy, to_arrow
from datagen.engine.writers import TableWriter
from datagen.engine.writers.outputs import Outputs

Progress = Callable[[str, int, int], None]  # table, rows done, rows total


# --------------------------------------------------------------------------- kept columns


@dataclass
class Kept:
    values: np.ndarray | Encoded
    mask: np.ndarray | None


@dataclass
class TableStore:
    """Columns of finished tables that later tables read, plus row counts."""

    dataset: dsl.Dataset
    row_counts: dict[str, int] = field(default_factory=dict)
    kept: dict[tuple[str, str], Kept] = field(default_factory=dict)
    # (parent, column) -> the values of an aggregate column, collected from the child
    aggregates: dict[tuple[str, str], Kept] = field(default_factory=dict)
    sorted_cache: dict[tuple[str, str], np.ndarray] = field(default_factory=dict)

    def rows(self, table: str) -> int:
        return self.row_counts[table]

    def _sequence(self, table: str, column: str) -> dsl.SequenceSpec | None:
        node = self.dataset.node(table)
        col = node.column(column) if node else None
        if col is not None and not col.modifiers:
            spec = dsl.generator_spec(col.generator)
            if isinstance(spec, dsl.SequenceSpec):
                return spec
        return None

    def key_values(self, table: str, column: str, index: np.ndarray) -> np.ndarray:
        spec = self._sequence(table, column)
        assert spec is not None, "self-references need a sequence key (checked by preflight)"
        return sequence.value_at(spec, index)

    def take(self, table: str, column: str, index: np.ndarray) -> tuple[Values, np.ndarray | None]:
        spec = self._sequence(table, column)
        if spec is not None:
            return sequence.value_at(spec, index), None
        kept = self.kept[(table, column)]
        values = kept.values.take(index) if isinstance(kept.values, Encoded) else kept.values[index]
        mask = kept.mask[index] if kept.mask is not None else None
        return values, mask

    def distinct(self, table: str, column: str) -> Values:
        kept = self.kept.get((table, column))
        if kept is None:  # a sequence key
            return sequence.value_at(self._sequence(table, column), np.arange(self.rows(table)))  # type: ignore[arg-type]
        if isinstance(kept.values, Encoded):
            used = np.unique(kept.values.codes)
            return Encoded(
                np.arange(len(used), dtype=np.int32), kept.values.dictionary.take(pa.array(used))
            )
        return np.unique(kept.values)

    def sorted_seconds(self, table: str, column: str) -> np.ndarray:
        """Non-null epoch seconds of a kept datetime column, sorted once per run (event windows)."""
        key = (table, column)
        if key not in self.sorted_cache:
            kept = self.kept[key]
            values = np.asarray(kept.values).astype("datetime64[s]").astype(np.int64)
            self.sorted_cache[key] = np.sort(values if kept.mask is None else values[~kept.mask])
        return self.sorted_cache[key]


class _KeptBuilder:
    def __init__(self) -> None:
        self.chunks: list[Values] = []
        self.masks: list[np.ndarray | None] = []

    def add(self, values: Values, mask: np.ndarray | None) -> None:
        self.chunks.append(values)
        self.masks.append(mask)

    def build(self, type_: str) -> Kept:
        n = sum(len(c) for c in self.chunks)
        mask = None
        if any(m is not None for m in self.masks):
            mask = (
                np.concatenate(
                    [
                        m if m is not None else np.zeros(len(c), bool)
                        for c, m in zip(self.chunks, self.masks, strict=True)
                    ]
                )
                if self.chunks
                else np.zeros(0, bool)
            )
        if type_ == "string":
            arrays = [to_arrow(c, "string", None).cast(pa.string()) for c in self.chunks]
            joined = pa.concat_arrays(arrays) if arrays else pa.array([], pa.string())
            encoded = joined.dictionary_encode()
            codes = encoded.indices.to_numpy(zero_copy_only=False).astype(np.int32)
            return Kept(Encoded(codes, encoded.dictionary), mask)
        if not self.chunks:
            return Kept(as_numpy(np.zeros(0), type_), mask)
        values = np.concatenate([as_numpy(c, type_) for c in self.chunks])
        assert len(values) == n
        return Kept(values, mask)


# --------------------------------------------------------------------------- blocks


def fanout_counts(plan: Plan, table: str, parent_rows: int) -> np.ndarray:
    """Children per parent row, all drawn at once from the table's fanout stream."""
    fanout = plan.tables[table].node.fanout
    assert fanout is not None
    rng = stream(plan.seed, table, "__fanout__")
    if fanout.distribution == "poisson":
        counts = rng.poisson(fanout.lambda_, parent_rows)
    else:
        counts = rng.integers(fanout.min, (fanout.max or fanout.min) + 1, parent_rows)
    upper = fanout.max if fanout.max is not None else np.iinfo(np.int64).max
    return np.clip(counts, fanout.min, upper).astype(np.int64)


@dataclass
class TableRun:
    table: TablePlan
    rows: int
    cumulative: np.ndarray | None  # facts: cumulative fanout counts over parent rows
    # first row of each block and the end: set when blocks must hold whole parents
    bounds: np.ndarray | None = None
    skip: frozenset[str] = frozenset()  # columns not computed (a parent's first pass)

    @property
    def blocks(self) -> int:
        if self.bounds is not None:
            return len(self.bounds) - 1
        return (self.rows + BLOCK_ROWS - 1) // BLOCK_ROWS

    def block_range(self, block: int) -> tuple[int, int]:
        if self.bounds is not None:
            return int(self.bounds[block]), int(self.bounds[block + 1])
        start = block * BLOCK_ROWS
        return start, min(self.rows, start + BLOCK_ROWS)


def parent_aligned_bounds(cumulative: np.ndarray) -> np.ndarray:
    """Block bounds at the first parent boundary at or after each multiple of BLOCK_ROWS.

    A block then holds all the children of its parents (previous(), running sums
    and aggregates into the parent need them together); it is a function of the
    fanout counts only, so it does not depend on the number of workers.
    """
    total = int(cumulative[-1]) if len(cumulative) else 0
    targets = np.arange(BLOCK_ROWS, total, BLOCK_ROWS, dtype=np.int64)
    cuts = cumulative[np.searchsorted(cumulative, targets, side="left")]
    return np.unique(np.concatenate(([0], cuts, [total]))).astype(np.int64)


def prepare_table(plan: Plan, table: str, store: TableStore) -> TableRun:
    tp = plan.tables[table]
    if tp.parent is None:
        assert tp.rows is not None
        return TableRun(tp, tp.rows, None)
    counts = fanout_counts(plan, table, store.rows(tp.parent))
    cumulative = np.cumsum(counts)
    rows = int(cumulative[-1]) if len(cumulative) else 0
    bounds = parent_aligned_bounds(cumulative) if tp.aligned and rows else None
    return TableRun(tp, rows, cumulative, bounds)


def compute_block(
    plan: Plan, run: TableRun, block: int, store: TableStore
) -> tuple[pa.RecordBatch, BlockContext]:
    node = run.table.node
    start, stop = run.block_range(block)
    ctx = BlockContext(
        dataset=plan.dataset,
        seed=plan.seed,
        node=node,
        block=block,
        start=start,
        stop=stop,
        table_rows=run.rows,
        store=store,
    )
    if run.cumulative is not None:
        ctx.parent_index = _parent_rows(run.cumulative, start, stop)
        ctx.cumulative = run.cumulative
    by_name = {c.name: c for c in node.columns}
    for name in run.table.column_order:
        if name in run.skip:
            continue
        col = by_name[name]
        values = generate_column(col, ctx)
        if col.modifiers:
            values = apply_modifiers(values, col, ctx)
        for left, op, right_table, right_column in run.table.inequalities:
            if left == name:
                values = _repair_inequality(values, col, op, right_table, right_column, ctx)
        if col.type != "string":
            values = as_numpy(values, col.type)
        if col.null_rate > 0:
            nulls = ctx.rng(name, "nulls").random(ctx.n) < col.null_rate
            existing = ctx.masks.get(name)
            ctx.masks[name] = nulls if existing is None else (existing | nulls)
        ctx.columns[name] = values
    if run.skip:  # a first pass: only what other tables read is needed
        return pa.RecordBatch.from_arrays([], names=[]), ctx
    for feed in run.table.feeds:
        ctx.aggregate_parts[feed.key] = aggregate_part(ctx, feed)
    written = [c for c in node.columns if not c.hidden]
    arrays = [to_arrow(ctx.columns[c.name], c.type, ctx.masks.get(c.name)) for c in written]
    batch = pa.RecordBatch.from_arrays(arrays, names=[c.name for c in written])
    return batch, ctx


def _parent_rows(cumulative: np.ndarray, start: int, stop: int) -> np.ndarray:
    """The parent row of each child row in [start, stop): a block is a contiguous range,
    so two binary searches and a repeat replace one search per row."""
    if stop <= start:
        return np.zeros(0, dtype=np.int64)
    first = int(np.searchsorted(cumulative, start, side="right"))
    last = int(np.searchsorted(cumulative, stop - 1, side="right"))
    ends = np.minimum(cumulative[first : last + 1], stop)
    previous = (
        cumulative[first - 1 : last] if first > 0 else np.concatenate(([0], cumulative[first:last]))
    )
    begins = np.maximum(previous, start)
    return np.repeat(np.arange(first, last + 1, dtype=np.int64), ends - begins)


def _repair_inequality(
    values: Values, col: dsl.Column, op: str, right_table: str, right_column: str, ctx: BlockContext
) -> np.ndarray:
    """Make `col op right` hold by construction, moving only violating rows."""
    if right_table == ctx.node.id:
        raw: Values = ctx.columns[right_column]
        bound_mask = ctx.masks.get(right_column)
    else:
        fk = fk_between(ctx.dataset, ctx.node.id, right_table)
        assert fk is not None
        raw, bound_mask = ctx.store.take(right_table, right_column, ctx.fk_index[fk.column])
    if col.type in ("date", "datetime"):
        return _repair_temporal(
            as_numpy(values, col.type), as_numpy(raw, "datetime"), bound_mask, col, op, ctx
        )
    x = as_numpy(values, col.type)
    bound = as_numpy(raw, col.type)
    greater = op in (">", ">=")
    strict = op in (">", "<")
    ok = (x > bound if strict else x >= bound) if greater else (x < bound if strict else x <= bound)
    if bound_mask is not None:
        ok |= bound_mask
    bad = ~ok
    if not bad.any():
        return x
    b = bound[bad]
    distance = np.abs(x[bad] - b)
    moved = b + distance if greater else b - distance
    if strict:
        step = 1 if col.type == "int" else np.abs(b) * 1e-9 + 1e-9
        moved = (
            np.where(moved > b, moved, b + step)
            if greater
            else np.where(moved < b, moved, b - step)
        )
    fixed = x.copy()
    fixed[bad] = moved
    return fixed.astype(x.dtype)


def _repair_temporal(
    x: np.ndarray,
    bound: np.ndarray,
    bound_mask: np.ndarray | None,
    col: dsl.Column,
    op: str,
    ctx: BlockContext,
) -> np.ndarray:
    """Dates and datetimes: compared in microseconds, moved rows land on the column's grid.

    The grid is a day for dates and the column's freq for datetime_series, so a
    repaired value looks like any other (no stray microseconds), and a date
    compared with a datetime bound is the first day that satisfies it.
    """
    xs = x.astype("datetime64[us]").astype(np.int64)
    bs = bound.astype("datetime64[us]").astype(np.int64)
    greater = op in (">", ">=")
    strict = op in (">", "<")
    ok = (xs > bs if strict else xs >= bs) if greater else (xs < bs if strict else xs <= bs)
    if bound_mask is not None:
        ok |= bound_mask
    bad = ~ok
    if not bad.any():
        return x
    tick = _grid_microseconds(col, ctx)
    b = bs[bad]
    # the first (last) grid point that satisfies the operator
    if greater:
        edge = b // tick + 1 if strict else -(-b // tick)
    else:
        edge = -(-b // tick) - 1 if strict else b // tick
    limit = _window_limit_us(col, ctx, greater)
    u = ctx.rng(col.name, "inequality").random(len(b))
    if limit is not None:
        far = (limit - 1) // tick if greater else -(-limit // tick)
        span = np.maximum(far - edge, 0) if greater else np.maximum(edge - far, 0)
    else:
        span = np.abs(xs[bad] - b) // tick
    steps = np.floor(u * (span + 1)).astype(np.int64)
    moved = (edge + steps if greater else edge - steps) * tick
    fixed = xs.copy()
    fixed[bad] = moved
    out = fixed.astype("datetime64[us]")
    return out.astype("datetime64[D]") if col.type == "date" else out


def _grid_microseconds(col: dsl.Column, ctx: BlockContext) -> int:
    if col.type == "date":
        return 86_400_000_000
    spec = dsl.generator_spec(col.generator)
    if isinstance(spec, dsl.DatetimeSeriesSpec) and not col.modifiers:
        return FREQ_SECONDS[freq_of(spec, ctx.dataset)] * 1_000_000
    return 1


def _window_limit_us(col: dsl.Column, ctx: BlockContext, greater: bool) -> int | None:
    spec = dsl.generator_spec(col.generator)
    if not isinstance(spec, dsl.DatetimeSeriesSpec):
        return None
    start, end = window_of(spec, ctx.dataset)
    return (end if greater else start) * 1_000_000


# --------------------------------------------------------------------------- runs


@dataclass
class TableResult:
    name: str
    file: str
    rows: int
    columns: int
    bytes: int


@dataclass
class GenerationResult:
    out_dir: Path
    seed: int
    tables: list[TableResult]
    metadata: dict[str, Any]

    @property
    def total_rows(self) -> int:
        return sum(t.rows for t in self.tables)


BlockOutput = tuple[pa.RecordBatch, dict[str, tuple[Values, np.ndarray | None]]]


def block_output(
    plan: Plan, run: TableRun, block: int, store: TableStore, keep: tuple[str, ...]
) -> BlockOutput:
    """A block's batch and the kept columns later tables read: what crosses a process boundary."""
    batch, ctx = compute_block(plan, run, block, store)
    kept = {name: (ctx.columns[name], ctx.masks.get(name)) for name in keep}
    for key, (parents, values, mask) in ctx.aggregate_parts.items():
        kept[key] = (values, mask)
        kept[f"{key}:parents"] = (parents, None)
    return batch, kept


class BlockExecutor(Protocol):
    """Runs blocks somewhere (threads, a Dask cluster) and hands them back in order."""

    def map_blocks(
        self, plan: Plan, run: TableRun, store: TableStore, keep: tuple[str, ...]
    ) -> Iterator[BlockOutput]: ...

    def close(self) -> None: ...


class InlineExecutor:
    def map_blocks(
        self, plan: Plan, run: TableRun, store: TableStore, keep: tuple[str, ...]
    ) -> Iterator[BlockOutput]:
        for b in range(run.blocks):
            yield block_output(plan, run, b, store, keep)

    def close(self) -> None:
        pass


class ThreadExecutor:
    """numpy and Arrow release the GIL in their kernels, so threads scale on blocks."""

    def __init__(self, workers: int):
        self.workers = workers
        self.pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="datagen-block")

    def map_blocks(
        self, plan: Plan, run: TableRun, store: TableStore, keep: tuple[str, ...]
    ) -> Iterator[BlockOutput]:
        yield from in_order_window(
            lambda b: self.pool.submit(block_output, plan, run, b, store, keep),
            run.blocks,
            2 * self.workers,
        )

    def close(self) -> None:
        self.pool.shutdown(wait=True, cancel_futures=True)


def in_order_window(submit: Callable[[int], Any], blocks: int, window_size: int) -> Iterator[Any]:
    """Results of submit(0..blocks-1) in order, with a bounded window in flight (flat memory)."""
    window: deque[Any] = deque()
    next_block = 0
    while next_block < blocks or window:
        while next_block < blocks and len(window) < window_size:
            window.append(submit(next_block))
            next_block += 1
        yield window.popleft().result()


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
    A table with aggregates over its children is made twice: first only what
    its children read (not yielded), then, once the children are written,
    whole (see engine/aggregates.py).
    """
    executor = executor or InlineExecutor()
    store = TableStore(plan.dataset)
    graph = dependency_graph(plan.dataset)
    first_passes: set[str] = set()
    for table in plan.order:
        for parent in sorted(graph.predecessors(table), key=plan.order.index):
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
    """The table's batches in order; afterwards, its kept columns and aggregates are stored."""
    first_pass = bool(run.skip)
    second_pass = bool(run.table.late) and not first_pass
    if second_pass:
        assert table in store.row_counts, f"`{table}` is made again after its first pass"
    keep = () if second_pass else tuple(sorted(plan.keep.get(table, set())))
    builders = {c: _KeptBuilder() for c in keep}
    parts: dict[str, list[tuple[np.ndarray, np.ndarray, np.ndarray | None]]] = {
        feed.key: [] for feed in ([] if first_pass else run.table.feeds)
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
    for feed in [] if first_pass else run.table.feeds:
        store.aggregates[(feed.parent, feed.column)] = collect_aggregate(
            plan.dataset, feed, store.rows(feed.parent), parts[feed.key]
        )


def default_workers() -> int:
    return max(
        1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    )


def arrow_schema(node: dsl.Node) -> pa.Schema:
    from datagen.engine.values import ARROW_TYPES

    fields = []
    for col in node.columns:
        if col.hidden:
            continue
        arrow_type = ARROW_TYPES[col.type]
        if col.type == "string" and _dictionary_encoded(col):
            arrow_type = pa.dictionary(pa.int32(), pa.string())
        fields.append(pa.field(col.name, arrow_type, nullable=col.nullable or _may_be_null(col)))
    return pa.schema(fields)


def _dictionary_encoded(col: dsl.Column) -> bool:
    spec = dsl.generator_spec(col.generator)
    if any(isinstance(m, dsl.ExpressionMod) for m in col.modifiers):
        return False
    if isinstance(spec, dsl.FakerSpec):
        return not col.unique and spec.method not in ("uuid4", "name", "user_name")
    return isinstance(spec, (dsl.ChoiceSpec, dsl.EnumListSpec, dsl.LookupSpec))


DICTIONARY_MAX_KEYS = 1 << 16


def dictionary_columns(node: dsl.Node, row_counts: dict[str, int] | None = None) -> list[str]:
    """Columns whose values repeat a lot: strings from pools, flags, picks, keys of small tables.

    A lookup into a large table (lineitem -> orders) has too many distinct values
    for a dictionary to pay: encoding it costs 4x a plain write and the file grows.
    """
    out = []
    row_counts = row_counts or {}
    for col in node.columns:
        if col.hidden:
            continue
        spec = dsl.generator_spec(col.generator)
        repeats = isinstance(spec, (dsl.ChoiceSpec, dsl.EnumListSpec))
        if isinstance(spec, dsl.LookupSpec):
            source = spec.from_.split(".", 1)[0]
            repeats = row_counts.get(source, 0) <= DICTIONARY_MAX_KEYS
        if (
            col.type == "bool"
            or (col.type == "string" and _dictionary_encoded(col))
            or (repeats and not col.unique)
        ):
            out.append(col.name)
    return out


def _may_be_null(col: dsl.Column) -> bool:
    spec = dsl.generator_spec(col.generator)
    return isinstance(spec, dsl.LookupSpec)


def _conform(batch: pa.RecordBatch, schema: pa.Schema) -> pa.RecordBatch:
    arrays = []
    for array, field_ in zip(batch.columns, schema, strict=True):
        if array.type != field_.type:
            if pa.types.is_dictionary(field_.type):
                array = array.cast(pa.string()).dictionary_encode()
            else:
                array = array.cast(field_.type)
        arrays.append(array)
    return pa.RecordBatch.from_arrays(arrays, schema=schema)


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
) -> GenerationResult:
    """Generate every table into out_dir, atomically (temporary directory, then rename).

    fmt: one format or several (`parquet,sqlite`); profile: clean | realistic | dirty
    (see engine/corruption.py); dsn: the PostgreSQL server for `postgres`.
    """
    plan = build_plan(dataset, seed, rows=rows, scale=scale)
    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise InputError(f"--out {out} exists and is not a directory")
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.parent / f".{out.name}.tmp-{os.getpid()}"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir()
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
                conformed = (_conform(batch, schema) for batch in blocks)
                if workers > 1:
                    _write_in_background(writer, conformed)
                else:
                    for batch in conformed:
                        writer.write(batch)
            results.append(
                TableResult(table, writer.filename, writer.rows, len(schema), writer.bytes)
            )
        published = outputs.finish()
        metadata = _metadata(dataset, seed, outputs.primary, results)
        metadata.update(published.metadata)
        (tmp / ".metadata.json").write_text(json.dumps(metadata, indent=2) + "\n")
        _publish(tmp, out, published.files)
    except BaseException:
        if outputs is not None:
            outputs.abort()
        shutil.rmtree(tmp, ignore_errors=True)
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
        batches = [_conform(b, schema) for b in blocks]
        tables[table] = pa.Table.from_batches(batches, schema=schema)
    return tables


def _metadata(
    dataset: dsl.Dataset, seed: int, fmt: str, results: list[TableResult]
) -> dict[str, Any]:
    return {
        "datagen_version": __version__,
        "schema": {"name": dataset.metadata.name, "hash": schema_hash(dataset)},
        "seed": seed,
        "format": fmt,
        "tables": {
            r.name: {"file": r.file, "rows": r.rows, "columns": r.columns, "bytes": r.bytes}
            for r in results
        },
        # the one field allowed to differ between runs
        "generated_at": _dt.datetime.now(_dt.UTC).replace(microsecond=0).isoformat(),
    }


def _publish(tmp: Path, out: Path, files: list[str]) -> None:
    if not out.exists():
        tmp.rename(out)
        return
    previous = out / ".metadata.json"
    if previous.exists():
        try:
            old = json.loads(previous.read_text())
            previous_files = [str(i.get("file", "")) for i in old.get("tables", {}).values()]
            for written in old.get("formats", {}).values():
                previous_files += [str(f) for f in written]
            if old.get("defects"):
                previous_files.append(str(old["defects"].get("file", "")))
            for name in previous_files:
                stale = out / name
                if name and name not in files and stale.is_file():
                    stale.unlink()
        except (json.JSONDecodeError, AttributeError):
            pass
    for name in [*files, ".metadata.json"]:
        os.replace(tmp / name, out / name)
    shutil.rmtree(tmp, ignore_errors=True)
