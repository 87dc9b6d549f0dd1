"""The validator's check registry: one entry per kind of check, in report order.

A check kind is a function of the validation context that yields `Check`s
(engine/validate/report.py): a category (structural, value, behavioral), a
name, pass/fail, what was measured and expected, a few example rows. The
score weighs the checks by category; the console and HTML reports list them.

    # engine/validate/checks/my_check.py
    def run(ctx: Context) -> Iterator[Check]:
        for node in ctx.dataset.nodes:
            if ctx.ready("value", "my_check", node.id, "amount"):
                yield Check("value", "my_check", node.id, "amount", passed, measured, expected)

    CHECK = CheckKind("my_check", "value", run, "one line: what it finds")

and one line in engine/validate/checks/__init__.py (or `register_check_kind(CHECK)`
from elsewhere). A check asks `ctx.ready(category, name, table, *columns)` before
reading columns, so a missing or mistyped column is reported once (structural)
and skipped, not crashed on.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from datagen.engine.registry import Registry
from datagen.engine.validate.report import Category, Check

if TYPE_CHECKING:
    from datagen.engine.validate.context import Context


@dataclass(frozen=True)
class CheckKind:
    name: str  # the registry key (the checks' `name`, or a family of names)
    category: Category
    run: Callable[[Context], Iterable[Check]]
    about: str = ""  # one line: what a failure means


CHECK_KINDS: Registry[CheckKind] = Registry("validator check")


def register_check_kind(kind: CheckKind, *, replace: bool = False) -> CheckKind:
    """Add a check kind; it runs after those registered before it."""
    return CHECK_KINDS.add(kind.name, kind, replace=replace)


def unregister_check_kind(name: str) -> None:
    CHECK_KINDS.remove(name)


def run_checks(ctx: Context) -> list[Check]:
    """Every registered kind's checks, in registration order (structural first: it
    marks the missing and mistyped columns that later checks skip)."""
    checks: list[Check] = []
    for kind in CHECK_KINDS.values():
        checks.extend(kind.run(ctx))
    return checks


__all__ = ["CHECK_KINDS", "CheckKind", "register_check_kind", "run_checks", "unregister_check_kind"]
