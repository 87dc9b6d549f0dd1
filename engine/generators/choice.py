"""`choice`: weighted picks from a list or from another table's column values."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import numpy as np
from pydantic import Field, model_validator

from datagen.engine.cases import by_problems, case_index
from datagen.engine.dslbase import (
    WEIGHTS_KIND_PATTERN,
    ColumnRef,
    Identifier,
    Scalar,
    Strict,
    fits,
    split_ref,
)
from datagen.engine.errors import Problem, SchemaError
from datagen.engine.generators.context import BlockContext
from datagen.engine.generators.kind import Kind, Picks, Site, ref_problem
from datagen.engine.values import Values, encode, take
from datagen.engine.weights import cdf_of, pick, sample_index, skew_cdf

if TYPE_CHECKING:
    from datagen.engine import dsl


class ChoiceCase(Strict):
    """The weights of the rows whose `by` column holds this case's value."""

    weights: list[Annotated[float, Field(ge=0)]] = Field(description="one weight per choice")


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
    by: Identifier | None = Field(
        None,
        description="a string, int or bool column of this row: rows whose value is a key of "
        "`cases` pick with that case's weights (diagnoses by sex, plan mix by country)",
        examples=["sex"],
    )
    cases: dict[Annotated[str, Field(max_length=200)], ChoiceCase] | None = Field(
        None, max_length=1000, description="with `by`: value -> {weights}"
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
        if (self.by is None) != (self.cases is None):
            raise ValueError("`by` and `cases` go together")
        for key, case in (self.cases or {}).items():
            if self.choices is None:
                raise ValueError("`cases` need `choices` (not `choices_ref`)")
            if len(case.weights) != len(self.choices) or sum(case.weights) <= 0:
                raise ValueError(
                    f"case `{key}`: give one weight per choice ({len(self.choices)}), not all 0"
                )
        return self

    def case_cdfs(self, n_items: int) -> list[np.ndarray | None]:
        """The cumulative weights of the default, then of each case (None: uniform)."""
        own = (
            cdf_of(self.weights)
            if self.weights is not None
            else skew_cdf(self.weights_kind, n_items)
        )
        return [own, *(cdf_of(c.weights) for c in (self.cases or {}).values())]


def generate(spec: ChoiceSpec, col: dsl.Column, ctx: BlockContext) -> Values:
    if spec.choices is not None:
        values = encode(spec.choices, col.type)
        n_items = len(spec.choices)
    else:
        assert spec.choices_ref is not None
        values = ctx.store.distinct(*split_ref(spec.choices_ref))
        n_items = len(values)
    cdf = cdf_of(spec.weights) if spec.weights is not None else skew_cdf(spec.weights_kind, n_items)
    if col.unique:
        if ctx.table_rows > n_items:
            raise SchemaError(
                [
                    Problem(
                        f"{ctx.node.id}.{col.name}",
                        f"unique choice needs at most {n_items} rows (one per choice), "
                        f"`{ctx.node.id}` has {ctx.table_rows}",
                        "fewer rows, more choices, or a faker/sequence column",
                    )
                ]
            )
        # unique by construction: a permutation of the choices, one per row
        order = ctx.table_rng(col.name, "unique").permutation(n_items)
        index = order[ctx.start : ctx.stop]
    elif spec.cases and spec.by is not None:
        cases = case_index(ctx.columns[spec.by], ctx.masks.get(spec.by), list(spec.cases))
        uniforms = ctx.rng(col.name).random(ctx.n)
        index = np.empty(ctx.n, dtype=np.int64)
        for i, case_cdf in enumerate(spec.case_cdfs(n_items)):
            chosen = cases == i - 1
            index[chosen] = pick(uniforms[chosen], n_items, case_cdf)
    else:
        index = sample_index(ctx.rng(col.name), n_items, ctx.n, cdf)
    return take(values, index)


class ChoiceKind(Kind[ChoiceSpec]):
    name = "choice"
    spec = ChoiceSpec

    def problems(self, spec: ChoiceSpec, site: Site) -> list[Problem]:
        found = []
        if spec.choices_ref and (
            p := ref_problem(site.dataset, f"{site.gpath}.choices_ref", spec.choices_ref)
        ):
            found.append(p)
        if spec.choices is not None:
            wrong = [v for v in spec.choices if not fits(v, site.col.type)]
            if wrong:
                found.append(
                    Problem(
                        f"{site.gpath}.choices",
                        f"choice {wrong[0]!r} does not fit a `{site.col.type}` column",
                    )
                )
        if spec.by is not None:
            columns = {c.name: c.type for c in site.node.columns if c.name != site.col.name}
            where = f"`{site.node.id}` (this row)"
            found.extend(by_problems(spec.by, list(spec.cases or {}), columns, where, site.gpath))
            if site.col.unique:
                found.append(Problem(f"{site.path}.unique", "a choice `by` cannot be unique"))
        return found

    def dependencies(self, spec: ChoiceSpec, site: Site) -> set[str]:
        return {spec.by} if spec.by else set()

    def references(self, spec: ChoiceSpec) -> list[str]:
        return [spec.choices_ref] if spec.choices_ref else []

    def generate(self, spec: ChoiceSpec, col: dsl.Column, ctx: BlockContext) -> Values:
        return generate(spec, col, ctx)

    def dictionary_encoded(self, spec: ChoiceSpec, col: dsl.Column) -> bool:
        return True

    def repeats(self, spec: ChoiceSpec, col: dsl.Column, row_counts: dict[str, int]) -> bool:
        return True

    def declared_values(self, spec: ChoiceSpec) -> list[Any] | None:
        return list(spec.choices) if spec.choices is not None else None

    def constant(self, spec: ChoiceSpec) -> tuple[Any, str] | None:
        if spec.choices is None or spec.cases:
            return None
        weights = spec.weights or [1.0] * len(spec.choices)
        live = [c for c, w in zip(spec.choices, weights, strict=False) if w > 0]
        return (live[0], "") if len(set(map(str, live))) == 1 else None

    def picks(self, spec: ChoiceSpec) -> Picks | None:
        if spec.cases:
            return None  # shares per group: engine/validate/checks/conditional.py
        return Picks(
            tuple(spec.choices) if spec.choices is not None else None,
            spec.choices_ref,
            tuple(spec.weights) if spec.weights is not None else None,
            spec.weights_kind,
        )
