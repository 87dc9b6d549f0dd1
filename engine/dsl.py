"""The DSL (version "1.0") as pydantic models: the single source of truth.

`datagen schema` prints the JSON Schema generated from these models, and the
LLM's tool input schema is built from it. Alternative spellings found in the
seed documents are accepted on input and normalized to one canonical form by
`mode="before"` validators; only the canonical form is ever written.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal, Union

from pydantic import (
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    Tag,
    create_model,
    field_validator,
    model_validator,
)
from pydantic.fields import FieldInfo

from datagen.engine.dslbase import (
    FREQ_ALIASES,
    IDENT,
    PATTERN_LENGTH,
    REF,
    WEIGHTS_KIND_PATTERN,
    ColumnRef,
    ColumnType,
    Freq,
    Identifier,
    Pattern,
    PatternDimension,
    Scalar,
    Strict,
    Window,
    normalize_freq,
    parse_instant,
)
from datagen.engine.generators.choice import ChoiceSpec
from datagen.engine.generators.distribution import (
    DISTRIBUTION_PARAMS,
    PARAM_ALIASES,
    DistributionSpec,
    DistributionType,
)
from datagen.engine.generators.enum_list import EnumListSpec
from datagen.engine.generators.expression import ExpressionSpec
from datagen.engine.generators.faker import FakerSpec
from datagen.engine.generators.kind import KINDS, Kind, kind_name
from datagen.engine.generators.lookup import LookupSpec
from datagen.engine.generators.sequence import SequenceSpec
from datagen.engine.generators.statemachine import StateMachine
from datagen.engine.generators.temporal import DatetimeSeriesSpec
from datagen.engine.logical import FORMAT_PATTERN, format_problem, normalize_type
from datagen.engine.modifiers.add import AddArgs
from datagen.engine.modifiers.clamp import ClampArgs
from datagen.engine.modifiers.effect import EffectArgs
from datagen.engine.modifiers.expression import ExpressionArgs
from datagen.engine.modifiers.jitter import JitterArgs
from datagen.engine.modifiers.kind import MODIFIERS, ModifierKind
from datagen.engine.modifiers.map_values import MapValuesArgs
from datagen.engine.modifiers.multiply import MultiplyArgs
from datagen.engine.modifiers.outliers import OutliersArgs
from datagen.engine.modifiers.seasonality import SeasonalityArgs
from datagen.engine.modifiers.time_jitter import TimeJitterArgs
from datagen.engine.modifiers.trend import TrendArgs

DSL_VERSION = "1.0"

__all__ = [
    "AddArgs",
    "ClampArgs",
    "EffectArgs",
    "ExpressionArgs",
    "JitterArgs",
    "MapValuesArgs",
    "MultiplyArgs",
    "OutliersArgs",
    "SeasonalityArgs",
    "TimeJitterArgs",
    "TrendArgs",
    "DISTRIBUTION_PARAMS",
    "FREQ_ALIASES",
    "IDENT",
    "PARAM_ALIASES",
    "PATTERN_LENGTH",
    "REF",
    "WEIGHTS_KIND_PATTERN",
    "ChoiceSpec",
    "ColumnRef",
    "ColumnType",
    "DatetimeSeriesSpec",
    "DistributionSpec",
    "DistributionType",
    "EnumListSpec",
    "ExpressionSpec",
    "FakerSpec",
    "Freq",
    "Identifier",
    "LookupSpec",
    "Pattern",
    "PatternDimension",
    "Scalar",
    "SequenceSpec",
    "Strict",
    "Window",
    "normalize_freq",
    "parse_instant",
]


# --------------------------------------------------------------------------- generators
# The generator union is built from the kind registry (engine/generators/kind.py):
# each kind `name` with spec `Spec` becomes a wrapper model {name: Spec} (its JSON
# Schema name: `<Name>Gen`), tagged `name` in a union discriminated by the one key.

_WRAPPERS: dict[tuple[str, type[BaseModel]], type[BaseModel]] = {}


def _wrapper(kind: Kind[Any]) -> type[BaseModel]:
    key = (kind.name, kind.spec)
    if key not in _WRAPPERS:
        name = kind.wrapper_name or kind.spec.__name__.removesuffix("Spec") + "Gen"
        model = create_model(name, __base__=Strict, **{kind.name: (kind.spec, ...)})  # type: ignore[call-overload]
        model.__module__ = __name__
        _WRAPPERS[key] = model
    return _WRAPPERS[key]


def _first_key(value: Any) -> str | None:
    return kind_name(value)


def _generator_union() -> Any:
    members = tuple(Annotated[_wrapper(kind), Tag(kind.name)] for kind in KINDS.values())
    return Annotated[
        Union[members],  # noqa: UP007 (built at run time)
        Discriminator(
            _first_key,
            custom_error_type="unknown_generator",
            custom_error_message="a generator is an object with exactly one key, one of: "
            + ", ".join(KINDS),
        ),
    ]


GENERATOR_KINDS: tuple[str, ...] = tuple(KINDS)
Generator = _generator_union()
# the spec of any registered kind (a pydantic model)
GeneratorSpec = BaseModel


def generator_kind(gen: Any) -> str:
    kind = kind_name(gen)
    assert kind is not None
    return kind


def generator_spec(gen: Any) -> Any:
    return getattr(gen, generator_kind(gen))


# --------------------------------------------------------------------------- modifiers
# The modifier union is built from the registry (engine/modifiers/kind.py): each
# modifier `name` with args `Args` becomes a model {"transform": name, "args": Args}
# (JSON Schema name `<Name>Mod`), discriminated by `transform`.

_MOD_MODELS: dict[tuple[str, type[BaseModel]], type[BaseModel]] = {}


def _mod_model(modifier: ModifierKind[Any]) -> type[BaseModel]:
    key = (modifier.name, modifier.args)
    if key not in _MOD_MODELS:
        name = modifier.model_name or modifier.args.__name__.removesuffix("Args") + "Mod"
        model = create_model(  # type: ignore[call-overload]
            name,
            __base__=Strict,
            transform=(Literal[modifier.name], ...),  # type: ignore[valid-type,arg-type]
            args=(modifier.args, ...),
        )
        model.__module__ = __name__
        _MOD_MODELS[key] = model
    return _MOD_MODELS[key]


def _modifier_union() -> Any:
    members = tuple(_mod_model(m) for m in MODIFIERS.values())
    return Annotated[Union[members], Field(discriminator="transform")]  # noqa: UP007


MODIFIER_KINDS: tuple[str, ...] = tuple(MODIFIERS)
Modifier = _modifier_union()
# the built-in {transform, args} models, by their JSON Schema names (dsl.EffectMod...)
MultiplyMod, AddMod, ClampMod, JitterMod, TimeJitterMod, SeasonalityMod = (
    _mod_model(MODIFIERS[n])
    for n in ("multiply", "add", "clamp", "jitter", "time_jitter", "seasonality")
)
OutliersMod, MapValuesMod, ExpressionMod, EffectMod, TrendMod = (
    _mod_model(MODIFIERS[n]) for n in ("outliers", "map_values", "expression", "effect", "trend")
)


# --------------------------------------------------------------------------- tables


class Column(Strict):
    name: Identifier
    type: ColumnType
    format: str | None = Field(
        None,
        pattern=FORMAT_PATTERN,
        description="how the value is stored: `decimal(p,s)` (a float column, exact in "
        "Parquet, DuckDB and PostgreSQL), `uuid` (a string column), `timestamptz` or `time` "
        '(a datetime column); `"type": "decimal(12,2)"` is read as float + this',
        examples=["decimal(12,2)", "uuid", "timestamptz", "time"],
    )
    generator: Generator  # type: ignore[valid-type]
    modifiers: list[Modifier] = Field(default_factory=list)  # type: ignore[valid-type]
    nullable: bool = False
    null_rate: float = Field(0.0, ge=0, le=1, description="share of nulls; needs nullable")
    unique: bool = Field(False, description="values unique by construction")
    hidden: bool = Field(
        False,
        description="a helper: computed and usable by other columns and tables, not written "
        "and not validated",
    )
    description: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _logical_type(cls, data: Any) -> Any:
        return normalize_type(data) if isinstance(data, dict) else data

    @model_validator(mode="after")
    def _nulls(self) -> Column:
        if self.null_rate > 0 and not self.nullable:
            raise ValueError("null_rate > 0 needs `nullable: true`")
        if self.format is not None and (problem := format_problem(self.format, self.type)):
            raise ValueError(problem)
        return self


class Fanout(Strict):
    """Children per parent row."""

    distribution: Literal[
        "poisson",
        "uniform",
        "negative_binomial",
        "zipf",
        "empirical",
        "bernoulli",
        "state_machine",
    ] = "poisson"
    lambda_: float | None = Field(
        None, alias="lambda", gt=0, description="poisson / negative_binomial mean"
    )
    dispersion: float | None = Field(
        None,
        gt=0,
        description="negative_binomial shape k: variance = mean + mean^2 / k (small k: a few "
        "parents with very many children)",
    )
    a: float | None = Field(None, gt=0, description="zipf exponent: P(k) ~ k^-a over 1..max")
    values: list[Annotated[int, Field(ge=0)]] | None = Field(
        None, min_length=1, max_length=10_000, description="empirical: the possible counts"
    )
    weights: list[Annotated[float, Field(ge=0)]] | None = Field(
        None, description="empirical: one weight per value (default equal)"
    )
    p: float | None = Field(
        None, ge=0, le=1, description="bernoulli: share of parents with 1 child"
    )
    min: int = Field(0, ge=0)
    max: int | None = Field(None, ge=0)
    machine: StateMachine | None = Field(
        None,
        description="state_machine: each parent's children are the events of a path through "
        "these states (one row per state entered); columns read it with the `event` generator",
    )
    by: Identifier | None = Field(
        None,
        description="a column of the first parent (string, int or bool): parents whose value "
        "is a key of `cases` take that case's shape, the others this one",
        examples=["segment"],
    )
    cases: dict[Annotated[str, Field(max_length=200)], Fanout] | None = Field(
        None,
        max_length=1000,
        description='with `by`: value -> shape, e.g. {"premium": {"distribution": "poisson", '
        '"lambda": 8}} (premium customers order more)',
    )

    model_config = ConfigDict(extra="forbid", populate_by_name=True, serialize_by_alias=True)

    @model_validator(mode="after")
    def _check(self) -> Fanout:
        if (self.distribution == "state_machine") != (self.machine is not None):
            raise ValueError("a `state_machine` fanout and its `machine` go together")
        if self.machine is not None and self.by is not None:
            raise ValueError("a state machine fanout cannot have `by`")
        if (self.by is None) != (self.cases is None):
            raise ValueError("`by` and `cases` go together")
        if self.cases is not None:
            if not self.cases:
                raise ValueError("`cases` needs at least one value")
            nested = sorted(k for k, case in self.cases.items() if case.by is not None)
            if nested:
                raise ValueError(f"case(s) {nested} cannot have their own `by`")
        needs = {
            "poisson": ("lambda_", "lambda"),
            "negative_binomial": ("lambda_", "lambda"),
            "zipf": ("a", "a"),
            "empirical": ("values", "values"),
            "bernoulli": ("p", "p"),
        }
        if self.distribution in needs:
            attr, name = needs[self.distribution]
            if getattr(self, attr) is None:
                raise ValueError(f"a {self.distribution} fanout needs `{name}`")
        if self.distribution == "negative_binomial" and self.dispersion is None:
            raise ValueError("a negative_binomial fanout needs `dispersion`")
        if self.distribution in ("uniform", "zipf") and self.max is None:
            raise ValueError(f"a {self.distribution} fanout needs `max`")
        if self.weights is not None and (
            self.values is None or len(self.weights) != len(self.values) or sum(self.weights) <= 0
        ):
            raise ValueError("`weights` need `values`: one weight per value, not all 0")
        if self.max is not None and self.max < self.min:
            raise ValueError(f"fanout max {self.max} is less than min {self.min}")
        return self

    @property
    def mean(self) -> float:
        from datagen.engine.fanout import fanout_moments

        return fanout_moments(self)[0]


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
    pk_columns: list[Identifier] | None = Field(
        None,
        min_length=2,
        max_length=16,
        description="a composite primary key: columns whose combination is unique and never "
        'null (playlist_track: ["playlist_id", "track_id"]); `"pk": [...]` is accepted too',
    )
    parents: list[Identifier] = Field(
        default_factory=list, description="facts: the first parent drives the row count"
    )
    fanout: Fanout | None = None
    columns: list[Column] = Field(min_length=1)
    description: str | None = None
    corruption: CorruptionRates | None = Field(
        None, description="defect rates under --profile realistic|dirty; override the profile's"
    )

    @model_validator(mode="before")
    @classmethod
    def _pk_list(cls, data: Any) -> Any:
        # "pk": ["a", "b"] is a composite key; "pk": ["a"] is the plain key "a"
        if isinstance(data, dict) and isinstance(data.get("pk"), list):
            data = dict(data)
            keys = data.pop("pk")
            if len(keys) == 1:
                data["pk"] = keys[0]
            elif "pk_columns" not in data:
                data["pk_columns"] = keys
        return data

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
        if self.pk_columns is not None:
            if self.pk is not None:
                raise ValueError("give `pk` (one column) or `pk_columns` (several), not both")
            if len(set(self.pk_columns)) != len(self.pk_columns):
                raise ValueError(f"`pk_columns` repeats a column: {self.pk_columns}")
            for name in self.pk_columns:
                col = self.column(name)
                if col is None:
                    raise ValueError(f"pk column `{name}` is not a column of `{self.id}`")
                if col.nullable:
                    raise ValueError(f"pk column `{name}` must not be nullable")
        return self

    @property
    def key_columns(self) -> list[str]:
        """The primary key's columns: [pk], the composite `pk_columns`, or none."""
        if self.pk_columns:
            return list(self.pk_columns)
        return [self.pk] if self.pk else []

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


