"""Logical column types over the six base types: how a value is stored, not how it is made.

`"type": "decimal(12,2)"` is a float column stored exactly (`format: "decimal(12,2)"`),
`"uuid"` a string column of UUIDs, `"timestamptz"` a datetime in UTC with its zone, and
`"time"` the time of day of a datetime. Generators, modifiers and expressions see the base
type (float, string, datetime); the Arrow schema, the DDL and the validator's type check
see the format. One table says, per format, its base type, Arrow type and SQL types.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pyarrow as pa

FORMAT_PATTERN = r"^(decimal\([0-9]{1,2}, ?[0-9]{1,2}\)|uuid|timestamptz|time)$"
_DECIMAL = re.compile(r"^(?:decimal|numeric)\(\s*([0-9]{1,2})\s*,\s*([0-9]{1,2})\s*\)$")
MAX_PRECISION = 38
# a float holds 15 significant decimal digits exactly: more would not round-trip
EXACT_DIGITS = 15


@dataclass(frozen=True)
class Format:
    base: str  # the DSL base type the engine computes with
    arrow: pa.DataType
    sql: dict[str, str]  # dialect -> SQL type


def decimal_digits(fmt: str | None) -> tuple[int, int] | None:
    """(precision, scale) of a `decimal(p,s)` format, else None."""
    match = _DECIMAL.match(fmt or "")
    return (int(match.group(1)), int(match.group(2))) if match else None


def format_of(fmt: str) -> Format:
    digits = decimal_digits(fmt)
    if digits is not None:
        p, s = digits
        # SQLite has no exact decimal: REAL keeps 15 significant digits (EXACT_DIGITS)
        return Format(
            "float",
            pa.decimal128(p, s),
            {"sqlite": "REAL", "duckdb": f"DECIMAL({p},{s})", "postgres": f"numeric({p},{s})"},
        )
    return FORMATS[fmt]


FORMATS: dict[str, Format] = {
    # SQLite has no uuid type: the 36-character text
    "uuid": Format("string", pa.string(), {"sqlite": "TEXT", "duckdb": "UUID", "postgres": "uuid"}),
    "timestamptz": Format(
        "datetime",
        pa.timestamp("us", tz="UTC"),
        {"sqlite": "TEXT", "duckdb": "TIMESTAMPTZ", "postgres": "timestamptz"},
    ),
    "time": Format(
        "datetime", pa.time64("us"), {"sqlite": "TEXT", "duckdb": "TIME", "postgres": "time"}
    ),
}


def normalize_type(data: dict[str, object]) -> dict[str, object]:
    """A column written `"type": "decimal(12,2)"` (or `uuid`, `timestamptz`, `time`) as its
    base type plus `format` (the canonical form)."""
    given = data.get("type")
    if not isinstance(given, str) or "format" in data:
        return data
    text = given.strip().lower()
    digits = decimal_digits(text)
    if digits is not None:
        return {**data, "type": "float", "format": f"decimal({digits[0]},{digits[1]})"}
    if text in FORMATS:
        return {**data, "type": FORMATS[text].base, "format": text}
    return data


def format_problem(fmt: str, base: str) -> str | None:
    """Why a format does not fit a column of this base type, or None."""
    digits = decimal_digits(fmt)
    if digits is not None:
        p, s = digits
        if not 1 <= p <= MAX_PRECISION or s > p:
            return f"`{fmt}` needs 1 <= precision <= {MAX_PRECISION} and scale <= precision"
    want = format_of(fmt).base
    if base != want:
        return f"format `{fmt}` is for a {want} column, not {base}"
    return None


__all__ = [
    "FORMATS",
    "FORMAT_PATTERN",
    "Format",
    "decimal_digits",
    "format_of",
    "format_problem",
    "normalize_type",
]
