"""One entity type of the lexicon: its words, columns, role and relations."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from datagen.agent.offline.lexicon.names import NameKind

Role = Literal["entity", "fact"]
ColumnSpec = str | dict[str, Any]  # a name (generator inferred) or a full DSL column dict


@dataclass(frozen=True)
class Entry:
    """An entity type: `ticket` (a fact) issued by an `officer` to a `vehicle` in a `zone`.

    `columns` are names whose generators `generator_for_column` infers, or full DSL
    column dicts for the field's own vocabularies. `parents` are the tables a row of
    a fact points at, the first one driving its row count (`per_parent` rows each);
    `refs` are entities an entity points at. `time` is a fact's event timestamp and
    `amount` its main numeric column.
    """

    name: str
    field: str
    role: Role
    synonyms: tuple[str, ...] = ()
    columns: tuple[ColumnSpec, ...] = ()
    parents: tuple[str, ...] = ()
    refs: tuple[str, ...] = ()
    naming: NameKind = "none"
    rows: int = 1000
    per_parent: float = 5.0
    time: str | None = None
    amount: str | None = None
    vocabulary: tuple[str, ...] = ()  # product nouns for generated names

    @property
    def words(self) -> tuple[str, ...]:
        """Every singular word or phrase (snake_case) that names this entity."""
        return (self.name, *self.synonyms)
