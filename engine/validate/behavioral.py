"""Behavioural checks: the schema's targets, and the behaviour its generators declare.

Targets (weekend_share, mean_in_range, seasonality, composite_effect) are
checked as written, their bands widened by the sampling error of the
estimate. Implied checks compare what a generator declares with what the
data shows: choice weights, hour/dow/month patterns, the fanout's mean and
null rates. Every tolerance comes from the sample size (see stats.py).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from datagen.engine import dsl, relations
from datagen.engine.generators.kind import Picks, TimeShape, kind_of, spec_of
from datagen.engine.modifiers import YEAR_SECONDS
from datagen.engine.plan import default_time_column
from datagen.engine.validate import stats, time_cells
from datagen.engine.validate.context import Context, to_numpy, valid_mask
from datagen.engine.validate.report import Check
from datagen.engine.validate.structural import children_per_parent
from datagen.engine.validate.values import Extremes

# Modifiers that move timestamps: the generator's pattern no longer describes the data.
TIME_MOVING = (dsl.TimeJitterMod,)


def behavioral_checks(ctx: Context) -> Iterator[Check]:
    targets = ctx.dataset.targets
    for target in targets.weekend_share:
        if ctx.ready("behavioral", "weekend_share", target.table, target.column):
            yield weekend_share(ctx, target)
    for target in targets.mean_in_range:
        if ctx.ready("behavioral", "mean_in_range", target.table, target.column):
            yield mean_in_range(ctx, target)
    for season in targets.seasonality:
        columns = [season.column] + ([season.value] if season.value else [])
        if ctx.ready("behavioral", "seasonality", season.table, *columns):
            yield seasonality(ctx, season)
    for effect in targets.composite_effect:
        check = composite_effect(ctx, effect)
        if check is not None:
            yield check
    # the engine moves rows that break an inequality, so their timestamps no longer
    # follow the generator's pattern: those columns get no pattern check
    repaired = {relations.split_ref(i.left) for i in ctx.dataset.constraints.inequalities}
    for node in ctx.dataset.nodes:
        if node.id not in ctx.sources:
            continue
        for col in node.columns:
            if not ctx.usable(node.id, col.name):
                continue
            kind, spec = kind_of(col), spec_of(col)
            picks = None if col.modifiers else kind.picks(spec)
            if picks is not None:
                check = choice_weights(ctx, node, col, picks)
                if check is not None:
                    yield check
            shape = kind.time_shape(spec, ctx.dataset)
            if (
                shape is not None
                and not any(isinstance(m, TIME_MOVING) for m in col.modifiers)
                and (node.id, col.name) not in repaired
            ):
                yield from time_patterns(ctx, node, col, shape)
            if col.nullable and col.null_rate > 0:
                yield null_rate(ctx, node, col)
        if node.kind == "fact" and node.fanout is not None:
            check = fanout_mean(ctx, node, node.fanout)
            if check is not None:
                yield check


# --------------------------------------------------------------------------- targets


def weekend_share(ctx: Context, target: dsl.ShareTarget) -> Check:
    per_day = time_cells.bin_counts(ctx.bins(target.table, target.column, "dow"), 7)
    n = int(per_day.sum())
    share = float(per_day[5:].sum() / n) if n else math.nan
    low, high = _widened(target.min, target.max, share, n)
    ok = n > 0 and low <= share <= high
    return Check(
        "behavioral",
        "weekend_share",
        target.table,
        target.column,
        ok,
        share,
        {"min": target.min, "max": target.max, "allowed": [low, high]},
        message=f"{share:.4f} of {n} timestamps fall on Sat/Sun; target {target.min}-{target.max}"
        f" (sampling allowance to {low:.4f}-{high:.4f})",
    )


def _widened(low: float, high: float, share: float, n: int) -> tuple[float, float]:
    """A share band widened by the sampling error at the nearest edge."""
    p = min(max(share if not math.isnan(share) else low, low), high)
    pad = stats.share_tolerance(p, n)
    return low - pad, high + pad


def mean_in_range(ctx: Context, target: dsl.ShareTarget) -> Check:
    moments = stats.Moments()
    for batch in ctx.scan(target.table, [target.column]):
        values = batch.column(target.column)
        moments.add(to_numpy(values.drop_null().cast(pa.float64()), np.float64))
    n, mean = moments.count, moments.mean if moments.count else None
    pad = stats.mean_tolerance(moments.std, n)
    ok = mean is not None and target.min - pad <= mean <= target.max + pad
    return Check(
        "behavioral",
        "mean_in_range",
        target.table,
        target.column,
        ok,
        mean,
        {"min": target.min, "max": target.max, "allowed": [target.min - pad, target.max + pad]},
        message=f"mean of {n} values; target {target.min}-{target.max}, "
        f"sampling allowance +-{pad:.4g}",
    )


def _series_window(
    ctx: Context, node: dsl.Node, column: str
) -> tuple[np.datetime64, np.datetime64]:
    """The window a datetime column was drawn from: its generator's, else the data's span."""
    col = node.column(column)
    if col is not None:
        shape = time_cells.column_shape(ctx.dataset, col)
        if shape is not None:
            return time_cells.shape_window(shape)
    extremes = Extremes()
    for batch in ctx.scan(node.id, [column]):
        extremes.add(batch.column(column).cast(pa.timestamp("us")))
    first = np.datetime64(extremes.low, "us")
    last = np.datetime64(extremes.high, "us")
    return first, last + np.timedelta64(1, "h")


def _floats(values: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """A numeric batch as float64 (nulls as 0) and its validity mask."""
    numbers = to_numpy(pc.fill_null(values.cast(pa.float64()), 0.0), np.float64)
    return numbers, valid_mask(values)


def seasonality(ctx: Context, target: dsl.SeasonalityTarget) -> Check:
    """Intensity per bin (rows or value per hour of exposure) relative to the average, vs weights.

    Both shapes are indexes around 1.0 (1.0 = the average intensity), so a
    month with fewer days is not mistaken for a weaker month. The tolerance
    is the largest allowed |observed - expected| index of a bin, plus the
    bin's own sampling error.
    """
    node = ctx.node(target.table)
    bins = ctx.bins(target.table, target.column, target.dimension)
    size = dsl.PATTERN_LENGTH[target.dimension]
    labels = time_cells.LABELS[target.dimension]
    if target.value:
        totals, squares = np.zeros(size), np.zeros(size)
        for batch in ctx.scan(target.table, [target.value]):
            amounts, valid = _floats(batch.column(target.value))
            batch_bins = bins[batch.offset : batch.offset + batch.num_rows]
            valid &= batch_bins >= 0
            totals += np.bincount(batch_bins[valid], weights=amounts[valid], minlength=size)
            squares += np.bincount(batch_bins[valid], weights=amounts[valid] ** 2, minlength=size)
    else:
        totals = time_cells.bin_counts(bins, size).astype(float)
        squares = totals
    if not totals.any():
        return _empty("seasonality", target.table, target.column)
    hours = time_cells.exposure(*_series_window(ctx, node, target.column), target.dimension)
    present = hours > 0
    weights = np.asarray(target.weights, dtype=float)
    observed = np.zeros(size)
    expected = np.zeros(size)
    observed[present] = (totals[present] / hours[present]) / (totals.sum() / hours[present].sum())
    expected_mean = (weights * hours).sum() / hours[present].sum()
    expected[present] = weights[present] / expected_mean if expected_mean > 0 else 0
    with np.errstate(divide="ignore", invalid="ignore"):
        relative_se = np.where(totals != 0, np.sqrt(squares) / np.abs(totals), 1.0)
    z = stats.z_value(int(present.sum()))
    allowed = target.tolerance + z * relative_se * np.maximum(observed, expected)
    errors = np.abs(observed - expected)
    bad = present & (errors > allowed)
    worst = np.argsort(-(errors - allowed) * present)[:5]
    return Check(
        "behavioral",
        "seasonality",
        target.table,
        target.column if not target.value else f"{target.column}:{target.value}",
        not bad.any(),
        {"max_error": float(errors[present].max()), "index": _by_label(observed, present, labels)},
        {"index": _by_label(expected, present, labels), "tolerance": target.tolerance},
        [
            {
                "bin": labels[b],
                "observed": observed[b],
                "expected": expected[b],
                "allowed_error": allowed[b],
            }
            for b in worst
            if bad[b]
        ],
        message=f"{target.dimension} shape of {'sum of ' + target.value if target.value else 'row counts'}"
        f" per hour of exposure, as an index (1 = average); {int(bad.sum())} bin(s) off",
    )


def _by_label(values: np.ndarray, present: np.ndarray, labels: list[str]) -> dict[str, float]:
    return {labels[i]: round(float(values[i]), 4) for i in range(len(labels)) if present[i]}


def _empty(name: str, table: str, column: str | None) -> Check:
    return Check(
        "behavioral", name, table, column, False, None, "data", message="no non-null values"
    )


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
    needed = {target.column, time_column}
    own_time = default_time_column(node, exclude=col.name)
    for mod in col.modifiers:
        if isinstance(mod, (dsl.SeasonalityMod, dsl.TrendMod)):
            needed.add(mod.args.column or own_time or time_column)
        if isinstance(mod, dsl.EffectMod):
            needed.add(mod.args.at or own_time or time_column)
    if not ctx.ready("behavioral", "composite_effect", target.table, *sorted(needed)):
        return None
    effects = [
        (m, event_windows(ctx, m.args))
        for m in col.modifiers
        if isinstance(m, dsl.EffectMod) and ctx.usable(m.args.table, m.args.start, m.args.end)
    ]
    size = dsl.PATTERN_LENGTH[target.dimension]
    labels = time_cells.LABELS[target.dimension]
    bins = ctx.bins(target.table, time_column, target.dimension)
    seasonal = [m for m in col.modifiers if isinstance(m, dsl.SeasonalityMod)]
    trends = [m for m in col.modifiers if isinstance(m, dsl.TrendMod)]
    modeled = [f"seasonality({m.args.dimension})" for m in seasonal] + ["trend"] * len(trends)
    modeled += [f"effect({m.args.table})" for m, _ in effects]
    trend_columns = [m.args.column or own_time or time_column for m in trends]
    effect_columns = [m.args.at or own_time or time_column for m, _ in effects]
    counts = np.zeros(size, dtype=np.int64)
    sums, squares, declared = np.zeros(size), np.zeros(size), np.zeros(size)
    for batch in ctx.scan(target.table, [target.column, *trend_columns, *effect_columns]):
        rows = slice(batch.offset, batch.offset + batch.num_rows)
        values, keep = _floats(batch.column(target.column))
        batch_bins = bins[rows]
        keep &= batch_bins >= 0
        multiplier = np.ones(batch.num_rows)
        for mod in seasonal:
            mod_bins = ctx.bins(
                target.table, mod.args.column or own_time or time_column, mod.args.dimension
            )[rows]
            keep &= mod_bins >= 0
            multiplier *= np.asarray(mod.args.weights, dtype=float)[mod_bins]
        for mod, at in zip(trends, trend_columns, strict=True):
            times = batch.column(at)
            keep &= valid_mask(times)
            multiplier *= trend_factor(ctx.dataset, times, mod.args.growth)
        for (effect, (starts, ends)), at in zip(effects, effect_columns, strict=True):
            times = batch.column(at)
            keep &= valid_mask(times)
            seconds = time_cells.epoch_micros(times) // 1_000_000
            active = np.searchsorted(starts, seconds, side="right") - np.searchsorted(
                ends, seconds, side="right"
            )
            multiplier *= np.where(active > 0, effect.args.factor, 1.0)
        batch_bins, values, multiplier = batch_bins[keep], values[keep], multiplier[keep]
        counts += np.bincount(batch_bins, minlength=size)
        sums += np.bincount(batch_bins, weights=values, minlength=size)
        squares += np.bincount(batch_bins, weights=values * values, minlength=size)
        declared += np.bincount(batch_bins, weights=multiplier, minlength=size)
    if not counts.any():
        return _empty("composite_effect", target.table, target.column)
    present = counts > 0
    means = np.where(present, sums / np.maximum(counts, 1), 0.0)
    variances = np.where(
        counts > 1, (squares - counts * means * means) / np.maximum(counts - 1, 1), 0.0
    )
    overall = sums.sum() / counts.sum()
    observed = means / overall if overall else means
    expected_means = np.where(present, declared / np.maximum(counts, 1), 0.0)
    expected = expected_means / (declared.sum() / counts.sum())
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
        return _empty("composite_effect", target.table, target.column)
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
            "index": _by_label(observed, present, labels),
        },
        {
            "max": target.max,
            "allowed": limit,
            "index": _by_label(expected, present, labels),
        },
        [
            {"bin": labels[b], "observed": observed[b], "expected": expected[b]}
            for b in worst
            if usable[b] and metric > limit
        ],
        message=f"{target.metric.upper()} of the {target.dimension} means of {target.column} "
        f"(as an index, 1 = overall mean) vs. the declared "
        f"{' x '.join(modeled) if modeled else 'flat shape'}",
    )


def event_windows(ctx: Context, effect: dsl.EffectArgs) -> tuple[np.ndarray, np.ndarray]:
    """Sorted start and end seconds of an event table's rows (the table is small)."""
    bounds = []
    for name in (effect.start, effect.end):
        values = ctx.column(effect.table, name)
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


