"""Claims measured on the data: what the description asked for, checked on every row.

A claim (dsl.Claim) is bound to a registered *measure*: a name, a pydantic
model of its arguments, a function that computes the measured value on the
full data column-wise (batches of Arrow columns, numpy), and a rule that says
whether the measured value honours the claim's `expected`. Adding a measure
is one `Measure(...)` entry in MEASURES; nothing else changes.

    results = measure_claims(ctx)      # one ClaimResult per claim of the schema

`where` and `of` arguments are expressions over the table's columns, compiled
with the engine's whitelisted expression compiler (engine/expressions.py).
Column references in `order`/`duration` are `column` (this table),
`parent.column` (the parent row, reached through the foreign key), or
`fk_column->parent.column` (an explicit foreign key).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from datagen.engine import dsl, relations
from datagen.engine.expressions import ExpressionError, compile_expression
from datagen.engine.validate import stats
from datagen.engine.validate.context import Context, to_numpy, valid_mask
from datagen.engine.validate.report import jsonable
from datagen.engine.validate.time_cells import epoch_micros

ClaimVerdict = Literal["honoured", "not_honoured", "not_modelled", "unmeasurable"]


class Unmeasurable(Exception):
    """The measure cannot run on this data (missing table or column, bad expression)."""


class Args(BaseModel):
    model_config = ConfigDict(extra="forbid")

    table: dsl.Identifier


@dataclass
class Measured:
    """A measured value (what the report shows), the rows it rests on, and details."""

    value: Any
    n: int | None = None
    details: dict[str, Any] = field(default_factory=dict)


MeasureFn = Callable[[Context, Any], Measured]
HonouredFn = Callable[[dsl.ClaimExpected, Measured], bool]


@dataclass(frozen=True)
class Measure:
    name: str
    args: type[Args]
    description: str
    measure: MeasureFn
    honoured: HonouredFn


MEASURES: dict[str, Measure] = {}


def register(measure: Measure) -> Measure:
    MEASURES[measure.name] = measure
    return measure


# --------------------------------------------------------------------------- results


@dataclass
class ClaimResult:
    claim: dsl.Claim
    status: ClaimVerdict
    measured: Any = None
    message: str = ""

    def to_dict(self) -> dict[str, Any]:
        c = self.claim
        return {
            "id": c.id,
            "text": c.text,
            "kind": c.kind,
            "bound_to": c.bound_to.model_dump(mode="json") if c.bound_to else None,
            "expected": c.expected.model_dump(mode="json", exclude_none=True),
            "measured": jsonable(self.measured),
            "status": self.status,
            "message": self.message,
        }


def binding_args(binding: dsl.ClaimBinding) -> Args:
    """The binding's arguments validated against its measure; ValueError names the problem."""
    measure = MEASURES.get(binding.measure)
    if measure is None:
        raise ValueError(
            f"unknown measure `{binding.measure}`: use one of {', '.join(sorted(MEASURES))}"
        )
    extra = dict(binding.model_extra or {})
    try:
        return measure.args.model_validate(extra)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise ValueError(f"measure `{binding.measure}`: {where}: {first['msg']}") from None


def binding_problems(dataset: dsl.Dataset, binding: dsl.ClaimBinding) -> list[str]:
    """What is wrong with a binding against the schema (unknown measure, table, column)."""
    try:
        args = binding_args(binding)
    except ValueError as exc:
        return [str(exc)]
    node = dataset.node(args.table)
    if node is None:
        return [f"unknown table `{args.table}`"]
    problems = []
    names = {c.name for c in node.columns}
    for key, value in args.model_dump().items():
        if key in ("column", "by", "time") and isinstance(value, str) and value not in names:
            problems.append(f"table `{args.table}` has no column `{value}`")
        if key == "rows_of" and isinstance(value, str):
            if relations.fk_between(dataset, value, args.table) is None:
                problems.append(f"`{value}` has no foreign key to `{args.table}`")
        if key in ("where", "of", "versus") and isinstance(value, str):
            try:
                compile_expression(value, names)
            except ExpressionError as exc:
                problems.append(f"`{key}`: {exc}")
        if key in ("first", "then", "start", "end") and isinstance(value, str):
            try:
                _reference(dataset, args.table, value)
            except Unmeasurable as exc:
                problems.append(f"`{key}`: {exc}")
    return problems


def measure_claims(ctx: Context) -> list[ClaimResult]:
    return [measure_claim(ctx, claim) for claim in ctx.dataset.claims]


def measure_claim(ctx: Context, claim: dsl.Claim) -> ClaimResult:
    if claim.status == "not_modelled" or claim.bound_to is None:
        reason = claim.reason or "no measure is bound to it"
        return ClaimResult(claim, "not_modelled", None, reason)
    try:
        args = binding_args(claim.bound_to)
        measure = MEASURES[claim.bound_to.measure]
        measured = measure.measure(ctx, args)
    except (ValueError, Unmeasurable) as exc:
        return ClaimResult(claim, "unmeasurable", None, str(exc))
    ok = measure.honoured(claim.expected, measured)
    message = (
        f"measured {describe_value(measured.value)} on {measured.n} rows"
        if measured.n is not None
        else f"measured {describe_value(measured.value)}"
    )
    if measured.details.get("note"):
        message += f" ({measured.details['note']})"
    return ClaimResult(claim, "honoured" if ok else "not_honoured", measured.value, message)


def describe_value(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.4g}"
    if isinstance(value, dict):
        return ", ".join(f"{k} {describe_value(v)}" for k, v in value.items())
    return str(jsonable(value))


# --------------------------------------------------------------------------- data access


def _require(ctx: Context, table: str, *columns: str) -> None:
    if table not in ctx.sources:
        raise Unmeasurable(f"table `{table}` is missing")
    names = ctx.sources[table].names
    for column in columns:
        if column not in names or (table, column) in ctx.unusable:
            raise Unmeasurable(f"`{table}.{column}` is missing or mistyped")


def _compiled(ctx: Context, table: str, source: str) -> Any:
    names = set(ctx.sources[table].names) if table in ctx.sources else set()
    try:
        return compile_expression(source, names)
    except ExpressionError as exc:
        raise Unmeasurable(f"expression `{source}`: {exc}") from None


def _env(batch: pa.RecordBatch, names: frozenset[str]) -> dict[str, Any]:
    env: dict[str, Any] = {}
    for name in names:
        values = batch.column(name)
        if pa.types.is_dictionary(values.type):
            values = values.cast(values.type.value_type)
        if pa.types.is_string(values.type) or pa.types.is_large_string(values.type):
            env[name] = np.asarray(values.to_pylist(), dtype=object)
        else:
            env[name] = to_numpy(values)
    return env


def _mask(expression: Any, batch: pa.RecordBatch) -> np.ndarray:
    result = expression(_env(batch, expression.names))
    mask = np.asarray(result)
    if mask.dtype != bool:
        mask = mask.astype(bool)
    return np.broadcast_to(mask, (batch.num_rows,))


def _filtered_rows(
    ctx: Context, table: str, columns: list[str], where: str | None
) -> Iterator[tuple[pa.RecordBatch, np.ndarray]]:
    """Batches of `columns` (and the where's) with the mask of rows matching `where`."""
    _require(ctx, table, *columns)
    expression = _compiled(ctx, table, where) if where else None
    names = list(dict.fromkeys(columns + sorted(expression.names if expression else ())))
    if not names:
        names = [ctx.sources[table].names[0]]
    for batch in ctx.scan(table, names):
        data = batch.data
        mask = _mask(expression, data) if expression else np.ones(data.num_rows, dtype=bool)
        yield data, mask


