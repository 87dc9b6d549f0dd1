"""Checks of each column: its generator's settings against its type, and its modifiers."""

from __future__ import annotations

from collections.abc import Iterator

from datagen.engine import dsl
from datagen.engine.errors import Problem, did_you_mean
from datagen.engine.expressions import ExpressionError, compile_expression
from datagen.engine.generators.kind import Site, kind_of, spec_of
from datagen.engine.plan import default_time_column
from datagen.engine.preflight.common import NUMERIC, TEMPORAL


def column_problems(dataset: dsl.Dataset) -> Iterator[Problem]:
    for ni, node in enumerate(dataset.nodes):
        names = [c.name for c in node.columns]
        for ci, col in enumerate(node.columns):
            yield from _one_column(dataset, node, col, f"nodes[{ni}].columns[{ci}]", names)


def _one_column(
    dataset: dsl.Dataset, node: dsl.Node, col: dsl.Column, cpath: str, names: list[str]
) -> Iterator[Problem]:
    kind = kind_of(col)
    others = [n for n in names if n != col.name]
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
    yield from kind.problems(spec_of(col), Site(dataset, node, col, cpath))

    for mi, mod in enumerate(col.modifiers):
        mpath = f"{cpath}.modifiers[{mi}].args"
        numeric_mods = (
            dsl.MultiplyMod,
            dsl.AddMod,
            dsl.ClampMod,
            dsl.JitterMod,
            dsl.SeasonalityMod,
            dsl.OutliersMod,
            dsl.EffectMod,
            dsl.TrendMod,
        )
        if isinstance(mod, numeric_mods) and col.type not in NUMERIC:
            yield Problem(
                f"{cpath}.modifiers[{mi}].transform",
                f"`{mod.transform}` needs a numeric column, `{col.name}` is {col.type}",
            )
        if isinstance(mod, dsl.TimeJitterMod) and col.type not in TEMPORAL:
            yield Problem(
                f"{cpath}.modifiers[{mi}].transform",
                f"`time_jitter` needs a date/datetime column, `{col.name}` is {col.type}",
            )
        if isinstance(mod, (dsl.SeasonalityMod, dsl.TrendMod, dsl.EffectMod)):
            ts = mod.args.at if isinstance(mod, dsl.EffectMod) else mod.args.column
            if ts is None:
                if default_time_column(node, exclude=col.name) is None:
                    yield Problem(
                        mpath, f"`{mod.transform}` needs a datetime column in `{node.id}`"
                    )
            elif ts not in others or node.column(ts).type not in TEMPORAL:  # type: ignore[union-attr]
                yield Problem(
                    mpath,
                    f"`{ts}` is not a date/datetime column of `{node.id}`",
                    None,
                    did_you_mean(ts, others),
                )
        if isinstance(mod, dsl.EffectMod):
            event = dataset.node(mod.args.table)
            if event is None:
                yield Problem(
                    f"{mpath}.table",
                    f"unknown table `{mod.args.table}`",
                    None,
                    did_you_mean(mod.args.table, [n.id for n in dataset.nodes]),
                )
            else:
                for side in ("start", "end"):
                    name = getattr(mod.args, side)
                    c = event.column(name)
                    if c is None or c.type not in TEMPORAL:
                        yield Problem(
                            f"{mpath}.{side}",
                            f"`{name}` is not a date/datetime column of `{event.id}`",
                            None,
                            did_you_mean(name, [c.name for c in event.columns]),
                        )
        if isinstance(mod, dsl.ExpressionMod):
            try:
                compile_expression(mod.args.expr, set(others) | {"value"})
            except ExpressionError as exc:
                yield Problem(
                    f"{mpath}.expr", str(exc), "arithmetic over `value` and this table's columns"
                )
