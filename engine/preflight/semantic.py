"""Semantic guards: schemas that are valid but cannot mean what their author wanted.

Each guard is a check function `fn(dataset) -> Iterable[Problem]` registered in
the preflight (after the built-in checks). An error carries its fix in `expected`; a warning
(`severity="warning"`) does not block a run but reaches the authoring agent's
repair turn. Guards read the generators' declared ranges and shapes; where a
distribution's shape matters they draw a fixed sample (seeded, vectorized).

- constant columns (one choice, one value, a clamp of width 0);
- columns piled at a clamp (lognormal `mean: 50` is e^50: every value is the clamp);
- timestamps pushed outside the timeframe by an inequality with a later window;
- an inequality that moves rows of a column ordered within its parent (running_sum());
- inequalities the generators' ranges make impossible;
- targets the generators cannot meet (weekend share, mean).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import numpy as np

from datagen.engine import dsl
from datagen.engine.errors import Problem
from datagen.engine.generators.kind import kind_of, spec_of

PILED = 0.95  # share of a column at its clamp bounds that makes the clamp the value
PILED_WARN = 0.2


def warning(path: str, message: str, expected: str | None = None) -> Problem:
    return Problem(path, message, expected, severity="warning")


# --------------------------------------------------------------------------- helpers


def _columns(dataset: dsl.Dataset) -> Iterator[tuple[int, int, dsl.Node, dsl.Column, str]]:
    for n, node in enumerate(dataset.nodes):
        for c, col in enumerate(node.columns):
            yield n, c, node, col, f"nodes[{n}].columns[{c}]"


def _resolve(dataset: dsl.Dataset, ref: str) -> tuple[dsl.Node, dsl.Column] | None:
    table, _, column = ref.partition(".")
    node = dataset.node(table)
    col = node.column(column) if node is not None else None
    return (node, col) if node is not None and col is not None else None


def _window(dataset: dsl.Dataset, col: dsl.Column) -> tuple[Any, Any] | None:
    """The instants a temporal column (without modifiers) can take: [start, end)."""
    if col.modifiers:
        return None
    shape = kind_of(col).time_shape(spec_of(col), dataset)
    if shape is None:
        return None
    return np.datetime64(shape.start, "s"), np.datetime64(shape.end, "s")


def _numeric_range(col: dsl.Column) -> tuple[float, float] | None:
    """The smallest and largest value a numeric column (without modifiers) can take."""
    if col.modifiers or col.type not in ("int", "float"):
        return None
    return kind_of(col).value_range(spec_of(col))


def _day(instant: Any) -> str:
    return str(np.datetime_as_string(instant, unit="D"))


# --------------------------------------------------------------------------- guards


def constant_columns(dataset: dsl.Dataset) -> Iterator[Problem]:
    """A column that can take one value only is usually a mistake (or belongs in metadata)."""
    for _n, _c, node, col, cpath in _columns(dataset):
        if node.kind == "vocab" or col.name == node.pk:
            continue
        kind = kind_of(col)
        value, field = kind.constant(spec_of(col)) or (None, "")
        if value is not None:
            where = f"{cpath}.generator.{kind.name}" + (f".{field}" if field else "")
            yield warning(
                where,
                f"`{node.id}.{col.name}` is the constant {value!r} in every row",
                expected="several values (more choices, non-zero weights), or drop the column",
            )


def piled_at_clamp(dataset: dsl.Dataset) -> Iterator[Problem]:
    """Most draws of a distribution fall outside its clamp: the column is the clamp's bound."""
    for _n, _c, node, col, cpath in _columns(dataset):
        kind = kind_of(col)
        draws = kind.draws(spec_of(col))
        if draws is None or draws.clamp is None:
            continue
        sample = draws.sample
        low, high = draws.clamp
        with np.errstate(invalid="ignore"):
            below = float(np.mean(sample < low))
            above = float(np.mean(~(sample <= high)))  # inf and nan pile at the top too
        share = below + above
        if share < PILED_WARN:
            continue
        bound = high if above >= below else low
        message = (
            f"{share:.0%} of `{node.id}.{col.name}` falls outside clamp [{low:g}, {high:g}] "
            f"and piles at {bound:g}"
        )
        path = f"{cpath}.generator.{kind.name}.{draws.field}"
        if share >= PILED:
            yield Problem(path, message, expected=draws.advice)
        else:
            yield warning(path, message, expected=draws.advice)


