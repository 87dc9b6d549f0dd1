"""`targets.seasonality`: rows (or a value) per hour / weekday / month follow a shape."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from datagen.engine import dsl
from datagen.engine.validate import stats, time_cells
from datagen.engine.validate.behavioral import by_label, empty_check, floats, series_window
from datagen.engine.validate.context import Context
from datagen.engine.validate.registry import CheckKind
from datagen.engine.validate.report import Check


def run(ctx: Context) -> Iterator[Check]:
    for season in ctx.dataset.targets.seasonality:
        columns = [season.column] + ([season.value] if season.value else [])
        if ctx.ready("behavioral", "seasonality", season.table, *columns):
            yield seasonality(ctx, season)


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
    rows = int((bins >= 0).sum())
    if target.value:
        totals, squares = np.zeros(size), np.zeros(size)
        for batch in ctx.scan(target.table, [target.value]):
            amounts, valid = floats(batch.column(target.value))
            batch_bins = bins[batch.offset : batch.offset + batch.num_rows]
            valid &= batch_bins >= 0
            totals += np.bincount(batch_bins[valid], weights=amounts[valid], minlength=size)
            squares += np.bincount(batch_bins[valid], weights=amounts[valid] ** 2, minlength=size)
    else:
        totals = time_cells.bin_counts(bins, size).astype(float)
        squares = totals
    if not totals.any():
        return empty_check("seasonality", target.table, target.column)
    hours = time_cells.exposure(*series_window(ctx, node, target.column), target.dimension)
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
        {"max_error": float(errors[present].max()), "index": by_label(observed, present, labels)},
        {"index": by_label(expected, present, labels), "tolerance": target.tolerance},
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
        sample=rows,
    )


CHECK = CheckKind("seasonality", "behavioral", run, "seasonal shape of a datetime column")
