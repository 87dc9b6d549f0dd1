"""One block of one table: a pure function of (plan, table, block index, kept columns).

That purity is what makes output independent of scheduling: any executor
(inline, threads, a Dask cluster) computes the same bytes for a block.
Inequality constraints are repaired here, by construction, row by row vector.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from datagen.engine import dsl
from datagen.engine.cases import case_index
from datagen.engine.decimals import Decimals, fits, from_floats
from datagen.engine.decimals import to_arrow as decimal_arrow
from datagen.engine.fanout import draw_counts
from datagen.engine.generators import BlockContext, generate_column
from datagen.engine.generators.aggregate import aggregate_part
from datagen.engine.generators.kind import kind_of, spec_of
from datagen.engine.generators.statemachine import machine_key, path_lengths
from datagen.engine.logical import decimal_digits
from datagen.engine.modifiers import apply_modifiers
from datagen.engine.plan import BLOCK_ROWS, Plan, TablePlan
from datagen.engine.relations import fk_between
from datagen.engine.rng import stream
from datagen.engine.spill import Spilled, can_spill
from datagen.engine.store import TableStore
from datagen.engine.values import Values, as_numpy, to_arrow


def fanout_count_chunks(
    plan: Plan, table: str, store: TableStore, chunk: int
) -> Iterator[np.ndarray]:
    """Children per parent row, `chunk` parents at a time, from the table's one fanout stream
    (with `by`, each parent's shape chosen by its value of that column); parents failing
    the FK's `where` get none. numpy draws the same values in chunks as at once (the bit
    generator keeps its state, a half-used 64-bit draw included), so the chunk size does
    not change the counts: memory holds one chunk, not a count per parent."""
    tp = plan.tables[table]
    fanout = tp.node.fanout
    assert fanout is not None and tp.parent is not None
    parent_rows = store.rows(tp.parent)
    rng = stream(plan.seed, table, "__fanout__")
    where = parent_filter(tp)
    passing = store.rows_where(tp.parent, where) if where is not None else None
    for first in range(0, parent_rows, chunk):
        n = min(chunk, parent_rows - first)
        if fanout.machine is not None:  # each parent's events: the length of its path
            counts = path_lengths(fanout.machine, machine_key(plan.seed, table), n, first)
        else:
            cases = None
            if fanout.cases and fanout.by is not None:
                rows = np.arange(first, first + n, dtype=np.int64)
                values, mask = store.take(tp.parent, fanout.by, rows)
                cases = case_index(values, mask, list(fanout.cases))
            counts = draw_counts(fanout, rng, n, cases)
        if passing is not None:
            keep = np.zeros(n, bool)
            inside = passing[np.searchsorted(passing, first) : np.searchsorted(passing, first + n)]
            keep[inside - first] = True
            counts[~keep] = 0
        yield counts


@dataclass
class TableRun:
    table: TablePlan
    rows: int
    cumulative: np.ndarray | Spilled | None  # facts: cumulative fanout counts over parent rows
    # first row of each block and the end: set when blocks must hold whole parents
    bounds: np.ndarray | None = None
    skip: frozenset[str] = frozenset()  # columns not computed (a parent's first pass)
    coarse: np.ndarray | None = None  # a spilled `cumulative`: every COARSE-th value

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
    for col in tp.node.columns:  # filtered FKs: candidates found once, before any block
        key, filter_ = (
            kind_of(col).key_reference(spec_of(col)),
            getattr(spec_of(col), "where", None),
        )
        if key is not None and isinstance(filter_, str):
            store.rows_where(key.split(".", 1)[0], filter_)
    parents = store.rows(tp.parent)
    if not can_spill("int", parents):
        every = fanout_count_chunks(plan, table, store, max(parents, 1))  # one chunk
        counts = next(every, np.zeros(0, np.int64))
        cumulative = np.cumsum(counts)
        rows = int(cumulative[-1]) if len(cumulative) else 0
        bounds = parent_aligned_bounds(cumulative) if tp.aligned and rows else None
        return TableRun(tp, rows, cumulative, bounds)
    return _spilled_run(tp, fanout_count_chunks(plan, table, store, 64 * COARSE), parents)


COARSE = 4096  # a spilled running sum keeps every COARSE-th value in memory, to search it


def _spilled_run(tp: TablePlan, chunks: Iterator[np.ndarray], parents: int) -> TableRun:
    """A fact of 1M+ parents: its fanout counts drawn a chunk of 64 * COARSE parents at a
    time, their running sum written to a temporary file (engine/spill.py), every COARSE-th
    value kept to find a row's parent; the parent-aligned block bounds found chunk by chunk,
    as parent_aligned_bounds does."""
    cumulative = Spilled(np.int64, parents)
    coarse, cuts, total = [], [], 0
    for counts in chunks:
        chunk = np.cumsum(counts, dtype=np.int64)
        chunk += total
        if tp.aligned and len(chunk):
            first_target = (total // BLOCK_ROWS + 1) * BLOCK_ROWS
            inside = np.arange(first_target, int(chunk[-1]) + 1, BLOCK_ROWS, dtype=np.int64)
            cuts.append(chunk[np.searchsorted(chunk, inside, side="left")])
        cumulative.append(chunk)
        coarse.append(chunk[COARSE - 1 :: COARSE].copy())  # a view would keep the chunk
        total = int(chunk[-1]) if len(chunk) else total
    rows = total
    bounds = None
    if tp.aligned and rows:
        bounds = np.unique(np.concatenate([[0], *cuts, [rows]])).astype(np.int64)
    run = TableRun(tp, rows, cumulative.finish(), bounds)
    run.coarse = np.concatenate(coarse)
    return run


def _search_right(run_cumulative: np.ndarray | Spilled, coarse: np.ndarray | None, row: int) -> int:
    """np.searchsorted(cumulative, row, side="right"), through the coarse sample when the
    running sum waits in a file (one chunk of COARSE values read)."""
    if coarse is None or not isinstance(run_cumulative, Spilled):
        return int(np.searchsorted(np.asarray(run_cumulative), row, side="right"))
    chunk = int(np.searchsorted(coarse, row, side="right"))
    part = run_cumulative[chunk * COARSE : (chunk + 1) * COARSE]
    return chunk * COARSE + int(np.searchsorted(part, row, side="right"))


def parent_filter(tp: TablePlan) -> str | None:
    """The `where` of a fact's FK to its first parent, if it has one."""
    col = tp.node.column(tp.parent_fk) if tp.parent_fk else None
    where = getattr(spec_of(col), "where", None) if col is not None else None
    return where if isinstance(where, str) else None


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
        ctx.parent_index = _parent_rows(run.cumulative, start, stop, run.coarse)
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
        digits = decimal_digits(col.format)
        if digits is not None:
            # what is written (decimal(p, s)) is what later columns and aggregates read:
            # exact units (sums and products of decimals stay exact, engine/decimals.py)
            values = from_floats(values, digits[1])
        elif col.type != "string":
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
    arrays = [_arrow(ctx.columns[c.name], c, ctx.masks.get(c.name)) for c in written]
    batch = pa.RecordBatch.from_arrays(arrays, names=[c.name for c in written])
    return batch, ctx


