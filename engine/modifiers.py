"""Modifiers, applied in order after a column's generator, each on the whole block."""

from __future__ import annotations

from typing import Any, assert_never

import numpy as np
import pyarrow as pa

from datagen.engine import dsl
from datagen.engine.expressions import with_nulls
from datagen.engine.generators.context import BlockContext
from datagen.engine.generators.expression import evaluate
from datagen.engine.generators.temporal import FREQ_SECONDS, calendar_part
from datagen.engine.plan import default_time_column
from datagen.engine.values import Encoded, Values, as_numpy

YEAR_SECONDS = 365.2425 * 86400


def apply_modifiers(values: Values, col: dsl.Column, ctx: BlockContext) -> Values:
    for index, mod in enumerate(col.modifiers):
        values = apply(values, mod, col, ctx, index)
    return values


def _seconds(ctx: BlockContext, column: str | None, col: dsl.Column) -> np.ndarray:
    name = column or default_time_column(ctx.node, exclude=col.name)
    assert name is not None
    return np.asarray(ctx.columns[name]).astype("datetime64[s]").astype(np.int64)


def apply(values: Values, mod: Any, col: dsl.Column, ctx: BlockContext, index: int) -> Values:
    rng = ctx.rng(col.name, f"modifier{index}")
    match mod:
        case dsl.MultiplyMod(args=args):
            return _float(values) * args.factor
        case dsl.AddMod(args=args):
            return _float(values) + args.delta
        case dsl.ClampMod(args=args):
            lo = -np.inf if args.min is None else args.min
            hi = np.inf if args.max is None else args.max
            return np.clip(_float(values), lo, hi)
        case dsl.JitterMod(args=args):
            x = _float(values)
            noise = (
                rng.normal(0.0, args.scale, len(x))
                if args.distribution == "normal"
                else rng.uniform(-args.scale, args.scale, len(x))
            )
            return x * (1.0 + noise) if args.relative else x + noise
        case dsl.TimeJitterMod(args=args):
            ts = np.asarray(values).astype("datetime64[us]")
            shift = rng.normal(0.0, args.scale * FREQ_SECONDS[args.unit] * 1e6, len(ts))
            shifted = ts + np.rint(shift).astype(np.int64).astype("timedelta64[us]")
            return shifted.astype("datetime64[D]") if col.type == "date" else shifted
        case dsl.SeasonalityMod(args=args):
            part = calendar_part(_seconds(ctx, args.column, col), args.dimension)
            return _float(values) * np.asarray(args.weights, dtype=np.float64)[part]
        case dsl.TrendMod(args=args):
            seconds = _seconds(ctx, args.column, col)
            origin = _origin_seconds(ctx)
            years = (seconds - origin) / YEAR_SECONDS
            return _float(values) * np.power(1.0 + args.growth, years)
        case dsl.EffectMod(args=args):
            t = _seconds(ctx, args.at, col)
            starts = ctx.store.sorted_seconds(args.table, args.start)
            ends = ctx.store.sorted_seconds(args.table, args.end)
            active = np.searchsorted(starts, t, side="right") - np.searchsorted(
                ends, t, side="right"
            )
            return _float(values) * np.where(active > 0, args.factor, 1.0)
        case dsl.OutliersMod(args=args):
            x = _float(values).copy()
            hit = rng.random(len(x)) < args.rate
            factor = rng.uniform(args.magnitude[0], args.magnitude[1], len(x))
            x[hit] = x[hit] * factor[hit] if args.mode == "spike" else x[hit] / factor[hit]
            return x
        case dsl.MapValuesMod(args=args):
            return _map_values(values, args, col)
        case dsl.ExpressionMod(args=args):
            value = values.decode() if isinstance(values, Encoded) else np.asarray(values)
            value = with_nulls(value, ctx.masks.get(col.name))
            return evaluate(ctx, args.expr, col, f"modifier{index}", value=value)  # type: ignore[no-any-return]
        case _:
            assert_never(mod)


def _float(values: Values) -> np.ndarray:
    return as_numpy(values, "float")


def _origin_seconds(ctx: BlockContext) -> int:
    tf = ctx.dataset.timeframe
    if tf is None:
        return 0
    return int(dsl.parse_instant(tf.start).astype(np.int64))


def _map_values(values: Values, args: dsl.MapValuesArgs, col: dsl.Column) -> Values:
    def mapped(value: Any) -> Any:
        key = str(value)
        if key in args.mapping:
            return args.mapping[key]
        return value if args.default is None else args.default

    if isinstance(values, Encoded):
        # map the dictionary, not the rows
        dictionary = [mapped(v) for v in values.dictionary.to_pylist()]
        if col.type == "string":
            return Encoded(values.codes, pa.array([str(v) for v in dictionary], type=pa.string()))
        return as_numpy(np.asarray(dictionary)[values.codes], col.type)
    arr = np.asarray(values)
    uniques, inverse = np.unique(arr, return_inverse=True)
    return np.asarray([mapped(u) for u in uniques.tolist()], dtype=object)[inverse]
