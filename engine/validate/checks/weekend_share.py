"""`targets.weekend_share`: the share of timestamps on Saturday and Sunday."""

from __future__ import annotations

import math
from collections.abc import Iterator

from datagen.engine import dsl
from datagen.engine.validate import stats, time_cells
from datagen.engine.validate.context import Context
from datagen.engine.validate.registry import CheckKind
from datagen.engine.validate.report import Check


def run(ctx: Context) -> Iterator[Check]:
    for target in ctx.dataset.targets.weekend_share:
        if ctx.ready("behavioral", "weekend_share", target.table, target.column):
            yield weekend_share(ctx, target)


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
        sample=n,
    )


def _widened(low: float, high: float, share: float, n: int) -> tuple[float, float]:
    """A share band widened by the sampling error at the nearest edge."""
    p = min(max(share if not math.isnan(share) else low, low), high)
    pad = stats.share_tolerance(p, n)
    return low - pad, high + pad


CHECK = CheckKind("weekend_share", "behavioral", run, "weekend share of a datetime column")