# --------------------------------------------------------------------------- honoured rules


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (int, float)):
        return float(value)
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _within(expected: dsl.ClaimExpected, value: float, slack: float = 0.0) -> bool:
    """value against expected (value +- tolerance, or min/max), widened by `slack`."""
    if math.isnan(value):
        return False
    target = _number(expected.value)
    if target is not None:
        tolerance = expected.tolerance if expected.tolerance is not None else 0.0
        # sampling noise widens the stated window by half of it at most: over a few rows a
        # far-off value (x1.12 for 'twice the rate') is not honoured because it is noisy
        noise = min(slack, tolerance / 2) if tolerance > 0 else slack
        if abs(value - target) > tolerance + noise:
            return False
    low, high = _number(expected.min), _number(expected.max)
    if low is not None and value < low - slack:
        return False
    return not (high is not None and value > high + slack)


def _scalar_honoured(expected: dsl.ClaimExpected, measured: Measured) -> bool:
    value = _number(measured.value)
    return value is not None and _within(expected, value)


def _share_honoured(expected: dsl.ClaimExpected, measured: Measured) -> bool:
    """A share: the expectation widened by the binomial spread of the n rows measured, at
    the expected share (1% over a 729-row dry run may well show 0.27%; over a million rows
    the spread is a few hundredths of a percent, so the full data is held to the figure)."""
    value = _number(measured.value)
    if value is None or not measured.n or math.isnan(value):
        return False
    target = _number(expected.value)
    low, high = _number(expected.min), _number(expected.max)
    if target is not None:
        tolerance = expected.tolerance if expected.tolerance is not None else 0.0
        if abs(value - target) > tolerance + stats.share_tolerance(target, measured.n):
            return False
    if low is not None and value < low - stats.share_tolerance(low, measured.n):
        return False
    return not (high is not None and value > high + stats.share_tolerance(high, measured.n))


# --------------------------------------------------------------------------- measures


class RowsArgs(Args):
    pass


DRAWN_NOTE = "drawn parent by parent: its sampling spread allowed"


def _rows(ctx: Context, args: RowsArgs) -> Measured:
    _require(ctx, args.table)
    node = ctx.dataset.node(args.table)
    fanout = node.fanout if node is not None and node.kind == "fact" else None
    # a fact's rows are a sum of random per-parent counts: their sampling spread is allowed
    drawn: dict[str, Any] = {}
    if fanout is not None and fanout.min != fanout.max:
        drawn = {"drawn": True, "note": DRAWN_NOTE}
    if ctx.rows_origin == "rows_expected" and ctx.rows_expected:
        # a dry run shrinks tables: the planned full-size count is the one the user gets
        planned = planned_rows(ctx.dataset).get(args.table, 0)
        return Measured(planned, None, {"planned": True})
    return Measured(ctx.num_rows(args.table), None, drawn)


def _rows_honoured(expected: dsl.ClaimExpected, measured: Measured) -> bool:
    """Rows: exact for a table of stated rows; a fact drawn parent by parent may be off by
    its sampling spread (about the square root of the count: '100 orders' from 25 customers
    at 4 each on average gives 103), never by more than a tenth."""
    value, target = _number(measured.value), _number(expected.value)
    if value is None:
        return False
    if not measured.details.get("drawn") or target is None:
        return _within(expected, value)
    tolerance = expected.tolerance if expected.tolerance is not None else 0.0
    spread = min(stats.z_value() * math.sqrt(max(target, 1.0)), 0.1 * abs(target))
    return abs(value - target) <= tolerance + spread


def planned_rows(dataset: dsl.Dataset) -> dict[str, int]:
    """Full-size rows per table as the planner estimates them (facts: parents x mean fanout)."""
    from datagen.engine.plan import build_plan

    return {t: p.estimated_rows for t, p in build_plan(dataset, 0).tables.items()}


register(
    Measure(
        "rows",
        RowsArgs,
        "rows of a table (entity counts, total size)",
        _rows,
        _rows_honoured,
    )
)


PER_SECONDS = {
    "second": 1,
    "minute": 60,
    "hour": 3600,
    "day": 86400,
    "week": 7 * 86400,
    "month": 30.436875 * 86400,
    "quarter": 91.310625 * 86400,
    "year": 365.2425 * 86400,
}


class RowsPerArgs(Args):
    column: dsl.Identifier = Field(description="the timestamp that spreads the rows")
    per: Literal["second", "minute", "hour", "day", "week", "month", "quarter", "year"]


def _rows_per(ctx: Context, args: RowsPerArgs) -> Measured:
    """Rows per period: rows over the periods between the first and last timestamp."""
    rows = _rows(ctx, RowsArgs(table=args.table)).value
    low, high, _ = _extremes(ctx, ColumnArgs(table=args.table, column=args.column))
    seconds = (_as_comparable(high) - _as_comparable(low)).astype(np.int64)
    periods = max(1.0, round(float(seconds) / PER_SECONDS[args.per]))
    return Measured(rows / periods, None, {"periods": periods})


register(
    Measure(
        "rows_per",
        RowsPerArgs,
        "rows per day / week / month ... over the span of a timestamp column",
        _rows_per,
        _scalar_honoured,
    )
)


class ShareArgs(Args):
    where: str = Field(description="expression: the rows counted")
    of: str | None = Field(None, description="expression: among these rows only (default all)")


def _share(ctx: Context, args: ShareArgs) -> Measured:
    _require(ctx, args.table)
    among_expr = _compiled(ctx, args.table, args.of) if args.of else None
    extra = sorted(among_expr.names) if among_expr else []
    hits = total = 0
    for data, mask in _filtered_rows(ctx, args.table, extra, args.where):
        among = _mask(among_expr, data) if among_expr else np.ones(len(mask), dtype=bool)
        hits += int((mask & among).sum())
        total += int(among.sum())
    if not total:
        raise Unmeasurable(
            f"no rows of `{args.table}`" + (f" match `{args.of}`" if args.of else "")
        )
    return Measured(hits / total, total)


register(
    Measure(
        "share",
        ShareArgs,
        "share of a table's rows matching `where` (optionally among rows matching `of`): rates",
        _share,
        _share_honoured,
    )
)


class PresentArgs(Args):
    column: dsl.Identifier = Field(description="a nullable column, e.g. churned_at")


def _present(ctx: Context, args: PresentArgs) -> Measured:
    """Share of rows where the column has a value ('15% churn': `churned_at` filled)."""
    _require(ctx, args.table, args.column)
    rows = ctx.num_rows(args.table)
    if not rows:
        raise Unmeasurable(f"`{args.table}` has no rows")
    return Measured((rows - ctx.sources[args.table].null_count(args.column)) / rows, rows)


register(
    Measure(
        "present",
        PresentArgs,
        "share of rows where a nullable column has a value (churned_at filled: churn rate)",
        _present,
        _share_honoured,
    )
)


class ColumnArgs(Args):
    column: dsl.Identifier
    where: str | None = None


def _numeric(values: pa.Array) -> np.ndarray:
    if pa.types.is_timestamp(values.type) or pa.types.is_date(values.type):
        raise Unmeasurable("a numeric column is needed")
    valid = values.drop_null() if values.null_count else values
    try:
        return to_numpy(valid, np.float64)
    except (TypeError, ValueError, pa.ArrowException):
        raise Unmeasurable("a numeric column is needed") from None


