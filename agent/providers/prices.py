"""List prices and the cost estimate: each provider module keeps its own table.

A model matches a table row by its exact id or the id plus a date suffix
(`claude-sonnet-4-6-20260217`, `gpt-4.1-2025-04-14`), never by a shorter
prefix: `claude-opus-4` must not price `claude-opus-4-6`. A model in no table
has no cost estimate (shown as unknown), never a guessed one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from datagen.agent.providers.base import Usage

_DATE_SUFFIX = re.compile(r"(-\d{8}|-\d{4}-\d{2}-\d{2}|@\d{8}|-latest)?")


@dataclass(frozen=True)
class Price:
    """USD per million tokens."""

    input: float
    output: float
    cache_write: float = 0.0
    cache_read: float = 0.0

    def cost(self, usage: Usage) -> float:
        return (
            usage.input_tokens * self.input
            + usage.output_tokens * self.output
            + usage.cache_creation_input_tokens * self.cache_write
            + usage.cache_read_input_tokens * self.cache_read
        ) / 1_000_000


def price_of(table: dict[str, Price], model: str | None) -> Price | None:
    if not model:
        return None
    if model in table:
        return table[model]
    for key, price in table.items():
        if model.startswith(key) and _DATE_SUFFIX.fullmatch(model[len(key) :]):
            return price
    return None


def cost_estimate(table: dict[str, Price], model: str | None, usage: Usage) -> float | None:
    price = price_of(table, model)
    return None if price is None else price.cost(usage)
