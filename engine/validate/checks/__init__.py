"""The validator's checks: one module per kind of check, registered in report order.

The registry is engine/validate/registry.py. The schema's constraints
(range, inequality, pattern, enum, unique) and targets (weekend_share,
mean_in_range, seasonality, composite_effect) are one module each; the
structural checks (engine/validate/structural.py) and the checks of what
generators declare (engine/validate/behavioral.py) are one entry each.
"""

from __future__ import annotations

from datagen.engine import dsl  # noqa: F401  (the models first: kinds import them)
from datagen.engine.validate import aggregates, lookups
from datagen.engine.validate.behavioral import declared_checks
from datagen.engine.validate.checks import (
    composite_effect,
    composite_keys,
    conditional,
    enum,
    inequality,
    mean_in_range,
    pairs,
    pattern,
    range,
    seasonality,
    state_machine,
    unique,
    weekend_share,
)
from datagen.engine.validate.registry import (
    CHECK_KINDS,
    CheckKind,
    register_check_kind,
    run_checks,
    unregister_check_kind,
)
from datagen.engine.validate.structural import structural_checks

for _kind in (
    CheckKind("structural", "structural", structural_checks, "tables, columns, types, keys"),
    composite_keys.CHECK,
    range.CHECK,
    inequality.CHECK,
    pattern.CHECK,
    enum.CHECK,
    unique.CHECK,
    pairs.CHECK,
    state_machine.CHECK,
    aggregates.CHECK,
    lookups.CHECK,
    lookups.AS_OF,
    weekend_share.CHECK,
    mean_in_range.CHECK,
    seasonality.CHECK,
    composite_effect.CHECK,
    conditional.CHECK,
    CheckKind("declared", "behavioral", declared_checks, "what generators declare"),
):
    register_check_kind(_kind)

__all__ = ["CHECK_KINDS", "CheckKind", "register_check_kind", "run_checks", "unregister_check_kind"]
