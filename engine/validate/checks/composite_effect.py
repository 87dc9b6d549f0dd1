"""`targets.composite_effect`: per-bin means follow the shape the modifiers declare."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pyarrow as pa

from datagen.engine import dsl
from datagen.engine.modifiers.kind import modifier_of
from datagen.engine.modifiers.trend import YEAR_SECONDS
from datagen.engine.plan import default_time_column
from datagen.engine.validate import stats, time_cells
from datagen.engine.validate.behavioral import by_label, empty_check, floats
from datagen.engine.validate.context import Context, valid_mask
from datagen.engine.validate.registry import CheckKind
from datagen.engine.validate.report import Check


def run(ctx: Context) -> Iterator[Check]:
    for effect in ctx.dataset.targets.composite_effect:
        check = composite_effect(ctx, effect)
        if check is not None:
            yield check


def composite_effect(ctx: Context, target: dsl.CompositeEffectTarget) -> Check | None:
    """Per-bin means of a value vs. the shape its time-dependent modifiers declare.

    Each row's declared multiplier is the product of the column's seasonality
    weights, trend and event effects at that row's time; a bin's expected mean is its
    rows' mean multiplier. Both series are divided by their overall mean and
    compared with MAE or MAPE; the allowance adds the expected size of the
    sampling noise of the bin means.
    """
    node = ctx.node(target.table)
    col = node.column(target.column)
    time_column = target.time_column or default_time_column(node, exclude=target.column)
    if col is None or time_column is None:
        return None
    own_time = default_time_column(node, exclude=col.name)
    # what each modifier declares about the row's time (seasonality, trend, events)
    declared = [e for m in col.modifiers if (e := modifier_of(m).time_effect(m.args))]
    at = {id(e): e.column or own_time or time_column for e in declared}
    needed = {target.column, time_column, *at.values()}
    if not ctx.ready("behavioral", "composite_effect", target.table, *sorted(needed)):
        return None
    seasonal = [e for e in declared if e.weights is not None and e.dimension is not None]
    trends = [e for e in declared if e.growth is not None]
    effects = [
        (e, event_windows(ctx, *e.events))
        for e in declared
        if e.events is not None and ctx.usable(*e.events)
    ]
    size = dsl.PATTERN_LENGTH[target.dimension]
    labels = time_cells.LABELS[target.dimension]
    bins = ctx.bins(target.table, time_column, target.dimension)
    modeled = [e.label for e in seasonal] + [e.label for e in trends]
    modeled += [e.label for e, _ in effects]
    trend_columns = [at[id(e)] for e in trends]
    effect_columns = [at[id(e)] for e, _ in effects]
    counts = np.zeros(size, dtype=np.int64)
    sums, squares, shape = np.zeros(size), np.zeros(size), np.zeros(size)
    for batch in ctx.scan(target.table, [target.column, *trend_columns, *effect_columns]):
        rows = slice(batch.offset, batch.offset + batch.num_rows)
        values, keep = floats(batch.column(target.column))
        batch_bins = bins[rows]
        keep &= batch_bins >= 0
        multiplier = np.ones(batch.num_rows)
        for season in seasonal:
            assert season.dimension is not None and season.weights is not None
            mod_bins = ctx.bins(target.table, at[id(season)], season.dimension)[rows]
            keep &= mod_bins >= 0
            multiplier *= np.asarray(season.weights, dtype=float)[mod_bins]
        for trend, column in zip(trends, trend_columns, strict=True):
            assert trend.growth is not None
            times = batch.column(column)
            keep &= valid_mask(times)
            multiplier *= trend_factor(ctx.dataset, times, trend.growth)
        for (effect, (starts, ends)), column in zip(effects, effect_columns, strict=True):
            times = batch.column(column)
            keep &= valid_mask(times)
            seconds = time_cells.epoch_micros(times) // 1_000_000
            active = np.searchsorted(starts, seconds, side="right") - np.searchsorted(
                ends, seconds, side="right"
            )
            multiplier *= np.where(active > 0, effect.factor, 1.0)
        batch_bins, values, multiplier = batch_bins[keep], values[keep], multiplier[keep]
        counts += np.bincount(batch_bins, minlength=size)
        sums += np.bincount(batch_bins, weights=values, minlength=size)
        squares += np.bincount(batch_bins, weights=values * values, minlength=size)
        shape += np.bincount(batch_bins, weights=multiplier, minlength=size)
    if not counts.any():
        return empty_check("composite_effect", target.table, target.column)
    present = counts > 0
    means = np.where(present, sums / np.maximum(counts, 1), 0.0)
    variances = np.where(
        counts > 1, (squares - counts * means * means) / np.maximum(counts - 1, 1), 0.0
    )
    overall = sums.sum() / counts.sum()
    observed = means / overall if overall else means
    expected_means = np.where(present, shape / np.maximum(counts, 1), 0.0)
    expected = expected_means / (shape.sum() / counts.sum())
    errors = np.abs(observed - expected)
    relative_se = np.where(
        present, np.sqrt(np.maximum(variances, 0) / np.maximum(counts, 1)) / abs(overall or 1), 0.0
    )
    if target.metric == "mape":
        usable = present & (expected > 0)
        per_bin = np.where(usable, errors / np.where(expected > 0, expected, 1), 0.0)
        noise = np.where(usable, relative_se / np.where(expected > 0, expected, 1), 0.0)
    else:
        usable = present
        per_bin, noise = errors, relative_se
    k = int(usable.sum())
    if k == 0:
        return empty_check("composite_effect", target.table, target.column)
    metric = float(per_bin[usable].mean())
    # |noise| has mean ~0.8 sd; its mean over k bins varies by ~0.6 sd / sqrt(k)
    allowance = 0.8 * float(noise[usable].mean()) + stats.z_value() * 0.6 * float(
        np.sqrt((noise[usable] ** 2).mean() / k)
    )
    limit = target.max + allowance
    worst = np.argsort(-per_bin * usable)[:5]
    return Check(
        "behavioral",
        "composite_effect",
        target.table,
        target.column,
        metric <= limit,
        {
            target.metric: metric,
            "index": by_label(observed, present, labels),
        },
        {
            "max": target.max,
            "allowed": limit,
            "index": by_label(expected, present, labels),
        },
        [
            {"bin": labels[b], "observed": observed[b], "expected": expected[b]}
            for b in worst
            if usable[b] and metric > limit
        ],
        message=f"{target.metric.upper()} of the {target.dimension} means of {target.column} "
        f"(as an index, 1 = overall mean) vs. the declared "
        f"{' x '.join(modeled) if modeled else 'flat shape'}",
        sample=int(counts.sum()),
    )


def event_windows(ctx: Context, table: str, start: str, end: str) -> tuple[np.ndarray, np.ndarray]:
    """Sorted start and end seconds of an event table's rows (the table is small)."""
    bounds = []
    for name in (start, end):
        values = ctx.column(table, name)
        values = values.drop_null() if values.null_count else values
        bounds.append(np.sort(time_cells.epoch_micros(values) // 1_000_000))
    return bounds[0], bounds[1]


def trend_factor(dataset: dsl.Dataset, times: pa.ChunkedArray, growth: float) -> np.ndarray:
    """Compound growth per year since the timeframe's start, as the engine applies it."""
    micros = time_cells.epoch_micros(times)
    origin = 0
    if dataset.timeframe is not None:
        origin = int(
            dsl.parse_instant(dataset.timeframe.start).astype("datetime64[us]").astype(np.int64)
        )
    return np.power(1 + growth, (micros - origin) / (YEAR_SECONDS * 1e6))


CHECK = CheckKind(
    "composite_effect", "behavioral", run, "seasonality x trend x event effects of a value"
)
