"""The offline author's domain knowledge: entity types by field, and column inference.

`entry_for("tickets")` finds an entity type by any of its words; `ENTRIES` lists them
all; `generator_for_column` (columns.py) infers a column's generator from its name.
"""

from __future__ import annotations

import importlib
import pkgutil
from functools import cache

from datagen.agent.offline.lexicon.entry import Entry
from datagen.agent.offline.naming import singular, snake

__all__ = ["ENTRIES", "Entry", "entry_for", "fields"]


def _load() -> tuple[Entry, ...]:
    from datagen.agent.offline.lexicon import fields as package

    found: list[Entry] = []
    for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{package.__name__}.{info.name}")
        found.extend(getattr(module, "ENTRIES", ()))
    return tuple(found)


ENTRIES: tuple[Entry, ...] = _load()


@cache
def _index() -> dict[str, Entry]:
    index: dict[str, Entry] = {}
    for entry in ENTRIES:
        for word in entry.words:
            index.setdefault(word, entry)  # the first field to claim a word keeps it
    return index


def entry_for(noun: str) -> Entry | None:
    """The entity type a noun names ('Support Tickets', 'ticket', 'tickets'), or None."""
    key = snake(noun)
    parts = key.split("_")
    parts[-1] = singular(parts[-1])
    return _index().get("_".join(parts)) or _index().get(key)


def fields() -> list[str]:
    return sorted({e.field for e in ENTRIES})