def _arrow(values: Values, col: dsl.Column, mask: np.ndarray | None) -> pa.Array:
    digits = decimal_digits(col.format)
    if digits is not None and isinstance(values, Decimals) and fits(values, digits[0]):
        return decimal_arrow(values, *digits, mask)
    return to_arrow(values, col.type, mask)  # too large: conform() names the column


def _parent_rows(
    cumulative: np.ndarray | Spilled, start: int, stop: int, coarse: np.ndarray | None = None
) -> np.ndarray:
    """The parent row of each child row in [start, stop): a block is a contiguous range,
    so two binary searches and a repeat replace one search per row."""
    if stop <= start:
        return np.zeros(0, dtype=np.int64)
    first = _search_right(cumulative, coarse, start)
    last = _search_right(cumulative, coarse, stop - 1)
    ends = np.minimum(cumulative[first : last + 1], stop)
    previous = (
        cumulative[first - 1 : last] if first > 0 else np.concatenate(([0], cumulative[first:last]))
    )
    begins = np.maximum(previous, start)
    return np.repeat(np.arange(first, last + 1, dtype=np.int64), ends - begins)


_COMPARE = {">": np.greater, ">=": np.greater_equal, "<": np.less, "<=": np.less_equal}


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
        x = as_numpy(values, col.type)
        if isinstance(raw, np.ndarray) and raw.dtype.kind == "M":
            # numpy compares dates with datetimes: when every row holds, nothing to convert
            held = _COMPARE[op](x, raw)
            if bound_mask is not None:
                held |= bound_mask
            if held.all():
                return x
        return _repair_temporal(x, as_numpy(raw, "datetime"), bound_mask, col, op, ctx)
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
    shape = None if col.modifiers else kind_of(col).time_shape(spec_of(col), ctx.dataset)
    return shape.grid_seconds * 1_000_000 if shape is not None else 1


def _window_limit_us(col: dsl.Column, ctx: BlockContext, greater: bool) -> int | None:
    shape = kind_of(col).time_shape(spec_of(col), ctx.dataset)
    if shape is None:
        return None
    return (shape.end if greater else shape.start) * 1_000_000


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
