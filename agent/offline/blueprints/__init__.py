"""Domain blueprints: declarative templates of tables, behaviours, constraints and targets.

A blueprint is data. `roles` tell the composer where behaviours land: the
person-like entity (`main_entity`), the main event fact (`main_fact`) and its
timestamp and amount columns. Every inequality a blueprint declares holds by
construction (child times are derived from parent times, entity histories
end before the timeframe starts), so the engine never has to move a row.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Blueprint:
    domain: str
    title: str
    keywords: dict[str, float]
    nodes: list[dict[str, Any]]
    main_entity: str
    main_fact: str
    time_column: str  # a datetime_series column of main_fact
    amount_column: str | None = None  # a numeric column of main_fact
    signup_column: str | None = None  # main_entity's "joined at" column
    country_column: str | None = "country"  # main_entity's country code column
    synonyms: dict[str, str] = field(default_factory=dict)  # noun -> table id
    inequalities: list[tuple[str, str, str]] = field(default_factory=list)
    ranges: list[tuple[str, float | None, float | None]] = field(default_factory=list)
    means: list[tuple[str, float, float]] = field(default_factory=list)  # "table.column", min, max
    person_fk: str | None = (
        None  # "table.column": an extra FK to the person, skewed for power users
    )
    popular_fk: str | None = None  # "table.column": an extra FK to the popular things
    fraud_table: str | None = None  # where "x% fraud" lands; default main_fact
    grain_question: bool = False  # ask for the reading interval when the text gives none


def _registry() -> dict[str, Blueprint]:
    from datagen.agent.offline.blueprints import commerce, finance, operations, people, tech

    found: dict[str, Blueprint] = {}
    for module in (commerce, finance, people, tech, operations):
        for blueprint in module.BLUEPRINTS:
            found[blueprint.domain] = blueprint
    return found


BLUEPRINTS: dict[str, Blueprint] = _registry()
