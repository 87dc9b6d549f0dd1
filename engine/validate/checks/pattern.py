"""`constraints.pattern`: every value matches its regular expression."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pyarrow as pa
import pyarrow.compute as pc

from datagen.engine import relations
from datagen.engine.validate.context import Context, true_mask
from datagen.engine.validate.registry import CheckKind
from datagen.engine.validate.report import Check


def run(ctx: Context) -> Iterator[Check]:
    for pattern in ctx.dataset.constraints.pattern:
        table, column = relations.split_ref(pattern.column)
        if ctx.ready("value", "pattern", table, column):
            yield pattern_check(ctx, table, column, pattern.regex)


def _full_match(values: pa.Array, regex: str) -> pa.Array:
    """Whether each value matches the whole regex (RE2 in Arrow, Python's re as a fallback)."""
    try:
        return pc.match_substring_regex(values, f"^(?:{regex})$")
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        # RE2 lacks look-arounds and back-references: test each distinct value in Python
        compiled = re.compile(regex)
        distinct = pc.unique(values.drop_null()).to_pylist()
        matching = pa.array([v for v in distinct if compiled.fullmatch(str(v))], values.type)
        return pc.if_else(pc.is_null(values), None, pc.is_in(values, value_set=matching))


def pattern_check(ctx: Context, table: str, column: str, regex: str) -> Check:
    bad = 0
    found = ctx.examples(table)
    for batch in ctx.scan(table, [column], with_pk=True):
        values = batch.column(column)
        if not (pa.types.is_string(values.type) or pa.types.is_large_string(values.type)):
            values = values.cast(pa.string())
        mismatch = true_mask(pc.invert(_full_match(values, regex)))
        if mismatch.any():
            bad += int(mismatch.sum())
            found.add(batch, mismatch, {column: values})
    return Check(
        "value",
        "pattern",
        table,
        column,
        bad == 0,
        bad,
        regex,
        found.rows,
        message=f"{bad} value(s) do not fully match /{regex}/" if bad else "",
    )


CHECK = CheckKind("pattern", "value", run, "values that do not match a declared pattern")