# --------------------------------------------------------------------------- implied


def _choice_key(value: Any, declared: str) -> Any:
    if declared == "float":
        return float(value)
    if declared == "int":
        return int(value) if float(value).is_integer() else float(value)
    if declared == "bool":
        return value if isinstance(value, bool) else str(value).lower() in ("true", "1")
    return str(value)


def choice_weights(ctx: Context, node: dsl.Node, col: dsl.Column, spec: Picks) -> Check | None:
    """Observed frequencies vs. the declared weights (explicit, or from `weights_kind`).

    With `choices_ref` the choices are the referenced column's distinct values;
    only a uniform pick is checked there (a skew depends on their order).
    """
    choices = spec.choices
    if choices is None:
        choices = referenced_choices(ctx, spec)
        if choices is None:
            return None
    if spec.weights is not None:
        weights = list(spec.weights)
    else:
        weights = kind_weights(spec.weights_kind, len(choices))
    expected: dict[Any, float] = {}
    for choice, weight in zip(choices, weights, strict=True):
        key = _choice_key(choice, col.type)
        expected[key] = expected.get(key, 0.0) + weight
    total = sum(expected.values())
    expected = {k: w / total for k, w in expected.items()}
    observed: dict[Any, int] = {}
    for batch in ctx.scan(node.id, [col.name]):
        for item in pc.value_counts(batch.column(col.name).drop_null()).to_pylist():
            key = _choice_key(item["values"], col.type)
            observed[key] = observed.get(key, 0) + item["counts"]
    n = sum(observed.values())
    if n == 0:
        return None  # nothing drawn (all null, or no rows): no weights to compare
    keys = list(expected) + [k for k in observed if k not in expected]
    comparisons = len(keys)
    rows = []
    for key in keys:
        p = expected.get(key, 0.0)
        share = observed.get(key, 0) / n
        allowed = stats.share_tolerance(p, n, comparisons)
        rows.append((abs(share - p) - allowed, key, share, p, allowed))
    rows.sort(key=lambda r: -r[0])
    bad = [r for r in rows if r[0] > 0]
    return Check(
        "behavioral",
        "choice_weights",
        node.id,
        col.name,
        not bad,
        {"max_share_error": max(abs(r[2] - r[3]) for r in rows), "rows": n},
        {"shares": {str(k): round(p, 6) for k, p in expected.items()}},
        [
            {"value": key, "observed_share": share, "expected_share": p, "allowed_error": allowed}
            for _, key, share, p, allowed in bad[:5]
        ],
        message=f"{len(bad)} value(s) drawn off their weight" if bad else "",
    )


