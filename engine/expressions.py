"""A whitelisted, type-checked expression language compiled to numpy closures.

Source text is parsed with `ast` and every node is checked against a
whitelist: arithmetic, comparisons, boolean operators, `a if c else b`, the
functions of `FUNCTIONS`, column names and small literals. Anything else
(attribute access, subscripts, dunders, comprehensions, lambdas, unknown
calls, huge literals or powers) is rejected with its position.

Compilation also infers a type for every node (`Ty`: int, float, bool,
string, date, datetime, null; nullable or not) when the caller gives the
types of the names, so that type mistakes (`year(amount)`, `name - 1`, a date
compared with a string, a datetime plus a bare number) are schema errors
with a position, never run-time failures.

The compiled form is a tree of closures over a `Scope` (the block's columns,
its row count, seeded random streams, sibling positions): user text is never
evaluated. Nulls travel as sentinels (NaN, NaT, None) inside expressions; the
caller turns them back into a null mask (`null_mask`).
"""

from __future__ import annotations

import ast
import re
import string
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import numpy as np

MAX_SOURCE = 2000
MAX_DEPTH = 40
MAX_STRING = 256  # a string literal
MAX_STRING_RESULT = 4096  # the longest string an expression may build
UNKNOWN_STRING = 256  # assumed length of a string column whose length is unknown
MAX_ABS_NUMBER = 1e15
MAX_POWER = 64
MAX_CHOICES = 64

KINDS = ("int", "float", "bool", "string", "date", "datetime")
NUMBERS = {"int", "float", "bool"}
TIMES = {"date", "datetime"}


class ExpressionError(ValueError):
    def __init__(self, message: str, column: int | None = None):
        self.column = column
        self.reason = message
        where = f" at column {column + 1}" if column is not None else ""
        super().__init__(f"{message}{where}")


# --------------------------------------------------------------------------- types


@dataclass(frozen=True)
class Ty:
    """The static type of an expression: a kind, whether it can be null, string length bound."""

    kind: str  # one of KINDS, "null" (the literal) or "any" (untyped name)
    nullable: bool = False
    max_len: int | None = None  # strings: the longest value it can hold

    def __str__(self) -> str:
        return self.kind + ("?" if self.nullable and self.kind != "null" else "")

    def with_null(self, nullable: bool) -> Ty:
        return Ty(self.kind, self.nullable or nullable, self.max_len)


ANY = Ty("any")
NULL = Ty("null", True)


def column_type(kind: str, nullable: bool = False, max_len: int | None = None) -> Ty:
    if kind == "string" and max_len is None:
        max_len = UNKNOWN_STRING
    return Ty(kind, nullable, max_len)


def _nullable(*types: Ty) -> bool:
    return any(t.nullable for t in types)


def _is(t: Ty, kinds: set[str]) -> bool:
    return t.kind in kinds or t.kind in ("any", "null")


def unify(a: Ty, b: Ty, col: int | None, what: str = "branches") -> Ty:
    """The type of a value that is either `a` or `b` (where/case/coalesce branches)."""
    if a.kind == "null":
        return b.with_null(True)
    if b.kind == "null":
        return a.with_null(True)
    if "any" in (a.kind, b.kind):
        return Ty("any", a.nullable or b.nullable)
    nullable = a.nullable or b.nullable
    if a.kind == b.kind:
        lens = [x for x in (a.max_len, b.max_len) if x is not None]
        return Ty(a.kind, nullable, max(lens) if lens else None)
    kinds = {a.kind, b.kind}
    if kinds <= NUMBERS:
        return Ty("float" if "float" in kinds else "int", nullable)
    if kinds <= TIMES:
        return Ty("datetime", nullable)
    raise ExpressionError(f"{what} have different types: {a.kind} and {b.kind}", col)


def fits(result: Ty, kind: str) -> str | None:
    """Why a value of type `result` cannot go into a column of `kind` (None: it fits)."""
    if result.kind in ("any", "null", kind):
        return None
    if kind in NUMBERS and result.kind in NUMBERS:
        return None
    if kind == "string" and result.kind in NUMBERS | TIMES:
        return None
    if kind in TIMES and result.kind in TIMES:
        return None
    hint = {
        ("date", "string"): "use date('2024-01-31')",
        ("datetime", "string"): "use timestamp('2024-01-31 12:00:00')",
    }.get((kind, result.kind), "")
    return f"the expression gives {result.kind}, the column is {kind}" + (
        f" ({hint})" if hint else ""
    )


# --------------------------------------------------------------------------- run time


@dataclass
class Siblings:
    """Fact rows of a block, grouped by their first parent (whole groups: blocks are aligned)."""

    position: np.ndarray  # 1..n within the parent
    count: np.ndarray  # children of the row's parent


@dataclass
class Scope:
    """What a compiled expression reads: columns of the block and the block's context."""

    columns: Mapping[str, Any]
    n: int = 0
    rng: Callable[[str], np.random.Generator] | None = None
    siblings: Siblings | None = None
    row_start: int = 0  # global index of the block's first row
    rows: np.ndarray | None = None  # explicit 0-based row indexes (a key read back on demand)
    table_rows: Callable[[str], int] | None = None
    # string columns as the block holds them (Encoded, Arrow), without nulls: read by text
    # functions as Arrow arrays, skipping the numpy objects of `columns`
    raw_strings: Mapping[str, Any] | None = None

    def arrow_column(self, name: str) -> Any:
        raw = self.raw_strings.get(name) if self.raw_strings else None
        if raw is None:
            return _arrow(self.columns[name])
        import pyarrow as pa

        if isinstance(raw, pa.Array):
            return raw
        return raw.dictionary.take(pa.array(raw.codes)).cast(pa.string())  # an Encoded

    def raw_text(self, name: str) -> Any:
        """A string column as the block holds it (Encoded or Arrow), else as Arrow strings."""
        raw = self.raw_strings.get(name) if self.raw_strings else None
        return raw if raw is not None else self.arrow_column(name)

    def random(self, site: str) -> np.random.Generator:
        if self.rng is not None:
            return self.rng(site)
        from datagen.engine.rng import stream

        return stream(0, "expression", site)

    def sibling_info(self) -> Siblings:
        if self.siblings is None:
            raise ExpressionError("position(), sibling_count() and previous() need a fact table")
        return self.siblings


Fn = Callable[[Scope], Any]


def null_of(kind: str) -> Any:
    """The sentinel a null takes inside an expression of this kind."""
    if kind == "date":
        return np.datetime64("NaT", "D")
    if kind == "datetime":
        return np.datetime64("NaT", "us")
    if kind == "string":
        return None
    return np.nan


def null_mask(values: Any) -> np.ndarray | None:
    """Where an expression's result is null (NaN, NaT or None); None when nothing is."""
    arr = np.asarray(values)
    if arr.dtype.kind == "f":
        mask = np.isnan(arr)
    elif arr.dtype.kind in "mM":
        mask = np.isnat(arr)
    elif arr.dtype.kind == "O":
        mask = arr == None  # noqa: E711 (elementwise: where the object is None)
    else:
        return None
    mask = np.asarray(mask, dtype=bool)
    return mask if mask.any() else None


def with_nulls(values: np.ndarray, mask: np.ndarray | None) -> np.ndarray:
    """A column's values with its null mask turned into sentinels (ints become floats)."""
    if mask is None or not mask.any():
        return values
    if values.dtype.kind in "iub":
        out = values.astype(np.float64)
        out[mask] = np.nan
        return out
    if values.dtype.kind == "f":
        out = values.copy()
        out[mask] = np.nan
        return out
    if values.dtype.kind == "M":
        out = values.copy()
        out[mask] = np.datetime64("NaT")
        return out
    out = values.astype(object)
    out[mask] = None
    return out


# --------------------------------------------------------------------------- functions


@dataclass(frozen=True)
class Function:
    """One whitelisted function: how it is typed, how it runs, and how it is documented."""

    name: str
    signature: str  # e.g. "add_days(t: date|datetime, n: number) -> same as t"
    doc: str  # one line, for docs/dsl.md and the LLM prompt
    min_args: int
    max_args: int
    category: str
    # (argument types, argument nodes, position) -> result type; raises ExpressionError
    typer: Callable[[list[Ty], list[ast.expr], int | None], Ty]
    # plain functions: values -> values; `special` ones compile their own call
    impl: Callable[..., Any] | None = None
    special: Callable[[_Compiler, ast.Call, int | None], tuple[Fn, Ty]] | None = None
    example: str = ""


FUNCTIONS: dict[str, Function] = {}


def _register(
    name: str,
    signature: str,
    doc: str,
    args: tuple[int, int],
    category: str,
    typer: Callable[[list[Ty], list[ast.expr], int | None], Ty],
    impl: Callable[..., Any] | None = None,
    special: Callable[[_Compiler, ast.Call, int | None], tuple[Fn, Ty]] | None = None,
    example: str = "",
) -> None:
    FUNCTIONS[name] = Function(
        name, signature, doc, args[0], args[1], category, typer, impl, special, example
    )


def _need(t: Ty, kinds: set[str], fname: str, what: str, col: int | None) -> None:
    if not _is(t, kinds):
        raise ExpressionError(f"{fname}() needs {what}, got {t.kind}", col)


def _numeric_typer(result: str | None) -> Callable[[list[Ty], list[ast.expr], int | None], Ty]:
    def typer(ts: list[Ty], nodes: list[ast.expr], col: int | None, name: str = "") -> Ty:
        for t in ts:
            if not _is(t, NUMBERS):
                raise ExpressionError(f"a math function needs numbers, got {t.kind}", col)
        kind = result or ("float" if any(t.kind == "float" for t in ts) else "int")
        if any(t.kind == "any" for t in ts) and result is None:
            kind = "any"
        return Ty(kind, _nullable(*ts))

    return typer