def _mean(ctx: Context, args: ColumnArgs) -> Measured:
    moments = stats.Moments()
    for data, mask in _filtered_rows(ctx, args.table, [args.column], args.where):
        values = data.column(args.column).filter(
            pa.array(mask & valid_mask(data.column(args.column)))
        )
        moments.add(_numeric(values))
    if not moments.count:
        raise Unmeasurable(f"no values in `{args.table}.{args.column}`")
    return Measured(moments.mean, moments.count, {"std": moments.std})


def _mean_honoured(expected: dsl.ClaimExpected, measured: Measured) -> bool:
    value = _number(measured.value)
    if value is None or not measured.n:
        return False
    slack = stats.mean_tolerance(float(measured.details.get("std", 0.0)), measured.n)
    target = _number(expected.value)
    if target is not None:
        # the sampling error of the n values measured, whole: 13 paying users of a 300-row dry
        # run cannot show a $20 mean to within $2; a million rows can
        tolerance = expected.tolerance if expected.tolerance is not None else 0.0
        if abs(value - target) > tolerance + slack:
            return False
        expected = expected.model_copy(update={"value": None, "tolerance": None})
    return _within(expected, value, slack)


register(Measure("mean", ColumnArgs, "mean of a numeric column (averages)", _mean, _mean_honoured))


def _median(ctx: Context, args: ColumnArgs) -> Measured:
    parts = []
    moments = stats.Moments()
    for data, mask in _filtered_rows(ctx, args.table, [args.column], args.where):
        values = data.column(args.column).filter(
            pa.array(mask & valid_mask(data.column(args.column)))
        )
        moments.add(_numeric(values))
        parts.append(_numeric(values))
    if not moments.count:
        raise Unmeasurable(f"no values in `{args.table}.{args.column}`")
    median = float(np.median(np.concatenate(parts)))
    return Measured(median, moments.count, {"std": moments.std})


def _median_honoured(expected: dsl.ClaimExpected, measured: Measured) -> bool:
    # a median's sampling error is about 1.25 times a mean's over the same values
    std = float(measured.details.get("std", 0.0)) * 1.2533
    return _mean_honoured(expected, Measured(measured.value, measured.n, {"std": std}))


register(
    Measure(
        "median",
        ColumnArgs,
        "median of a numeric column ('the median donation is $50')",
        _median,
        _median_honoured,
    )
)


def _extremes(ctx: Context, args: ColumnArgs) -> tuple[Any, Any, int]:
    low: Any = None
    high: Any = None
    n = 0
    for data, mask in _filtered_rows(ctx, args.table, [args.column], args.where):
        values = data.column(args.column).filter(pa.array(mask))
        if values.null_count:
            values = values.drop_null()
        if not len(values):
            continue
        n += len(values)
        found = pc.min_max(values)
        lo, hi = found["min"].as_py(), found["max"].as_py()
        low = lo if low is None or lo < low else low
        high = hi if high is None or hi > high else high
    if not n:
        raise Unmeasurable(f"no values in `{args.table}.{args.column}`")
    return low, high, n


class RangeArgs(ColumnArgs):
    scale: float = Field(
        1.0, gt=0, description="multiply the values first: 100 for a 0-1 column a percent names"
    )


def _range(ctx: Context, args: RangeArgs) -> Measured:
    low, high, n = _extremes(ctx, ColumnArgs(table=args.table, column=args.column,
                                             where=args.where))  # fmt: skip
    if args.scale != 1 and _number(low) is not None and _number(high) is not None:
        low, high = float(low) * args.scale, float(high) * args.scale
    return Measured({"min": low, "max": high}, n)


def _as_comparable(value: Any) -> Any:
    """Numbers as floats, dates/datetimes/ISO strings as numpy datetime64[s]."""
    number = _number(value)
    if number is not None:
        return number
    if isinstance(value, str):
        return dsl.parse_instant(value)
    if hasattr(value, "isoformat"):
        return dsl.parse_instant(value.isoformat())
    return value


def _range_honoured(expected: dsl.ClaimExpected, measured: Measured) -> bool:
    """Every value within [min, max]."""
    low, high = measured.value["min"], measured.value["max"]
    try:
        if expected.min is not None and _as_comparable(low) < _as_comparable(expected.min):
            return False
        return not (
            expected.max is not None and _as_comparable(high) > _as_comparable(expected.max)
        )
    except (TypeError, ValueError):
        return False


register(
    Measure(
        "range",
        RangeArgs,
        "smallest and largest value of a column: every value within [min, max]",
        _range,
        _range_honoured,
    )
)


class WindowArgs(Args):
    column: dsl.Identifier


def _window(ctx: Context, args: WindowArgs) -> Measured:
    low, high, n = _extremes(ctx, ColumnArgs(table=args.table, column=args.column))
    return Measured({"min": low, "max": high}, n)


WINDOW_COVERAGE = 0.8


def _window_honoured(expected: dsl.ClaimExpected, measured: Measured) -> bool:
    """Every timestamp in [min, max) and the data spanning most of the window."""
    if expected.min is None or expected.max is None:
        return _range_honoured(expected, measured)
    try:
        start, end = _as_comparable(expected.min), _as_comparable(expected.max)
        low, high = _as_comparable(measured.value["min"]), _as_comparable(measured.value["max"])
    except (TypeError, ValueError):
        return False
    if not isinstance(start, np.datetime64) or not isinstance(low, np.datetime64):
        return False
    if low < start or high >= end:
        return False
    span = (end - start).astype(np.int64)
    return bool((high - low).astype(np.int64) >= WINDOW_COVERAGE * span - 86400)


register(
    Measure(
        "window",
        WindowArgs,
        "first and last timestamp of a column: inside the window [min, max) and spanning most "
        "of it",
        _window,
        _window_honoured,
    )
)


class GrainArgs(Args):
    column: dsl.Identifier
    by: dsl.Identifier | None = Field(
        None, description="the series key (e.g. sensor_id): steps are measured within each series"
    )


def _stamps(
    ctx: Context, table: str, column: str, other: str | None
) -> tuple[np.ndarray, pa.ChunkedArray | None]:
    """Epoch microseconds of a timestamp column's non-null rows, and another column's
    values on the same rows."""
    columns = [column] + ([other] if other else [])
    _require(ctx, table, *columns)
    data = ctx.sources[table].read(columns)
    stamps = data.column(column)
    keep = valid_mask(stamps)
    rest = data.column(other).filter(pa.array(keep)) if other else None
    return epoch_micros(stamps)[keep], rest


def _grain(ctx: Context, args: GrainArgs) -> Measured:
    """The median step, in seconds, between consecutive distinct timestamps (per series)."""
    micros, by = _stamps(ctx, args.table, args.column, args.by)
    if by is not None:
        keys = pc.dictionary_encode(by).combine_chunks().indices
        series = to_numpy(pc.fill_null(keys, -1))
    else:
        series = np.zeros(len(micros), dtype=np.int64)
    order = np.lexsort((micros, series))
    micros, series = micros[order], series[order]
    steps = np.diff(micros)
    steps = steps[(series[1:] == series[:-1]) & (steps > 0)]
    if not len(steps):
        raise Unmeasurable(f"fewer than two distinct timestamps in `{args.table}.{args.column}`")
    return Measured(float(np.median(steps)) / 1e6, len(steps) + 1, {"unit": "s"})


def _grain_honoured(expected: dsl.ClaimExpected, measured: Measured) -> bool:
    value = _number(measured.value)
    target = _number(expected.value)
    if value is None:
        return False
    if target is not None and expected.tolerance is None:
        # a grain is honoured within 10% (timestamps jittered inside their step)
        return abs(value - target) <= 0.1 * target
    return _within(expected, value)


