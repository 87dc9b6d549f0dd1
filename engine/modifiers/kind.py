"""The modifier registry: one self-describing object per `transform`.

A modifier changes a column's values after its generator, on the whole block,
in the order the column lists them. Each one is a module of
engine/modifiers/ that owns its args model, its preflight checks, the columns
and tables it reads, and its vectorized `apply`:

    # engine/modifiers/my_mod.py
    class MyArgs(Strict):
        by: float = 2.0

    class MyModifier(ModifierKind[MyArgs]):
        name = "my_mod"                   # "transform": "my_mod"
        args = MyArgs
        types = NUMERIC                   # column types it applies to (None: any)

        def apply(self, values, args, col, ctx, rng):
            return as_numpy(values, "float") * args.by

and one line in engine/modifiers/__init__.py (registered elsewhere, e.g. by a
test: `register_modifier(MyModifier())` then `datagen.engine.dsl.rebuild()`).
The DSL's modifier union (`{"transform": name, "args": {...}}`, JSON Schema
name `<Args without "Args">Mod`) is built from this registry.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar, Generic, TypeVar

import numpy as np
from pydantic import BaseModel

from datagen.engine.errors import Problem
from datagen.engine.registry import Registry

if TYPE_CHECKING:
    from datagen.engine import dsl
    from datagen.engine.generators.context import BlockContext
    from datagen.engine.generators.kind import Site
    from datagen.engine.values import Values

A = TypeVar("A", bound=BaseModel)


@dataclass(frozen=True)
class TimeEffect:
    """What a modifier that multiplies a value by a factor of its row's time declares,
    for the validator's `composite_effect` target and the report: one of a weight per
    calendar bin (`dimension`, `weights`), compound yearly `growth` since the
    timeframe's start, or `factor` while a row of an event table is active
    (`events`: table, start column, end column)."""

    label: str  # in messages: "seasonality(month)", "trend", "effect(promo)"
    column: str | None  # the time column it reads; None: the table's first
    dimension: str | None = None
    weights: tuple[float, ...] | None = None
    growth: float | None = None
    events: tuple[str, str, str] | None = None
    factor: float = 1.0


NUMERIC = frozenset({"int", "float"})
TEMPORAL = frozenset({"date", "datetime"})


def default_time_column(node: dsl.Node, exclude: str | None = None) -> str | None:
    """The table's first date/datetime column (other than `exclude`): what time-dependent
    modifiers and targets read when they name none."""
    return next((c.name for c in node.columns if c.type in TEMPORAL and c.name != exclude), None)


class ModifierKind(Generic[A]):
    """One modifier. Subclass, set `name` and `args`, implement `apply`."""

    name: ClassVar[str]  # the `transform` value
    args: ClassVar[type[BaseModel]]  # the pydantic model of `args`
    # the generated {transform, args} model's name in the JSON Schema (default <Name>Mod)
    model_name: ClassVar[str | None] = None
    types: ClassVar[frozenset[str] | None] = None  # column types it applies to; None: any
    # it moves timestamps: a generator's declared time pattern no longer describes them
    moves_time: ClassVar[bool] = False
    # a string column it changes can stay dictionary encoded (it maps values, not rows)
    keeps_dictionary: ClassVar[bool] = True

    def problems(self, args: A, site: Site, path: str) -> Iterable[Problem]:
        """Problems the models cannot see; `path` is the modifier's JSON path
        (nodes[i].columns[j].modifiers[k]). The column type against `types` is
        checked by the preflight already."""
        return ()

    def dependencies(self, args: A, site: Site) -> set[str]:
        """Columns of the same row it reads (they are generated first)."""
        return set()

    def references(self, args: A) -> list[str]:
        """`table.column`s of other tables it reads (kept in memory, tables first)."""
        return []

    def time_effect(self, args: A) -> TimeEffect | None:
        """The factor of the row's time it multiplies values by, if it is one."""
        return None

    def value_range(self, args: A) -> tuple[float, float] | None:
        """The smallest and largest number it leaves, whatever it was given (a clamp with
        both bounds); None when that depends on its input. The preflight checks declared
        ranges against the last modifier's."""
        return None

    def apply(
        self, values: Values, args: A, col: dsl.Column, ctx: BlockContext, rng: np.random.Generator
    ) -> Values:
        """The modified values of the block: numpy/pyarrow only; random draws from `rng`
        (the column's stream for this modifier's position)."""
        raise NotImplementedError(f"modifier `{self.name}` has no apply")


MODIFIERS: Registry[ModifierKind[Any]] = Registry("modifier")


def register_modifier(modifier: ModifierKind[Any], *, replace: bool = False) -> ModifierKind[Any]:
    """Add a modifier (its `name` is its `transform`). Call `datagen.engine.dsl.rebuild()`
    after registering outside engine/modifiers/ so the models accept it."""
    if not getattr(modifier, "name", None) or not getattr(modifier, "args", None):
        raise TypeError(f"{type(modifier).__name__} needs a `name` and an `args` model")
    MODIFIERS.add(modifier.name, modifier, replace=replace)
    return modifier


def unregister_modifier(name: str) -> None:
    """Remove a modifier (tests); call `dsl.rebuild()` afterwards."""
    MODIFIERS.remove(name)


def modifier_of(mod: Any) -> ModifierKind[Any]:
    """The registered modifier of a validated `{transform, args}` model."""
    return MODIFIERS[mod.transform]


def types_label(types: frozenset[str]) -> str:
    if types == NUMERIC:
        return "numeric"
    if types == TEMPORAL:
        return "date/datetime"
    return " or ".join(sorted(types))


__all__ = [
    "MODIFIERS",
    "NUMERIC",
    "TEMPORAL",
    "ModifierKind",
    "TimeEffect",
    "default_time_column",
    "modifier_of",
    "register_modifier",
    "types_label",
    "unregister_modifier",
]
