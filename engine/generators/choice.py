"""`choice`: weighted picks from a list or from another table's column values."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

from pydantic import Field, model_validator

from datagen.engine.dslbase import WEIGHTS_KIND_PATTERN, ColumnRef, Scalar, Strict, fits, split_ref
from datagen.engine.errors import Problem, SchemaError
from datagen.engine.generators.context import BlockContext
from datagen.engine.generators.kind import Kind, Picks, Site, ref_problem
from datagen.engine.generators.weights import cdf_of, sample_index, skew_cdf
from datagen.engine.values import Values, encode, take

if TYPE_CHECKING:
    from datagen.engine import dsl


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
        return found

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
        if spec.choices is None:
            return None
        weights = spec.weights or [1.0] * len(spec.choices)
        live = [c for c, w in zip(spec.choices, weights, strict=False) if w > 0]
        return (live[0], "") if len(set(map(str, live))) == 1 else None

    def picks(self, spec: ChoiceSpec) -> Picks:
        return Picks(
            tuple(spec.choices) if spec.choices is not None else None,
            spec.choices_ref,
            tuple(spec.weights) if spec.weights is not None else None,
            spec.weights_kind,
        )
