"""Column profiles and histograms as DuckDB aggregates: never a row per point in Python.

A Parquet table is scanned by DuckDB in place (column pruning, bounded
memory, spill to disk); an in-memory or CSV table is handed over as Arrow.
Every result here is an aggregate of at most a few dozen numbers, so a
report on ten million rows costs a few column scans, not ten million points.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from typing import Any

import duckdb
import numpy as np

from datagen.engine.validate.source import (
    ArrowSource,
    CsvSource,
    ParquetSource,
    TableSource,
    type_family,
)

HISTOGRAM_BINS = 30
TOP_VALUES = 8
# Integer columns with at most this many distinct values get one bar per value.
DISCRETE_LIMIT = 30
# Strings with more distinct values than this get a length histogram, not top values.
CATEGORY_LIMIT = 50
# Above this many rows, distinct counts are HyperLogLog estimates (bounded memory).
EXACT_DISTINCT_ROWS = 200_000
MEMORY_LIMIT = "1GB"


@dataclass
class Histogram:
    """Bars of a plot: `edges` (len n+1) for continuous bins, or `labels` (len n) for categories."""

    counts: list[int]
    edges: list[Any] | None = None
    labels: list[str] | None = None
    xlabel: str = ""
    other: int = 0  # rows outside the bars shown (values past the top ones)


@dataclass
class ColumnProfile:
    table: str
    name: str
    declared: str | None  # the DSL type, None when the column is not in the schema
    stored: str  # the type family found in the file
    rows: int
    nulls: int
    distinct: int | None
    distinct_exact: bool
    stats: dict[str, Any] = field(default_factory=dict)
    histogram: Histogram | None = None
    top: list[tuple[str, int]] = field(default_factory=list)

    @property
    def null_share(self) -> float:
        return self.nulls / self.rows if self.rows else 0.0


# hour of day, weekday (Mon=0), month (Jan=0) of a timestamp expression, and the bin count
_TIME_PARTS = {
    "hour": ("hour({})", 24),
    "dow": ("isodow({}) - 1", 7),
    "month": ("month({}) - 1", 12),
}


def quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


class Profiler:
    """One DuckDB connection holding a view per table."""

    def __init__(self, sources: dict[str, TableSource]):
        self.sources = sources
        self.con = duckdb.connect(":memory:")
        self.con.execute(f"SET memory_limit = '{MEMORY_LIMIT}'")
        self.views: dict[str, str] = {}
        for index, (name, source) in enumerate(sources.items()):
            view = f"t{index}"
            if isinstance(source, ParquetSource):
                path = source.location.replace("'", "''")
                self.con.execute(f"CREATE VIEW {view} AS SELECT * FROM read_parquet('{path}')")
            elif isinstance(source, (ArrowSource, CsvSource)):
                self.con.register(view, source.table)
            else:
                self.con.register(view, source.read(source.names))
            self.views[name] = view

    def close(self) -> None:
        self.con.close()

    def view(self, table: str) -> str:
        return self.views[table]

    def query(self, sql: str, params: list[Any] | None = None) -> list[tuple[Any, ...]]:
        return self.con.execute(sql, params or []).fetchall()

    # ------------------------------------------------------------------ profiles

    def table_profiles(self, table: str, declared: dict[str, str]) -> list[ColumnProfile]:
        source = self.sources[table]
        rows = source.num_rows
        exact = rows <= EXACT_DISTINCT_ROWS
        fields = list(source.schema)
        if not fields:
            return []
        expressions: list[str] = []
        for f in fields:
            col = quote(f.name)
            family = type_family(f.type)
            distinct = f"count(DISTINCT {col})" if exact else f"approx_count_distinct({col})"
            expressions += [f"count({col})", distinct]
            if family in ("int", "float"):
                finite = f"CASE WHEN isfinite({col}::DOUBLE) THEN {col}::DOUBLE END"
                expressions += [
                    f"min({finite})",
                    f"max({finite})",
                    f"avg({finite})",
                    f"stddev_samp({finite})",
                ]
            elif family in ("date", "datetime"):
                expressions += [f"min({col})", f"max({col})", "NULL", "NULL"]
            elif family == "string":
                expressions += [
                    f"min(length({col}))",
                    f"max(length({col}))",
                    f"avg(length({col}))",
                    "NULL",
                ]
            elif family == "bool":
                expressions += [f"sum({col}::INTEGER)", "NULL", "NULL", "NULL"]
            else:
                expressions += ["NULL"] * 4
        (values,) = self.query(f"SELECT {', '.join(expressions)} FROM {self.view(table)}")
        profiles = []
        for i, f in enumerate(fields):
            nonnull, distinct, a, b, c, d = values[6 * i : 6 * i + 6]
            family = type_family(f.type)
            profile = ColumnProfile(
                table=table,
                name=f.name,
                declared=declared.get(f.name),
                stored=family,
                rows=rows,
                nulls=rows - int(nonnull),
                distinct=None if distinct is None else int(distinct),
                distinct_exact=exact,
            )
            if family in ("int", "float") and nonnull:
                profile.stats = {"min": a, "max": b, "mean": c, "std": d}
            elif family in ("date", "datetime") and nonnull:
                profile.stats = {"min": a, "max": b}
            elif family == "string" and nonnull:
                profile.stats = {"length": f"{a}–{b}, mean {float(c):.1f}"}
            elif family == "bool" and nonnull:
                profile.stats = {"true": int(a or 0), "false": int(nonnull) - int(a or 0)}
            profiles.append(profile)
        self._plot_data(table, profiles)
        return profiles

    def _plot_data(self, table: str, profiles: list[ColumnProfile]) -> None:
        """Every column's bars from one more scan of the table: one `histogram()` per column."""
        plans: list[tuple[ColumnProfile, str, str]] = []  # (profile, kind, aggregate)
        for profile in profiles:
            nonnull = profile.rows - profile.nulls
            if nonnull == 0:
                continue
            col = quote(profile.name)
            family, distinct = profile.stored, profile.distinct or 0
            low, high = profile.stats.get("min"), profile.stats.get("max")
            if family == "bool" or (family == "int" and distinct <= DISCRETE_LIMIT):
                plans.append((profile, "values", f"histogram({col})"))
            elif family in ("int", "float") and low is not None and high is not None:
                value = f"{col}::DOUBLE"
                plans.append(
                    (
                        profile,
                        "bins",
                        _bin_aggregate(value, float(low), float(high), f"isfinite({value})"),
                    )
                )
            elif family in ("date", "datetime") and low is not None and high is not None:
                value = f"epoch_us({col}::TIMESTAMP)::DOUBLE"
                plans.append(
                    (
                        profile,
                        "time",
                        _bin_aggregate(value, micros(low), micros(high), f"{col} IS NOT NULL"),
                    )
                )
            elif family == "string" and (
                distinct > CATEGORY_LIMIT or (distinct == nonnull and distinct > TOP_VALUES)
            ):
                # many-valued text (names, emails, cities): its lengths say more than its top values
                plans.append((profile, "lengths", f"histogram(length({col}))"))
            elif family == "string":
                plans.append((profile, "top", f"histogram({col})"))
        if not plans:
            return
        (results,) = self.query(
            f"SELECT {', '.join(a for _, _, a in plans)} FROM {self.view(table)}"
        )
        for (profile, kind, _), counts in zip(plans, results, strict=True):
            _set_plot(profile, kind, dict(counts or {}))

    # ------------------------------------------------------------------ behaviours

    def value_shares(self, table: str, column: str) -> dict[str, float]:
        """Share of each non-null value (for declared choice weights: a few hundred at most)."""
        col = quote(column)
        rows = self.query(
            f"SELECT {col}, count(*) FROM {self.view(table)} WHERE {col} IS NOT NULL "
            f"GROUP BY {col} ORDER BY count(*) DESC LIMIT 1000"
        )
        total = sum(int(n) for _, n in rows)
        return {display(value): int(n) / total for value, n in rows} if total else {}

    def time_bin_counts(self, table: str, column: str, dimension: str) -> list[int]:
        """Rows per hour of day, weekday (Mon=0) or month (Jan=0)."""
        col = f"{quote(column)}::TIMESTAMP"
        part, size = _TIME_PARTS[dimension]
        rows = self.query(
            f"SELECT {part.format(col)} AS b, count(*) FROM {self.view(table)} WHERE {quote(column)} IS NOT NULL "
            "GROUP BY b"
        )
        counts = [0] * size
        for b, n in rows:
            counts[int(b)] = int(n)
        return counts

    def sums_per_time_bin(
        self, table: str, value: str, time: str, dimension: str
    ) -> tuple[list[int], list[float]]:
        """Rows and the sum of `value` per hour / weekday / month of `time` (both non-null)."""
        when = f"{quote(time)}::TIMESTAMP"
        part, size = _TIME_PARTS[dimension]
        rows = self.query(
            f"SELECT {part.format(when)} AS b, count(*), sum({quote(value)}::DOUBLE) "
            f"FROM {self.view(table)} WHERE {quote(value)} IS NOT NULL AND {quote(time)} IS NOT NULL "
            "GROUP BY b"
        )
        counts, sums = [0] * size, [0.0] * size
        for b, n, total in rows:
            counts[int(b)], sums[int(b)] = int(n), float(total or 0.0)
        return counts, sums

    def fanout_histogram(
        self, child: str, fk_column: str, parent: str, key_column: str
    ) -> dict[int, int]:
        """How many parent rows have k children, for every k observed (0 included)."""
        rows = self.query(
            f"WITH per_parent AS ("
            f"  SELECT p.{quote(key_column)} AS k, count(c.{quote(fk_column)}) AS n"
            f"  FROM {self.view(parent)} p LEFT JOIN {self.view(child)} c"
            f"  ON c.{quote(fk_column)} = p.{quote(key_column)} GROUP BY p.{quote(key_column)}"
            f") SELECT n, count(*) FROM per_parent GROUP BY n ORDER BY n"
        )
        return {int(n): int(parents) for n, parents in rows}


