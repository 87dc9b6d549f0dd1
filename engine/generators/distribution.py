"""`distribution`: numbers from a named distribution, clamped."""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from typing import TYPE_CHECKING, Annotated, Any, Literal

import numpy as np
from pydantic import Field, model_validator

from datagen.engine.cases import by_problems, case_index
from datagen.engine.dslbase import Identifier, Strict
from datagen.engine.errors import Problem
from datagen.engine.generators.context import BlockContext
from datagen.engine.generators.kind import Draws, Kind, Site

if TYPE_CHECKING:
    from datagen.engine import dsl

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


class DistributionCase(Strict):
    """The parameters (over the column's own) of the rows whose `by` column holds this
    case's value."""

    params: dict[str, float] = Field(default_factory=dict)
    clamp: tuple[float, float] | None = None


def _canonical_params(dist: Any, params: dict[str, Any]) -> dict[str, Any]:
    canonical: dict[str, Any] = {}
    for key, value in params.items():
        name = PARAM_ALIASES.get(key, key)
        if dist == "normal" and key == "sigma":
            name = "std"
        if dist == "lognormal" and key == "std":
            name = "sigma"
        canonical[name] = value
    return canonical


class DistributionSpec(Strict):
    """Numbers from a named distribution, optionally clamped to [min, max]."""

    type: DistributionType
    params: dict[str, float] = Field(default_factory=dict)
    clamp: tuple[float, float] | None = None
    by: Identifier | None = Field(
        None,
        description="a string, int or bool column of this row: rows whose value is a key of "
        "`cases` take that case's parameters (prices by category, amounts by segment)",
        examples=["category"],
    )
    cases: dict[Annotated[str, Field(max_length=200)], DistributionCase] | None = Field(
        None,
        max_length=1000,
        description='with `by`: value -> {"params": {...}, "clamp": [lo, hi]} over the '
        "column's own",
    )

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
        given = data.get("params")
        if given is not None and not isinstance(given, dict):
            return data  # not a mapping: the model's own error names it
        params = dict(given or {})
        for key in list(data):
            if key not in ("type", "params", "clamp", "by", "cases"):
                params[key] = data.pop(key)
        data["params"] = _canonical_params(dist, params)
        cases = data.get("cases")
        if isinstance(cases, dict):
            data["cases"] = {
                key: {**case, "params": _canonical_params(dist, case["params"])}
                if isinstance(case, dict) and isinstance(case.get("params"), dict)
                else case
                for key, case in cases.items()
            }
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
        if (self.by is None) != (self.cases is None):
            raise ValueError("`by` and `cases` go together")
        for key in self.cases or {}:
            try:
                self.case_spec(key)
            except ValueError as exc:
                raise ValueError(f"case `{key}`: {exc}") from None
        return self

    def case_spec(self, key: str) -> DistributionSpec:
        """The distribution of the rows of case `key`: its parameters over the column's own."""
        assert self.cases is not None
        case = self.cases[key]
        return DistributionSpec.model_validate(
            {
                "type": self.type,
                "params": {**self.params, **case.params},
                "clamp": case.clamp if case.clamp is not None else self.clamp,
            }
        )

    def shapes(self) -> list[DistributionSpec]:
        """The default distribution (without `by`), then one per case, in order."""
        if not self.cases:
            return [self]
        own = self.model_copy(update={"by": None, "cases": None})
        return [own, *(self.case_spec(key) for key in self.cases)]

    def param(self, name: str) -> float:
        value = self.params.get(name, DISTRIBUTION_PARAMS[self.type][name])
        assert value is not None
        return float(value)


def _shape_range(spec: DistributionSpec) -> tuple[float, float] | None:
    if spec.clamp is not None:
        return float(spec.clamp[0]), float(spec.clamp[1])
    if spec.type == "uniform":
        return spec.param("low"), spec.param("high")
    if spec.type == "beta":
        return 0.0, 1.0
    return None


def generate(spec: DistributionSpec, col: dsl.Column, ctx: BlockContext) -> np.ndarray:
    if not spec.cases or spec.by is None:
        return sample(spec, ctx.rng(col.name), ctx.n)
    cases = case_index(ctx.columns[spec.by], ctx.masks.get(spec.by), list(spec.cases))
    values = np.empty(ctx.n, dtype=np.float64)
    for i, (key, shape) in enumerate(zip(["", *spec.cases], spec.shapes(), strict=True)):
        chosen = cases == i - 1
        # one stream per case: a case's draws do not depend on the other cases' rows
        rng = ctx.rng(col.name, f"case:{key}" if i else "values")
        values[chosen] = sample(shape, rng, int(chosen.sum()))
    return values


