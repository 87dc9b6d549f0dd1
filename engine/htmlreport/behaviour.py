"""Declared behaviour against observed behaviour, one `Shape` per thing the schema declares.

Where the validator scored a behaviour, the numbers are the ones in its
check (the JSON report's `measured` and `expected`), so the page and the
JSON never disagree. Where a check does not carry the whole observed shape
(choice weights, the fanout distribution) or no check applies (a pattern
moved by time_jitter), the observed side is an aggregate computed here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from datagen.engine import dsl, relations
from datagen.engine.fanout import describe_fanout as shared_describe_fanout
from datagen.engine.fanout import fanout_pmf
from datagen.engine.fanout import shapes as fanout_shapes
from datagen.engine.htmlreport.profile import Profiler, display, quote
from datagen.engine.modifiers.kind import modifier_of
from datagen.engine.plan import default_time_column
from datagen.engine.validate import time_cells
from datagen.engine.validate.report import Check, Report

DIMENSION_NAMES = {"hour": "hour of day", "dow": "weekday", "month": "month"}
# Fanout bars: counts beyond this many children are grouped into the last bar.
FANOUT_BARS = 40


@dataclass
class Shape:
    table: str
    column: str | None
    title: str
    labels: list[str]
    observed: list[float]
    declared: list[float]
    ylabel: str
    check: Check | None = None
    note: str = ""
    bad_labels: list[str] = field(default_factory=list)
    family: int = 0  # 0 time shapes, 1 fanouts, 2 choice weights: the order on the page


def declared_shapes(dataset: dsl.Dataset, report: Report, profiler: Profiler) -> list[Shape]:
    shapes: list[Shape] = []
    by_key = {(c.name, c.table, c.column): c for c in report.checks}
    for check in report.checks:
        if check.name in ("hour_pattern", "dow_pattern", "month_pattern"):
            shapes.append(_pattern_from_check(check))
        elif check.name in ("seasonality", "composite_effect"):
            shape = _index_from_check(check, dataset)
            if shape is not None:
                shapes.append(shape)
        elif check.name == "choice_weights" and check.table and check.column:
            if check.table in profiler.views:
                shapes.append(_choice_from_check(check, profiler))
    shapes += _unchecked_patterns(dataset, by_key, profiler)
    shapes += _unchecked_seasonality(dataset, by_key, profiler)
    shapes += _fanouts(dataset, by_key, profiler)
    # time shapes first, then fanouts, then choice weights; schema order within each
    order = {node.id: i for i, node in enumerate(dataset.nodes)}
    shapes.sort(key=lambda s: (s.family, order.get(s.table, len(order))))
    return shapes


def _bad_bins(check: Check, key: str = "bin") -> list[str]:
    return [str(e[key]) for e in check.examples if isinstance(e, dict) and key in e]


def _pattern_from_check(check: Check) -> Shape:
    dimension = check.name.removesuffix("_pattern")
    observed = (check.measured or {}).get("shares", {})
    expected = (check.expected or {}).get("shares", {})
    labels = list(expected) or list(observed)
    return Shape(
        table=check.table or "",
        column=check.column,
        title=f"{check.where}: share of rows per {DIMENSION_NAMES[dimension]}",
        labels=labels,
        observed=[float(observed.get(label, 0.0)) for label in labels],
        declared=[float(expected.get(label, 0.0)) for label in labels],
        ylabel="share of rows",
        check=check,
        note="declared: the datetime_series pattern(s) over the generator's window",
        bad_labels=_bad_bins(check),
    )


def _index_from_check(check: Check, dataset: dsl.Dataset) -> Shape | None:
    observed = (check.measured or {}).get("index") if isinstance(check.measured, dict) else None
    expected = (check.expected or {}).get("index") if isinstance(check.expected, dict) else None
    if not observed or not expected:
        return None
    labels = [label for label in expected if label in observed]
    dimension = next(
        (d for d, names in time_cells.LABELS.items() if labels and labels[0] in names), "month"
    )
    if check.name == "seasonality":
        what = "rows" if ":" not in (check.column or "") else "sum of " + check.column.split(":")[1]
        title = f"{check.where}: {DIMENSION_NAMES[dimension]} seasonality of {what}"
        note = "index per hour of exposure, 1 = average; declared: the target's weights"
    else:
        title = f"{check.where}: mean per {DIMENSION_NAMES[dimension]} (composite effect)"
        note = "index, 1 = overall mean; declared: the column's seasonality/trend modifiers"
    return Shape(
        table=check.table or "",
        column=check.column,
        title=title,
        labels=labels,
        observed=[float(observed[label]) for label in labels],
        declared=[float(expected[label]) for label in labels],
        ylabel="index (1 = average)",
        check=check,
        note=note,
        bad_labels=_bad_bins(check),
    )


def _choice_from_check(check: Check, profiler: Profiler) -> Shape:
    assert check.table and check.column
    expected: dict[str, float] = (check.expected or {}).get("shares", {})
    observed = profiler.value_shares(check.table, check.column)
    # the check keys values by their JSON form; the profile by their display form
    expected = {_same_key(k, observed): float(v) for k, v in expected.items()}
    labels = list(expected) + [k for k in observed if k not in expected]
    return Shape(
        table=check.table,
        column=check.column,
        title=f"{check.where}: choice weights",
        labels=labels,
        observed=[observed.get(label, 0.0) for label in labels],
        declared=[expected.get(label, 0.0) for label in labels],
        ylabel="share of rows",
        check=check,
        note="declared: the choice generator's weights, normalized",
        family=2,
        bad_labels=[display(e.get("value")) for e in check.examples if isinstance(e, dict)],
    )


def _same_key(key: str, observed: dict[str, float]) -> str:
    if key in observed:
        return key
    for candidate in (key.lower(), display(_number(key))):
        if candidate in observed:
            return candidate
    return key


def _number(text: str) -> Any:
    try:
        value = float(text)
    except ValueError:
        return text
    return int(value) if value.is_integer() else value


def _unchecked_patterns(
    dataset: dsl.Dataset,
    by_key: dict[tuple[str, str | None, str | None], Check],
    profiler: Profiler,
) -> list[Shape]:
    """Declared datetime patterns the validator does not score (e.g. moved by time_jitter)."""
    shapes = []
    for node in dataset.nodes:
        if node.id not in profiler.views:
            continue
        names = set(profiler.sources[node.id].names)
        for col in node.columns:
            shape = time_cells.column_shape(dataset, col)
            if shape is None or not shape.patterns:
                continue
            if col.name not in names:
                continue
            window = time_cells.shape_window(shape)
            for dimension in dict.fromkeys(p.dimension for p in shape.patterns):
                if (f"{dimension}_pattern", node.id, col.name) in by_key:
                    continue
                if dimension == "hour" and (col.type == "date" or shape.freq == "D"):
                    continue
                expected = time_cells.expected_shares(*window, list(shape.patterns), dimension)
                counts = profiler.time_bin_counts(node.id, col.name, dimension)
                total = sum(counts)
                if total == 0:
                    continue
                shapes.append(
                    Shape(
                        table=node.id,
                        column=col.name,
                        title=f"{node.id}.{col.name}: share of rows per "
                        f"{DIMENSION_NAMES[dimension]}",
                        labels=list(time_cells.LABELS[dimension]),
                        observed=[round(c / total, 4) for c in counts],
                        declared=[round(float(e), 4) for e in expected],
                        ylabel="share of rows",
                        note="not scored: modifiers or an inequality repair move these "
                        "timestamps after the pattern is drawn",
                    )
                )
    return shapes


def _unchecked_seasonality(
    dataset: dsl.Dataset,
    by_key: dict[tuple[str, str | None, str | None], Check],
    profiler: Profiler,
) -> list[Shape]:
    """Seasonality modifiers no composite_effect target scores: mean per bin vs. the weights.

    Both sides are indexes (1 = the overall mean): the observed bin mean over
    the overall mean, and the bin's weight over the row-weighted mean weight.
    Other modifiers (trend, outliers, effects) are not modelled here.
    """
    shapes = []
    for node in dataset.nodes:
        if node.id not in profiler.views:
            continue
        names = set(profiler.sources[node.id].names)
        for col in node.columns:
            if col.type not in ("int", "float") or col.name not in names:
                continue
            if ("composite_effect", node.id, col.name) in by_key:
                continue
            for mod in col.modifiers:
                effect = modifier_of(mod).time_effect(mod.args)
                if effect is None or effect.weights is None or effect.dimension is None:
                    continue
                time = effect.column or default_time_column(node, exclude=col.name)
                if time is None or time not in names:
                    continue
                dimension = effect.dimension
                counts, sums = profiler.sums_per_time_bin(node.id, col.name, time, dimension)
                rows, total = sum(counts), sum(sums)
                if rows == 0 or total == 0:
                    continue
                weights = effect.weights
                mean_weight = sum(n * w for n, w in zip(counts, weights, strict=True)) / rows
                present = [b for b in range(len(counts)) if counts[b]]
                labels = time_cells.LABELS[dimension]
                shapes.append(
                    Shape(
                        table=node.id,
                        column=col.name,
                        title=f"{node.id}.{col.name}: mean per {DIMENSION_NAMES[dimension]} "
                        "(seasonality modifier)",
                        labels=[labels[b] for b in present],
                        observed=[
                            round((sums[b] / counts[b]) / (total / rows), 4) for b in present
                        ],
                        declared=[
                            round(weights[b] / mean_weight, 4) if mean_weight else 0.0
                            for b in present
                        ],
                        ylabel="index (1 = average)",
                        note=f"not scored (no composite_effect target); by {time}; other "
                        "modifiers of the column also move the means",
                    )
                )
    return shapes


def _fanouts(
    dataset: dsl.Dataset,
    by_key: dict[tuple[str, str | None, str | None], Check],
    profiler: Profiler,
) -> list[Shape]:
    """Children per parent row: the observed distribution against the declared one."""
    shapes = []
    for node in dataset.nodes:
        if node.kind != "fact" or node.fanout is None or not node.parents:
            continue
        fk = relations.fk_between(dataset, node.id, node.parents[0])
        if fk is None or fk.table not in profiler.views or fk.ref_table not in profiler.views:
            continue
        if fk.column not in profiler.sources[fk.table].names:
            continue
        if fk.ref_column not in profiler.sources[fk.ref_table].names:
            continue
        histogram = profiler.fanout_histogram(fk.table, fk.column, fk.ref_table, fk.ref_column)
        parents = sum(histogram.values())
        if parents == 0:
            continue
        pmf = declared_fanout_pmf(node.fanout, _case_shares(node.fanout, fk.ref_table, profiler))
        top = max([*histogram, *(k for k, p in pmf.items() if p > 1e-4)], default=0)
        top = min(top, node.fanout.min + FANOUT_BARS)
        ks = list(range(0, top + 1))
        observed = [histogram.get(k, 0) / parents for k in ks]
        declared = [pmf.get(k, 0.0) for k in ks]
        # the last bar holds everything at or past it
        beyond_observed = sum(n for k, n in histogram.items() if k > top) / parents
        beyond_declared = sum(p for k, p in pmf.items() if k > top)
        observed[-1] += beyond_observed
        declared[-1] += beyond_declared
        labels = [str(k) for k in ks]
        if beyond_observed > 0 or beyond_declared > 1e-4:
            labels[-1] += "+"
        check = by_key.get(("fanout_mean", node.id, None))
        mean = sum(k * n for k, n in histogram.items()) / parents
        shapes.append(
            Shape(
                table=node.id,
                column=None,
                title=f"{node.id}: {node.id} rows per {fk.ref_table} row (fanout)",
                labels=labels,
                observed=observed,
                declared=declared,
                ylabel=f"share of {fk.ref_table} rows",
                check=check,
                family=1,
                note=f"declared: {describe_fanout(node.fanout)}; observed mean {mean:.3f} "
                f"over {parents:,} {fk.ref_table} rows",
            )
        )
    return shapes


def declared_fanout_pmf(fanout: dsl.Fanout, shares: list[float] | None = None) -> dict[int, float]:
    """P(children = k) the fanout declares (every shape: engine/fanout.py); with `by`, its
    shapes mixed by `shares` (the parents' share per shape, the default's first)."""
    if not shares:
        values, probs = fanout_pmf(fanout)
        return {int(k): float(p) for k, p in zip(values, probs, strict=True)}
    mixed: dict[int, float] = {}
    for share, shape in zip(shares, fanout_shapes(fanout), strict=True):
        values, probs = fanout_pmf(shape)
        for k, p in zip(values, probs, strict=True):
            mixed[int(k)] = mixed.get(int(k), 0.0) + share * float(p)
    return mixed


def _case_shares(fanout: dsl.Fanout, parent: str, profiler: Profiler) -> list[float] | None:
    """The parents' share of each shape of a fanout `by` one of their columns, as written."""
    if not fanout.cases or fanout.by is None or fanout.by not in profiler.sources[parent].names:
        return None
    rows = profiler.query(
        f"SELECT CAST({quote(fanout.by)} AS VARCHAR), count(*) FROM {profiler.view(parent)}"
        " GROUP BY 1"
    )
    keys = list(fanout.cases)
    counts = [0.0] * (len(keys) + 1)
    for value, n in rows:
        counts[keys.index(value) + 1 if value in keys else 0] += n
    total = sum(counts)
    return [c / total for c in counts] if total else None


def describe_fanout(fanout: dsl.Fanout) -> str:
    return shared_describe_fanout(fanout)
