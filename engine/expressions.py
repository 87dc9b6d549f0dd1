"""A whitelisted expression language compiled to numpy closures.

Source text is parsed with `ast` and every node is checked against a
whitelist: arithmetic, comparisons, boolean operators, `a if c else b`, a
fixed set of functions, column names and small literals. Anything else
(attribute access, subscripts, dunders, comprehensions, lambdas, unknown
calls, huge literals or powers) is rejected with its position. The compiled
form is a tree of closures over numpy arrays: user text is never evaluated.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np

Env = Mapping[str, Any]
Fn = Callable[[Env], Any]

MAX_SOURCE = 2000
MAX_DEPTH = 40
MAX_STRING = 256
MAX_ABS_NUMBER = 1e15
MAX_POWER = 64


class ExpressionError(ValueError):
    def __init__(self, message: str, column: int | None = None):
        self.column = column
        where = f" at column {column + 1}" if column is not None else ""
        super().__init__(f"{message}{where}")


def _dt_part(unit: str) -> Callable[[Any], Any]:
    def part(values: Any) -> Any:
        arr = np.asarray(values)
        if arr.dtype.kind != "M":
            raise ExpressionError(f"{unit}() needs a date or datetime column")
        if unit == "year":
            return arr.astype("datetime64[Y]").astype(np.int64) + 1970
        if unit == "month":
            return arr.astype("datetime64[M]").astype(np.int64) % 12 + 1
        if unit == "day":
            return (arr.astype("datetime64[D]") - arr.astype("datetime64[M]")).astype(np.int64) + 1
        if unit == "hour":
            return (arr.astype("datetime64[h]") - arr.astype("datetime64[D]")).astype(np.int64)
        if unit == "minute":
            return (arr.astype("datetime64[m]") - arr.astype("datetime64[h]")).astype(np.int64)
        if unit == "dow":  # Monday = 0, as pandas; 1970-01-01 was a Thursday
            return (arr.astype("datetime64[D]").astype(np.int64) + 3) % 7
        if unit == "dayofyear":
            return (arr.astype("datetime64[D]") - arr.astype("datetime64[Y]")).astype(np.int64) + 1
        raise AssertionError(unit)

    return part


def _between(unit: str) -> Callable[[Any, Any], Any]:
    scale = {"D": 86400, "h": 3600, "m": 60}[unit]

    def between(a: Any, b: Any) -> Any:
        delta = np.asarray(b).astype("datetime64[s]") - np.asarray(a).astype("datetime64[s]")
        return delta.astype(np.int64) / scale

    return between


def _add(unit: str) -> Callable[[Any, Any], Any]:
    scale = {"D": 86400_000_000, "h": 3600_000_000, "m": 60_000_000}[unit]

    def add(ts: Any, amount: Any) -> Any:
        arr = np.asarray(ts).astype("datetime64[us]")
        micros = np.rint(np.asarray(amount, dtype=np.float64) * scale).astype(np.int64)
        return arr + micros.astype("timedelta64[us]")

    return add


def _round(x: Any, digits: Any = 0) -> Any:
    return np.round(np.asarray(x, dtype=np.float64), int(digits))


def _concat(*parts: Any) -> Any:
    out = np.asarray(parts[0]).astype(str)
    for part in parts[1:]:
        out = np.char.add(out, np.asarray(part).astype(str))
    return out


FUNCTIONS: dict[str, tuple[Callable[..., Any], int, int]] = {
    # name: (implementation, min args, max args)
    "where": (np.where, 3, 3),
    "abs": (np.abs, 1, 1),
    "round": (_round, 1, 2),
    "floor": (np.floor, 1, 1),
    "ceil": (np.ceil, 1, 1),
    "sqrt": (np.sqrt, 1, 1),
    "log": (np.log, 1, 1),
    "log10": (np.log10, 1, 1),
    "exp": (np.exp, 1, 1),
    "min": (np.minimum, 2, 2),
    "max": (np.maximum, 2, 2),
    "clip": (np.clip, 3, 3),
    "int": (lambda x: np.trunc(np.asarray(x, dtype=np.float64)).astype(np.int64), 1, 1),
    "float": (lambda x: np.asarray(x, dtype=np.float64), 1, 1),
    "year": (_dt_part("year"), 1, 1),
    "month": (_dt_part("month"), 1, 1),
    "day": (_dt_part("day"), 1, 1),
    "hour": (_dt_part("hour"), 1, 1),
    "minute": (_dt_part("minute"), 1, 1),
    "dow": (_dt_part("dow"), 1, 1),
    "dayofyear": (_dt_part("dayofyear"), 1, 1),
    "is_weekend": (lambda ts: _dt_part("dow")(ts) >= 5, 1, 1),
    "days_between": (_between("D"), 2, 2),
    "hours_between": (_between("h"), 2, 2),
    "minutes_between": (_between("m"), 2, 2),
    "add_days": (_add("D"), 2, 2),
    "add_hours": (_add("h"), 2, 2),
    "add_minutes": (_add("m"), 2, 2),
    "concat": (_concat, 2, 8),
}
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


@dataclass(frozen=True)
class Compiled:
    source: str
    names: frozenset[str]
    fn: Fn

    def __call__(self, env: Env) -> Any:
        with np.errstate(all="ignore"):
            return self.fn(env)


@lru_cache(maxsize=256)
def compiled(source: str) -> Compiled:
    """The compiled form of an expression preflight already checked: once per run, not per block."""
    return compile_expression(source)


def compile_expression(source: str, allowed_names: set[str] | None = None) -> Compiled:
    """Compile `source`; `allowed_names` (when given) are the only column names it may use."""
    if len(source) > MAX_SOURCE:
        raise ExpressionError(f"expression longer than {MAX_SOURCE} characters")
    try:
        tree = ast.parse(source.strip(), mode="eval")
    except SyntaxError as exc:
        raise ExpressionError(
            f"invalid syntax: {exc.msg}", (exc.offset or 1) - 1 if exc.offset else None
        ) from None
    names: set[str] = set()
    fn = _compile(tree.body, names, allowed_names, 0)
    return Compiled(source, frozenset(names), fn)


def _compile(node: ast.AST, names: set[str], allowed: set[str] | None, depth: int) -> Fn:
    col = getattr(node, "col_offset", None)
    if depth > MAX_DEPTH:
        raise ExpressionError("expression nested too deeply", col)
    sub = depth + 1

    if isinstance(node, ast.Constant):
        value = node.value
        if isinstance(value, bool) or value is None:
            if value is None:
                raise ExpressionError("None is not allowed", col)
            return lambda env: value
        if isinstance(value, (int, float)):
            if abs(value) > MAX_ABS_NUMBER:
                raise ExpressionError(f"number {value!r} is too large", col)
            return lambda env: value
        if isinstance(value, str):
            if len(value) > MAX_STRING:
                raise ExpressionError(f"string longer than {MAX_STRING} characters", col)
            return lambda env: value
        raise ExpressionError(f"literal of type {type(value).__name__} is not allowed", col)

    if isinstance(node, ast.Name):
        name = node.id
        if name.startswith("_"):
            raise ExpressionError(f"name `{name}` is not allowed", col)
        if name in CONSTANTS:
            const = CONSTANTS[name]
            return lambda env: const
        if allowed is not None and name not in allowed:
            from datagen.engine.errors import did_you_mean

            hint = did_you_mean(name, allowed | set(FUNCTIONS))
            extra = f"; did you mean `{hint}`?" if hint else ""
            raise ExpressionError(f"unknown name `{name}`{extra}", col)
        names.add(name)
        return lambda env: env[name]

    if isinstance(node, ast.BinOp):
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
        left, right = (
            _compile(node.left, names, allowed, sub),
            _compile(node.right, names, allowed, sub),
        )
        binop = op
        return lambda env: binop(left(env), right(env))

    if isinstance(node, ast.UnaryOp):
        operand = _compile(node.operand, names, allowed, sub)
        if isinstance(node.op, ast.USub):
            return lambda env: np.negative(operand(env))
        if isinstance(node.op, ast.UAdd):
            return operand
        if isinstance(node.op, ast.Not):
            return lambda env: np.logical_not(operand(env))
        raise ExpressionError(f"operator {type(node.op).__name__} is not allowed", col)

    if isinstance(node, ast.BoolOp):
        parts = [_compile(v, names, allowed, sub) for v in node.values]
        combine = np.logical_and if isinstance(node.op, ast.And) else np.logical_or

        def boolop(env: Env) -> Any:
            result = parts[0](env)
            for part in parts[1:]:
                result = combine(result, part(env))
            return result

        return boolop

    if isinstance(node, ast.Compare):
        first = _compile(node.left, names, allowed, sub)
        ops = []
        for op_node, comparator in zip(node.ops, node.comparators, strict=True):
            op = _CMPOPS.get(type(op_node))
            if op is None:
                raise ExpressionError(f"comparison {type(op_node).__name__} is not allowed", col)
            ops.append((op, _compile(comparator, names, allowed, sub)))

        def compare(env: Env) -> Any:
            left = first(env)
            result: Any = True
            for op, right_fn in ops:
                right = right_fn(env)
                result = np.logical_and(result, op(left, right))
                left = right
            return result

        return compare

    if isinstance(node, ast.IfExp):
        test = _compile(node.test, names, allowed, sub)
        body = _compile(node.body, names, allowed, sub)
        orelse = _compile(node.orelse, names, allowed, sub)
        return lambda env: np.where(test(env), body(env), orelse(env))

    if isinstance(node, ast.Call):
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
        impl, lo, hi = FUNCTIONS[fname]
        if not lo <= len(node.args) <= hi:
            want = str(lo) if lo == hi else f"{lo} to {hi}"
            raise ExpressionError(f"{fname}() takes {want} arguments, got {len(node.args)}", col)
        args = [_compile(a, names, allowed, sub) for a in node.args]
        return lambda env: impl(*(a(env) for a in args))

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
    }
    raise ExpressionError(reasons.get(kind, f"{kind} is not allowed"), col)


def _check_power(node: ast.BinOp, col: int | None) -> None:
    exponent = node.right
    if isinstance(exponent, ast.BinOp) and isinstance(exponent.op, ast.Pow):
        raise ExpressionError("nested powers are not allowed", col)
    if isinstance(exponent, ast.UnaryOp):
        exponent = exponent.operand
    if isinstance(exponent, ast.Constant) and isinstance(exponent.value, (int, float)):
        if abs(exponent.value) > MAX_POWER:
            raise ExpressionError(f"exponent larger than {MAX_POWER}", col)
