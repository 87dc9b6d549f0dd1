"""The DSL's building blocks shared by the models in engine/dsl.py and the generator
kinds in engine/generators/ (each kind owns its spec model): the strict base
model, identifiers and references, time windows and patterns, instants.

Below both: it imports neither.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

ColumnType = Literal["int", "float", "string", "bool", "date", "datetime"]
Scalar = str | int | float | bool
IDENT = r"^[A-Za-z_][A-Za-z0-9_]*$"
REF = r"^[A-Za-z_][A-Za-z0-9_]*\.[A-Za-z_][A-Za-z0-9_]*$"

Identifier = Annotated[str, Field(pattern=IDENT, max_length=63)]
ColumnRef = Annotated[
    str, Field(pattern=REF, description="`table.column`", examples=["customer.customer_id"])
]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


WEIGHTS_KIND_PATTERN = r"^(uniform|zipf@[0-9.]+|head_tail@\{?[0-9.]+,[0-9.]+\}?)$"


class Window(Strict):
    start: str = Field(description="ISO date or datetime", examples=["2024-01-01"])
    end: str = Field(description="ISO date or datetime, after start (exclusive)")

    @model_validator(mode="after")
    def _ordered(self) -> Window:
        start, end = parse_instant(self.start), parse_instant(self.end)
        if end <= start:
            raise ValueError(f"end {self.end} must be after start {self.start}")
        return self


PatternDimension = Literal["hour", "dow", "month"]
PATTERN_LENGTH = {"hour": 24, "dow": 7, "month": 12}


class Pattern(Strict):
    """Relative weights per hour of day (24), day of week Mon..Sun (7) or month (12)."""

    dimension: PatternDimension
    weights: list[Annotated[float, Field(ge=0)]]

    @model_validator(mode="after")
    def _length(self) -> Pattern:
        expected = PATTERN_LENGTH[self.dimension]
        if len(self.weights) != expected:
            raise ValueError(
                f"a {self.dimension} pattern needs {expected} weights, got {len(self.weights)}"
            )
        if sum(self.weights) <= 0:
            raise ValueError("pattern weights must not all be 0")
        return self


Freq = Literal["s", "min", "h", "D"]


FREQ_ALIASES = {
    "S": "s",
    "sec": "s",
    "second": "s",
    "T": "min",
    "m": "min",
    "minute": "min",
    "H": "h",
    "hour": "h",
    "d": "D",
    "day": "D",
}


def normalize_freq(v: Any) -> Any:
    if isinstance(v, str):
        return FREQ_ALIASES.get(v, v)
    return v


# Years every writer and reader can hold (Python's datetime: CSV, JSON, SQLite, PostgreSQL).
INSTANT_RANGE = ("0001-01-01", "9999-12-31T23:59:59")


def parse_instant(text: str) -> Any:
    """ISO date/datetime -> numpy datetime64[s] (naive UTC); ValueError when unreadable.

    numpy also reads "", "NaT" (not a time: every comparison false) and "now"/"today"
    (the wall clock: the same schema would give other bytes tomorrow); all refused.
    """
    import numpy as np

    cleaned = text.strip().replace(" ", "T")
    if cleaned.endswith("Z"):
        cleaned = cleaned[:-1]
    cleaned = re.sub(r"[+-]00:?00$", "", cleaned)
    unreadable = ValueError(f"`{text}` is not an ISO date or datetime (e.g. 2024-01-31)")
    if not cleaned[:1].isdigit() and cleaned[:1] not in ("-", "+"):
        raise unreadable
    try:
        instant = np.datetime64(cleaned, "s")
    except ValueError:
        raise unreadable from None
    if np.isnat(instant):
        raise unreadable
    if not np.datetime64(INSTANT_RANGE[0], "s") <= instant <= np.datetime64(INSTANT_RANGE[1], "s"):
        raise ValueError(f"`{text}` is out of range: dates go from year 1 to year 9999")
    return instant


def split_ref(ref: str) -> tuple[str, str]:
    """`table.column` -> (table, column)."""
    table, column = ref.split(".", 1)
    return table, column


TEMPORAL_TYPES = frozenset({"date", "datetime"})


def fits(value: object, type_: str) -> bool:
    """Whether a literal of the schema (a choice, an enum value) fits a column type."""
    if type_ == "string":
        return isinstance(value, str)
    if type_ == "bool":
        return isinstance(value, bool)
    if type_ == "int":
        return isinstance(value, int) and not isinstance(value, bool)
    if type_ == "float":
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if type_ in TEMPORAL_TYPES:
        if not isinstance(value, str):
            return False
        try:
            parse_instant(value)
        except ValueError:
            return False
        return True
    return False