def _fixed(kind: str, *needs: set[str]) -> Callable[[list[Ty], list[ast.expr], int | None], Ty]:
    def typer(ts: list[Ty], nodes: list[ast.expr], col: int | None) -> Ty:
        for t, need in zip(ts, needs, strict=False):
            if not _is(t, need):
                names = " or ".join(sorted(need))
                raise ExpressionError(f"this argument must be {names}, got {t.kind}", col)
        return Ty(kind, _nullable(*ts), MAX_STRING if kind == "string" else None)

    return typer


def _temporal_arg(arr: Any, fname: str) -> np.ndarray:
    a = np.asarray(arr)
    if a.dtype.kind != "M":
        raise ExpressionError(f"{fname}() needs a date or datetime")
    return a


def _part_result(values: np.ndarray, nat: np.ndarray) -> np.ndarray:
    if nat.any():
        out = values.astype(np.float64)
        out[nat] = np.nan
        return out
    return values


def _dt_part(unit: str) -> Callable[[Any], Any]:
    def part(values: Any) -> Any:
        arr = _temporal_arg(values, unit)
        nat = np.isnat(arr)
        if unit == "year":
            out = arr.astype("datetime64[Y]").astype(np.int64) + 1970
        elif unit == "month":
            out = arr.astype("datetime64[M]").astype(np.int64) % 12 + 1
        elif unit == "day":
            out = (arr.astype("datetime64[D]") - arr.astype("datetime64[M]")).astype(np.int64) + 1
        elif unit == "hour":
            out = (arr.astype("datetime64[h]") - arr.astype("datetime64[D]")).astype(np.int64)
        elif unit == "minute":
            out = (arr.astype("datetime64[m]") - arr.astype("datetime64[h]")).astype(np.int64)
        elif unit == "dow":  # Monday = 0, as pandas; 1970-01-01 was a Thursday
            out = (arr.astype("datetime64[D]").astype(np.int64) + 3) % 7
        elif unit == "dayofyear":
            out = (arr.astype("datetime64[D]") - arr.astype("datetime64[Y]")).astype(np.int64) + 1
        else:
            raise AssertionError(unit)
        return _part_result(np.asarray(out), np.asarray(nat))

    return part


def _between(unit: str) -> Callable[[Any, Any], Any]:
    scale = {"D": 86400, "h": 3600, "m": 60}[unit]

    def between(a: Any, b: Any) -> Any:
        delta = np.asarray(b).astype("datetime64[s]") - np.asarray(a).astype("datetime64[s]")
        nat = np.isnat(delta)
        out = delta.astype(np.int64) / scale
        return np.where(nat, np.nan, out)

    return between


def _add(unit: str) -> Callable[[Any, Any], Any]:
    scale = {"D": 86400_000_000, "h": 3600_000_000, "m": 60_000_000, "s": 1_000_000}[unit]

    def add(ts: Any, amount: Any) -> Any:
        arr = np.asarray(ts)
        amount = np.asarray(amount, dtype=np.float64)
        if arr.dtype == np.dtype("datetime64[D]") and unit == "D":
            whole = np.trunc(amount)
            if np.array_equal(whole, amount, equal_nan=True):  # whole days stay dates
                days = np.nan_to_num(whole).astype(np.int64).astype("timedelta64[D]")
                return np.where(np.isnan(amount), np.datetime64("NaT", "D"), arr + days)
        arr = arr.astype("datetime64[us]")
        micros = np.rint(np.nan_to_num(amount * scale)).astype(np.int64)
        out = arr + micros.astype("timedelta64[us]")
        return np.where(np.isnan(amount), np.datetime64("NaT", "us"), out)

    return add


def _add_months(ts: Any, amount: Any) -> Any:
    """Calendar months (whole: n is truncated): the same day of the month, or the month's
    last day when it is shorter (Jan 31 + 1 month = Feb 28 or 29), the time of day kept; a
    date stays a date."""
    arr = np.asarray(ts)
    amount = np.asarray(amount, dtype=np.float64)
    unit = "D" if arr.dtype == np.dtype("datetime64[D]") else "us"
    arr = arr.astype(f"datetime64[{unit}]")
    missing = np.isnat(arr) | np.isnan(amount)
    months = np.trunc(np.nan_to_num(amount)).astype(np.int64).astype("timedelta64[M]")
    month = arr.astype("datetime64[M]")
    day = arr.astype("datetime64[D]") - month.astype("datetime64[D]")  # 0-based day
    target = month + months
    last = (target + np.timedelta64(1, "M")).astype("datetime64[D]") - np.timedelta64(1, "D")
    shifted = np.minimum(target.astype("datetime64[D]") + day, last)
    out = shifted.astype(f"datetime64[{unit}]") + (arr - arr.astype("datetime64[D]"))
    return np.where(missing, np.array("NaT", dtype=f"datetime64[{unit}]"), out)


def _round(x: Any, digits: Any = 0) -> Any:
    from datagen.engine.decimals import Decimals

    if isinstance(x, Decimals) and x.units is not None and np.ndim(digits) == 0:
        return x.rounded(int(digits))  # exact, half away from zero (SQL's ROUND on DECIMAL)
    return np.round(np.asarray(x, dtype=np.float64), int(digits))


def _exact_select(conditions: list[Any], options: list[Any], n: int) -> Any:
    """case()/where() over exact decimals stays exact (engine/decimals.py), else None."""
    from datagen.engine.decimals import Decimals, select

    if not any(isinstance(o, Decimals) for o in options):
        return None
    return select(conditions, options, n)


def _to_int(x: Any) -> Any:
    arr = np.trunc(np.asarray(x, dtype=np.float64))
    if np.isnan(arr).any():
        return arr
    return arr.astype(np.int64)


# strings, through Arrow compute kernels (vectorized, null-aware)


def _arrow(value: Any) -> Any:
    import pyarrow as pa
    import pyarrow.compute as pc

    if isinstance(value, np.ndarray):
        if value.dtype.kind in "OUS":
            arr = pa.array(value, type=pa.string(), from_pandas=True)
        else:
            arr = pa.array(value, from_pandas=True)
    elif isinstance(value, np.generic):
        arr = pa.scalar(value.item())
    else:
        arr = pa.scalar(value)
    if not (pa.types.is_string(arr.type) or pa.types.is_large_string(arr.type)):
        if pa.types.is_floating(arr.type):
            # whole floats print as 2.0, as Python does
            arr = pc.cast(arr, pa.string())
        else:
            arr = pc.cast(arr, pa.string())
    return arr


def _numpy(result: Any) -> Any:
    import pyarrow as pa

    if isinstance(result, pa.Scalar):
        return result.as_py()
    return np.asarray(result.to_numpy(zero_copy_only=False), dtype=object)


def _str_fn(kernel: Callable[..., Any]) -> Callable[..., Any]:
    def run(value: Any, *args: Any) -> Any:
        return _numpy(kernel(_arrow(value), *args))

    return run


def arrow_fn(fn: Fn) -> Fn:
    """fn's variant that returns Arrow strings: text functions chained together (concat of
    substr of a column...) pass Arrow arrays to each other, never numpy objects."""
    variant: Fn | None = getattr(fn, "arrow", None)
    return variant if variant is not None else (lambda scope: _arrow(fn(scope)))


def _arrow_native(arrow_run: Fn) -> Fn:
    """A compiled text function: numpy out for numpy consumers, `.arrow` for text ones."""

    def run(scope: Scope) -> Any:
        return _numpy(arrow_run(scope))

    run.arrow = arrow_run  # type: ignore[attr-defined]
    return run


def _upper(x: Any) -> Any:
    return _numpy(_upper_arrow(_arrow(x)))


def _upper_arrow(x: Any) -> Any:
    import pyarrow.compute as pc

    return pc.utf8_upper(x)


def _lower(x: Any) -> Any:
    return _numpy(_lower_arrow(_arrow(x)))


def _lower_arrow(x: Any) -> Any:
    import pyarrow.compute as pc

    return pc.utf8_lower(x)


def _length(x: Any) -> Any:
    import pyarrow as pa
    import pyarrow.compute as pc

    out = pc.utf8_length(_arrow(x))
    if isinstance(out, pa.Scalar):
        value = out.as_py()
        return np.nan if value is None else value
    arr = out.to_numpy(zero_copy_only=False)
    return arr if arr.dtype.kind == "i" else np.asarray(arr, dtype=np.float64)


def _compile_concat(c: _Compiler, node: ast.Call, col: int | None) -> tuple[Fn, Ty]:
    compiled = [c.compile(a) for a in node.args]
    ty = _concat_typer([t for _, t in compiled], list(node.args), col)
    texts = [text_fn(fn) for fn, _ in compiled]

    def joined(scope: Scope, limit: np.ndarray | None = None) -> Any:
        return _join_text([t(scope) for t in texts], scope.n, limit)

    run = _arrow_native(joined)
    run.joined = joined  # type: ignore[attr-defined]  # substr(concat(...), 1, n) cuts while joining
    return run, ty


def _join_text(values: list[Any], n: int, limit: np.ndarray | None) -> Any:
    """values joined row by row (then cut to limit[i] characters): one pass over bytes
    (engine/textjoin.py), or Arrow's kernels where a value holds nulls or is not ASCII."""
    import pyarrow.compute as pc

    from datagen.engine.textjoin import join, piece_of

    pieces = [piece_of(v, n) for v in values]
    if all(p is not None for p in pieces):
        out = join([p for p in pieces if p is not None], n, limit)
        if out is not None:
            return out
    text = pc.binary_join_element_wise(*[_as_arrow_text(v) for v in values], "")
    return text if limit is None else _prefix(text, n, limit)