MAX_REFERENCED_CHOICES = 10_000


def referenced_choices(ctx: Context, spec: Picks) -> list[Any] | None:
    """The distinct values of a `choices_ref` column, when picked uniformly from few enough."""
    if spec.ref is None or spec.weights_kind != "uniform":
        return None
    table, column = relations.split_ref(spec.ref)
    if not ctx.usable(table, column):
        return None
    distinct: dict[Any, None] = {}
    for batch in ctx.scan(table, [column]):
        distinct.update(dict.fromkeys(pc.unique(batch.column(column).drop_null()).to_pylist()))
        if len(distinct) > MAX_REFERENCED_CHOICES:
            return None
    return list(distinct) or None


def kind_weights(kind: str, n: int) -> list[float]:
    """The weights `weights_kind` gives n choices in their listed order (per the DSL):
    uniform; zipf@A: 1/rank^A; head_tail@{H,A}: the first round(H x n) choices (at least
    one, at most n-1) share A of the picks, the rest share 1-A."""
    if kind.startswith("zipf@"):
        exponent = float(kind.split("@", 1)[1])
        return [1.0 / (rank**exponent) for rank in range(1, n + 1)]
    match = re.match(r"head_tail@\{?([0-9.]+),([0-9.]+)\}?$", kind)
    if match and n > 1:
        share, mass = float(match.group(1)), float(match.group(2))
        head = max(1, min(n - 1, round(n * share)))
        return [mass / head] * head + [(1 - mass) / (n - head)] * (n - head)
    return [1.0] * n