register(
    Measure(
        "grain",
        GrainArgs,
        "median step in seconds between consecutive timestamps (per series with `by`)",
        _grain,
        _grain_honoured,
    )
)


class DateSpan(BaseModel):
    model_config = ConfigDict(extra="forbid")

    start: str = Field(description="ISO date or datetime")
    end: str = Field(description="ISO date or datetime, exclusive")


class TimeShareArgs(Args):
    column: dsl.Identifier
    hours: list[int] | None = Field(None, description="hours of day 0-23")
    weekdays: list[int] | None = Field(None, description="0 = Monday ... 6 = Sunday")
    months: list[int] | None = Field(None, description="1 = January ... 12 = December")
    dates: list[DateSpan] | None = Field(None, description="date spans, e.g. holidays")


def _time_share(ctx: Context, args: TimeShareArgs) -> Measured:
    """Share of rows in the given hours/weekdays/months/date spans, and its lift: that share
    over the share of the data's time span those cells take (1.0 = no peak)."""
    _require(ctx, args.table, args.column)
    selected = _time_cells(ctx, args)
    n = int((ctx.bins(args.table, args.column, "hour") >= 0).sum())
    if not n:
        raise Unmeasurable(f"no timestamps in `{args.table}.{args.column}`")
    share = int(selected.sum()) / n
    low, high, _ = _extremes(ctx, ColumnArgs(table=args.table, column=args.column))
    start = _as_comparable(low)
    end = _as_comparable(high) + np.timedelta64(1, "s")
    exposure = _exposure(args, start, end)
    lift = share / exposure if exposure > 0 else math.nan
    return Measured({"share": share, "lift": lift}, n, {"exposure": exposure})


def _time_cells(ctx: Context, args: TimeShareArgs) -> np.ndarray:
    selected = ctx.bins(args.table, args.column, "hour") >= 0
    if args.hours is not None:
        selected &= np.isin(ctx.bins(args.table, args.column, "hour"), args.hours)
    if args.weekdays is not None:
        selected &= np.isin(ctx.bins(args.table, args.column, "dow"), args.weekdays)
    if args.months is not None:
        months = [m - 1 for m in args.months]
        selected &= np.isin(ctx.bins(args.table, args.column, "month"), months)
    if args.dates:
        micros = epoch_micros(ctx.column(args.table, args.column))
        inside = np.zeros(len(micros), dtype=bool)
        for span in args.dates:
            lo = dsl.parse_instant(span.start).astype("datetime64[us]").astype(np.int64)
            hi = dsl.parse_instant(span.end).astype("datetime64[us]").astype(np.int64)
            inside |= (micros >= lo) & (micros < hi)
        selected &= inside
    return selected


def _exposure(args: TimeShareArgs, start: np.datetime64, end: np.datetime64) -> float:
    """The share of the hours in [start, end) that fall in the selected cells."""
    from datagen.engine.validate.time_cells import bins_of, hour_cells

    cells, seconds = hour_cells(start, end)
    keep = np.ones(len(cells), dtype=bool)
    if args.hours is not None:
        keep &= np.isin(bins_of(cells, "hour"), args.hours)
    if args.weekdays is not None:
        keep &= np.isin(bins_of(cells, "dow"), args.weekdays)
    if args.months is not None:
        keep &= np.isin(bins_of(cells, "month"), [m - 1 for m in args.months])
    if args.dates:
        inside = np.zeros(len(cells), dtype=bool)
        for span in args.dates:
            lo = dsl.parse_instant(span.start).astype("datetime64[h]")
            hi = dsl.parse_instant(span.end).astype("datetime64[h]")
            inside |= (cells >= lo) & (cells < hi)
        keep &= inside
    total = float(seconds.sum())
    return float(seconds[keep].sum()) / total if total > 0 else 0.0


def _time_share_honoured(expected: dsl.ClaimExpected, measured: Measured) -> bool:
    """`unit: lift` compares the lift (peaks: "busier on Fridays"), else the share."""
    if expected.unit == "lift":
        lift = _number(measured.value["lift"])
        if lift is None or not measured.n:
            return False
        exposure = float(measured.details.get("exposure") or 0.0)
        slack = stats.share_tolerance(exposure, measured.n) / exposure if exposure else 0.0
        return _within(expected, lift, slack)
    return _share_honoured(expected, Measured(measured.value["share"], measured.n))


register(
    Measure(
        "time_share",
        TimeShareArgs,
        "share of rows whose timestamp falls in given hours / weekdays / months / date spans; "
        "with expected unit `lift`, that share over the time those cells take (peaks)",
        _time_share,
        _time_share_honoured,
    )
)


@dataclass(frozen=True)
class Reference:
    """A column of `table`, or of its parent through a foreign key column."""

    column: str
    fk: relations.ForeignKey | None = None


def _reference(dataset: dsl.Dataset, table: str, text: str) -> Reference:
    node = dataset.node(table)
    if node is None:
        raise Unmeasurable(f"unknown table `{table}`")
    text = text.replace(" ", "")
    if "->" in text:
        fk_column, target = text.split("->", 1)
        if "." not in target:
            raise Unmeasurable(f"`{text}`: write `fk_column->parent.column`")
        parent, column = relations.split_ref(target)
        fk = next(
            (
                f
                for f in relations.foreign_keys(dataset)
                if f.table == table and f.column == fk_column and f.ref_table == parent
            ),
            None,
        )
        if fk is None:
            raise Unmeasurable(f"`{table}.{fk_column}` is no foreign key to `{parent}`")
    elif "." in text:
        parent, column = relations.split_ref(text)
        if parent == table:
            return _reference(dataset, table, column)
        fk = relations.fk_between(dataset, table, parent)
        if fk is None:
            raise Unmeasurable(f"`{table}` has no foreign key to `{parent}`")
    else:
        if node.column(text) is None:
            raise Unmeasurable(f"table `{table}` has no column `{text}`")
        return Reference(text)
    parent_node = dataset.node(parent)
    if parent_node is None or parent_node.column(column) is None:
        raise Unmeasurable(f"table `{parent}` has no column `{column}`")
    return Reference(column, fk)


def _resolved(ctx: Context, table: str, reference: Reference) -> pa.ChunkedArray | pa.Array:
    """The referenced values for every row of `table` (null where the parent is missing)."""
    if reference.fk is None:
        _require(ctx, table, reference.column)
        return ctx.column(table, reference.column)
    fk = reference.fk
    _require(ctx, table, fk.column)
    _require(ctx, fk.ref_table, fk.ref_column, reference.column)
    rows = ctx.key_index(fk.ref_table, fk.ref_column).rows(ctx.column(table, fk.column))
    values = ctx.column(fk.ref_table, reference.column)
    found = rows >= 0
    taken = values.take(pa.array(np.where(found, rows, 0)))
    return pc.if_else(pa.array(found), taken, pa.nulls(len(rows), taken.type))


def _instants_or_numbers(values: Any) -> np.ndarray:
    """float seconds since 1970 for temporal values, floats otherwise; NaN for nulls."""
    if pa.types.is_timestamp(values.type) or pa.types.is_date(values.type):
        out = epoch_micros(values).astype(np.float64) / 1e6
    else:
        # a copy: Arrow's zero-copy view is read-only
        out = np.array(to_numpy(pc.fill_null(values.cast(pa.float64()), math.nan)), np.float64)
    out[~valid_mask(values)] = math.nan
    return out


