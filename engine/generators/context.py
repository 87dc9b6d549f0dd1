"""What a generator sees while it computes one block of one column."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

import numpy as np

from datagen.engine.expressions import Siblings
from datagen.engine.rng import stream
from datagen.engine.values import Values

if TYPE_CHECKING:
    from collections.abc import Callable

    from datagen.engine import dsl

T = TypeVar("T")


class KeptTables(Protocol):
    """What a generator may read of the tables generated before its own
    (engine/store.py's TableStore): row counts and the kept columns."""

    def rows(self, table: str) -> int: ...

    def key_values(self, table: str, column: str, index: np.ndarray) -> np.ndarray: ...

    def take(
        self, table: str, column: str, index: np.ndarray
    ) -> tuple[Values, np.ndarray | None]: ...

    def distinct(self, table: str, column: str) -> Values: ...

    def sorted_seconds(self, table: str, column: str) -> np.ndarray: ...

    def text_pool(self, table: str, column: str) -> np.ndarray: ...

    def once(self, key: str, build: Callable[[], T]) -> T:
        """A value built once per run and shared by every block (an excerpt's pool)."""
        ...

    def row_of(
        self, table: str, column: str, keys: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]: ...

    def rows_where(self, table: str, source: str) -> np.ndarray: ...

    @property
    def aggregates(self) -> Mapping[tuple[str, str], Any]:
        """(parent, column) -> the collected values of an aggregate column (`.values`, `.mask`)."""
        ...


@dataclass
class BlockContext:
    dataset: dsl.Dataset
    seed: int
    node: dsl.Node
    block: int
    start: int  # first global row index of the block
    stop: int
    table_rows: int
    store: KeptTables  # kept columns of tables generated earlier
    columns: dict[str, Values] = field(default_factory=dict)  # this block, so far
    masks: dict[str, np.ndarray] = field(default_factory=dict)  # null masks, so far
    # Row index into the referenced table for every FK column of this block.
    fk_index: dict[str, np.ndarray] = field(default_factory=dict)
    parent_index: np.ndarray | None = None  # facts: row of the first parent
    # facts: cumulative children over the first parent (an array, or engine/spill.py's
    # Spilled, read back by the block's range of parents)
    cumulative: Any = None
    _siblings: Siblings | None = None
    # aggregates into parents this block feeds: key -> (parents, values, null mask)
    aggregate_parts: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray | None]] = field(
        default_factory=dict
    )

    @property
    def n(self) -> int:
        return self.stop - self.start

    @property
    def row_ids(self) -> np.ndarray:
        return np.arange(self.start, self.stop, dtype=np.int64)

    @property
    def siblings(self) -> Siblings | None:
        """Facts: each row's position under its first parent and its parent's child count."""
        if self._siblings is None and self.cumulative is not None and self.parent_index is not None:
            ends = self.cumulative[self.parent_index]
            before = self.cumulative[np.maximum(self.parent_index - 1, 0)]
            counts = ends - np.where(self.parent_index > 0, before, 0)
            position = self.row_ids - (ends - counts) + 1
            self._siblings = Siblings(position, counts)
        return self._siblings

    def rng(self, column: str, purpose: str = "values") -> np.random.Generator:
        return stream(self.seed, self.node.id, column, self.block, purpose)

    def table_rng(self, column: str, purpose: str) -> np.random.Generator:
        """A stream shared by all blocks of a column (for whole-table permutations)."""
        return stream(self.seed, self.node.id, column, "table", purpose)