# --------------------------------------------------------------------------- claims

ClaimKind = Literal[
    "count",
    "size",
    "window",
    "grain",
    "rate",
    "share",
    "average",
    "skew",
    "time_pattern",
    "ordering",
    "duration",
    "range",
    "place",
    "locale",
    "relationship",
    "values",
    "trend",
    "compare",
    "ratio",
    "bound",
    "mode",
    "unread",
]
ClaimStatus = Literal["unbound", "bound", "not_modelled"]


class ClaimExpected(Strict):
    """What the phrase asks for; which fields are set depends on the claim's kind."""

    value: float | str | None = Field(
        None, description="a number (0.08 for 8%, 40 for 40 bakeries) or a text value"
    )
    tolerance: float | None = Field(
        None, ge=0, description="allowed absolute difference from `value` (same unit)"
    )
    min: float | str | None = Field(None, description="lower bound (number or ISO date)")
    max: float | str | None = Field(None, description="upper bound (number or ISO date)")
    values: list[Scalar] | None = Field(
        None, description="a set: places, weekdays (0=Mon), hours, months (1-12), dates"
    )
    unit: str | None = Field(
        None,
        description="unit of value/min/max: rows, bytes, s, min, h, days, share, percent, lift "
        "(a peak: the share in the given times over the share of time they take), ratio (a "
        "group's mean over the other's: compare, ratio)",
    )
    top: float | None = Field(
        None, gt=0, le=1, description="skew: the top share of keys (0.05 = top 5%) holding `min`"
    )
    hours: list[Annotated[int, Field(ge=0, le=23)]] | None = Field(
        None, description="time patterns: hours of day"
    )
    weekdays: list[Annotated[int, Field(ge=0, le=6)]] | None = Field(
        None, description="time patterns: 0 = Monday ... 6 = Sunday"
    )
    months: list[Annotated[int, Field(ge=1, le=12)]] | None = Field(
        None, description="time patterns: 1 = January ... 12 = December"
    )
    dates: list[Window] | None = Field(
        None, description="time patterns: date spans (holidays: Christmas 2024 ...)"
    )