def _pair(ctx: Context, table: str, first: str, then: str) -> tuple[np.ndarray, np.ndarray]:
    _require(ctx, table)
    a = _resolved(ctx, table, _reference(ctx.dataset, table, first))
    b = _resolved(ctx, table, _reference(ctx.dataset, table, then))
    return _instants_or_numbers(a), _instants_or_numbers(b)


class OrderArgs(Args):
    first: str = Field(description="column, parent.column or fk_column->parent.column")
    then: str = Field(description="the one that comes later (or is larger)")


def _order(ctx: Context, args: OrderArgs) -> Measured:
    """Share of rows where `first` <= `then` (rows with either null left out)."""
    a, b = _pair(ctx, args.table, args.first, args.then)
    both = ~(np.isnan(a) | np.isnan(b))
    n = int(both.sum())
    if not n:
        raise Unmeasurable(f"no rows of `{args.table}` have both values")
    return Measured(float((a[both] <= b[both]).sum()) / n, n)


def _order_honoured(expected: dsl.ClaimExpected, measured: Measured) -> bool:
    if expected.value is None and expected.min is None and expected.max is None:
        return measured.value == 1.0  # "always": every row
    return _scalar_honoured(expected, measured)


register(
    Measure(
        "order",
        OrderArgs,
        "share of rows where `first` <= `then` (either may be a parent's column): orderings",
        _order,
        _order_honoured,
    )
)


class WithinArgs(Args):
    value: str = Field(description="column, parent.column or fk_column->parent.column")
    start: str = Field(description="the span's start (same reference forms)")
    end: str = Field(description="the span's end")


def _within_span(ctx: Context, args: WithinArgs) -> Measured:
    """Share of rows where start <= value <= end (rows with a null left out)."""
    _require(ctx, args.table)
    value, start = _pair(ctx, args.table, args.value, args.start)
    _, end = _pair(ctx, args.table, args.value, args.end)
    known = ~(np.isnan(value) | np.isnan(start) | np.isnan(end))
    n = int(known.sum())
    if not n:
        raise Unmeasurable(f"no rows of `{args.table}` have all three values")
    inside = (start[known] <= value[known]) & (value[known] <= end[known])
    return Measured(float(inside.sum()) / n, n)


register(
    Measure(
        "within",
        WithinArgs,
        "share of rows whose `value` lies between `start` and `end` (e.g. a claim during its "
        "policy, the policy reached through the foreign key)",
        _within_span,
        _order_honoured,
    )
)


UNIT_SECONDS = {"s": 1.0, "min": 60.0, "h": 3600.0, "days": 86400.0}


class DurationArgs(Args):
    start: str = Field(description="column, parent.column or fk_column->parent.column")
    end: str
    unit: Literal["s", "min", "h", "days"] = "days"
    quantile: float = Field(
        0.5, ge=0, le=1, description="which gap: 0.5 the median (typical), 0.9 for 'within'"
    )


def _duration(ctx: Context, args: DurationArgs) -> Measured:
    """The median (or another quantile) of end - start, in `unit`."""
    a, b = _pair(ctx, args.table, args.start, args.end)
    delta = (b - a) / UNIT_SECONDS[args.unit]
    delta = delta[~np.isnan(delta)]
    if not len(delta):
        raise Unmeasurable(f"no rows of `{args.table}` have both values")
    return Measured(
        float(np.quantile(delta, args.quantile)),
        len(delta),
        {"unit": args.unit, "min": float(delta.min()), "max": float(delta.max())},
    )


def _duration_honoured(expected: dsl.ClaimExpected, measured: Measured) -> bool:
    value = _number(measured.value)
    if value is None:
        return False
    target = _number(expected.value)
    if target is not None and expected.tolerance is None:
        return abs(value - target) <= max(0.1 * abs(target), 1e-9)
    return _within(expected, value)


register(
    Measure(
        "duration",
        DurationArgs,
        "median (or `quantile`) of end - start in s/min/h/days (either may be a parent's "
        "column): durations",
        _duration,
        _duration_honoured,
    )
)


def _distinct(ctx: Context, args: ColumnArgs) -> Measured:
    seen: pa.Array | None = None
    n = 0
    for data, mask in _filtered_rows(ctx, args.table, [args.column], args.where):
        values = pc.unique(data.column(args.column).filter(pa.array(mask)).drop_null())
        n += int(mask.sum())
        seen = values if seen is None else pc.unique(pa.concat_arrays([seen, values]))
    return Measured(0 if seen is None else len(seen), n)


register(
    Measure(
        "distinct",
        ColumnArgs,
        "number of distinct non-null values of a column",
        _distinct,
        _scalar_honoured,
    )
)


class ValuesInArgs(Args):
    column: dsl.Identifier
    values: list[dsl.Scalar] = Field(min_length=1)


def _values_in(ctx: Context, args: ValuesInArgs) -> Measured:
    """Share of non-null values within the set (case-insensitive for text) and which of the
    set's values never occur."""
    _require(ctx, args.table, args.column)
    wanted = [str(v).casefold() for v in args.values]
    hits = total = 0
    seen: set[str] = set()
    for batch in ctx.scan(args.table, [args.column]):
        values = batch.column(args.column).drop_null()
        text = pc.utf8_lower(values.cast(pa.string()))
        inside = pc.is_in(text, value_set=pa.array(wanted))
        hits += int(pc.sum(inside).as_py() or 0)
        total += len(values)
        seen.update(pc.unique(text.filter(inside)).to_pylist())
    if not total:
        raise Unmeasurable(f"no values in `{args.table}.{args.column}`")
    missing = [v for v, key in zip(args.values, wanted, strict=True) if key not in seen]
    return Measured({"within": hits / total, "missing": missing}, total)


def _values_in_honoured(expected: dsl.ClaimExpected, measured: Measured) -> bool:
    """Every value in the set (or at least `min` of them), and each value of the set used
    (not for a region: 'European customers' need not come from every European country)."""
    low = _number(expected.min)
    share = float(measured.value["within"])
    if share < (low if low is not None else 1.0):
        return False
    return expected.unit == "region" or not measured.value["missing"]


register(
    Measure(
        "values_in",
        ValuesInArgs,
        "share of a column's values within a set (places, locales, categories), every value of "
        "the set present",
        _values_in,
        _values_in_honoured,
    )
)


class ModeArgs(Args):
    column: dsl.Identifier
    values: list[dsl.Scalar] = Field(min_length=1, description="the values said to be usual")


def _value_key(value: Any) -> str:
    """One spelling per value: 'B' and 'b', 4 and 4.0 and '4' are the same."""
    number = _number(value)
    if number is not None:
        return f"{number:g}"
    return str(value).casefold()


def _mode(ctx: Context, args: ModeArgs) -> Measured:
    """The most common value of a column and the share of rows within the claimed values
    ('grades A to F with B most common', 'ratings mostly 4 and 5')."""
    _require(ctx, args.table, args.column)
    counts: dict[str, int] = {}
    shown: dict[str, Any] = {}
    for batch in ctx.scan(args.table, [args.column]):
        tally = pc.value_counts(batch.column(args.column).drop_null())
        for value, count in zip(
            tally.field("values").to_pylist(), tally.field("counts").to_pylist(), strict=True
        ):  # one step per distinct value, not per row
            key = _value_key(value)
            counts[key] = counts.get(key, 0) + int(count)
            shown.setdefault(key, value)
    total = sum(counts.values())
    if not total:
        raise Unmeasurable(f"no values in `{args.table}.{args.column}`")
    wanted = {_value_key(v) for v in args.values}
    top = max(counts, key=lambda k: (counts[k], k))
    within = sum(n for k, n in counts.items() if k in wanted) / total
    return Measured(
        {"mode": jsonable(shown[top]), "share": within}, total, {"modal": top in wanted}
    )


