"""The DSL (version "1.0") as pydantic models: the single source of truth.

`datagen schema` prints the JSON Schema generated from these models, and the
LLM's tool input schema is built from it. Alternative spellings found in the
seed documents are accepted on input and normalized to one canonical form by
`mode="before"` validators; only the canonical form is ever written.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    Tag,
    field_validator,
    model_validator,
)

DSL_VERSION = "1.0"

ColumnType = Literal["int", "float", "string", "bool", "date", "datetime"]
Scalar = str | int | float | bool
IDENT = r"^[A-Za-z_][A-Za-z0-9_]*$"
REF = r"^[A-Za-z_][A-Za-z0-9_]*\.[A-Za-z_][A-Za-z0-9_]*$"
ON_PATH = r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$"

Identifier = Annotated[str, Field(pattern=IDENT, max_length=63)]
ColumnRef = Annotated[
    str, Field(pattern=REF, description="`table.column`", examples=["customer.customer_id"])
]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


# --------------------------------------------------------------------------- generators


class SequenceSpec(Strict):
    """Consecutive integers: start, start+step, ... over the whole table."""

    start: int = 1
    step: int = Field(1, description="non-zero")

    @field_validator("step")
    @classmethod
    def _non_zero(cls, v: int) -> int:
        if v == 0:
            raise ValueError("step must not be 0")
        return v


WEIGHTS_KIND_PATTERN = r"^(uniform|zipf@[0-9.]+|head_tail@\{?[0-9.]+,[0-9.]+\}?)$"


class ChoiceSpec(Strict):
    """Pick from a list (or another table's column) with optional weights."""

    choices: list[Scalar] | None = Field(None, min_length=1, max_length=100_000)
    choices_ref: ColumnRef | None = Field(
        None, description="take the choices from another table's column"
    )
    weights: list[Annotated[float, Field(ge=0)]] | None = None
    weights_kind: str = Field(
        "uniform",
        pattern=WEIGHTS_KIND_PATTERN,
        description="uniform | zipf@A (A>0, e.g. zipf@1.2) | head_tail@{H,A}: the first H share of "
        "choices get A share of the picks",
    )

    @model_validator(mode="after")
    def _one_source(self) -> ChoiceSpec:
        if (self.choices is None) == (self.choices_ref is None):
            raise ValueError("give exactly one of `choices` or `choices_ref`")
        if self.weights is not None:
            if self.choices is None:
                raise ValueError("`weights` need `choices` (use weights_kind with choices_ref)")
            if len(self.weights) != len(self.choices):
                raise ValueError(
                    f"{len(self.weights)} weights for {len(self.choices)} choices: "
                    "give one weight per choice"
                )
            if sum(self.weights) <= 0:
                raise ValueError("weights must not all be 0")
        return self


DistributionType = Literal[
    "normal", "lognormal", "uniform", "poisson", "exponential", "beta", "gamma"
]

# Canonical parameter names per distribution, with the seeds' aliases.
DISTRIBUTION_PARAMS: dict[str, dict[str, float | None]] = {
    "normal": {"mean": 0.0, "std": 1.0},
    "lognormal": {"mean": 0.0, "sigma": 1.0},
    "uniform": {"low": 0.0, "high": 1.0},
    "poisson": {"lam": 1.0},
    "exponential": {"scale": 1.0},
    "beta": {"a": 2.0, "b": 2.0},
    "gamma": {"shape": 2.0, "scale": 1.0},
}
PARAM_ALIASES = {
    "mu": "mean",
    "loc": "mean",
    "sd": "std",
    "stddev": "std",
    "sigma_": "sigma",
    "min": "low",
    "max": "high",
    "lambda": "lam",
    "alpha": "a",
    "beta": "b",
    "k": "shape",
    "theta": "scale",
}


class DistributionSpec(Strict):
    """Numbers from a named distribution, optionally clamped to [min, max]."""

    type: DistributionType
    params: dict[str, float] = Field(default_factory=dict)
    clamp: tuple[float, float] | None = None

    @model_validator(mode="before")
    @classmethod
    def _seed_spelling(cls, data: Any) -> Any:
        # Seeds write {"kind": "normal", "mu": 100, "sigma": 15}; canonical is
        # {"type": "normal", "params": {"mean": 100, "std": 15}}.
        if not isinstance(data, dict):
            return data
        data = dict(data)
        if "kind" in data and "type" not in data:
            data["type"] = data.pop("kind")
        dist = data.get("type")
        params = dict(data.get("params") or {})
        for key in list(data):
            if key not in ("type", "params", "clamp"):
                params[key] = data.pop(key)
        canonical: dict[str, Any] = {}
        for key, value in params.items():
            name = PARAM_ALIASES.get(key, key)
            if dist == "normal" and key == "sigma":
                name = "std"
            if dist == "lognormal" and key == "std":
                name = "sigma"
            canonical[name] = value
        data["params"] = canonical
        return data

    @model_validator(mode="after")
    def _check_params(self) -> DistributionSpec:
        allowed = DISTRIBUTION_PARAMS[self.type]
        unknown = sorted(set(self.params) - set(allowed))
        if unknown:
            raise ValueError(
                f"unknown parameter(s) {unknown} for {self.type}; expected {sorted(allowed)}"
            )
        p = {**allowed, **self.params}
        positive = {"std", "sigma", "lam", "scale", "a", "b", "shape"}
        for name in positive & set(p):
            value = p[name]
            if value is not None and value <= 0:
                raise ValueError(f"{self.type} parameter `{name}` must be > 0, got {p[name]}")
        if self.type == "uniform" and p["low"] is not None and p["high"] is not None:
            if float(p["low"]) >= float(p["high"]):
                raise ValueError("uniform needs low < high")
        if self.clamp is not None and self.clamp[0] > self.clamp[1]:
            raise ValueError(f"clamp min {self.clamp[0]} is greater than max {self.clamp[1]}")
        return self

    def param(self, name: str) -> float:
        value = self.params.get(name, DISTRIBUTION_PARAMS[self.type][name])
        assert value is not None
        return float(value)


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


class DatetimeSeriesSpec(Strict):
    """Timestamps inside the timeframe (or an own window), shaped by patterns."""

    within: Literal["timeframe"] | Window = "timeframe"
    freq: Freq | None = Field(
        None, description="resolution: s, min, h or D; default the timeframe's freq"
    )
    pattern: list[Pattern] = Field(default_factory=list)

    @field_validator("pattern", mode="before")
    @classmethod
    def _listify(cls, v: Any) -> Any:
        return [v] if isinstance(v, dict) else v

    @field_validator("freq", mode="before")
    @classmethod
    def _freq_alias(cls, v: Any) -> Any:
        return normalize_freq(v)


class FakerSpec(Strict):
    """Realistic text from Faker, drawn from pools sampled by index."""

    method: str = Field(examples=["name", "email", "city", "company"])
    locale: str | None = Field(None, examples=["en_US", "de_DE"])
    locale_from: Identifier | None = Field(
        None, description="a column of the same row holding a country code (US, DE...)"
    )


class LookupSpec(Strict):
    """A foreign key (`from` a table's key) or a parent attribute through the row's FK."""

    from_: ColumnRef = Field(alias="from", examples=["customer.customer_id", "customer.country"])
    on: str | None = Field(
        None,
        pattern=ON_PATH,
        max_length=300,
        description="the column of this row to look the attribute up through: an FK column, "
        "a column holding a key of the `from` table (see `key`), or a path of FKs "
        "`l_orderkey.o_custkey` (this row's FK, then that table's FK...)",
        examples=["customer_id", "l_orderkey.o_custkey"],
    )
    key: Identifier | None = Field(
        None,
        description="with `on` naming a computed (non-FK) column: the column of the `from` "
        "table it holds (default: that table's pk); rows without a match get null",
    )
    where: str | None = Field(
        None,
        max_length=2000,
        description="a foreign key only to the rows of the `from` table where this expression "
        "over its columns holds (e.g. `active`, `c_custkey % 3 != 0`); a fact's first parent "
        "that fails it gets no children",
    )
    weights_kind: str = Field(
        "uniform",
        pattern=WEIGHTS_KIND_PATTERN,
        description="skew of the sampled parents for extra FKs (uniform | zipf@A | head_tail@{H,A})",
    )

    model_config = ConfigDict(extra="forbid", populate_by_name=True, serialize_by_alias=True)


class ExpressionSpec(Strict):
    """A whitelisted arithmetic expression over the row's columns."""

    expr: str = Field(max_length=2000, examples=["quantity * unit_price"])

    @model_validator(mode="before")
    @classmethod
    def _alias(cls, data: Any) -> Any:
        if isinstance(data, str):
            return {"expr": data}
        if isinstance(data, dict) and "formula" in data and "expr" not in data:
            data = dict(data)
            data["expr"] = data.pop("formula")
        return data


AggregateFn = Literal["sum", "count", "min", "max", "mean", "first", "last", "any", "all"]


class AggregateSpec(Strict):
    """A parent's column computed from its children: `fn` of `expr` over the `child` rows."""

    fn: AggregateFn
    child: Identifier = Field(description="a fact table whose first parent is this table")
    expr: str | None = Field(
        None,
        max_length=2000,
        description="over the child's columns (hidden ones included); count without expr "
        "counts rows, count with expr counts rows where it is true",
        examples=["l_extendedprice * (1 + l_tax) * (1 - l_discount)"],
    )
    default: Scalar | None = Field(
        None,
        description="the value of a parent without children (default: 0 for sum/count, "
        "false for any, true for all, null otherwise)",
    )

    @model_validator(mode="after")
    def _needs_expr(self) -> AggregateSpec:
        if self.expr is None and self.fn != "count":
            raise ValueError(f"`{self.fn}` needs `expr` (only count can count rows)")
        return self


class EnumListSpec(Strict):
    """The listed values in order (row i gets values[i mod n]); vocab tables use it."""

    values: list[Scalar] = Field(min_length=1, max_length=100_000)


class SequenceGen(Strict):
    sequence: SequenceSpec


class ChoiceGen(Strict):
    choice: ChoiceSpec


class DistributionGen(Strict):
    distribution: DistributionSpec


class DatetimeSeriesGen(Strict):
    datetime_series: DatetimeSeriesSpec


class FakerGen(Strict):
    faker: FakerSpec


class LookupGen(Strict):
    lookup: LookupSpec


class ExpressionGen(Strict):
    expression: ExpressionSpec


class EnumListGen(Strict):
    enum_list: EnumListSpec


class AggregateGen(Strict):
    aggregate: AggregateSpec


GENERATOR_KINDS = (
    "sequence",
    "choice",
    "distribution",
    "datetime_series",
    "faker",
    "lookup",
    "expression",
    "enum_list",
    "aggregate",
)


def _first_key(value: Any) -> str | None:
    if isinstance(value, dict):
        keys = [k for k in value if k in GENERATOR_KINDS]
        if len(keys) == 1:
            return keys[0]
        return None
    for kind in GENERATOR_KINDS:
        if hasattr(value, kind):
            return kind
    return None


Generator = Annotated[
    Annotated[SequenceGen, Tag("sequence")]
    | Annotated[ChoiceGen, Tag("choice")]
    | Annotated[DistributionGen, Tag("distribution")]
    | Annotated[DatetimeSeriesGen, Tag("datetime_series")]
    | Annotated[FakerGen, Tag("faker")]
    | Annotated[LookupGen, Tag("lookup")]
    | Annotated[ExpressionGen, Tag("expression")]
    | Annotated[EnumListGen, Tag("enum_list")]
    | Annotated[AggregateGen, Tag("aggregate")],
    Discriminator(
        _first_key,
        custom_error_type="unknown_generator",
        custom_error_message="a generator is an object with exactly one key, one of: "
        + ", ".join(GENERATOR_KINDS),
    ),
]

GeneratorSpec = (
    SequenceSpec
    | ChoiceSpec
    | DistributionSpec
    | DatetimeSeriesSpec
    | FakerSpec
    | LookupSpec
    | ExpressionSpec
    | EnumListSpec
    | AggregateSpec
)


def generator_kind(gen: Any) -> str:
    kind = _first_key(gen)
    assert kind is not None
    return kind


def generator_spec(gen: Any) -> GeneratorSpec:
    return getattr(gen, generator_kind(gen))  # type: ignore[no-any-return]


# --------------------------------------------------------------------------- modifiers


class MultiplyArgs(Strict):
    factor: float


class AddArgs(Strict):
    delta: float

    @model_validator(mode="before")
    @classmethod
    def _alias(cls, data: Any) -> Any:
        if isinstance(data, dict) and "value" in data and "delta" not in data:
            data = dict(data)
            data["delta"] = data.pop("value")
        return data


class ClampArgs(Strict):
    min: float | None = None
    max: float | None = None

    @model_validator(mode="after")
    def _ordered(self) -> ClampArgs:
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError(f"clamp min {self.min} is greater than max {self.max}")
        return self


class JitterArgs(Strict):
    scale: float = Field(gt=0, description="noise size (relative share, or absolute units)")
    distribution: Literal["normal", "uniform"] = "normal"
    relative: bool = Field(True, description="true: x*(1+noise); false: x+noise")

    @model_validator(mode="before")
    @classmethod
    def _alias(cls, data: Any) -> Any:
        if isinstance(data, dict) and "std" in data and "scale" not in data:
            data = dict(data)
            data["scale"] = data.pop("std")
        return data


class TimeJitterArgs(Strict):
    scale: float = Field(gt=0, description="standard deviation of the shift, in `unit`")
    unit: Freq = "min"

    @model_validator(mode="before")
    @classmethod
    def _alias(cls, data: Any) -> Any:
        if isinstance(data, dict):
            data = dict(data)
            if "std" in data and "scale" not in data:
                data["scale"] = data.pop("std")
            if "unit" in data:
                data["unit"] = normalize_freq(data["unit"])
        return data


class SeasonalityArgs(Strict):
    dimension: PatternDimension
    weights: list[Annotated[float, Field(ge=0)]]
    column: Identifier | None = Field(
        None, description="the datetime column to read; default the table's first datetime column"
    )

    @model_validator(mode="after")
    def _length(self) -> SeasonalityArgs:
        expected = PATTERN_LENGTH[self.dimension]
        if len(self.weights) != expected:
            raise ValueError(
                f"a {self.dimension} seasonality needs {expected} weights, got {len(self.weights)}"
            )
        return self


class OutliersArgs(Strict):
    mode: Literal["spike", "drop"] = "spike"
    rate: float = Field(ge=0, le=0.5)
    magnitude: tuple[float, float] = Field(
        (2.0, 5.0), description="factor range: values are multiplied (spike) or divided (drop)"
    )

    @model_validator(mode="before")
    @classmethod
    def _alias(cls, data: Any) -> Any:
        if isinstance(data, dict) and "magnitude_dist" in data:
            data = dict(data)
            dist = data.pop("magnitude_dist") or {}
            data["magnitude"] = (dist.get("min", 2.0), dist.get("max", 5.0))
        return data

    @model_validator(mode="after")
    def _ordered(self) -> OutliersArgs:
        lo, hi = self.magnitude
        if not 0 < lo <= hi:
            raise ValueError("magnitude needs 0 < min <= max")
        return self


class MapValuesArgs(Strict):
    mapping: dict[str, Scalar]
    default: Scalar | None = Field(None, description="for values not in mapping; default: keep")


class ExpressionArgs(Strict):
    expr: str = Field(max_length=2000, description="`value` is the current value")

    @model_validator(mode="before")
    @classmethod
    def _alias(cls, data: Any) -> Any:
        if isinstance(data, dict) and "formula" in data and "expr" not in data:
            data = dict(data)
            data["expr"] = data.pop("formula")
        return data


class EffectArgs(Strict):
    """Scale a value while rows of an event table are active (e.g. promotions)."""

    table: Identifier = Field(description="the event table")
    start: Identifier = Field(description="event start column")
    end: Identifier = Field(description="event end column")
    at: Identifier | None = Field(
        None, description="this row's datetime column; default the first datetime column"
    )
    factor: float = Field(1.2, gt=0, description="multiplier while at least one event is active")


class TrendArgs(Strict):
    growth: float = Field(gt=-1, description="yearly growth, 0.2 = +20% per year")
    column: Identifier | None = Field(
        None, description="the datetime column; default the table's first datetime column"
    )


class MultiplyMod(Strict):
    transform: Literal["multiply"]
    args: MultiplyArgs


class AddMod(Strict):
    transform: Literal["add"]
    args: AddArgs


class ClampMod(Strict):
    transform: Literal["clamp"]
    args: ClampArgs


class JitterMod(Strict):
    transform: Literal["jitter"]
    args: JitterArgs


class TimeJitterMod(Strict):
    transform: Literal["time_jitter"]
    args: TimeJitterArgs


class SeasonalityMod(Strict):
    transform: Literal["seasonality"]
    args: SeasonalityArgs


class OutliersMod(Strict):
    transform: Literal["outliers"]
    args: OutliersArgs


class MapValuesMod(Strict):
    transform: Literal["map_values"]
    args: MapValuesArgs


class ExpressionMod(Strict):
    transform: Literal["expression"]
    args: ExpressionArgs


class EffectMod(Strict):
    transform: Literal["effect"]
    args: EffectArgs


class TrendMod(Strict):
    transform: Literal["trend"]
    args: TrendArgs


Modifier = Annotated[
    MultiplyMod
    | AddMod
    | ClampMod
    | JitterMod
    | TimeJitterMod
    | SeasonalityMod
    | OutliersMod
    | MapValuesMod
    | ExpressionMod
    | EffectMod
    | TrendMod,
    Field(discriminator="transform"),
]
MODIFIER_KINDS = (
    "multiply",
    "add",
    "clamp",
    "jitter",
    "time_jitter",
    "seasonality",
    "outliers",
    "map_values",
    "expression",
    "effect",
    "trend",
)


# --------------------------------------------------------------------------- tables


class Column(Strict):
    name: Identifier
    type: ColumnType
    generator: Generator
    modifiers: list[Modifier] = Field(default_factory=list)
    nullable: bool = False
    null_rate: float = Field(0.0, ge=0, le=1, description="share of nulls; needs nullable")
    unique: bool = Field(False, description="values unique by construction")
    hidden: bool = Field(
        False,
        description="a helper: computed and usable by other columns and tables, not written "
        "and not validated",
    )
    description: str | None = None

    @model_validator(mode="after")
    def _nulls(self) -> Column:
        if self.null_rate > 0 and not self.nullable:
            raise ValueError("null_rate > 0 needs `nullable: true`")
        return self


class Fanout(Strict):
    """Children per parent row."""

    distribution: Literal["poisson", "uniform"] = "poisson"
    lambda_: float | None = Field(None, alias="lambda", gt=0, description="poisson mean")
    min: int = Field(0, ge=0)
    max: int | None = Field(None, ge=0)

    model_config = ConfigDict(extra="forbid", populate_by_name=True, serialize_by_alias=True)

    @model_validator(mode="after")
    def _check(self) -> Fanout:
        if self.distribution == "poisson" and self.lambda_ is None:
            raise ValueError("a poisson fanout needs `lambda`")
        if self.distribution == "uniform" and self.max is None:
            raise ValueError("a uniform fanout needs `max`")
        if self.max is not None and self.max < self.min:
            raise ValueError(f"fanout max {self.max} is less than min {self.min}")
        return self

    @property
    def mean(self) -> float:
        if self.distribution == "uniform":
            assert self.max is not None
            return (self.min + self.max) / 2
        assert self.lambda_ is not None
        return self.lambda_


class CorruptionRates(Strict):
    """This table's defect rates under `--profile realistic|dirty` (unset: the profile's)."""

    missing: float | None = Field(None, ge=0, le=1)
    typo: float | None = Field(None, ge=0, le=1)
    out_of_range: float | None = Field(None, ge=0, le=1)
    orphan_fk: float | None = Field(None, ge=0, le=1)
    duplicate: float | None = Field(None, ge=0, le=1)
    late_arrival: float | None = Field(None, ge=0, le=1)
    out_of_order: float | None = Field(None, ge=0, le=1)


class Node(Strict):
    id: Identifier
    kind: Literal["entity", "fact", "vocab"]
    rows: int | None = Field(
        None, ge=0, le=10**11, description="entity/vocab rows (entity default 1000)"
    )
    pk: Identifier | None = None
    parents: list[Identifier] = Field(
        default_factory=list, description="facts: the first parent drives the row count"
    )
    fanout: Fanout | None = None
    columns: list[Column] = Field(min_length=1)
    description: str | None = None
    corruption: CorruptionRates | None = Field(
        None, description="defect rates under --profile realistic|dirty; override the profile's"
    )

    @model_validator(mode="after")
    def _kind_rules(self) -> Node:
        if self.kind == "fact":
            if not self.parents:
                raise ValueError("a fact needs `parents` (its rows come from the first parent)")
            if self.fanout is None:
                raise ValueError("a fact needs a `fanout`")
            if self.rows is not None:
                raise ValueError("a fact's rows come from its fanout; remove `rows`")
        elif self.fanout is not None:
            raise ValueError(f"`fanout` is for facts, not {self.kind} tables")
        names = [c.name for c in self.columns]
        dupes = sorted({n for n in names if names.count(n) > 1})
        if dupes:
            raise ValueError(f"duplicate column name(s): {dupes}")
        if self.pk is not None and self.pk not in names:
            raise ValueError(f"pk `{self.pk}` is not a column of `{self.id}`")
        return self

    def column(self, name: str) -> Column | None:
        return next((c for c in self.columns if c.name == name), None)


# --------------------------------------------------------------------------- constraints


class UniqueConstraint(Strict):
    table: Identifier
    columns: list[Identifier] = Field(min_length=1)


class ForeignKey(Strict):
    column: ColumnRef
    references: ColumnRef


class RangeConstraint(Strict):
    column: ColumnRef
    min: float | str | None = None
    max: float | str | None = None


InequalityOp = Literal["<", "<=", ">", ">="]


class Inequality(Strict):
    left: ColumnRef
    op: InequalityOp
    right: ColumnRef


class PatternConstraint(Strict):
    column: ColumnRef
    regex: str

    @field_validator("regex")
    @classmethod
    def _compiles(cls, v: str) -> str:
        try:
            re.compile(v)
        except re.error as exc:
            raise ValueError(f"regex does not compile: {exc}") from None
        return v


class EnumConstraint(Strict):
    column: ColumnRef
    values: list[Scalar] = Field(min_length=1)


class Constraints(Strict):
    unique: list[UniqueConstraint] = Field(default_factory=list)
    foreign_keys: list[ForeignKey] = Field(default_factory=list)
    ranges: list[RangeConstraint] = Field(default_factory=list)
    inequalities: list[Inequality] = Field(default_factory=list)
    pattern: list[PatternConstraint] = Field(default_factory=list)
    enum: list[EnumConstraint] = Field(default_factory=list)

    @model_validator(mode="before")
    @classmethod
    def _aliases(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        data = dict(data)
        for alias, canonical in (
            ("fks", "foreign_keys"),
            ("enums", "enum"),
            ("patterns", "pattern"),
        ):
            if alias in data and canonical not in data:
                data[canonical] = data.pop(alias)
        unique = data.get("unique")
        if isinstance(unique, list):
            # "customer.email" is shorthand for {"table": "customer", "columns": ["email"]}
            data["unique"] = [
                {"table": u.split(".", 1)[0], "columns": [u.split(".", 1)[1]]}
                if isinstance(u, str) and "." in u
                else u
                for u in unique
            ]
        return data


# --------------------------------------------------------------------------- targets


class ShareTarget(Strict):
    table: Identifier
    column: Identifier
    min: float
    max: float


class SeasonalityTarget(Strict):
    table: Identifier
    column: Identifier = Field(description="datetime column")
    dimension: PatternDimension
    weights: list[Annotated[float, Field(ge=0)]]
    value: Identifier | None = Field(None, description="sum this column; default count rows")
    tolerance: float = Field(
        0.15, gt=0, description="largest allowed difference of each period's index (1.0 = average)"
    )


class CompositeEffectTarget(Strict):
    """Observed per-period means of a value vs. the shape its modifiers declare."""

    table: Identifier
    column: Identifier = Field(description="the numeric value column")
    time_column: Identifier | None = None
    dimension: PatternDimension = "month"
    metric: Literal["mae", "mape"] = "mape"
    max: float = Field(0.1, gt=0)


class Targets(Strict):
    weekend_share: list[ShareTarget] = Field(default_factory=list)
    mean_in_range: list[ShareTarget] = Field(default_factory=list)
    seasonality: list[SeasonalityTarget] = Field(default_factory=list)
    composite_effect: list[CompositeEffectTarget] = Field(default_factory=list)


# --------------------------------------------------------------------------- dataset


class Timeframe(Strict):
    start: str = Field(examples=["2024-01-01"])
    end: str = Field(examples=["2025-01-01"], description="exclusive, after start")
    freq: Freq = "s"

    @field_validator("freq", mode="before")
    @classmethod
    def _freq_alias(cls, v: Any) -> Any:
        return normalize_freq(v)

    @model_validator(mode="after")
    def _ordered(self) -> Timeframe:
        if parse_instant(self.end) <= parse_instant(self.start):
            raise ValueError(f"timeframe end {self.end} must be after start {self.start}")
        return self


class Metadata(Strict):
    name: Identifier = "dataset"
    description: str | None = None
    assumptions: list[str] = Field(
        default_factory=list, description="what the author guessed; shown to the user"
    )
    tags: list[str] = Field(default_factory=list)

    @field_validator("name", mode="before")
    @classmethod
    def _snake(cls, v: Any) -> Any:
        if isinstance(v, str):
            return re.sub(r"[^A-Za-z0-9_]+", "_", v).strip("_") or "dataset"
        return v


class Dataset(Strict):
    version: Literal["1.0"] = "1.0"
    metadata: Metadata = Field(default_factory=Metadata)
    timeframe: Timeframe | None = None
    seed: int | None = Field(None, ge=0, description="default seed; `--seed` overrides")
    nodes: list[Node] = Field(min_length=1)
    constraints: Constraints = Field(default_factory=Constraints)
    targets: Targets = Field(default_factory=Targets)

    @model_validator(mode="after")
    def _unique_ids(self) -> Dataset:
        ids = [n.id for n in self.nodes]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            raise ValueError(f"duplicate table id(s): {dupes}")
        return self

    def node(self, table: str) -> Node | None:
        return next((n for n in self.nodes if n.id == table), None)

    def output_view(self) -> Dataset:
        """The dataset as written: hidden helper columns removed (writers, validator, report)."""
        if not any(c.hidden for n in self.nodes for c in n.columns):
            return self
        nodes = [
            n.model_copy(update={"columns": [c for c in n.columns if not c.hidden]})
            for n in self.nodes
        ]
        return self.model_copy(update={"nodes": nodes})

    def to_json_dict(self) -> dict[str, Any]:
        """The canonical form: defaults included, aliases used, nothing else."""
        return self.model_dump(mode="json", by_alias=True, exclude_none=True)


# --------------------------------------------------------------------------- helpers

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


def parse_instant(text: str) -> Any:
    """ISO date/datetime -> numpy datetime64[s] (naive UTC); ValueError when unreadable."""
    import numpy as np

    cleaned = text.strip().replace(" ", "T")
    if cleaned.endswith("Z"):
        cleaned = cleaned[:-1]
    cleaned = re.sub(r"[+-]00:?00$", "", cleaned)
    try:
        return np.datetime64(cleaned, "s")
    except ValueError:
        raise ValueError(f"`{text}` is not an ISO date or datetime (e.g. 2024-01-31)") from None


def json_schema() -> dict[str, Any]:
    """The DSL's JSON Schema, generated from the models (never written by hand)."""
    schema = Dataset.model_json_schema(by_alias=True)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "datagen DSL " + DSL_VERSION
    return schema
