"""`enum_list`: the listed values in order, cycling (vocab tables)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pydantic import Field

from datagen.engine.dslbase import Scalar, Strict, fits
from datagen.engine.errors import Problem
from datagen.engine.generators.context import BlockContext
from datagen.engine.generators.kind import Kind, Site
from datagen.engine.values import Values, encode, take

if TYPE_CHECKING:
    from datagen.engine import dsl


class EnumListSpec(Strict):
    """The listed values in order (row i gets values[i mod n]); vocab tables use it."""

    values: list[Scalar] = Field(min_length=1, max_length=100_000)


def generate(spec: EnumListSpec, col: dsl.Column, ctx: BlockContext) -> Values:
    return take(encode(spec.values, col.type), ctx.row_ids % len(spec.values))


class EnumListKind(Kind[EnumListSpec]):
    name = "enum_list"
    spec = EnumListSpec

    def problems(self, spec: EnumListSpec, site: Site) -> list[Problem]:
        wrong = [v for v in spec.values if not fits(v, site.col.type)]
        if wrong:
            return [
                Problem(
                    f"{site.gpath}.values",
                    f"value {wrong[0]!r} does not fit a `{site.col.type}` column",
                )
            ]
        return []

    def declared_values(self, spec: EnumListSpec) -> list[Any]:
        return list(spec.values)

    def constant(self, spec: EnumListSpec) -> tuple[Any, str] | None:
        return (spec.values[0], "values") if len(set(map(str, spec.values))) == 1 else None

    def vocabulary_rows(self, spec: EnumListSpec) -> int:
        return len(spec.values)

    def generate(self, spec: EnumListSpec, col: dsl.Column, ctx: BlockContext) -> Values:
        return generate(spec, col, ctx)

    def dictionary_encoded(self, spec: EnumListSpec, col: dsl.Column) -> bool:
        return True

    def repeats(self, spec: EnumListSpec, col: dsl.Column, row_counts: dict[str, int]) -> bool:
        return True
