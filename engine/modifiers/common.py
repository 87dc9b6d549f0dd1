"""Helpers shared by modifiers: values as floats, the time column a modifier reads."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import numpy as np

from datagen.engine.errors import Problem, did_you_mean
from datagen.engine.modifiers.kind import TEMPORAL, default_time_column
from datagen.engine.values import Values, as_numpy

if TYPE_CHECKING:
    from datagen.engine import dsl
    from datagen.engine.generators.context import BlockContext
    from datagen.engine.generators.kind import Site


def floats(values: Values) -> np.ndarray:
    return as_numpy(values, "float")


def seconds(ctx: BlockContext, column: str | None, col: dsl.Column) -> np.ndarray:
    """Epoch seconds of the time column a modifier reads (default: the table's first)."""
    name = column or default_time_column(ctx.node, exclude=col.name)
    assert name is not None
    return np.asarray(ctx.columns[name]).astype("datetime64[s]").astype(np.int64)


def time_column(column: str | None, site: Site) -> str:
    """The time column read (named, else the default); "" when there is none."""
    return column or default_time_column(site.node, exclude=site.col.name) or ""


def time_column_problems(
    column: str | None, transform: str, site: Site, path: str
) -> Iterator[Problem]:
    """The named (or default) time column exists and is a date/datetime of this table."""
    node, others = site.node, site.others
    if column is None:
        if default_time_column(node, exclude=site.col.name) is None:
            yield Problem(f"{path}.args", f"`{transform}` needs a datetime column in `{node.id}`")
        return
    found = node.column(column)
    if column not in others or found is None or found.type not in TEMPORAL:
        yield Problem(
            f"{path}.args",
            f"`{column}` is not a date/datetime column of `{node.id}`",
            None,
            did_you_mean(column, others),
        )
