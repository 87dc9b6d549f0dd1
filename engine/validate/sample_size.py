"""The sample-size rule: a statistical check over too few rows says nothing.

Sampling allowances widen as the sample shrinks, so a share over two rows
"passes" with an 80% error. A check whose kind is listed here and whose
measurement covers fewer rows (`Check.sample`: rows, values, or parents for a
fanout) than its minimum is set aside: listed in the report as "not enough
data" (in `skipped`, with what it measured) and left out of the score.
Structural and value checks (keys, ranges, uniqueness) hold row by row and
have no minimum. docs/report.md lists the minimums.
"""

from __future__ import annotations

from typing import Any

from datagen.engine.validate.report import Check

# five expected rows per bin for the shape checks (24 hours, 7 weekdays, 12 months);
# 30 for a single share or mean (the normal approximation of the allowance)
MIN_SAMPLE: dict[str, int] = {
    "choice_weights": 30,
    "null_rate": 30,
    "fanout_mean": 30,
    "weekend_share": 30,
    "mean_in_range": 30,
    "hour_pattern": 120,
    "dow_pattern": 35,
    "month_pattern": 60,
    "seasonality": 120,
    "composite_effect": 120,
}
NOT_ENOUGH_DATA = "not enough data"


def set_aside(checks: list[Check]) -> tuple[list[Check], list[dict[str, Any]]]:
    """(the checks that count, the skipped entries of those over too few rows)."""
    kept: list[Check] = []
    thin: list[dict[str, Any]] = []
    for check in checks:
        needed = MIN_SAMPLE.get(check.name)
        if needed is None or check.sample is None or check.sample >= needed:
            kept.append(check)
            continue
        thin.append(
            {
                "category": check.category,
                "name": check.name,
                "table": check.table,
                "column": check.column,
                "reason": f"{NOT_ENOUGH_DATA}: {check.sample:,} rows, "
                f"this check needs at least {needed:,}",
                "sample": check.sample,
                "min_sample": needed,
                "measured": check.measured,
                "expected": check.expected,
            }
        )
    return kept, thin


def summary_lines(skipped: list[dict[str, Any]], shown: int = 5) -> list[str]:
    """One line for the checks over too few rows, one for those that could not run."""
    thin = [s for s in skipped if str(s.get("reason", "")).startswith(NOT_ENOUGH_DATA)]
    other = [s for s in skipped if s not in thin]
    lines = []
    if thin:
        places = [
            f"{s['name']} on {'.'.join(str(p) for p in (s['table'], s['column']) if p)} "
            f"({s['sample']:,} rows, needs {s['min_sample']:,})"
            for s in thin[:shown]
        ]
        more = f", and {len(thin) - shown} more" if len(thin) > shown else ""
        lines.append(
            f"{len(thin)} check(s) not scored, {NOT_ENOUGH_DATA}: {', '.join(places)}{more}"
        )
    if other:
        reasons = sorted({str(s["reason"]) for s in other})
        lines.append(f"{len(other)} check(s) skipped: {'; '.join(reasons)}")
    return lines