def _mode_honoured(expected: dsl.ClaimExpected, measured: Measured) -> bool:
    """The most common value is one of those claimed, and they hold at least `min` of the
    rows when the phrase says so ('mostly 4 and 5': at least half)."""
    if not measured.details.get("modal") or not measured.n:
        return False
    low = _number(expected.min)
    share = float(measured.value["share"])
    return low is None or share >= low - stats.share_tolerance(low, measured.n)


register(
    Measure(
        "mode",
        ModeArgs,
        "the most common value of a column, and the share of rows within the claimed values "
        "(B most common, mostly 4 and 5)",
        _mode,
        _mode_honoured,
    )
)


class TopShareArgs(Args):
    column: dsl.Identifier = Field(description="the key: a foreign key or a category")
    top: float = Field(0.1, gt=0, le=1, description="the top share of keys, 0.1 = top 10%")


def _top_share(ctx: Context, args: TopShareArgs) -> Measured:
    """Share of rows held by the top `top` of keys; for a foreign key, of all parent rows
    (parents without rows count)."""
    _require(ctx, args.table, args.column)
    counts = pc.value_counts(ctx.column(args.table, args.column).drop_null()).field("counts")
    sizes = np.sort(to_numpy(counts).astype(np.int64))[::-1]
    keys = len(sizes)
    fk = next(
        (
            f
            for f in relations.foreign_keys(ctx.dataset)
            if f.table == args.table and f.column == args.column
        ),
        None,
    )
    if fk is not None and fk.ref_table in ctx.sources:
        keys = max(keys, ctx.num_rows(fk.ref_table))
    total = int(sizes.sum())
    if not total:
        raise Unmeasurable(f"no values in `{args.table}.{args.column}`")
    k = max(1, math.ceil(args.top * keys))
    return Measured(float(sizes[:k].sum()) / total, total, {"keys": keys, "top_keys": k})


register(
    Measure(
        "top_share",
        TopShareArgs,
        "share of rows held by the top `top` share of a key's values (skew: a handful of X "
        "get most of Y)",
        _top_share,
        _scalar_honoured,
    )
)


class FanoutArgs(Args):
    parent: dsl.Identifier | None = Field(None, description="default: the table's first parent")


def _fanout(ctx: Context, args: FanoutArgs) -> Measured:
    """Rows of `table` per row of its parent: min, mean and max."""
    node = ctx.dataset.node(args.table)
    if node is None:
        raise Unmeasurable(f"unknown table `{args.table}`")
    parent = args.parent or (node.parents[0] if node.parents else None)
    if parent is None:
        raise Unmeasurable(f"`{args.table}` has no parent")
    fk = relations.fk_between(ctx.dataset, args.table, parent)
    if fk is None:
        raise Unmeasurable(f"`{args.table}` has no foreign key to `{parent}`")
    _require(ctx, args.table, fk.column)
    _require(ctx, parent, fk.ref_column)
    rows = ctx.key_index(parent, fk.ref_column).rows(ctx.column(args.table, fk.column))
    counts = np.bincount(rows[rows >= 0], minlength=ctx.num_rows(parent))
    if not len(counts):
        raise Unmeasurable(f"`{parent}` has no rows")
    return Measured(
        {"min": int(counts.min()), "mean": float(counts.mean()), "max": int(counts.max())},
        len(counts),
        {"counts": counts},
    )


def _fanout_honoured(expected: dsl.ClaimExpected, measured: Measured) -> bool:
    """min/max bound every parent's count; value (+- tolerance) is the mean."""
    found = measured.value
    if expected.unit == "many_to_many":
        return bool(found["max"] >= 2)  # some parent links to several of the other side
    return _min_mean_max_honoured(expected, found)


def _min_mean_max_honoured(
    expected: dsl.ClaimExpected, found: dict[str, Any], relative_floor: float = 0.0
) -> bool:
    """`min`/`max` bound the smallest and largest count; `value` (+- tolerance, at least
    `relative_floor` of it) is the mean."""
    low, high = _number(expected.min), _number(expected.max)
    if low is not None and found["min"] < low:
        return False
    if high is not None and found["max"] > high:
        return False
    target = _number(expected.value)
    if target is not None:
        tolerance = expected.tolerance if expected.tolerance is not None else 0.1 * target
        return bool(abs(found["mean"] - target) <= max(tolerance, relative_floor * target))
    return True


register(
    Measure(
        "fanout",
        FanoutArgs,
        "rows per parent row: min, mean, max (each order has 1 to 5 lines)",
        _fanout,
        _fanout_honoured,
    )
)


class LocaleNamesArgs(Args):
    column: dsl.Identifier = Field(description="a person-name column")
    locale: str = Field(description="a Faker locale, e.g. ja_JP, de_DE")


def _locale_names(ctx: Context, args: LocaleNamesArgs) -> Measured:
    """Share of names with a word from the locale's own first or last names (Faker's lists)."""
    import importlib

    try:
        provider = importlib.import_module(f"faker.providers.person.{args.locale}").Provider
    except ImportError:
        raise Unmeasurable(f"Faker has no person names for locale `{args.locale}`") from None
    known = {str(n).lower() for n in (*provider.first_names, *provider.last_names)}
    _require(ctx, args.table, args.column)
    hits = total = 0
    for batch in ctx.scan(args.table, [args.column]):
        words = pc.utf8_split_whitespace(pc.utf8_lower(batch.column(args.column).drop_null()))
        flat = pc.list_flatten(words)
        parents = pc.list_parent_indices(words)
        matched = pc.is_in(flat, value_set=pa.array(sorted(known)))
        rows_hit = pc.unique(parents.filter(matched))
        hits += len(rows_hit)
        total += len(words)
    if not total:
        raise Unmeasurable(f"no values in `{args.table}.{args.column}`")
    return Measured(hits / total, total)


register(
    Measure(
        "locale_names",
        LocaleNamesArgs,
        "share of a name column's values using the locale's first or last names (German "
        "names, Japanese customers)",
        _locale_names,
        _share_honoured,
    )
)


class TimeVariationArgs(Args):
    column: dsl.Identifier
    dimension: Literal["hour", "dow", "month"] = "month"


def _time_variation(ctx: Context, args: TimeVariationArgs) -> Measured:
    """How much the rate of rows differs across hours / weekdays / months: the coefficient
    of variation of rows per hour of exposure in each bin (0 = flat; seasonality)."""
    from datagen.engine.validate.time_cells import bin_counts, exposure

    _require(ctx, args.table, args.column)
    size = {"hour": 24, "dow": 7, "month": 12}[args.dimension]
    counts = bin_counts(ctx.bins(args.table, args.column, args.dimension), size)
    low, high, n = _extremes(ctx, ColumnArgs(table=args.table, column=args.column))
    hours = exposure(_as_comparable(low), _as_comparable(high) + np.timedelta64(1, "s"),
                     args.dimension)  # fmt: skip
    covered = hours > 0
    if covered.sum() < 2:
        raise Unmeasurable(f"`{args.table}.{args.column}` spans fewer than two {args.dimension}s")
    rates = counts[covered] / hours[covered]
    variation = float(rates.std() / rates.mean()) if rates.mean() > 0 else 0.0
    return Measured(variation, n, {"bins": int(covered.sum())})