def sample(spec: DistributionSpec, rng: np.random.Generator, n: int) -> np.ndarray:
    values = _draw(spec.type, spec.param, rng, n)
    if spec.clamp is not None:
        np.clip(values, spec.clamp[0], spec.clamp[1], out=values)
    return values


def _draw(type_: str, p: Callable[[str], float], rng: np.random.Generator, n: int) -> np.ndarray:
    match type_:
        case "normal":
            return rng.normal(p("mean"), p("std"), n)
        case "lognormal":
            return rng.lognormal(p("mean"), p("sigma"), n)
        case "uniform":
            return rng.uniform(p("low"), p("high"), n)
        case "poisson":
            return rng.poisson(p("lam"), n).astype(np.float64)
        case "exponential":
            return rng.exponential(p("scale"), n)
        case "beta":
            return rng.beta(p("a"), p("b"), n)
        case "gamma":
            return rng.gamma(p("shape"), p("scale"), n)
    raise ValueError(type_)


PREVIEW_SIZE = 20_000
PREVIEW_SEED = 20_240_101  # fixed: the preflight's estimates are the same every run


@lru_cache(maxsize=512)
def _preview(type_: str, params: tuple[tuple[str, float], ...]) -> np.ndarray | None:
    """PREVIEW_SIZE draws (unclamped), or None when the parameters break the sampler."""
    try:
        with np.errstate(all="ignore"):
            draws = _draw(
                type_, dict(params).__getitem__, np.random.default_rng(PREVIEW_SEED), PREVIEW_SIZE
            )
        draws.flags.writeable = False  # shared by every caller (cached)
        return draws
    except (ValueError, OverflowError):
        return None


def _clamp_advice(spec: DistributionSpec, sample: np.ndarray) -> str:
    """How to bring the bulk of the draws inside the clamp."""
    if spec.type != "lognormal" or spec.clamp is None:
        return "parameters whose bulk lies inside the clamp"
    low, high = spec.clamp
    median = float(np.median(sample)) if np.isfinite(np.median(sample)) else float("inf")
    target = float(np.sqrt(max(low, 1e-9) * high)) if low > 0 else high / 10
    return (
        f"lognormal `mean` is in log space (the median is e^mean = {median:.3g}): "
        f"for a median near {target:.3g} use mean = ln({target:.3g}) = {np.log(target):.2f}"
    )


class DistributionKind(Kind[DistributionSpec]):
    name = "distribution"
    spec = DistributionSpec
    types = frozenset({"int", "float"})
    uniqueness = "never"

    def problems(self, spec: DistributionSpec, site: Site) -> list[Problem]:
        if spec.by is None:
            return []
        columns = {c.name: c.type for c in site.node.columns if c.name != site.col.name}
        where = f"`{site.node.id}` (this row)"
        return list(by_problems(spec.by, list(spec.cases or {}), columns, where, site.gpath))

    def dependencies(self, spec: DistributionSpec, site: Site) -> set[str]:
        return {spec.by} if spec.by else set()

    def generate(self, spec: DistributionSpec, col: dsl.Column, ctx: BlockContext) -> np.ndarray:
        return generate(spec, col, ctx)

    def bounds(self, spec: DistributionSpec) -> tuple[float, float] | None:
        clamps = [s.clamp for s in spec.shapes()]
        if any(c is None for c in clamps):
            return None
        return min(c[0] for c in clamps if c), max(c[1] for c in clamps if c)

    def value_range(
        self, spec: DistributionSpec, rows: int | None = None
    ) -> tuple[float, float] | None:
        ranges = [_shape_range(shape) for shape in spec.shapes()]
        if any(r is None for r in ranges):
            return None  # unbounded on at least one side, in some group
        return min(r[0] for r in ranges if r), max(r[1] for r in ranges if r)

    def constant(self, spec: DistributionSpec) -> tuple[Any, str] | None:
        if not spec.cases and spec.clamp is not None and spec.clamp[0] == spec.clamp[1]:
            return spec.clamp[0], "clamp"
        return None

    def draws(self, spec: DistributionSpec) -> Draws | None:
        if spec.cases:
            return None  # one shape per group: previewed per case by the validator
        try:
            params = tuple(sorted((k, spec.param(k)) for k in DISTRIBUTION_PARAMS[spec.type]))
        except (ValueError, AssertionError):
            return None
        sample = _preview(spec.type, params)
        if sample is None:
            return None
        return Draws(sample, spec.clamp, "params", _clamp_advice(spec, sample))