def time_patterns(
    ctx: Context, node: dsl.Node, col: dsl.Column, shape: TimeShape
) -> Iterator[Check]:
    """Shares per hour / weekday / month vs. the shares the declared patterns imply."""
    if not shape.patterns:
        return
    window = time_cells.shape_window(shape)
    dimensions = list(dict.fromkeys(p.dimension for p in shape.patterns))
    day_resolution = col.type == "date" or shape.freq == "D"
    for dimension in dimensions:
        if dimension == "hour" and day_resolution:
            continue
        expected = time_cells.expected_shares(*window, shape.patterns, dimension)
        size = len(expected)
        labels = time_cells.LABELS[dimension]
        counts = time_cells.bin_counts(ctx.bins(node.id, col.name, dimension), size)
        n = int(counts.sum())
        if n == 0:
            continue  # nothing drawn: no shares to compare
        observed = counts / n
        # bins the window never reaches are not compared
        compared = [b for b in range(size) if expected[b] > 0 or observed[b] > 0]
        allowed = np.array(
            [stats.share_tolerance(float(expected[b]), n, len(compared)) for b in range(size)]
        )
        errors = np.abs(observed - expected)
        bad = [b for b in compared if errors[b] > allowed[b]]
        bad.sort(key=lambda b: -(errors[b] - allowed[b]))
        yield Check(
            "behavioral",
            f"{dimension}_pattern",
            node.id,
            col.name,
            not bad,
            {
                "max_share_error": float(errors.max()),
                "shares": _by_label(observed, expected > -1, labels),
            },
            {"shares": _by_label(expected, expected > -1, labels)},
            [
                {
                    "bin": labels[b],
                    "observed_share": observed[b],
                    "expected_share": expected[b],
                    "allowed_error": allowed[b],
                }
                for b in bad[:5]
            ],
            message=f"{len(bad)} {dimension} bin(s) off the declared pattern" if bad else "",
        )