def _inequality_sides(
    dataset: dsl.Dataset, rule: dsl.Inequality
) -> tuple[tuple[dsl.Node, dsl.Column], tuple[dsl.Node, dsl.Column]] | None:
    left, right = _resolve(dataset, rule.left), _resolve(dataset, rule.right)
    return (left, right) if left and right else None


def impossible_inequalities(dataset: dsl.Dataset) -> Iterator[Problem]:
    """`left op right` that no pair of values from the two generators can satisfy."""
    for i, rule in enumerate(dataset.constraints.inequalities):
        sides = _inequality_sides(dataset, rule)
        if sides is None:
            continue
        (_ln, lcol), (_rn, rcol) = sides
        if lcol.type in ("datetime", "date") and rcol.type in ("datetime", "date"):
            lrange, rrange = _window(dataset, lcol), _window(dataset, rcol)
            show: Callable[[Any], str] = _day
        else:
            lrange, rrange = _numeric_range(lcol), _numeric_range(rcol)
            show = "{:g}".format
        if lrange is None or rrange is None:
            continue
        # Datetime inequalities are enforced by moving rows: every row moves, a warning.
        report: Callable[..., Problem] = warning if show is _day else Problem
        (llo, lhi), (rlo, rhi) = lrange, rrange
        if rule.op in (">", ">="):
            never = lhi < rlo or (rule.op == ">" and lhi <= rlo)
            fix = f"ranges that overlap: `{rule.left}` reaching above {show(rlo)}"
        else:
            never = llo > rhi or (rule.op == "<" and llo >= rhi)
            fix = f"ranges that overlap: `{rule.left}` reaching below {show(rhi)}"
        if never:
            yield report(
                f"constraints.inequalities[{i}]",
                f"`{rule.left} {rule.op} {rule.right}` can never hold: `{rule.left}` lies in "
                f"[{show(llo)}, {show(lhi)}] and `{rule.right}` in [{show(rlo)}, {show(rhi)}]",
                expected=fix,
            )


def reordered_by_inequality(dataset: dsl.Dataset) -> Iterator[Problem]:
    """`comment.created_at >= user.created_at` where `created_at` follows the row's place
    among its siblings (running_sum(), previous(), position()): the rows the inequality
    moves leave that order (GitHub comments out of order within their issue), and nothing
    declared can say so."""
    from datagen.engine.expressions import ExpressionError, compile_expression

    for i, rule in enumerate(dataset.constraints.inequalities):
        sides = _inequality_sides(dataset, rule)
        if sides is None:
            continue
        (node, left), (right_node, right) = sides
        try:
            compiled = [compile_expression(s) for s in kind_of(left).expressions(spec_of(left))]
        except ExpressionError:
            continue  # reported by the expression checks
        reads = {n for c in compiled for n in c.names}
        # built on the bound (issue time + a running sum), or on what the bound is built on
        # (period_start and period_end from one start): rows are not moved
        bound = {right.name} if right_node is node else set()
        if right_node is node:
            try:
                for source in kind_of(right).expressions(spec_of(right)):
                    bound |= compile_expression(source).names
            except ExpressionError:
                continue
        bound |= {
            c.name
            for c in node.columns
            if kind_of(c).name == "lookup" and kind_of(c).references(spec_of(c)) == [rule.right]
        }
        if any("siblings" in c.uses for c in compiled) and not reads & bound:
            yield warning(
                f"constraints.inequalities[{i}]",
                f"`{rule.left}` follows its rows' order within their parent (position(), "
                "previous() or running_sum()); the rows this inequality moves leave that "
                "order",
                expected=f"the bound in `{rule.left}`'s formula (add_minutes(max(a, b), ...)), "
                "or the other side picked to fit (a lookup with `as_of`)",
            )


