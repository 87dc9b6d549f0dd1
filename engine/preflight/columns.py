"""Checks of each column: its generator's settings against its type, and its modifiers."""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache

from datagen.engine import dsl
from datagen.engine.errors import Problem, did_you_mean
from datagen.engine.plan import default_time_column
from datagen.engine.preflight.common import NUMERIC, TEMPORAL, fits, ref_problem
from datagen.engine.preflight.lookups import lookup_problems


def column_problems(dataset: dsl.Dataset) -> Iterator[Problem]:
    for ni, node in enumerate(dataset.nodes):
        names = [c.name for c in node.columns]
        for ci, col in enumerate(node.columns):
            yield from _one_column(dataset, node, col, f"nodes[{ni}].columns[{ci}]", names)


@lru_cache(maxsize=1)
def _faker_methods() -> frozenset[str]:
    from faker import Faker

    fake = Faker("en_US")
    names = set()
    for name in dir(fake):
        if name.startswith("_") or name in {"seed", "seed_instance", "seed_locale", "add_provider"}:
            continue
        try:
            if callable(getattr(fake, name)):
                names.add(name)
        except (AttributeError, TypeError, NotImplementedError):
            continue
    return frozenset(names)


@lru_cache(maxsize=1)
def _faker_locales() -> frozenset[str]:
    from faker.config import AVAILABLE_LOCALES

    return frozenset(AVAILABLE_LOCALES)


def _one_column(
    dataset: dsl.Dataset, node: dsl.Node, col: dsl.Column, cpath: str, names: list[str]
) -> Iterator[Problem]:
    kind = dsl.generator_kind(col.generator)
    spec = dsl.generator_spec(col.generator)
    gpath = f"{cpath}.generator.{kind}"
    others = [n for n in names if n != col.name]

    def type_problem(allowed: set[str], what: str) -> Problem | None:
        if col.type not in allowed:
            return Problem(
                f"{cpath}.type",
                f"a {what} generator cannot make a `{col.type}` column",
                " or ".join(sorted(allowed)),
            )
        return None

    if isinstance(spec, dsl.SequenceSpec):
        if p := type_problem({"int"}, "sequence"):
            yield p
    elif isinstance(spec, dsl.DistributionSpec):
        if p := type_problem(NUMERIC, "distribution"):
            yield p
        if col.unique:
            yield Problem(
                f"{cpath}.unique",
                "a distribution cannot be unique by construction",
                "a sequence, faker, lookup or expression column",
            )
    elif isinstance(spec, dsl.DatetimeSeriesSpec):
        if p := type_problem(TEMPORAL, "datetime_series"):
            yield p
        if spec.within == "timeframe" and dataset.timeframe is None:
            yield Problem(
                f"{gpath}.within",
                "`timeframe` is used but the schema has no `timeframe`",
                '{"timeframe": {"start": "2024-01-01", "end": "2025-01-01"}} or an own window',
            )
        hour = any(p.dimension == "hour" for p in spec.pattern)
        freq = spec.freq or (dataset.timeframe.freq if dataset.timeframe else "s")
        if hour and freq == "D":
            yield Problem(f"{gpath}.pattern", "an hour pattern needs a freq finer than a day")
        if col.unique:
            yield Problem(f"{cpath}.unique", "a datetime_series cannot be unique by construction")
    elif isinstance(spec, dsl.ChoiceSpec):
        if spec.choices_ref and (
            p := ref_problem(dataset, f"{gpath}.choices_ref", spec.choices_ref)
        ):
            yield p
        if spec.choices is not None:
            wrong = [v for v in spec.choices if not fits(v, col.type)]
            if wrong:
                yield Problem(
                    f"{gpath}.choices", f"choice {wrong[0]!r} does not fit a `{col.type}` column"
                )
    elif isinstance(spec, dsl.FakerSpec):
        if spec.method not in _faker_methods():
            yield Problem(
                f"{gpath}.method",
                f"unknown Faker method `{spec.method}`",
                "a Faker provider method such as name, email, city, company",
                did_you_mean(spec.method, _faker_methods()),
            )
        if spec.locale and spec.locale not in _faker_locales():
            yield Problem(
                f"{gpath}.locale",
                f"unknown Faker locale `{spec.locale}`",
                None,
                did_you_mean(spec.locale, _faker_locales()),
            )
        if spec.locale_from and spec.locale_from not in others:
            yield Problem(
                f"{gpath}.locale_from",
                f"no column `{spec.locale_from}` in `{node.id}`",
                None,
                did_you_mean(spec.locale_from, others),
            )
    elif isinstance(spec, dsl.LookupSpec):
        p = ref_problem(dataset, f"{gpath}.from", spec.from_)
        if p:
            yield p
        else:
            yield from lookup_problems(dataset, node, col, spec, gpath, others)
    # expressions (generator and modifier) are type checked by engine/typecheck.py
    elif isinstance(spec, dsl.EnumListSpec):
        wrong = [v for v in spec.values if not fits(v, col.type)]
        if wrong:
            yield Problem(
                f"{gpath}.values", f"value {wrong[0]!r} does not fit a `{col.type}` column"
            )

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
