"""`targets.mean_in_range`: the mean of a column inside [min, max]."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pyarrow as pa

from datagen.engine import dsl
from datagen.engine.validate import stats
from datagen.engine.validate.context import Context, to_numpy
from datagen.engine.validate.registry import CheckKind
from datagen.engine.validate.report import Check


def run(ctx: Context) -> Iterator[Check]:
    for target in ctx.dataset.targets.mean_in_range:
        if ctx.ready("behavioral", "mean_in_range", target.table, target.column):
            yield mean_in_range(ctx, target)


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
        sample=n,
    )


CHECK = CheckKind("mean_in_range", "behavioral", run, "mean of a column")