register(
    Measure(
        "time_variation",
        TimeVariationArgs,
        "how much rows per hour differ across months / weekdays / hours (coefficient of "
        "variation; seasonality)",
        _time_variation,
        _scalar_honoured,
    )
)


class GrowthArgs(Args):
    column: dsl.Identifier = Field(description="the timestamp")
    value: dsl.Identifier | None = Field(None, description="sum this column; default count rows")
    per: Literal["week", "month", "quarter", "year"] = "year"


def _growth(ctx: Context, args: GrowthArgs) -> Measured:
    """Growth per period of the rows (or the summed value) per day, month by month: the
    slope of a log-linear fit over the months, as a rate (0.25 = +25% per year)."""
    micros, value = _stamps(ctx, args.table, args.column, args.value)
    if value is not None:
        weights = to_numpy(pc.fill_null(value.cast(pa.float64()), 0.0))
    else:
        weights = np.ones(len(micros))
    months = micros.astype("datetime64[us]").astype("datetime64[M]").astype(np.int64)
    if len(months) == 0 or months.max() - months.min() < 2:
        raise Unmeasurable(f"`{args.table}.{args.column}` spans fewer than three months")
    first = months.min()
    totals = np.bincount(months - first, weights=weights)
    start, end = micros.min(), micros.max()
    bounds = (np.arange(first, first + len(totals) + 1).astype("datetime64[M]")
              .astype("datetime64[us]").astype(np.int64))  # fmt: skip
    days = (np.minimum(bounds[1:], end + 1) - np.maximum(bounds[:-1], start)) / 86_400e6
    full = days >= 0.9 * (bounds[1:] - bounds[:-1]) / 86_400e6
    # months the data covers (almost) whole; edge months cut short say little
    usable = (full if full.sum() >= 3 else days >= 1) & (totals > 0)
    if usable.sum() < 3:
        raise Unmeasurable(f"fewer than three months of `{args.table}` with rows")
    index = np.flatnonzero(usable).astype(float)
    slope = float(np.polyfit(index, np.log(totals[usable] / days[usable]), 1)[0])
    months_per = {"week": 12 / 52.1775, "month": 1.0, "quarter": 3.0, "year": 12.0}[args.per]
    return Measured(float(np.expm1(slope * months_per)), len(micros), {"months": int(usable.sum())})


register(
    Measure(
        "growth",
        GrowthArgs,
        "growth per week / month / quarter / year of rows (or a summed value) per day, fitted "
        "over the months (trends: growing 25% per year)",
        _growth,
        _scalar_honoured,
    )
)


class CompareArgs(Args):
    column: dsl.Identifier | None = Field(
        None, description="the numeric value compared (or give `start` and `end`)"
    )
    start: str | None = Field(
        None,
        description="with `end`: the value is end - start (a duration); column, "
        "parent.column or fk_column->parent.column",
    )
    end: str | None = None
    rows_of: dsl.Identifier | None = Field(
        None,
        description="a child table: the value is its rows per row of `table` ('more orders "
        "from VIP customers')",
    )
    where: str | None = Field(None, description="expression: the first group's rows")
    versus: str | None = Field(
        None,
        description="expression: the other group's rows (default: every row not in the "
        "first group)",
    )
    time: dsl.Identifier | None = Field(
        None,
        description="a timestamp: the first group is the rows in `hours` / `weekdays` / `months`",
    )
    hours: list[int] | None = None
    weekdays: list[int] | None = None
    months: list[int] | None = None
    dates: list[DateSpan] | None = None

    @model_validator(mode="after")
    def _complete(self) -> CompareArgs:
        values = [self.column is not None, self.start is not None and self.end is not None,
                  self.rows_of is not None]  # fmt: skip
        if sum(values) != 1:
            raise ValueError("give one value: `column`, `start` and `end`, or `rows_of` (not both)")
        cells = self.hours or self.weekdays or self.months or self.dates
        if self.where is None and not (self.time and cells):
            raise ValueError(
                "name the first group: `where`, or `time` with hours/weekdays/months/dates"
            )
        return self


def _group_mask(ctx: Context, table: str, where: str) -> np.ndarray:
    masks = [mask for _, mask in _filtered_rows(ctx, table, [], where)]
    return np.concatenate(masks) if masks else np.zeros(0, dtype=bool)


def _compare(ctx: Context, args: CompareArgs) -> Measured:
    """The first group's mean over the other's ('partners bill twice the rate of associates':
    2.0; 'longer rides on weekends': above 1), rows with no value left out."""
    _require(ctx, args.table)
    if args.column is not None:
        _require(ctx, args.table, args.column)
        values = _instants_or_numbers(ctx.column(args.table, args.column))
    elif args.rows_of is not None:
        counts = _fanout(ctx, FanoutArgs(table=args.rows_of, parent=args.table)).details
        values = np.asarray(counts["counts"], dtype=np.float64)
    else:
        assert args.start is not None and args.end is not None
        a, b = _pair(ctx, args.table, args.start, args.end)
        values = b - a
    if args.where is not None:
        first = _group_mask(ctx, args.table, args.where)
    else:
        assert args.time is not None
        first = _time_cells(
            ctx,
            TimeShareArgs(
                table=args.table,
                column=args.time,
                hours=args.hours,
                weekdays=args.weekdays,
                months=args.months,
                dates=args.dates,
            ),
        )
    other = _group_mask(ctx, args.table, args.versus) if args.versus else ~first
    known = ~np.isnan(values)
    groups = [values[first & known], values[other & ~first & known]]
    if not len(groups[0]) or not len(groups[1]):
        raise Unmeasurable(f"a group of `{args.table}` has no rows with a value")
    means = [float(g.mean()) for g in groups]
    if means[1] == 0:
        raise Unmeasurable("the other group's mean is 0: no ratio")
    # the ratio's standard error (delta method): what sampling alone moves it by
    spread = math.sqrt(sum((float(g.std()) / m) ** 2 / len(g) if m else 0.0
                           for g, m in zip(groups, means, strict=True)))  # fmt: skip
    ratio = means[0] / means[1]
    return Measured(
        ratio,
        min(len(g) for g in groups),
        {
            "first": means[0],
            "other": means[1],
            "rows": [len(g) for g in groups],
            "relative_error": spread,
        },  # fmt: skip
    )


def _compare_honoured(expected: dsl.ClaimExpected, measured: Measured) -> bool:
    value = _number(measured.value)
    if value is None or not measured.n:
        return False
    slack = stats.z_value() * abs(value) * float(measured.details.get("relative_error", 0.0))
    return _within(expected, value, slack)


register(
    Measure(
        "compare",
        CompareArgs,
        "a group's mean of a value (or of end - start) over the other group's: by `where` "
        "(and `versus`), or by a timestamp's hours / weekdays / months (compare, ratio)",
        _compare,
        _compare_honoured,
    )
)


class RowsPerKeyArgs(Args):
    column: dsl.Identifier = Field(description="the timestamp that places each row in a period")
    by: dsl.Identifier = Field(description="the key whose rows are counted (a foreign key)")
    per: Literal["hour", "day", "week", "month", "year"]


_PERIODS = {"hour": "h", "day": "D", "week": "W", "month": "M", "year": "Y"}


