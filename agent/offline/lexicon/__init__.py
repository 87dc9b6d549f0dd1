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

__all__ = [
    "ENTRIES",
    "Entry",
    "by_name",
    "candidates",
    "entry_for",
    "fields",
    "key_of",
    "readings",
]


def _load() -> tuple[Entry, ...]:
    from datagen.agent.offline.lexicon import fields as package

    found: list[Entry] = []
    for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{package.__name__}.{info.name}")
        found.extend(getattr(module, "ENTRIES", ()))
    return tuple(found)


ENTRIES: tuple[Entry, ...] = _load()


@cache
def _index() -> dict[str, list[Entry]]:
    """word -> the entries it names, at most one per field (the first entry of a field wins)."""
    index: dict[str, list[Entry]] = {}
    for entry in ENTRIES:
        found = index.setdefault(entry.name, [])
        if entry not in found:
            found.insert(0, entry)  # an entry's own name comes before synonyms of others
    for entry in ENTRIES:
        for word in entry.synonyms:
            found = index.setdefault(word, [])
            if all(e.field != entry.field for e in found):
                found.append(entry)
    return index


@cache
def _by_name() -> dict[str, Entry]:
    return {e.name: e for e in ENTRIES}


def key_of(noun: str) -> str:
    """'Support Tickets' -> 'support_ticket': the form the lexicon indexes."""
    parts = snake(noun).split("_")
    parts[-1] = singular(parts[-1])
    return "_".join(parts)


def candidates(noun: str) -> list[Entry]:
    """Every entry a noun may name, one per field; its own name first."""
    return list(_index().get(key_of(noun)) or _index().get(snake(noun)) or [])


def readings(noun: str) -> list[Entry]:
    """Every entry a noun may name, several per field ('ride': a taxi ride, a scooter rental)."""
    key = key_of(noun)
    return [e for e in ENTRIES if key in e.words]


def entry_for(noun: str, field: str | None = None) -> Entry | None:
    """The entity type a noun names ('Support Tickets', 'ticket'), in `field` when it has one."""
    found = candidates(noun)
    if field is not None:
        for entry in found:
            if entry.field == field:
                return entry
    return found[0] if found else None


def by_name(name: str) -> Entry | None:
    return _by_name().get(name)


def fields() -> list[str]:
    return sorted({e.field for e in ENTRIES})
