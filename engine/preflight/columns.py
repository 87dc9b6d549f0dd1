"""Checks of each column: its generator's settings against its type, and its modifiers."""

from __future__ import annotations

from collections.abc import Iterator

from datagen.engine import dsl
from datagen.engine.errors import Problem
from datagen.engine.generators.kind import Site, kind_of, spec_of
from datagen.engine.modifiers.kind import modifier_of, types_label


def column_problems(dataset: dsl.Dataset) -> Iterator[Problem]:
    for ni, node in enumerate(dataset.nodes):
        for ci, col in enumerate(node.columns):
            yield from _one_column(dataset, node, col, f"nodes[{ni}].columns[{ci}]")


def _one_column(
    dataset: dsl.Dataset, node: dsl.Node, col: dsl.Column, cpath: str
) -> Iterator[Problem]:
    kind = kind_of(col)
    site = Site(dataset, node, col, cpath)
    if kind.types is not None and col.type not in kind.types:
        yield Problem(
            f"{cpath}.type",
            f"a {kind.name} generator cannot make a `{col.type}` column",
            " or ".join(sorted(kind.types)),
        )
    if col.unique and kind.uniqueness == "never":
        yield Problem(
            f"{cpath}.unique",
            f"a {kind.name} cannot be unique by construction",
            "a sequence, faker, lookup or expression column",
        )
    yield from kind.problems(spec_of(col), site)
    for mi, mod in enumerate(col.modifiers):
        path = f"{cpath}.modifiers[{mi}]"
        modifier = modifier_of(mod)
        if modifier.types is not None and col.type not in modifier.types:
            yield Problem(
                f"{path}.transform",
                f"`{mod.transform}` needs a {types_label(modifier.types)} column, "
                f"`{col.name}` is {col.type}",
            )
        yield from modifier.problems(mod.args, site, path)