class ClaimBinding(BaseModel):
    """A registered measure with its arguments beside it, e.g. {"measure": "share", "table":
    "order", "where": "status == 'cancelled'"} (docs/claims.md lists each measure's arguments)."""

    model_config = ConfigDict(extra="allow")

    measure: Identifier = Field(
        description="rows, rows_per, share, present, mean, median, range, window, grain, time_share, "
        "order, within, duration, distinct, values_in, mode, top_share, fanout, locale_names, "
        "time_variation, growth, compare, rows_per_key",
        examples=["share"],
    )


class Claim(Strict):
    """One fact stated in the description, kept with its phrase and checked on the data."""

    id: Identifier = Field(examples=["c1"])
    text: str = Field(
        max_length=500, description="the exact phrase of the description", examples=["8% no-shows"]
    )
    kind: ClaimKind
    expected: ClaimExpected = Field(default_factory=lambda: ClaimExpected.model_validate({}))
    about: list[str] = Field(
        default_factory=list,
        description="the words the phrase is about (entity nouns, values): binding hints",
        examples=[["no-show"]],
    )
    bound_to: ClaimBinding | None = Field(
        None,
        description='the measure that checks it on the data, e.g. {"measure": "share", '
        '"table": "appointment", "where": "status == \'no_show\'"}',
    )
    status: ClaimStatus = Field(
        "unbound", description="bound (with bound_to) | not_modelled (with reason) | unbound"
    )
    reason: str | None = Field(None, description="why the claim is not modelled")

    @model_validator(mode="after")
    def _status_fits(self) -> Claim:
        if self.status == "bound" and self.bound_to is None:
            raise ValueError("a bound claim needs `bound_to`")
        if self.status == "not_modelled" and not self.reason:
            raise ValueError("a not_modelled claim needs a `reason`")
        return self


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
    claims: list[Claim] = Field(
        default_factory=list,
        description="the facts the description states, each bound to a measure checked on the "
        "data or marked not_modelled with a reason",
    )

    @model_validator(mode="after")
    def _unique_ids(self) -> Dataset:
        ids = [n.id for n in self.nodes]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            raise ValueError(f"duplicate table id(s): {dupes}")
        claim_ids = [c.id for c in self.claims]
        dupes = sorted({i for i in claim_ids if claim_ids.count(i) > 1})
        if dupes:
            raise ValueError(f"duplicate claim id(s): {dupes}")
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


def json_schema() -> dict[str, Any]:
    """The DSL's JSON Schema, generated from the models (never written by hand)."""
    schema = Dataset.model_json_schema(by_alias=True)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "datagen DSL " + DSL_VERSION
    return schema


def rebuild() -> None:
    """Rebuild the models after a generator kind or a modifier was registered (or removed)
    at run time: the unions, and every model that holds a column."""
    global GENERATOR_KINDS, Generator, MODIFIER_KINDS, Modifier
    GENERATOR_KINDS = tuple(KINDS)
    Generator = _generator_union()
    MODIFIER_KINDS = tuple(MODIFIERS)
    Modifier = _modifier_union()
    Column.__pydantic_fields__["generator"] = FieldInfo.from_annotation(Generator)
    Column.__pydantic_fields__["modifiers"] = FieldInfo.from_annotated_attribute(
        list[Modifier],  # type: ignore[valid-type]
        Field(default_factory=list),
    )
    for model in (Column, Node, Dataset):
        model.model_rebuild(force=True)