def _bin_aggregate(value: str, low: float, high: float, where: str) -> str:
    """Counts per equal-width bin of [low, high] (bin index -> rows), as one aggregate."""
    width = (high - low) / HISTOGRAM_BINS if high > low else 1.0
    index = f"least(greatest(floor(({value} - {low!r}) / {width!r}), 0), {HISTOGRAM_BINS - 1})"
    return f"histogram({index}::BIGINT) FILTER (WHERE {where})"


def _bin_edges(low: float, high: float) -> list[float]:
    width = (high - low) / HISTOGRAM_BINS if high > low else 1.0
    return [low + i * width for i in range(HISTOGRAM_BINS + 1)]


def _set_plot(profile: ColumnProfile, kind: str, counts: dict[Any, int]) -> None:
    nonnull = profile.rows - profile.nulls
    if kind in ("bins", "time"):
        bars = [0] * HISTOGRAM_BINS
        for index, n in counts.items():
            bars[int(index)] = int(n)
        if kind == "bins":
            edges: list[Any] = _bin_edges(float(profile.stats["min"]), float(profile.stats["max"]))
        else:
            low, high = micros(profile.stats["min"]), micros(profile.stats["max"])
            edges = [np.datetime64(int(e), "us") for e in _bin_edges(low, high)]
        profile.histogram = Histogram(counts=bars, edges=edges, xlabel=profile.name)
    elif kind == "lengths":
        lengths = sorted(counts.items())
        profile.histogram = Histogram(
            counts=[int(n) for _, n in lengths],
            labels=[str(length) for length, _ in lengths],
            xlabel="length (characters)",
        )
    else:
        if kind == "values":  # one bar per value, in value order
            chosen = sorted(counts.items(), key=lambda item: item[0])
        else:  # the most frequent values, ties by value
            chosen = sorted(counts.items(), key=lambda item: (-item[1], str(item[0])))[:TOP_VALUES]
        profile.top = [(display(value), int(n)) for value, n in chosen]
        profile.histogram = Histogram(
            counts=[n for _, n in profile.top],
            labels=[label for label, _ in profile.top],
            other=nonnull - sum(n for _, n in profile.top),
        )


def micros(value: Any) -> float:
    if isinstance(value, dt.datetime):
        return float(np.datetime64(value.replace(tzinfo=None), "us").astype(np.int64))
    if isinstance(value, dt.date):
        return float(np.datetime64(value, "D").astype("datetime64[us]").astype(np.int64))
    return float(value)


def display(value: Any) -> str:
    """A value as the report prints it."""
    if value is None:
        return "∅"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return format_number(value)
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat(sep=" ") if isinstance(value, dt.datetime) else value.isoformat()
    return str(value)


def format_number(value: Any) -> str:
    if value is None:
        return "–"
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        if math.isnan(value):
            return "NaN"
        if value.is_integer() and abs(value) < 1e15:
            return f"{int(value):,}"
        if abs(value) >= 1e9 or abs(value) < 1e-3:
            return f"{value:.4g}"
        if abs(value) >= 1000:
            return f"{value:,.0f}" if abs(value) >= 1e5 else f"{value:,.1f}"
        return f"{value:.4g}"
    return display(value)
