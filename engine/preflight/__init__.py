"""Semantic preflight of a schema: every problem the models cannot see, at once.

Unknown references, cycles, expressions that do not compile, facts without a
key to their parent... each reported with its JSON path. The preflight is a
registry of check functions run in order:

    from datagen.engine.preflight import register_check

    @register_check
    def my_check(dataset: dsl.Dataset) -> Iterable[Problem]:
        for i, node in enumerate(dataset.nodes):
            if ...:
                yield Problem(f"nodes[{i}].rows", "what is wrong", "what is expected")

A check never raises on a bad schema (that is the point: it reports), and it
may assume only what the pydantic models guarantee. Checks run in
registration order; the built-in ones live in the modules of this package
(structure, columns, lookups, cycles, constraints, targets, claims) and are
registered below, before any added later.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from datagen.engine import dsl
from datagen.engine.errors import Problem

Check = Callable[[dsl.Dataset], Iterable[Problem]]

CHECKS: list[Check] = []


def register_check(check: Check) -> Check:
    """Add a check to the preflight (usable as a decorator); registering twice is a no-op."""
    if check not in CHECKS:
        CHECKS.append(check)
    return check


def preflight(dataset: dsl.Dataset, *, warnings: bool = False) -> list[Problem]:
    """Every problem of every registered check, in registration order; warnings
    (`Problem.is_warning`, from the semantic guards) only when asked for."""
    problems: list[Problem] = []
    for check in CHECKS:
        problems.extend(p for p in check(dataset) if warnings or not p.is_warning)
    return problems


# the built-in checks, in the order their problems are listed
from datagen.engine.fanout import by_problems  # noqa: E402
from datagen.engine.preflight import (  # noqa: E402
    claims,
    columns,
    constraints,
    cycles,
    limits,
    reachable,
    semantic,
    structure,
    targets,
)
from datagen.engine.typecheck import expression_problems  # noqa: E402

for _check in (
    structure.node_problems,
    columns.column_problems,
    cycles.column_cycle_problems,
    cycles.table_cycle_problems,
    constraints.constraint_problems,
    targets.target_problems,
    claims.claim_problems,
    limits.name_case_problems,
    limits.self_reference_problems,
    limits.overflow_problems,
    by_problems,
    limits.calendar_problems,
    reachable.range_problems,
    reachable.enum_problems,
    expression_problems,
    *semantic.GUARDS,
):
    register_check(_check)

__all__ = ["CHECKS", "Check", "preflight", "register_check"]
