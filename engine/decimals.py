"""Exact decimals: a `decimal(p, s)` column computed as whole units of 10^-s.

A decimal column's values travel through a block as `Decimals`: a float64 array (what
every function that is not exact reads, so nothing else changes) that also carries the
exact value as integer `units` at a `scale`. numpy's `+`, `-`, `*` and unary minus on
them (the expression language's operators are those ufuncs), `round()` and an aggregate's
`sum` stay exact: `l_extendedprice * (1 + l_tax) * (1 - l_discount)` is computed at scale
6 in int64, summed per order in int64, and rounded half away from zero (as SQL's ROUND on
a DECIMAL) to the parent's scale. Any other operation (a division, a comparison, a
function) reads the float, as before.

Units are int64 while the values fit (checked from the operands' magnitudes before each
operation), Python ints (object arrays) beyond, so a product of two 18-digit decimals is
still exact. A result whose scale would pass MAX_SCALE falls back to the float.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

import numpy as np
import pyarrow as pa

MAX_SCALE = 38
_SAFE = 2.0**62  # an int64 result below this magnitude cannot have overflowed
_INT = np.frompyfunc(int, 1, 1)  # object floats -> Python ints (the wide path only)


class Decimals(np.ndarray):
    """float64 values plus their exact `units` (int64 or object ints) at `scale`."""

    units: np.ndarray | None
    scale: int

    def __array_finalize__(self, obj: Any) -> None:
        # a view made by numpy (reshape, broadcast) does not know its units: float only
        self.units = None
        self.scale = getattr(obj, "scale", 0)

    def __getitem__(self, key: Any) -> Any:
        out = super().__getitem__(key)
        if isinstance(out, Decimals) and self.units is not None:
            out.units = self.units[key]
            out.scale = self.scale
        return out

    def __reduce__(self) -> Any:  # crosses process boundaries with its units
        return (_rebuild, (np.asarray(self), self.units, self.scale))

    def __array_ufunc__(self, ufunc: Any, method: str, *inputs: Any, **kwargs: Any) -> Any:
        if method == "__call__" and not kwargs and ufunc in _EXACT:
            operands = [_exact(x) for x in inputs]
            if all(op is not None for op in operands):
                result = _EXACT[ufunc](*operands)  # type: ignore[arg-type]
                if result is not None:
                    return result
        plain = tuple(np.asarray(x) if isinstance(x, Decimals) else x for x in inputs)
        if "out" in kwargs:
            kwargs["out"] = tuple(
                np.asarray(x) if isinstance(x, Decimals) else x for x in kwargs["out"]
            )
        return getattr(ufunc, method)(*plain, **kwargs)

    def with_nulls(self, mask: np.ndarray | None) -> Decimals:
        """Null rows as NaN (0 units), as expressions read nulls."""
        if mask is None or not mask.any() or self.units is None:
            return self
        return make(np.where(mask, 0, self.units), self.scale, mask)

    def rounded(self, scale: int) -> Decimals:
        """Rounded half away from zero to `scale` digits (exact; a larger scale is kept)."""
        if self.units is None or scale >= self.scale:
            return self
        return make(_rescale_down(self.units, self.scale, scale), scale, _nan_mask(self))


def _rebuild(values: np.ndarray, units: np.ndarray | None, scale: int) -> Decimals:
    out = values.view(Decimals)
    out.units, out.scale = units, scale
    return out


def make(units: np.ndarray, scale: int, nulls: np.ndarray | None = None) -> Decimals:
    """Decimals from exact units (nulls: NaN in the float view, 0 units)."""
    floats = units.astype(np.float64) / 10.0**scale if scale else units.astype(np.float64)
    if nulls is not None and nulls.any():
        floats = np.where(nulls, np.nan, floats)
    return _rebuild(np.asarray(floats, dtype=np.float64), units, scale)


def from_floats(values: Any, scale: int) -> Decimals:
    """A decimal column's floats (or exact Decimals) rounded to `scale`: what is written and
    what later columns, tables and aggregates read."""
    if isinstance(values, Decimals) and values.units is not None:
        out = values.rounded(scale)
        if out.scale == scale:
            return out
        units = _scale_up(out.units, scale - out.scale)  # type: ignore[arg-type]
        return make(units, scale, _nan_mask(out))
    # np.round(x, s) is rint(x * 10^s) / 10^s: the same floats, and the units on the way
    factor = 10.0**scale
    rounded = np.rint(np.asarray(values, dtype=np.float64) * factor)
    floats = rounded / factor
    finite = np.isfinite(rounded)
    scaled = rounded if finite.all() else np.where(finite, rounded, 0.0)
    if len(scaled) and float(np.max(np.abs(scaled))) >= _SAFE:
        units = _INT(scaled.astype(object))  # past 2^62 the float was not exact anyway
    else:
        units = scaled.astype(np.int64)
    return _rebuild(floats, units, scale)


def fits(values: Decimals, precision: int) -> bool:
    """Whether every value has at most `precision` digits (its units are below 10^p)."""
    if values.units is None:
        return False
    if len(values.units) == 0:
        return True
    return bool(np.abs(values.units).max() < 10**precision)


def to_arrow(values: Decimals, precision: int, scale: int, mask: np.ndarray | None) -> pa.Array:
    """The exact decimal128 array of `values` (rounded to `scale` already)."""
    assert values.units is not None and values.scale == scale
    units = values.units
    if mask is not None and not mask.any():
        mask = None
    # decimal128 is two little-endian 64-bit words: the low word and the high (sign) word
    words = np.empty((len(units), 2), dtype=np.int64)
    if units.dtype != object:
        words[:, 0] = units
        words[:, 1] = units >> 63
    else:
        words[:, 0] = (units & (2**64 - 1)).astype(np.uint64).view(np.int64)
        words[:, 1] = (units >> 64).astype(np.int64)
    if mask is not None:
        words[mask] = 0
    validity = None if mask is None else pa.array(~mask).buffers()[1]
    return pa.Array.from_buffers(
        pa.decimal128(precision, scale),
        len(units),
        [validity, pa.py_buffer(words.tobytes())],
        null_count=-1 if mask is not None else 0,
    )


def reduce_sum(values: Decimals, nulls: np.ndarray | None, starts: np.ndarray) -> Decimals | None:
    """Exact per-group sums (groups start at `starts`), or None when values are not exact."""
    if values.units is None:
        return None
    units = values.units if nulls is None else np.where(nulls, 0, values.units)
    if units.dtype != object and float(np.abs(units).max(initial=0)) * len(units) >= _SAFE:
        units = units.astype(object)
    return make(np.add.reduceat(units, starts), values.scale)


def select(conditions: list[Any], options: list[Any], n: int) -> Decimals | None:
    """`np.select(conditions, options[:-1], options[-1])` kept exact when some option is an
    exact decimal and the others are decimals or whole numbers (`case`, `where`); None
    otherwise (the caller selects the floats)."""
    if not any(isinstance(o, Decimals) and o.units is not None for o in options):
        return None
    operands = [_exact(o) for o in options]
    if any(op is None for op in operands):
        return None
    scale = max(op[1] for op in operands)  # type: ignore[index]
    units, nulls = [], []
    for op in operands:
        assert op is not None
        scaled = _scale_up(op[0], scale - op[1])
        units.append(np.broadcast_to(np.asarray(scaled), (n,)))
        nulls.append(np.zeros(n, bool) if op[2] is None else np.broadcast_to(op[2], (n,)))
    if any(u.dtype == object for u in units):
        units = [u.astype(object) for u in units]
    chosen = [np.broadcast_to(np.asarray(c, dtype=bool), (n,)) for c in conditions]
    picked = np.select(chosen, units[:-1], units[-1])
    missing = np.select(chosen, nulls[:-1], nulls[-1])
    return make(np.asarray(picked), scale, missing if missing.any() else None)


# --------------------------------------------------------------------------- exact ufuncs

Operand = tuple[Any, int, np.ndarray | None]  # units, scale, nulls


def _exact(x: Any) -> Operand | None:
    if isinstance(x, Decimals):
        return None if x.units is None else (x.units, x.scale, _nan_mask(x))
    if isinstance(x, (bool, int, np.integer)):
        return int(x), 0, None
    if isinstance(x, (float, np.floating)):
        return _literal(float(x))
    if isinstance(x, np.ndarray) and x.dtype.kind in "iub":
        return x.astype(np.int64), 0, None
    return None


def _literal(value: float) -> Operand | None:
    """A float literal written with few decimals (0.0125) as its exact decimal."""
    try:
        exact = Decimal(repr(value))
    except InvalidOperation:
        return None
    if not exact.is_finite():
        return None
    exponent = int(exact.as_tuple().exponent)
    scale = max(0, -exponent)
    if scale > MAX_SCALE:
        return None
    return int(exact.scaleb(scale)), scale, None


def _nan_mask(x: Decimals) -> np.ndarray | None:
    mask = np.isnan(np.asarray(x))
    return mask if mask.any() else None


def _magnitude(units: Any) -> float:
    if isinstance(units, np.ndarray):
        if units.dtype == object:
            return float("inf")
        return float(np.abs(units).max(initial=0))
    return float(abs(units))


def _widen(units: Any) -> Any:
    return units.astype(object) if isinstance(units, np.ndarray) else units


def _scale_up(units: Any, digits: int) -> Any:
    if digits == 0:
        return units
    if _magnitude(units) * 10.0**digits >= _SAFE:
        units = _widen(units)
    return units * 10**digits


def _rescale_down(units: np.ndarray, scale: int, to: int) -> np.ndarray:
    step = 10 ** (scale - to)
    magnitude = np.abs(units)
    # `//` and `-` work on int64 and on widened (object: Python int) units alike;
    # np.divmod has no loop for object arrays
    whole = magnitude // step
    rest = magnitude - whole * step
    whole = whole + (2 * rest >= step)
    return np.where(units < 0, -whole, whole)


def _nulls(*operands: Operand) -> np.ndarray | None:
    masks = [m for _, _, m in operands if m is not None]
    if not masks:
        return None
    return np.logical_or.reduce(masks) if len(masks) > 1 else masks[0]


def _result(units: Any, scale: int, nulls: np.ndarray | None) -> Decimals | None:
    if not isinstance(units, np.ndarray):  # two scalars: no array to carry
        return None
    return make(units, scale, nulls)


def _add_sub(sign: int) -> Any:
    def run(a: Operand, b: Operand) -> Decimals | None:
        scale = max(a[1], b[1])
        left, right = _scale_up(a[0], scale - a[1]), _scale_up(b[0], scale - b[1])
        if _magnitude(left) + _magnitude(right) >= _SAFE:
            left, right = _widen(left), _widen(right)
        return _result(left + sign * right, scale, _nulls(a, b))

    return run


def _multiply(a: Operand, b: Operand) -> Decimals | None:
    scale = a[1] + b[1]
    if scale > MAX_SCALE:
        return None
    left, right = a[0], b[0]
    if _magnitude(left) * _magnitude(right) >= _SAFE:
        left, right = _widen(left), _widen(right)
    return _result(left * right, scale, _nulls(a, b))


def _unary(sign: int, absolute: bool = False) -> Any:
    def run(a: Operand) -> Decimals | None:
        units = abs(a[0]) if absolute else sign * a[0]
        return _result(units, a[1], a[2])

    return run


_EXACT = {
    np.add: _add_sub(1),
    np.subtract: _add_sub(-1),
    np.multiply: _multiply,
    np.negative: _unary(-1),
    np.positive: _unary(1),
    np.absolute: _unary(1, absolute=True),
}

__all__ = [
    "MAX_SCALE",
    "Decimals",
    "fits",
    "from_floats",
    "make",
    "reduce_sum",
    "select",
    "to_arrow",
]
