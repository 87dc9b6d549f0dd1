"""Value checks of pairs of foreign keys into one table: `distinct_from` (no row points at
the same row twice: nobody follows themselves) and `distinct` (no parent has the same
partner twice: no duplicate follow, no track twice in a playlist)."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pyarrow.compute as pc

from datagen.engine.generators.kind import kind_of, spec_of
from datagen.engine.generators.lookup import distinct_pairs, parent_link
from datagen.engine.validate.checks.unique import unique_check
from datagen.engine.validate.context import Context, valid_mask
from datagen.engine.validate.registry import CheckKind
from datagen.engine.validate.report import Check


def run(ctx: Context) -> Iterator[Check]:
    declared = {(u.table, tuple(sorted(u.columns))) for u in ctx.dataset.constraints.unique}
    declared |= {(n.id, tuple(sorted(n.pk_columns))) for n in ctx.dataset.nodes if n.pk_columns}
    for node in ctx.dataset.nodes:
        for col in node.columns:
            spec = spec_of(col)
            if kind_of(col).name != "lookup" or kind_of(col).key_reference(spec) is None:
                continue  # `distinct_from` and distinct pairs are options of key lookups
            other = spec.distinct_from
            if other is not None and node.column(other) is None:  # hidden: not in the files
                ctx.skipped.append(
                    {
                        "category": "value",
                        "name": "distinct_from",
                        "table": node.id,
                        "column": f"{col.name},{other}",
                        "reason": f"`{other}` is hidden: not in the files",
                    }
                )
            elif other is not None and ctx.ready(
                "value", "distinct_from", node.id, col.name, other
            ):
                yield _differ(ctx, node.id, col.name, other)
            link = parent_link(ctx.dataset, node)
            pair = (node.id, tuple(sorted((str(link), col.name))))
            if (
                link is not None
                and distinct_pairs(ctx.dataset, node, col, spec)
                and pair not in declared  # checked already: a declared unique pair, a pk
                and ctx.ready("value", "unique", node.id, link, col.name)
            ):
                yield unique_check(ctx, node.id, [link, col.name])


def _differ(ctx: Context, table: str, column: str, other: str) -> Check:
    same = 0
    examples = ctx.examples(table)
    for batch in ctx.scan(table, [column, other], with_pk=True):
        left, right = batch.column(column), batch.column(other)
        equal = pc.fill_null(pc.equal(left, right), False).to_numpy(zero_copy_only=False)
        equal &= valid_mask(left) & valid_mask(right)
        same += int(np.count_nonzero(equal))
        examples.add(batch, equal, {column: left, other: right})
    return Check(
        "value",
        "distinct_from",
        table,
        f"{column},{other}",
        same == 0,
        same,
        0,
        examples.rows,
        message=f"{same} row(s) with `{column}` equal to `{other}`" if same else "",
    )


CHECK = CheckKind(
    "pairs", "value", run, "an FK equal to the one it must differ from; repeated pairs"
)