def _as_arrow_text(value: Any) -> Any:
    import pyarrow as pa

    if isinstance(value, (pa.Array, pa.Scalar)):
        return value
    if getattr(value, "codes", None) is not None:  # an Encoded
        return value.dictionary.take(pa.array(value.codes)).cast(pa.string())
    return _arrow(value)


def text_fn(fn: Fn) -> Fn:
    """fn's variant for concat(): a column as the block holds it (an Encoded keeps its
    dictionary and codes), anything else as Arrow strings."""
    variant: Fn | None = getattr(fn, "raw_text", None)
    return variant if variant is not None else arrow_fn(fn)


# text functions whose arguments and result can stay Arrow strings (see arrow_fn)
_ARROW_IMPLS: dict[Callable[..., Any], Callable[..., Any]] = {
    _upper: _upper_arrow,
    _lower: _lower_arrow,
}


def _pad(values: Any, width: int, fill: str, align: str) -> Any:
    import pyarrow.compute as pc

    kernel = {">": pc.utf8_lpad, "<": pc.utf8_rpad, "^": pc.utf8_center}[align]
    return kernel(values, width=width, padding=fill)


FORMAT_SPEC = re.compile(
    r"^(?:(?P<fill>.)?(?P<align>[<>^]))?(?P<zero>0)?(?P<width>\d+)?(?:\.(?P<precision>\d+))?(?P<type>[dfs])?$"
)


@dataclass(frozen=True)
class _Field:
    fill: str
    align: str | None
    zero: bool
    width: int
    precision: int | None
    type: str | None