def _rows_per_key(ctx: Context, args: RowsPerKeyArgs) -> Measured:
    """Rows per key per period ('members visit at most 3 times a week'): the mean over every
    key of the referenced table and every period the data spans, and the smallest and
    largest count of a (key, period) that has rows."""
    micros, by = _stamps(ctx, args.table, args.column, args.by)
    assert by is not None
    keys = to_numpy(pc.fill_null(pc.dictionary_encode(by).combine_chunks().indices, -1))
    known = keys >= 0
    if not known.any():
        raise Unmeasurable(f"no rows of `{args.table}` have a `{args.by}` and a `{args.column}`")
    periods = micros[known].astype("datetime64[us]").astype(f"datetime64[{_PERIODS[args.per]}]")
    codes = periods.astype(np.int64)
    cells = np.unique(np.stack([keys[known].astype(np.int64), codes - codes.min()]), axis=1,
                      return_counts=True)[1]  # fmt: skip
    fk = next((f for f in relations.foreign_keys(ctx.dataset)
               if f.table == args.table and f.column == args.by), None)  # fmt: skip
    population = len(np.unique(keys[known]))
    if fk is not None and fk.ref_table in ctx.sources:
        population = max(population, ctx.num_rows(fk.ref_table))
    span = int(codes.max() - codes.min()) + 1
    mean = int(known.sum()) / (population * span)
    return Measured(
        {"mean": mean, "min": int(cells.min()), "max": int(cells.max())},
        int(known.sum()),
        {"keys": population, "periods": span},
    )


def _rows_per_key_honoured(expected: dsl.ClaimExpected, measured: Measured) -> bool:
    """`max`/`min` bound every (key, period) with rows; `value` (+- tolerance, at least 10%:
    a count per period varies) is the mean."""
    return _min_mean_max_honoured(expected, measured.value, relative_floor=0.1)


register(
    Measure(
        "rows_per_key",
        RowsPerKeyArgs,
        "rows per key per hour / day / week / month (members visit at most 3 times a week): "
        "the mean over every key and period, the min and max of a (key, period) with rows",
        _rows_per_key,
        _rows_per_key_honoured,
    )
)


def measure_catalogue() -> list[dict[str, Any]]:
    """Each measure with its description and argument schema (prompts and docs)."""
    return [
        {
            "measure": m.name,
            "description": m.description,
            "args": {
                name: f.description or str(f.annotation) for name, f in m.args.model_fields.items()
            },
        }
        for m in MEASURES.values()
    ]


# --------------------------------------------------------------------------- words


def _seconds_text(seconds: float) -> str:
    for size, unit in ((86400, "day"), (3600, "hour"), (60, "minute")):
        if seconds >= size and seconds % size < 1e-6 * size:
            count = seconds / size
            return f"{count:g} {unit}{'s' if count != 1 else ''}"
    return f"{seconds:g} s"


def _amount(value: Any, unit: str | None) -> str:
    number = _number(value)
    if number is None:
        text = str(jsonable(value))
        return re.sub(r"(T\d\d:\d\d:\d\d)\.\d+", r"\1", text)  # timestamps to the second
    if unit == "share":
        return f"{100 * number:.3g}%"
    if unit == "s":
        return _seconds_text(number)
    if unit in ("lift", "ratio"):
        return f"x{number:.2f}"
    if unit == "percent":
        return f"{number:g}%"
    if unit in ("bytes",):
        return f"{number / 1e9:.3g} GB" if number >= 1e8 else f"{number / 1e6:.3g} MB"
    if number.is_integer() and abs(number) >= 1:
        return f"{int(number):,}"
    return f"{number:.4g}"


_WEEKDAY_NAMES = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
_MONTH_NAMES = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov",
                "Dec"]  # fmt: skip


def _group_text(expected: dict[str, Any]) -> str:
    """The first group of a comparison: its words, or its time cells in words."""
    if expected.get("values"):
        return str(expected["values"][0])
    cells = []
    if expected.get("weekdays"):
        cells.append("/".join(_WEEKDAY_NAMES[d] for d in expected["weekdays"]))
    if expected.get("hours"):
        cells.append(f"hours {','.join(str(h) for h in expected['hours'])}")
    if expected.get("months"):
        cells.append("/".join(_MONTH_NAMES[m - 1] for m in expected["months"]))
    if expected.get("dates"):
        cells.append(", ".join(f"{d['start']}..{d['end']}" for d in expected["dates"][:2]))
    return " ".join(cells) or "the group"


def expected_text(claim: dict[str, Any]) -> str:
    """A claim's expectation in words: '8% ± 2%', '40', 'from 2024-07-01 to 2024-10-01'."""
    expected = claim.get("expected") or {}
    unit = expected.get("unit")
    parts = []
    if expected.get("value") is not None:
        text = _amount(expected["value"], unit)
        if expected.get("tolerance"):
            spread = expected["tolerance"]
            text += (
                f" ± {spread:.2f}" if unit in ("lift", "ratio") else f" ± {_amount(spread, unit)}"
            )
        parts.append(text)
    if expected.get("min") is not None and expected.get("max") is not None:
        low, high = (_amount(expected[k], unit) for k in ("min", "max"))
        parts.append(f"{low} to {high}" if claim.get("kind") != "window" else f"{low} - {high}")
    elif expected.get("min") is not None:
        parts.append(f"at least {_amount(expected['min'], unit)}")
    elif expected.get("max") is not None:
        parts.append(f"at most {_amount(expected['max'], unit)}")
    if unit == "ratio":  # the groups compared: 'partners over associates'
        groups = [str(v) for v in expected.get("values") or []]
        other = groups[1] if len(groups) > 1 else "the rest"
        parts.append(f"{_group_text(expected)} over {other}")
    elif expected.get("values") and claim.get("kind") == "mode":
        parts.append("most common: " + " or ".join(str(v) for v in expected["values"]))
    elif expected.get("values"):
        parts.append(", ".join(str(v) for v in expected["values"]))
    if expected.get("top"):
        parts.append(f"held by the top {100 * expected['top']:.3g}%")
    return "; ".join(parts) or "stated"


def measured_text(claim: dict[str, Any]) -> str:
    """What was measured, in the claim's unit, or why nothing was."""
    if claim["status"] in ("not_modelled", "unmeasurable"):
        return claim["status"].replace("_", " ") + (
            f": {claim['message']}" if claim.get("message") else ""
        )
    measured = claim.get("measured")
    unit = (claim.get("expected") or {}).get("unit")
    measure = (claim.get("bound_to") or {}).get("measure")
    if measure == "values_in" and isinstance(measured, dict):
        text = f"{_amount(measured.get('within'), 'share')} of the values in the set"
        missing = measured.get("missing") or []
        return text + (f"; never seen: {', '.join(map(str, missing[:5]))}" if missing else "")
    if measure in SHARE_MEASURES:
        unit = "share"
    if isinstance(measured, dict):
        return ", ".join(
            f"{key} {_amount(value, KEY_UNITS.get(key, unit))}" for key, value in measured.items()
        )
    return _amount(measured, unit)


# measures whose value is a share of rows, and dict keys with a unit of their own
SHARE_MEASURES = {"share", "order", "values_in", "top_share"}
KEY_UNITS = {"share": "share", "lift": "lift"}


def claim_line(claim: dict[str, Any]) -> str:
    """One line: 'about 8% no-shows': expected 8% ± 2%, measured 7.9% (honoured)."""
    status = claim["status"].replace("_", " ")
    if claim["status"] in ("not_modelled", "unmeasurable"):
        return f"'{claim['text']}': {measured_text(claim)}"
    message = claim.get("message") or ""
    note = f"({DRAWN_NOTE})" if DRAWN_NOTE in message else ""
    return (
        f"'{claim['text']}': expected {expected_text(claim)}, measured "
        f"{measured_text(claim)} ({status}){' ' + note if note else ''}"
    )