def pushed_outside_timeframe(dataset: dsl.Dataset) -> Iterator[Problem]:
    """`later >= earlier` where the earlier side's window ends after the later side's:
    the rows it moves land past the later column's window (outside the timeframe)."""
    for i, rule in enumerate(dataset.constraints.inequalities):
        sides = _inequality_sides(dataset, rule)
        if sides is None:
            continue
        (_, lcol), (_, rcol) = sides
        if rule.op in (">", ">="):
            later, earlier, later_ref, earlier_ref = lcol, rcol, rule.left, rule.right
        else:
            later, earlier, later_ref, earlier_ref = rcol, lcol, rule.right, rule.left
        lw, ew = _window(dataset, later), _window(dataset, earlier)
        if lw is None or ew is None:
            continue
        (_ls, lend), (estart, eend) = lw, ew
        if eend <= lend or estart >= lend:
            continue  # fits, or impossible (reported by impossible_inequalities)
        share = float((eend - lend) / (eend - estart))
        yield warning(
            f"constraints.inequalities[{i}]",
            f"`{earlier_ref}` runs until {_day(eend)}, after the last `{later_ref}` "
            f"({_day(lend)}): about {share:.0%} of the rows of `{later_ref}` would be "
            "pushed outside their window to satisfy the inequality",
            expected=f"`{earlier_ref}` ending by {_day(lend)} (e.g. its own window's end), "
            "well before the later column's",
        )


def _expected_weekend_share(dataset: dsl.Dataset, col: dsl.Column) -> float | None:
    shape = None if col.modifiers else kind_of(col).time_shape(spec_of(col), dataset)
    if shape is None:
        return None
    dow = next((p for p in shape.patterns if p.dimension == "dow"), None)
    weights = dow.weights if dow is not None else [1.0] * 7
    return float(sum(weights[5:7]) / sum(weights))


def unreachable_targets(dataset: dsl.Dataset) -> Iterator[Problem]:
    """A target outside what its column's generator produces (a failed check every run)."""
    margin = 0.05
    for i, target in enumerate(dataset.targets.weekend_share):
        node = dataset.node(target.table)
        col = node.column(target.column) if node is not None else None
        share = _expected_weekend_share(dataset, col) if col is not None else None
        if share is None or target.min - margin <= share <= target.max + margin:
            continue
        yield Problem(
            f"targets.weekend_share[{i}]",
            f"weekend share target [{target.min:g}, {target.max:g}] but the generator of "
            f"`{target.table}.{target.column}` gives about {share:.2f}",
            expected="a dow pattern whose Sat+Sun weights are that share of the total "
            f"(e.g. [1, 1, 1, 1, 1, {_weekend_weight(target.min, target.max)}, "
            f"{_weekend_weight(target.min, target.max)}]), or a target around {share:.2f}",
        )
    for i, target in enumerate(dataset.targets.mean_in_range):
        node = dataset.node(target.table)
        col = node.column(target.column) if node is not None else None
        if col is None or col.modifiers:
            continue
        draws = kind_of(col).draws(spec_of(col))
        if draws is None:
            continue
        sample = draws.sample if draws.clamp is None else np.clip(draws.sample, *draws.clamp)
        mean = float(np.mean(sample))
        width = max(target.max - target.min, abs(target.max) * 0.01, 1e-9)
        if target.min - 0.1 * width <= mean <= target.max + 0.1 * width:
            continue
        yield Problem(
            f"targets.mean_in_range[{i}]",
            f"mean target [{target.min:g}, {target.max:g}] but the generator of "
            f"`{target.table}.{target.column}` gives a mean of about {mean:.4g}",
            expected="distribution parameters with a mean inside the target (lognormal: "
            "mean = ln(target) - sigma^2/2), or a target around the generator's mean",
        )


def _weekend_weight(low: float, high: float) -> str:
    share = min(max((low + high) / 2, 0.01), 0.99)
    # Five weekdays at 1: each weekend day w with 2w / (5 + 2w) = share.
    return f"{5 * share / (2 * (1 - share)):.2g}"


GUARDS = (
    constant_columns,
    piled_at_clamp,
    impossible_inequalities,
    pushed_outside_timeframe,
    reordered_by_inequality,
    unreachable_targets,
)