def _format_field(value: Any, spec: _Field) -> Any:
    """One `{:spec}` field as Arrow strings, vectorized."""
    import pyarrow as pa
    import pyarrow.compute as pc

    arr = np.asarray(value)
    numeric = spec.type in ("d", "f") or (spec.type is None and arr.dtype.kind in "iuf")
    if not numeric:
        text = _arrow(value)
        if spec.width:
            text = _pad(text, spec.width, spec.fill, spec.align or "<")
        return text
    x = arr.astype(np.float64)
    nan = np.isnan(x)
    negative = x < 0
    if spec.type == "f" or (spec.type is None and arr.dtype.kind == "f" and spec.precision):
        digits = spec.precision if spec.precision is not None else 6
        scaled = np.rint(np.abs(np.nan_to_num(x)) * 10**digits).astype(np.int64)
        whole = pc.cast(pa.array(scaled // 10**digits), pa.string())
        if digits:
            frac = pc.utf8_lpad(
                pc.cast(pa.array(scaled % 10**digits), pa.string()), width=digits, padding="0"
            )
            body = pc.binary_join_element_wise(whole, frac, ".")
        else:
            body = whole
    elif spec.type is None and arr.dtype.kind == "f":
        body = pc.cast(pa.array(np.abs(x)), pa.string())
    else:
        body = pc.cast(pa.array(np.abs(np.trunc(np.nan_to_num(x))).astype(np.int64)), pa.string())
    sign = pa.array(np.where(negative, "-", ""))
    if spec.zero and spec.width:
        # zeros go between the sign and the digits: -0042
        lpad_pos = pc.utf8_lpad(body, width=spec.width, padding="0")
        lpad_neg = pc.utf8_lpad(body, width=max(spec.width - 1, 0), padding="0")
        body = pc.if_else(pa.array(negative), lpad_neg, lpad_pos)
        text = pc.binary_join_element_wise(sign, body, "")
    else:
        text = pc.binary_join_element_wise(sign, body, "")
        if spec.width:
            text = _pad(text, spec.width, spec.fill, spec.align or ">")
    if nan.any():
        text = pc.if_else(pa.array(nan), pa.nulls(len(text), pa.string()), text)
    return text


def _compile_format(c: _Compiler, node: ast.Call, col: int | None) -> tuple[Fn, Ty]:
    template = node.args[0]
    if not (isinstance(template, ast.Constant) and isinstance(template.value, str)):
        raise ExpressionError("format() needs a literal template first: format('#{:05d}', x)", col)
    text = template.value
    try:
        parsed = list(string.Formatter().parse(text))
    except ValueError as exc:
        raise ExpressionError(f"format template: {exc}", col) from None
    pieces: list[str | _Field] = []
    max_len = 0
    for literal, name, spec, conversion in parsed:
        if literal:
            pieces.append(literal)
            max_len += len(literal)
        if name is None:
            continue
        if name != "" or conversion:
            raise ExpressionError(
                "format() fields are `{}` or `{:spec}` (no names, indexes or !r)", col
            )
        match = FORMAT_SPEC.match(spec or "")
        if match is None:
            raise ExpressionError(
                f"format spec `{spec}` is not supported: use [[fill]<|>|^][0][width][.precision][d|f|s]",
                col,
            )
        width = int(match["width"] or 0)
        if width > MAX_STRING:
            raise ExpressionError(f"format width {width} is larger than {MAX_STRING}", col)
        pieces.append(
            _Field(
                match["fill"] or " ",
                match["align"],
                bool(match["zero"]),
                width,
                int(match["precision"]) if match["precision"] else None,
                match["type"],
            )
        )
        max_len += max(width, 24)
    fields = [p for p in pieces if isinstance(p, _Field)]
    values = node.args[1:]
    if len(values) != len(fields):
        raise ExpressionError(
            f"format() template has {len(fields)} field(s) but {len(values)} value(s) follow", col
        )
    compiled = [c.compile(v) for v in values]
    nullable = False
    for spec_, (_, ty) in zip(fields, compiled, strict=True):
        nullable |= ty.nullable
        if spec_.type in ("d", "f") and not _is(ty, NUMBERS):
            raise ExpressionError(f"format `{{:{spec_.type}}}` needs a number, got {ty.kind}", col)
        if ty.kind == "string":
            max_len += (ty.max_len or UNKNOWN_STRING) - 24
    fns = [fn for fn, _ in compiled]

    def arrow_run(scope: Scope) -> Any:
        import pyarrow as pa
        import pyarrow.compute as pc

        parts: list[Any] = []
        it = iter(fns)
        for piece in pieces:
            if isinstance(piece, str):
                parts.append(pa.scalar(piece))
            else:
                value = next(it)(scope)
                parts.append(_format_field(np.broadcast_to(np.asarray(value), (scope.n,)), piece))
        if not parts:
            return pa.scalar("")
        if len(parts) == 1:
            parts.append(pa.scalar(""))
        return pc.binary_join_element_wise(*parts, "")

    # Arrow out for a text column or a text function (Customer#000000001 never becomes a
    # Python object per row), numpy for the rest
    return _arrow_native(arrow_run), Ty("string", nullable, max_len)


def _literal(node: ast.expr, kinds: tuple[type, ...], what: str, col: int | None) -> Any:
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        value = _literal(node.operand, kinds, what, col)
        return -value
    if isinstance(node, ast.Constant) and isinstance(node.value, kinds):
        if not isinstance(node.value, bool) or bool in kinds:
            return node.value
    raise ExpressionError(f"{what} must be a literal", col)


def _string_typer(ts: list[Ty], nodes: list[ast.expr], col: int | None) -> Ty:
    return Ty("string", _nullable(*ts), ts[0].max_len if ts and ts[0].kind == "string" else 32)


def _compile_substr(c: _Compiler, node: ast.Call, col: int | None) -> tuple[Fn, Ty]:
    fn, ty = c.compile(node.args[0])
    start = _literal(node.args[1], (int,), "substr() start", col)
    if start < 1:
        raise ExpressionError("substr() start counts from 1", col)
    length_fn: Fn | None = None
    length: int | None = None
    if len(node.args) > 2:
        if _constant_node(node.args[2]):
            length = _literal(node.args[2], (int,), "substr() length", col)
            if length < 0:
                raise ExpressionError("substr() length must be >= 0", col)
        else:
            length_fn, length_ty = c.compile(node.args[2])
            if not _is(length_ty, {"int", "bool"}):
                raise ExpressionError(f"substr() length must be an int, got {length_ty.kind}", col)
    stop = None if length is None else start - 1 + length

    text_of = arrow_fn(fn)

    joined = getattr(fn, "joined", None)

    def arrow_run(scope: Scope) -> Any:
        import pyarrow.compute as pc

        if joined is not None and start == 1 and (length_fn is not None or length is not None):
            limit = (
                np.broadcast_to(np.asarray(length_fn(scope)), (scope.n,))
                if length_fn is not None
                else np.full(scope.n, length)
            )
            return joined(scope, _char_counts(limit))
        text = text_of(scope)
        if start > 1 or length_fn is None:
            text = pc.utf8_slice_codeunits(text, start=start - 1, stop=stop)
        if length_fn is not None:
            lengths = np.broadcast_to(np.asarray(length_fn(scope)), (scope.n,))
            text = _prefix(text, scope.n, lengths)
        return text

    run = _arrow_native(arrow_run)

    bound = ty.max_len if ty.kind == "string" else 32
    if length is not None:
        bound = min(bound or length, length)
    return run, Ty("string", ty.nullable, bound)


def _prefix(text: Any, n: int, lengths: np.ndarray) -> Any:
    """The first lengths[i] characters of each string, vectorized over the Arrow buffers."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if isinstance(text, pa.Scalar):
        text = pa.array([text.as_py()] * n, pa.string())
    text = text.cast(pa.string())
    lengths = _char_counts(lengths)
    if not pc.all(pc.string_is_ascii(text)).as_py() and len(text):
        # characters are not bytes: one slice per distinct length (few distinct lengths)
        out = text
        for size in np.unique(lengths):
            out = pc.if_else(
                pa.array(lengths == size), pc.utf8_slice_codeunits(text, 0, int(size)), out
            )
        return out
    validity, offsets_buf, data_buf = text.buffers()
    offsets = np.frombuffer(offsets_buf, dtype=np.int32)[text.offset : text.offset + len(text) + 1]
    data = (
        np.frombuffer(data_buf, dtype=np.uint8) if data_buf is not None else np.zeros(0, np.uint8)
    )
    starts = offsets[:-1].astype(np.int64)
    keep = np.minimum(lengths, offsets[1:] - offsets[:-1])
    new_offsets = np.concatenate(([0], np.cumsum(keep))).astype(np.int32)
    kept = _kept_bytes(data, int(offsets[0]), int(offsets[-1]), starts, keep)
    return (
        pa.Array.from_buffers(
            pa.string(),
            len(text),
            [validity, pa.py_buffer(new_offsets.tobytes()), pa.py_buffer(kept)],
            null_count=text.null_count,
            offset=0 if validity is None else 0,
        )
        if validity is None
        else pc.if_else(
            text.is_valid(),
            pa.Array.from_buffers(
                pa.string(),
                len(text),
                [None, pa.py_buffer(new_offsets.tobytes()), pa.py_buffer(kept)],
            ),
            pa.nulls(len(text), pa.string()),
        )
    )


def _char_counts(lengths: np.ndarray) -> np.ndarray:
    """substr() lengths as counts: a null or negative length keeps nothing."""
    return np.maximum(np.nan_to_num(lengths.astype(np.float64)), 0).astype(np.int64)


def _kept_bytes(data: np.ndarray, lo: int, hi: int, starts: np.ndarray, keep: np.ndarray) -> bytes:
    """The bytes [starts[i], starts[i] + keep[i]) of data[lo:hi], joined: one byte-wide mask
    (+1 where a kept run starts, -1 where it stops, summed), never an index per byte."""
    edges = np.zeros(hi - lo + 1, dtype=np.int8)
    used = keep > 0  # non-empty runs start and stop at distinct places
    edges[starts[used] - lo] = 1
    edges[starts[used] + keep[used] - lo] -= 1
    inside = np.cumsum(edges[:-1], dtype=np.int8).view(bool)
    return data[lo:hi][inside].tobytes()


def _compile_lpad(c: _Compiler, node: ast.Call, col: int | None) -> tuple[Fn, Ty]:
    fn, ty = c.compile(node.args[0])
    width = _literal(node.args[1], (int,), "lpad() width", col)
    fill = _literal(node.args[2], (str,), "lpad() fill", col) if len(node.args) > 2 else " "
    if not 0 <= width <= MAX_STRING:
        raise ExpressionError(f"lpad() width must be 0..{MAX_STRING}", col)
    if len(fill) != 1:
        raise ExpressionError("lpad() fill must be one character", col)

    def run(scope: Scope) -> Any:
        import pyarrow.compute as pc

        return _numpy(pc.utf8_lpad(_arrow(fn(scope)), width=width, padding=fill))

    base = ty.max_len if ty.kind == "string" and ty.max_len else 24
    return run, Ty("string", ty.nullable, max(base, width))


def _compile_replace(c: _Compiler, node: ast.Call, col: int | None) -> tuple[Fn, Ty]:
    fn, ty = c.compile(node.args[0])
    old = _literal(node.args[1], (str,), "replace() pattern", col)
    new = _literal(node.args[2], (str,), "replace() replacement", col)
    if not old:
        raise ExpressionError("replace() pattern must not be empty", col)

    def run(scope: Scope) -> Any:
        import pyarrow.compute as pc

        return _numpy(pc.replace_substring(_arrow(fn(scope)), pattern=old, replacement=new))

    base = ty.max_len if ty.kind == "string" and ty.max_len else UNKNOWN_STRING
    grown = base if len(new) <= len(old) else base * max(1, len(new)) // max(1, len(old))
    return run, Ty("string", ty.nullable, grown)


def _compile_temporal_literal(
    kind: str,
) -> Callable[[_Compiler, ast.Call, int | None], tuple[Fn, Ty]]:
    unit = "D" if kind == "date" else "us"

    def compile_(c: _Compiler, node: ast.Call, col: int | None) -> tuple[Fn, Ty]:
        text = _literal(node.args[0], (str,), f"{kind}() argument", col)
        cleaned = text.strip().replace(" ", "T")
        if kind == "date" and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", cleaned):
            raise ExpressionError(f"date('{text}') is not an ISO date like 2024-01-31", col)
        try:
            value = np.datetime64(cleaned, unit)  # type: ignore[call-overload]
        except ValueError:
            raise ExpressionError(f"{kind}('{text}') is not an ISO {kind}", col) from None
        if np.isnat(value):
            raise ExpressionError(f"{kind}('{text}') is not an ISO {kind}", col)
        return (lambda scope: value), Ty(kind)

    return compile_


def _random_count(scope: Scope, *params: Any) -> int:
    return scope.n


def _compile_random(
    name: str,
) -> Callable[[_Compiler, ast.Call, int | None], tuple[Fn, Ty]]:
    def compile_(c: _Compiler, node: ast.Call, col: int | None) -> tuple[Fn, Ty]:
        args = [c.compile(a) for a in node.args]
        for _, t in args:
            if not _is(t, NUMBERS):
                raise ExpressionError(f"{name}() needs numbers, got {t.kind}", col)
        site = c.random_site(name)
        fns = [fn for fn, _ in args]
        nullable = _nullable(*(t for _, t in args))
        if name == "randint":
            for a in node.args:
                if isinstance(a, ast.Constant) and not isinstance(a.value, int):
                    raise ExpressionError("randint() bounds are whole numbers", col)

            def run(scope: Scope) -> Any:
                lo, hi = (np.asarray(f(scope), dtype=np.float64) for f in fns)
                u = scope.random(site).random(scope.n)
                lo_i, hi_i = np.ceil(lo), np.floor(hi)
                span = np.maximum(hi_i - lo_i + 1, 1)
                out = lo_i + np.floor(u * span)
                if np.isnan(out).any():
                    return out
                return out.astype(np.int64)

            return run, Ty("int", nullable)
        if name == "uniform":

            def run(scope: Scope) -> Any:
                lo, hi = (np.asarray(f(scope), dtype=np.float64) for f in fns)
                return lo + (hi - lo) * scope.random(site).random(scope.n)

            return run, Ty("float", nullable)

        def run(scope: Scope) -> Any:  # type: ignore[no-redef]  # normal
            mean, std = (np.asarray(f(scope), dtype=np.float64) for f in fns)
            return mean + np.abs(std) * scope.random(site).standard_normal(scope.n)

        return run, Ty("float", nullable)

    return compile_


def _compile_choice(c: _Compiler, node: ast.Call, col: int | None) -> tuple[Fn, Ty]:
    values_node = node.args[0]
    if not isinstance(values_node, ast.List) or not values_node.elts:
        raise ExpressionError("choice() needs a literal list first: choice(['a', 'b'])", col)
    if len(values_node.elts) > MAX_CHOICES:
        raise ExpressionError(f"choice() takes at most {MAX_CHOICES} values", col)
    for elt in values_node.elts:
        if not _constant_node(elt):
            raise ExpressionError("choice() values must be literals", col)
    compiled = [c.compile(v) for v in values_node.elts]
    ty = compiled[0][1]
    for _, t in compiled[1:]:
        ty = unify(ty, t, col, "choice() values")
    constants = [None if t.kind == "null" else fn(Scope({}, 1)) for fn, t in compiled]
    weights: np.ndarray | None = None
    if len(node.args) > 1:
        w_node = node.args[1]
        if not isinstance(w_node, ast.List) or len(w_node.elts) != len(constants):
            raise ExpressionError(
                f"choice() weights must be a literal list of {len(constants)} numbers", col
            )
        weights = np.array(
            [_literal(w, (int, float), "a choice() weight", col) for w in w_node.elts], float
        )
        if (weights < 0).any() or weights.sum() <= 0:
            raise ExpressionError("choice() weights must be >= 0 and not all 0", col)
    cdf = None if weights is None else np.cumsum(weights) / weights.sum()
    if ty.kind == "null":
        raise ExpressionError("choice() needs at least one non-null value", col)
    sentinel = null_of(ty.kind)
    table = np.array([sentinel if v is None else v for v in constants], dtype=object)
    if ty.kind in ("int", "float", "bool"):
        table = table.astype(np.float64 if ty.nullable or ty.kind == "float" else np.int64)
        if ty.kind == "bool" and not ty.nullable:
            table = table.astype(bool)
    elif ty.kind in TIMES:
        table = np.array(
            constants, dtype="datetime64[D]" if ty.kind == "date" else "datetime64[us]"
        )
    elif ty.kind == "string" and not ty.nullable:
        # fixed-width text, not Python objects: reaches Arrow without an object per row
        table = np.array(constants, dtype=str)
    site = c.random_site("choice")

    def run(scope: Scope) -> Any:
        u = scope.random(site).random(scope.n)
        if cdf is None:
            index = np.minimum((u * len(table)).astype(np.int64), len(table) - 1)
        else:
            from datagen.engine.weights import inverse_cdf

            index = np.minimum(inverse_cdf(cdf, u), len(table) - 1)
        return table[index]

    return run, ty


def _constant_node(node: ast.expr) -> bool:
    if isinstance(node, ast.Constant):
        return True
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        return _constant_node(node.operand)
    if isinstance(node, ast.Name) and node.id in ("null", "true", "false"):
        return True
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
        return node.func.id in ("date", "timestamp")
    return False


def _compile_case(c: _Compiler, node: ast.Call, col: int | None) -> tuple[Fn, Ty]:
    if len(node.args) < 3 or len(node.args) % 2 == 0:
        raise ExpressionError(
            "case() takes condition, value pairs and a default: case(c1, v1, c2, v2, default)",
            col,
        )
    conds: list[Fn] = []
    values: list[tuple[Fn, Ty]] = []
    for i in range(0, len(node.args) - 1, 2):
        cond_fn, cond_ty = c.compile(node.args[i])
        if not _is(cond_ty, {"bool"}):
            raise ExpressionError(f"case() condition {i // 2 + 1} is {cond_ty.kind}, not bool", col)
        conds.append(cond_fn)
        values.append(c.compile(node.args[i + 1]))
    values.append(c.compile(node.args[-1]))
    ty = values[0][1]
    for _, t in values[1:]:
        ty = unify(ty, t, col, "case() values")
    fills = [c.null_filled(fn, t, ty) for fn, t in values]

    def run(scope: Scope) -> Any:
        chosen = [np.asarray(cond(scope), dtype=bool) for cond in conds]
        options = [fill(scope) for fill in fills]
        if (exact := _exact_select(chosen, options, scope.n)) is not None:
            return exact
        return np.select(
            [np.broadcast_to(x, (scope.n,)) for x in chosen],
            [np.broadcast_to(np.asarray(v), (scope.n,)) for v in options[:-1]],
            np.broadcast_to(np.asarray(options[-1]), (scope.n,)),
        )

    return run, ty


def _compile_where(c: _Compiler, node: ast.Call, col: int | None) -> tuple[Fn, Ty]:
    cond_fn, cond_ty = c.compile(node.args[0])
    if not _is(cond_ty, NUMBERS):
        raise ExpressionError(f"where() condition is {cond_ty.kind}, not bool", col)
    return c.branches(cond_fn, node.args[1], node.args[2], col)


def _compile_coalesce(c: _Compiler, node: ast.Call, col: int | None) -> tuple[Fn, Ty]:
    a_fn, a_ty = c.compile(node.args[0])
    b_fn, b_ty = c.compile(node.args[1])
    ty = unify(a_ty, b_ty, col, "coalesce() arguments")
    ty = Ty(ty.kind, b_ty.nullable, ty.max_len)
    a_fill, b_fill = c.null_filled(a_fn, a_ty, ty), c.null_filled(b_fn, b_ty, ty)

    def run(scope: Scope) -> Any:
        a = np.broadcast_to(np.asarray(a_fill(scope)), (scope.n,))
        missing = null_mask(a)
        if missing is None:
            return a
        return np.where(missing, b_fill(scope), a)

    return run, ty


def _compile_is_null(c: _Compiler, node: ast.Call, col: int | None) -> tuple[Fn, Ty]:
    fn, _ = c.compile(node.args[0])

    def run(scope: Scope) -> Any:
        values = np.broadcast_to(np.asarray(fn(scope)), (scope.n,))
        mask = null_mask(values)
        return np.zeros(scope.n, bool) if mask is None else mask

    return run, Ty("bool")


def _compile_position(c: _Compiler, node: ast.Call, col: int | None) -> tuple[Fn, Ty]:
    c.uses.setdefault("siblings", col)
    return (lambda scope: scope.sibling_info().position), Ty("int")


def _compile_sibling_count(c: _Compiler, node: ast.Call, col: int | None) -> tuple[Fn, Ty]:
    c.uses.setdefault("siblings", col)
    return (lambda scope: scope.sibling_info().count), Ty("int")


def _compile_row_number(c: _Compiler, node: ast.Call, col: int | None) -> tuple[Fn, Ty]:
    def row_number(scope: Scope) -> np.ndarray:
        if scope.rows is not None:
            return scope.rows + 1
        return np.arange(scope.row_start + 1, scope.row_start + scope.n + 1, dtype=np.int64)

    return row_number, Ty("int")


def _compile_table_rows(c: _Compiler, node: ast.Call, col: int | None) -> tuple[Fn, Ty]:
    table = _literal(node.args[0], (str,), "table_rows() table", col)
    c.uses.setdefault(f"table:{table}", col)

    def run(scope: Scope) -> Any:
        if scope.table_rows is None:
            raise ExpressionError("table_rows() is only known while generating")
        return scope.table_rows(table)

    return run, Ty("int")


def _compile_previous(c: _Compiler, node: ast.Call, col: int | None) -> tuple[Fn, Ty]:
    c.uses.setdefault("siblings", col)
    fn, ty = c.compile(node.args[0])
    d_fn, d_ty = c.compile(node.args[1]) if len(node.args) > 1 else ((lambda s: None), NULL)
    out_ty = unify(ty, d_ty, col, "previous() value and default")
    value_fill, default_fill = c.null_filled(fn, ty, out_ty), c.null_filled(d_fn, d_ty, out_ty)

    def run(scope: Scope) -> Any:
        first = scope.sibling_info().position == 1
        values = np.broadcast_to(np.asarray(value_fill(scope)), (scope.n,))
        default = np.broadcast_to(np.asarray(default_fill(scope)), (scope.n,))
        if scope.n == 0:
            return values
        shifted = np.concatenate([default[:1], values[:-1]])
        return np.where(first, default, shifted)

    return run, out_ty


def _compile_running_sum(c: _Compiler, node: ast.Call, col: int | None) -> tuple[Fn, Ty]:
    c.uses.setdefault("siblings", col)
    fn, ty = c.compile(node.args[0])
    if not _is(ty, NUMBERS):
        raise ExpressionError(f"running_sum() needs a number, got {ty.kind}", col)
    floor_fn, floor_ty = c.compile(node.args[1]) if len(node.args) > 1 else (None, ty)
    if not _is(floor_ty, NUMBERS):
        raise ExpressionError(f"running_sum() floor needs a number, got {floor_ty.kind}", col)

    def run(scope: Scope) -> Any:
        position = scope.sibling_info().position
        x = np.broadcast_to(np.asarray(fn(scope)), (scope.n,))
        if x.dtype.kind == "b":
            x = x.astype(np.int64)
        total = np.cumsum(x)
        first = np.arange(scope.n) - (position - 1)
        sums = total - (total[first] - x[first])
        if floor_fn is None:
            return sums
        floor = np.broadcast_to(np.asarray(floor_fn(scope)), (scope.n,))[first]
        return floored_running_sum(sums, position, floor)

    kind = "int" if ty.kind in ("int", "bool") and floor_ty.kind in ("int", "bool") else "float"
    if floor_fn is None:
        kind = "int" if ty.kind in ("int", "bool") else ty.kind
    return run, Ty(kind, ty.nullable or floor_ty.nullable)


def floored_running_sum(sums: np.ndarray, position: np.ndarray, floor: np.ndarray) -> np.ndarray:
    """b = max(floor, previous b + x) from b = 0 before each parent's first row, given the plain
    running sums S: b = floor + S - min(floor, min of S so far) (the reflected walk of a queue
    or an account without overdraft). The running minimum within each parent is a doubling
    scan: log2(most siblings) vectorized steps, never a loop over rows."""
    low = sums.copy()
    step = 1
    most = int(position.max()) if len(position) else 0
    while step < most:
        reach = position > step  # the row `step` back is a sibling
        low[step:] = np.where(reach[step:], np.minimum(low[step:], low[:-step]), low[step:])
        step *= 2
    # the maximum keeps float rounding (floor + S - S) from dipping below the floor
    return np.maximum(floor + sums - np.minimum(floor, low), floor)


def _math(
    name: str, impl: Callable[..., Any], args: tuple[int, int], doc: str, result: str | None
) -> None:
    arity = ", ".join("xyz"[: args[0]])
    _register(
        name,
        f"{name}({arity}) -> {result or 'number'}",
        doc,
        args,
        "math",
        _numeric_typer(result),
        impl,
    )


def _minmax_typer(ts: list[Ty], nodes: list[ast.expr], col: int | None) -> Ty:
    ty = ts[0]
    for t in ts[1:]:
        ty = unify(ty, t, col, "min()/max() arguments")
    if not _is(ty, NUMBERS | TIMES):
        raise ExpressionError(f"min()/max() need numbers or dates, got {ty.kind}", col)
    return ty


def _clip_typer(ts: list[Ty], nodes: list[ast.expr], col: int | None) -> Ty:
    for t in ts:
        if not _is(t, NUMBERS):
            raise ExpressionError(f"clip() needs numbers, got {t.kind}", col)
    return Ty("float" if any(t.kind == "float" for t in ts) else ts[0].kind, _nullable(*ts))


def _round_typer(ts: list[Ty], nodes: list[ast.expr], col: int | None) -> Ty:
    for t in ts:
        if not _is(t, NUMBERS):
            raise ExpressionError(f"round() needs numbers, got {t.kind}", col)
    if len(nodes) > 1:
        _literal(nodes[1], (int,), "round() digits", col)
    return Ty("float", ts[0].nullable)


def _part_typer(name: str) -> Callable[[list[Ty], list[ast.expr], int | None], Ty]:
    def typer(ts: list[Ty], nodes: list[ast.expr], col: int | None) -> Ty:
        _need(ts[0], TIMES, name, "a date or datetime", col)
        return Ty("bool" if name == "is_weekend" else "int", ts[0].nullable)

    return typer


def _between_typer(ts: list[Ty], nodes: list[ast.expr], col: int | None) -> Ty:
    for t in ts:
        if not _is(t, TIMES):
            raise ExpressionError(
                f"days_between() and friends need dates or datetimes, got {t.kind}", col
            )
    return Ty("float", _nullable(*ts))


def _add_typer(unit: str) -> Callable[[list[Ty], list[ast.expr], int | None], Ty]:
    def typer(ts: list[Ty], nodes: list[ast.expr], col: int | None) -> Ty:
        _need(ts[0], TIMES, f"add_{unit}", "a date or datetime first", col)
        _need(ts[1], NUMBERS, f"add_{unit}", "a number second", col)
        kind = ts[0].kind
        if kind == "date" and unit not in ("days", "months"):
            kind = "datetime"
        return Ty(kind, _nullable(*ts))

    return typer


def _concat_typer(ts: list[Ty], nodes: list[ast.expr], col: int | None) -> Ty:
    total = 0
    for t in ts:
        total += (
            t.max_len
            if t.kind == "string" and t.max_len
            else (UNKNOWN_STRING if t.kind in ("string", "any") else 32)
        )
    return Ty("string", _nullable(*ts), total)


def _cast_typer(kind: str) -> Callable[[list[Ty], list[ast.expr], int | None], Ty]:
    def typer(ts: list[Ty], nodes: list[ast.expr], col: int | None) -> Ty:
        _need(ts[0], NUMBERS, kind, "a number", col)
        return Ty(kind, ts[0].nullable)

    return typer


def _build_registry() -> None:
    def r(
        name: str,
        sig: str,
        doc: str,
        args: tuple[int, int],
        cat: str,
        typer: Any = None,
        impl: Any = None,
        special: Any = None,
        example: str = "",
    ) -> None:
        _register(name, sig, doc, args, cat, typer or _fixed("any"), impl, special, example)

    r(
        "where",
        "where(cond: bool, a, b) -> a|b",
        "a where cond holds, else b",
        (3, 3),
        "logic",
        special=_compile_where,
        example="where(qty > 10, price * 0.9, price)",
    )
    r(
        "case",
        "case(c1: bool, v1, c2: bool, v2, ..., default) -> value",
        "the value of the first condition that holds, else the default",
        (3, 31),
        "logic",
        special=_compile_case,
        example="case(score >= 90, 'A', score >= 75, 'B', 'C')",
    )
    r(
        "coalesce",
        "coalesce(a, b) -> a|b",
        "a, or b where a is null",
        (2, 2),
        "logic",
        special=_compile_coalesce,
        example="coalesce(nickname, first_name)",
    )
    r(
        "is_null",
        "is_null(x) -> bool",
        "true where x is null",
        (1, 1),
        "logic",
        special=_compile_is_null,
        example="is_null(closed_at)",
    )
    _math("abs", np.abs, (1, 1), "absolute value", None)
    r(
        "round",
        "round(x: number, digits: int = 0) -> float",
        "round half to even; negative digits round to tens, hundreds...",
        (1, 2),
        "math",
        _round_typer,
        _round,
        example="round(price * 1.2, 2)",
    )
    _math("floor", np.floor, (1, 1), "largest whole number <= x", "float")
    _math("ceil", np.ceil, (1, 1), "smallest whole number >= x", "float")
    _math("sqrt", np.sqrt, (1, 1), "square root (NaN below 0)", "float")
    _math("log", np.log, (1, 1), "natural logarithm", "float")
    _math("log10", np.log10, (1, 1), "base-10 logarithm", "float")
    _math("exp", np.exp, (1, 1), "e to the power x", "float")
    r(
        "min",
        "min(a, b) -> number|date",
        "the smaller of two values, elementwise",
        (2, 2),
        "math",
        _minmax_typer,
        np.minimum,
    )
    r(
        "max",
        "max(a, b) -> number|date",
        "the larger of two values, elementwise",
        (2, 2),
        "math",
        _minmax_typer,
        np.maximum,
    )
    r(
        "clip",
        "clip(x, lo, hi) -> number",
        "x limited to [lo, hi]",
        (3, 3),
        "math",
        _clip_typer,
        np.clip,
    )
    r(
        "int",
        "int(x: number) -> int",
        "truncate toward 0",
        (1, 1),
        "math",
        _cast_typer("int"),
        _to_int,
    )
    r(
        "float",
        "float(x: number) -> float",
        "as a float",
        (1, 1),
        "math",
        _cast_typer("float"),
        lambda x: np.asarray(x, dtype=np.float64),
    )
    for unit, doc in (
        ("year", "the year"),
        ("month", "month 1-12"),
        ("day", "day of the month 1-31"),
        ("hour", "hour 0-23"),
        ("minute", "minute 0-59"),
        ("dow", "day of week, Monday 0 ... Sunday 6"),
        ("dayofyear", "day of the year 1-366"),
    ):
        r(
            unit,
            f"{unit}(t: date|datetime) -> int",
            doc,
            (1, 1),
            "time",
            _part_typer(unit),
            _dt_part(unit),
        )
    r(
        "is_weekend",
        "is_weekend(t: date|datetime) -> bool",
        "Saturday or Sunday",
        (1, 1),
        "time",
        _part_typer("is_weekend"),
        lambda ts: _dt_part("dow")(ts) >= 5,
    )
    for unit, name in (("D", "days"), ("h", "hours"), ("m", "minutes")):
        r(
            f"{name}_between",
            f"{name}_between(a: date|datetime, b: date|datetime) -> float",
            f"b - a in {name} (fractional)",
            (2, 2),
            "time",
            _between_typer,
            _between(unit),
        )
    for unit, name in (("D", "days"), ("h", "hours"), ("m", "minutes"), ("s", "seconds")):
        r(
            f"add_{name}",
            f"add_{name}(t: date|datetime, n: number) -> date|datetime",
            f"t shifted by n {name}"
            + (" (a date plus whole days stays a date)" if name == "days" else ""),
            (2, 2),
            "time",
            _add_typer(name),
            _add(unit),
            example=f"add_{name}(ordered_at, 3)",
        )
    r(
        "add_months",
        "add_months(t: date|datetime, n: number) -> date|datetime",
        "t shifted by n whole calendar months, the day clipped to the month's last "
        "(Jan 31 + 1 = Feb 28 or 29); a date stays a date",
        (2, 2),
        "time",
        _add_typer("months"),
        _add_months,
        example="add_months(started_on, position() - 1)",
    )
    r(
        "date",
        "date('YYYY-MM-DD') -> date",
        "a date literal",
        (1, 1),
        "time",
        special=_compile_temporal_literal("date"),
        example="ship_date <= date('1995-06-17')",
    )
    r(
        "timestamp",
        "timestamp('YYYY-MM-DD HH:MM:SS') -> datetime",
        "a datetime literal",
        (1, 1),
        "time",
        special=_compile_temporal_literal("datetime"),
        example="timestamp('2024-01-01 09:30:00')",
    )
    r(
        "concat",
        "concat(a, b, ...) -> string",
        "2 to 64 values as text, joined",
        (2, 64),
        "text",
        _concat_typer,
        special=_compile_concat,
        example="concat('ACC', account_id)",
    )
    r(
        "format",
        "format(template: literal, values...) -> string",
        "Python-style template with `{}` / `{:spec}` fields, spec [[fill]<|>|^][0][width][.precision][d|f|s]",
        (1, 9),
        "text",
        special=_compile_format,
        example="format('Customer#{:09d}', c_custkey)",
    )
    r("upper", "upper(s) -> string", "upper case", (1, 1), "text", _string_typer, _upper)
    r("lower", "lower(s) -> string", "lower case", (1, 1), "text", _string_typer, _lower)
    r(
        "substr",
        "substr(s, start: int literal, length: int = rest) -> string",
        "characters from start (1-based), at most length of them",
        (2, 3),
        "text",
        special=_compile_substr,
        example="substr(phone, 1, 2)",
    )
    r(
        "lpad",
        "lpad(s, width: int literal, fill: char literal = ' ') -> string",
        "s padded on the left to width",
        (2, 3),
        "text",
        special=_compile_lpad,
        example="lpad(code, 5, '0')",
    )
    r(
        "replace",
        "replace(s, old: literal, new: literal) -> string",
        "every old replaced by new",
        (3, 3),
        "text",
        special=_compile_replace,
        example="replace(name, ' ', '_')",
    )
    r(
        "length",
        "length(s) -> int",
        "number of characters",
        (1, 1),
        "text",
        _fixed("int", {"string"}),
        _length,
    )
    r(
        "uniform",
        "uniform(a: number, b: number) -> float",
        "a random float in [a, b), seeded per column and block",
        (2, 2),
        "random",
        special=_compile_random("uniform"),
        example="uniform(0.5, 2.0)",
    )
    r(
        "normal",
        "normal(mean: number, std: number) -> float",
        "a random normal draw",
        (2, 2),
        "random",
        special=_compile_random("normal"),
        example="normal(100, 15)",
    )
    r(
        "randint",
        "randint(a: int, b: int) -> int",
        "a random whole number in [a, b], both included",
        (2, 2),
        "random",
        special=_compile_random("randint"),
        example="randint(1, 50)",
    )
    r(
        "choice",
        "choice([v1, v2, ...], [w1, w2, ...]) -> value",
        "a random pick among literal values, optionally weighted",
        (1, 2),
        "random",
        special=_compile_choice,
        example="choice(['R', 'A'])",
    )
    r(
        "row_number",
        "row_number() -> int",
        "1..n over the whole table",
        (0, 0),
        "rows",
        special=_compile_row_number,
        example="row_number() * 10",
    )
    r(
        "table_rows",
        "table_rows('table') -> int",
        "the row count of an earlier table (it becomes a dependency)",
        (1, 1),
        "rows",
        special=_compile_table_rows,
        example="table_rows('supplier')",
    )
    r(
        "position",
        "position() -> int",
        "facts: 1..n among the rows of the same (first) parent",
        (0, 0),
        "rows",
        special=_compile_position,
        example="position()",
    )
    r(
        "sibling_count",
        "sibling_count() -> int",
        "facts: how many rows share this row's (first) parent",
        (0, 0),
        "rows",
        special=_compile_sibling_count,
        example="sibling_count()",
    )
    r(
        "previous",
        "previous(x, default = null) -> x",
        "facts: x of the previous row of the same parent (default on the first)",
        (1, 2),
        "rows",
        special=_compile_previous,
        example="previous(amount, 0)",
    )
    r(
        "running_sum",
        "running_sum(x: number, floor = none) -> number",
        "facts: sum of x over the parent's rows so far, this one included; with a floor, "
        "never below it (each step max(floor, previous + x): a withdrawal is cut to the balance)",
        (1, 2),
        "rows",
        special=_compile_running_sum,
        example="add_minutes(opened_at, running_sum(uniform(1, 90)))",
    )


_build_registry()

CONSTANTS = {"pi": float(np.pi), "e": float(np.e), "true": True, "false": False}

_BINOPS: dict[type[ast.operator], Callable[[Any, Any], Any]] = {
    ast.Add: np.add,
    ast.Sub: np.subtract,
    ast.Mult: np.multiply,
    ast.Div: np.true_divide,
    ast.FloorDiv: np.floor_divide,
    ast.Mod: np.mod,
    ast.Pow: np.power,
}
_CMPOPS: dict[type[ast.cmpop], Callable[[Any, Any], Any]] = {
    ast.Lt: np.less,
    ast.LtE: np.less_equal,
    ast.Gt: np.greater,
    ast.GtE: np.greater_equal,
    ast.Eq: np.equal,
    ast.NotEq: np.not_equal,
}


def function_reference() -> list[dict[str, str]]:
    """The functions as data: name, signature, one-line doc, category, example (for prompts)."""
    return [
        {
            "name": f.name,
            "signature": f.signature,
            "doc": f.doc,
            "category": f.category,
            "example": f.example,
        }
        for f in FUNCTIONS.values()
    ]


# --------------------------------------------------------------------------- compiler


@dataclass(frozen=True)
class Compiled:
    source: str
    names: frozenset[str]
    fn: Fn
    type: Ty = ANY
    uses: Mapping[str, int | None] = field(default_factory=dict)

    def __call__(self, env: Scope | Mapping[str, Any]) -> Any:
        scope = env if isinstance(env, Scope) else _scope_of(env)
        with np.errstate(all="ignore"):
            return self.fn(scope)

    @property
    def random(self) -> bool:
        return "random" in self.uses

    @property
    def tables(self) -> set[str]:
        """Tables read through table_rows()."""
        return {u.split(":", 1)[1] for u in self.uses if u.startswith("table:")}


def _scope_of(env: Mapping[str, Any]) -> Scope:
    n = 1
    for value in env.values():
        arr = np.asarray(value)
        if arr.ndim:
            n = len(arr)
            break
    return Scope(env, n)


@lru_cache(maxsize=256)
def compiled(source: str) -> Compiled:
    """The compiled form of an expression preflight already checked: once per run, not per block."""
    return compile_expression(source)


def compile_expression(
    source: str,
    allowed_names: set[str] | None = None,
    types: Mapping[str, Ty] | None = None,
) -> Compiled:
    """Compile `source`.

    allowed_names: the only column names it may use (when given); types: the
    type of each name (when given, every node is type checked and the result
    typed; names without a type are `any`).
    """
    if len(source) > MAX_SOURCE:
        raise ExpressionError(f"expression longer than {MAX_SOURCE} characters")
    try:
        tree = ast.parse(source.strip(), mode="eval")
    except SyntaxError as exc:
        raise ExpressionError(
            f"invalid syntax: {exc.msg}", (exc.offset or 1) - 1 if exc.offset else None
        ) from None
    if types is not None and allowed_names is None:
        allowed_names = set(types)
    compiler = _Compiler(allowed_names, dict(types or {}))
    fn, ty = compiler.compile(tree.body)
    if types is not None and ty.kind == "string" and (ty.max_len or 0) > MAX_STRING_RESULT:
        raise ExpressionError(
            f"the result can grow to {ty.max_len} characters, more than {MAX_STRING_RESULT}"
        )
    return Compiled(source, frozenset(compiler.names), fn, ty, dict(compiler.uses))


class _Compiler:
    def __init__(self, allowed: set[str] | None, types: dict[str, Ty]):
        self.allowed = allowed
        self.types = types
        self.names: set[str] = set()
        self.uses: dict[str, int | None] = {}
        self.depth = 0
        self.sites = 0

    def random_site(self, name: str) -> str:
        self.uses.setdefault("random", None)
        self.sites += 1
        return f"{name}#{self.sites}"

    def compile(self, node: ast.AST) -> tuple[Fn, Ty]:
        col = getattr(node, "col_offset", None)
        if self.depth > MAX_DEPTH:
            raise ExpressionError("expression nested too deeply", col)
        self.depth += 1
        try:
            return self._compile(node, col)
        finally:
            self.depth -= 1

    def null_filled(self, fn: Fn, ty: Ty, target: Ty) -> Fn:
        """`fn`, with the null literal given the sentinel of the target type."""
        if ty.kind == "null":
            sentinel = null_of(target.kind)
            return lambda scope: sentinel
        return fn

    def branches(
        self, test: Fn, body_node: ast.expr, else_node: ast.expr, col: int | None
    ) -> tuple[Fn, Ty]:
        body, body_ty = self.compile(body_node)
        orelse, else_ty = self.compile(else_node)
        ty = unify(body_ty, else_ty, col)
        if ty.kind == "any" and "null" in (body_ty.kind, else_ty.kind):
            # untyped names (compiled without the schema): the null takes the other side's kind
            value, value_is_body = (orelse, False) if body_ty.kind == "null" else (body, True)

            def run(scope: Scope) -> Any:
                other = np.asarray(value(scope))
                null: Any = null_of(
                    {"M": "datetime", "O": "string", "U": "string"}.get(other.dtype.kind, "float")
                )
                if other.dtype.kind == "M":  # NaT in the other side's unit (a date stays a date)
                    null = np.array("NaT", dtype=other.dtype)
                pair = (other, null) if value_is_body else (null, other)
                return np.where(test(scope), *pair)

            return run, ty
        body, orelse = self.null_filled(body, body_ty, ty), self.null_filled(orelse, else_ty, ty)

        def pick(scope: Scope) -> Any:
            condition, left, right = test(scope), body(scope), orelse(scope)
            exact = _exact_select([condition], [left, right], scope.n)
            return exact if exact is not None else np.where(condition, left, right)

        return pick, ty

    def _compile(self, node: ast.AST, col: int | None) -> tuple[Fn, Ty]:
        if isinstance(node, ast.Constant):
            return self._constant(node, col)
        if isinstance(node, ast.Name):
            return self._name(node, col)
        if isinstance(node, ast.BinOp):
            return self._binop(node, col)
        if isinstance(node, ast.UnaryOp):
            return self._unary(node, col)
        if isinstance(node, ast.BoolOp):
            parts = [self.compile(v) for v in node.values]
            for _, t in parts:
                if not _is(t, NUMBERS):
                    raise ExpressionError(f"`and`/`or` need booleans, got {t.kind}", col)
            fns = [fn for fn, _ in parts]
            combine = np.logical_and if isinstance(node.op, ast.And) else np.logical_or

            def boolop(scope: Scope) -> Any:
                result = fns[0](scope)
                for part in fns[1:]:
                    result = combine(result, part(scope))
                return result

            return boolop, Ty("bool")
        if isinstance(node, ast.Compare):
            return self._compare(node, col)
        if isinstance(node, ast.IfExp):
            test, test_ty = self.compile(node.test)
            if not _is(test_ty, NUMBERS):
                raise ExpressionError(f"the condition is {test_ty.kind}, not bool", col)
            return self.branches(test, node.body, node.orelse, col)
        if isinstance(node, ast.Call):
            return self._call(node, col)
        kind = type(node).__name__
        reasons = {
            "Attribute": "attribute access is not allowed",
            "Subscript": "subscripts are not allowed",
            "Lambda": "lambdas are not allowed",
            "ListComp": "comprehensions are not allowed",
            "GeneratorExp": "comprehensions are not allowed",
            "DictComp": "comprehensions are not allowed",
            "SetComp": "comprehensions are not allowed",
            "NamedExpr": "assignments are not allowed",
            "Starred": "star arguments are not allowed",
            "List": "lists are only allowed as choice() arguments",
        }
        raise ExpressionError(reasons.get(kind, f"{kind} is not allowed"), col)

    def _constant(self, node: ast.Constant, col: int | None) -> tuple[Fn, Ty]:
        value = node.value
        if value is None:
            raise ExpressionError("None is not allowed (use null)", col)
        if isinstance(value, bool):
            return (lambda scope: value), Ty("bool")
        if isinstance(value, (int, float)):
            if abs(value) > MAX_ABS_NUMBER:
                raise ExpressionError(f"number {value!r} is too large", col)
            return (lambda scope: value), Ty("int" if isinstance(value, int) else "float")
        if isinstance(value, str):
            if len(value) > MAX_STRING:
                raise ExpressionError(f"string longer than {MAX_STRING} characters", col)
            return (lambda scope: value), Ty("string", False, len(value))
        raise ExpressionError(f"literal of type {type(value).__name__} is not allowed", col)

    def _name(self, node: ast.Name, col: int | None) -> tuple[Fn, Ty]:
        name = node.id
        if name.startswith("_"):
            raise ExpressionError(f"name `{name}` is not allowed", col)
        if name == "null":
            return (lambda scope: np.nan), NULL
        if name in CONSTANTS:
            const = CONSTANTS[name]
            return (lambda scope: const), Ty("bool" if isinstance(const, bool) else "float")
        if self.allowed is not None and name not in self.allowed:
            from datagen.engine.errors import did_you_mean

            hint = did_you_mean(name, self.allowed | set(FUNCTIONS))
            extra = f"; did you mean `{hint}`?" if hint else ""
            raise ExpressionError(f"unknown name `{name}`{extra}", col)
        self.names.add(name)
        ty = self.types.get(name, ANY)

        def read(scope: Scope) -> Any:
            return scope.columns[name]

        read.arrow = lambda scope: scope.arrow_column(name)  # type: ignore[attr-defined]
        read.raw_text = lambda scope: scope.raw_text(name)  # type: ignore[attr-defined]
        return read, ty

    def _binop(self, node: ast.BinOp, col: int | None) -> tuple[Fn, Ty]:
        op = _BINOPS.get(type(node.op))
        if op is None:
            raise ExpressionError(f"operator {type(node.op).__name__} is not allowed", col)
        if isinstance(node.op, ast.Pow):
            _check_power(node, col)
        if any(
            isinstance(side, ast.Constant) and isinstance(side.value, str)
            for side in (node.left, node.right)
        ):
            raise ExpressionError("arithmetic on text is not allowed (use concat())", col)
        left, lt = self.compile(node.left)
        right, rt = self.compile(node.right)
        ty = self._arith_type(node, lt, rt, col)
        if isinstance(node.op, ast.Pow) and ty.kind == "float":
            # int ** negative int fails in numpy: powers that may be fractional run in floats
            return (
                lambda scope: np.power(np.asarray(left(scope), dtype=np.float64), right(scope))
            ), ty
        if isinstance(node.op, (ast.FloorDiv, ast.Mod)) and ty.kind == "int":
            return (lambda scope: op(left(scope), right(scope))), ty
        return (lambda scope: op(left(scope), right(scope))), ty

    def _arith_type(self, node: ast.BinOp, lt: Ty, rt: Ty, col: int | None) -> Ty:
        symbol = {
            ast.Add: "+",
            ast.Sub: "-",
            ast.Mult: "*",
            ast.Div: "/",
            ast.FloorDiv: "//",
            ast.Mod: "%",
            ast.Pow: "**",
        }[type(node.op)]
        nullable = lt.nullable or rt.nullable
        for t in (lt, rt):
            if t.kind == "string":
                raise ExpressionError(
                    f"`{symbol}` on text is not allowed (use concat() or format())", col
                )
        if lt.kind in TIMES or rt.kind in TIMES:
            if symbol in ("+", "-") and (lt.kind in TIMES) != (rt.kind in TIMES):
                stamp, amount = (
                    (node.left, node.right) if lt.kind in TIMES else (node.right, node.left)
                )
                sign = "-" if symbol == "-" else ""
                raise ExpressionError(
                    f"`{ast.unparse(node)}` adds a bare number to a "
                    f"{lt.kind if lt.kind in TIMES else rt.kind}: use "
                    f"add_days({ast.unparse(stamp)}, {sign}{_as_days(ast.unparse(amount))}) "
                    "(or add_hours, add_minutes, add_seconds)",
                    col,
                )
            if symbol == "-":
                raise ExpressionError("cannot subtract dates: use days_between(a, b)", col)
            raise ExpressionError(f"`{symbol}` is not defined on dates", col)
        if "any" in (lt.kind, rt.kind):
            return Ty("any", nullable)
        if symbol == "/":
            return Ty("float", nullable)
        if symbol == "**":
            exponent = node.right
            negative = isinstance(exponent, ast.UnaryOp) and isinstance(exponent.op, ast.USub)
            literal = isinstance(exponent, ast.Constant) and isinstance(exponent.value, int)
            if (
                lt.kind in ("int", "bool")
                and rt.kind in ("int", "bool")
                and literal
                and not negative
            ):
                return Ty("int", nullable)
            return Ty("float", nullable)
        kind = "float" if "float" in (lt.kind, rt.kind) else "int"
        if "null" in (lt.kind, rt.kind):
            kind = "float"
        return Ty(kind, nullable)

    def _unary(self, node: ast.UnaryOp, col: int | None) -> tuple[Fn, Ty]:
        operand, ty = self.compile(node.operand)
        if isinstance(node.op, ast.Not):
            if not _is(ty, NUMBERS):
                raise ExpressionError(f"`not` needs a boolean, got {ty.kind}", col)
            return (lambda scope: np.logical_not(operand(scope))), Ty("bool", ty.nullable)
        if not _is(ty, NUMBERS):
            raise ExpressionError(f"a sign needs a number, got {ty.kind}", col)
        out = Ty("int" if ty.kind == "bool" else ty.kind, ty.nullable)
        if isinstance(node.op, ast.USub):
            return (lambda scope: np.negative(operand(scope))), out
        if isinstance(node.op, ast.UAdd):
            return operand, out
        raise ExpressionError(f"operator {type(node.op).__name__} is not allowed", col)

    def _compare(self, node: ast.Compare, col: int | None) -> tuple[Fn, Ty]:
        first, first_ty = self.compile(node.left)
        ops = []
        left_ty = first_ty
        for op_node, comparator in zip(node.ops, node.comparators, strict=True):
            op = _CMPOPS.get(type(op_node))
            if op is None:
                raise ExpressionError(f"comparison {type(op_node).__name__} is not allowed", col)
            right, right_ty = self.compile(comparator)
            _comparable(left_ty, right_ty, isinstance(op_node, (ast.Eq, ast.NotEq)), col)
            ops.append((op, right))
            left_ty = right_ty

        def compare(scope: Scope) -> Any:
            left = first(scope)
            result: Any = True
            for op, right_fn in ops:
                right = right_fn(scope)
                result = np.logical_and(result, op(left, right))
                left = right
            return result

        return compare, Ty("bool")

    def _call(self, node: ast.Call, col: int | None) -> tuple[Fn, Ty]:
        if not isinstance(node.func, ast.Name):
            raise ExpressionError("only plain function calls are allowed (no methods)", col)
        fname = node.func.id
        if fname not in FUNCTIONS:
            from datagen.engine.errors import did_you_mean

            hint = did_you_mean(fname, FUNCTIONS)
            extra = f"; did you mean `{hint}`?" if hint else ""
            raise ExpressionError(f"function `{fname}` is not allowed{extra}", col)
        if node.keywords:
            raise ExpressionError("keyword arguments are not allowed", col)
        function = FUNCTIONS[fname]
        lo, hi = function.min_args, function.max_args
        if not lo <= len(node.args) <= hi:
            want = str(lo) if lo == hi else f"{lo} to {hi}"
            raise ExpressionError(f"{fname}() takes {want} arguments, got {len(node.args)}", col)
        if function.special is not None:
            return function.special(self, node, col)
        compiled_args = [self.compile(a) for a in node.args]
        ty = function.typer([t for _, t in compiled_args], list(node.args), col)
        args = [fn for fn, _ in compiled_args]
        impl = function.impl
        assert impl is not None
        arrow_impl = _ARROW_IMPLS.get(impl)
        if arrow_impl is not None:
            arrow_args = [arrow_fn(a) for a in args]
            return _arrow_native(lambda scope: arrow_impl(*(a(scope) for a in arrow_args))), ty
        return (lambda scope: impl(*(a(scope) for a in args))), ty


def _as_days(amount: str) -> str:
    """`n * 86400` (seconds in a day) read as n days, for the add_days() suggestion."""
    for form in (" * 86400", "*86400", " * 86_400", "*86_400"):
        if amount.endswith(form):
            return amount[: -len(form)]
    return amount


def _comparable(a: Ty, b: Ty, equality: bool, col: int | None) -> None:
    if "any" in (a.kind, b.kind):
        return
    if "null" in (a.kind, b.kind):
        raise ExpressionError("comparing with null is never true: use is_null(x)", col)
    families = [
        "number" if t.kind in NUMBERS else "time" if t.kind in TIMES else t.kind for t in (a, b)
    ]
    if families[0] != families[1]:
        hint = ""
        if {a.kind, b.kind} & TIMES and "string" in (a.kind, b.kind):
            hint = " (write the date as date('2024-01-31'))"
        raise ExpressionError(f"cannot compare {a.kind} with {b.kind}{hint}", col)


def _check_power(node: ast.BinOp, col: int | None) -> None:
    exponent = node.right
    if isinstance(exponent, ast.BinOp) and isinstance(exponent.op, ast.Pow):
        raise ExpressionError("nested powers are not allowed", col)
    if isinstance(exponent, ast.UnaryOp):
        exponent = exponent.operand
    if isinstance(exponent, ast.Constant) and isinstance(exponent.value, (int, float)):
        if abs(exponent.value) > MAX_POWER:
            raise ExpressionError(f"exponent larger than {MAX_POWER}", col)