def null_rate(ctx: Context, node: dsl.Node, col: dsl.Column) -> Check:
    n = ctx.num_rows(node.id)
    nulls = ctx.sources[node.id].null_count(col.name)
    share = nulls / n if n else math.nan
    allowed = stats.share_tolerance(col.null_rate, n)
    ok = n > 0 and abs(share - col.null_rate) <= allowed
    return Check(
        "behavioral",
        "null_rate",
        node.id,
        col.name,
        ok,
        share,
        {"null_rate": col.null_rate, "allowed_error": allowed},
        message=f"{nulls} null(s) in {n} rows",
    )


def fanout_mean(ctx: Context, node: dsl.Node, fanout: dsl.Fanout) -> Check | None:
    counts = children_per_parent(ctx, node)
    if counts is None or len(counts) == 0:
        return None
    mean, variance = stats.fanout_moments(fanout)
    observed = float(counts.mean())
    allowed = stats.mean_tolerance(math.sqrt(variance), len(counts))
    described = (
        f"poisson(lambda={fanout.lambda_}) clipped to [{fanout.min}, {fanout.max}]"
        if fanout.distribution == "poisson"
        else f"uniform integers in [{fanout.min}, {fanout.max}]"
    )
    return Check(
        "behavioral",
        "fanout_mean",
        node.id,
        None,
        abs(observed - mean) <= allowed,
        observed,
        {"mean": mean, "allowed_error": allowed},
        message=f"children per {node.parents[0]} row over {len(counts)} parents; "
        f"declared {described}",
    )
