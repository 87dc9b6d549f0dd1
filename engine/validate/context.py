"""What every check needs: the schema, the tables, and which columns are usable.

Checks read tables in batches of rows (`scan`) and aggregate as they go, so
memory stays at one batch of the columns a check reads. Only checks that
must see a whole column at once (uniqueness, the keys a foreign key points
at) read one with `column`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pyarrow as pa

from datagen.engine import dsl
from datagen.engine.validate.arrays import ArrayLike, decoded, to_numpy, true_mask, valid_mask
from datagen.engine.validate.keys import KeyIndex
from datagen.engine.validate.report import MAX_EXAMPLES
from datagen.engine.validate.source import TableSource
from datagen.engine.validate.time_cells import column_bins

__all__ = [
    "ArrayLike",
    "Batch",
    "Context",
    "Examples",
    "decoded",
    "to_numpy",
    "true_mask",
    "valid_mask",
]

BATCH_ROWS = 1 << 18


@dataclass
class Batch:
    """Consecutive rows of some columns of a table, from row `offset` on."""

    offset: int
    data: pa.RecordBatch

    @property
    def num_rows(self) -> int:
        return self.data.num_rows

    def column(self, name: str) -> pa.Array:
        return self.data.column(name)

    def has(self, name: str) -> bool:
        return name in self.data.schema.names


class Examples:
    """The first offending rows of a table: position, primary key and the values at fault."""

    def __init__(self, pk: str | None):
        self.pk = pk
        self.rows: list[dict[str, Any]] = []

    def add(
        self, batch: Batch, mask: np.ndarray, shown: dict[str, ArrayLike] | None = None
    ) -> None:
        room = MAX_EXAMPLES - len(self.rows)
        if room <= 0:
            return
        positions = np.flatnonzero(mask)[:room]
        columns: dict[str, ArrayLike] = {}
        if self.pk and batch.has(self.pk):
            columns[self.pk] = batch.column(self.pk)
        columns.update(shown or {})
        for position in positions:
            example: dict[str, Any] = {"row": batch.offset + int(position)}
            for name, values in columns.items():
                value = values[int(position)]
                example[name] = value.as_py() if hasattr(value, "as_py") else value
            self.rows.append(example)


@dataclass
class Context:
    dataset: dsl.Dataset
    sources: dict[str, TableSource]
    rows_expected: dict[str, int] = field(default_factory=dict)
    rows_origin: str = "schema"
    lenient_types: bool = False
    # (table, column) pairs that are missing or of the wrong type: checks skip them.
    unusable: set[tuple[str, str]] = field(default_factory=set)
    # per FK column: what resolving it found (fk_resolves and fanout checks share it)
    resolved: dict[tuple[str, str], Any] = field(default_factory=dict)
    # per datetime column and dimension: each row's hour / weekday / month (-1: null)
    calendar_bins: dict[tuple[str, str, str], np.ndarray] = field(default_factory=dict)
    key_indexes: dict[tuple[str, str], KeyIndex] = field(default_factory=dict)
    # checks that could not run (their table or column is missing or mistyped)
    skipped: list[dict[str, Any]] = field(default_factory=list)
    # the schema's hidden helper columns (not in `dataset`, the view as written), by table
    # and name: a check may recompute one that copies a written column through an FK
    hidden: dict[tuple[str, str], dsl.Column] = field(default_factory=dict)

    def node(self, table: str) -> dsl.Node:
        node = self.dataset.node(table)
        assert node is not None, table
        return node

    def usable(self, table: str, *columns: str) -> bool:
        return table in self.sources and all((table, c) not in self.unusable for c in columns)

    def ready(self, category: str, name: str, table: str, *columns: str) -> bool:
        """Whether a check can run; when not, the report lists it as skipped, with why."""
        if self.usable(table, *columns):
            return True
        if table not in self.sources:
            reason = f"table `{table}` is missing"
        else:
            bad = [c for c in columns if (table, c) in self.unusable]
            reason = ", ".join(f"`{table}.{c}`" for c in bad) + " is missing or mistyped"
        self.skipped.append(
            {
                "category": category,
                "name": name,
                "table": table,
                "column": ",".join(columns) or None,
                "reason": reason,
            }
        )
        return False

    def num_rows(self, table: str) -> int:
        return self.sources[table].num_rows

    def pk_of(self, table: str) -> str | None:
        """The primary key, when it can label example rows."""
        pk = self.node(table).pk
        if pk and pk in self.sources[table].names and (table, pk) not in self.unusable:
            return pk
        return None

    def examples(self, table: str) -> Examples:
        return Examples(self.pk_of(table))

    def column(self, table: str, column: str) -> pa.ChunkedArray:
        """One whole column, dictionary-decoded so every compute function accepts it."""
        return decoded(self.sources[table].column(column))

    def scan(self, table: str, columns: list[str], *, with_pk: bool = False) -> Iterator[Batch]:
        """The columns in batches of BATCH_ROWS rows (plus the primary key for examples)."""
        names = list(dict.fromkeys(columns))
        pk = self.pk_of(table) if with_pk else None
        if pk and pk not in names:
            names.append(pk)
        offset = 0
        for batch in self.sources[table].batches(names, BATCH_ROWS):
            arrays = [decoded(batch.column(i)) for i in range(batch.num_columns)]
            yield Batch(offset, pa.RecordBatch.from_arrays(arrays, names=batch.schema.names))
            offset += batch.num_rows

    def bins(self, table: str, column: str, dimension: str) -> np.ndarray:
        """Hour / weekday / month of each row of a datetime column (-1: null), as int8.

        One scan fills all three dimensions: 3 bytes per row, less than the column.
        """
        key = (table, column, dimension)
        if key not in self.calendar_bins:
            rows = self.num_rows(table)
            found = {name: np.empty(rows, dtype=np.int8) for name in ("hour", "dow", "month")}
            for batch in self.scan(table, [column]):
                end = batch.offset + batch.num_rows
                for name, out in found.items():
                    out[batch.offset : end] = column_bins(batch.column(column), name)
            for name, out in found.items():
                self.calendar_bins[(table, column, name)] = out
        return self.calendar_bins[key]

    def key_index(self, table: str, column: str) -> KeyIndex:
        if (table, column) not in self.key_indexes:
            self.key_indexes[(table, column)] = KeyIndex(self.column(table, column))
        return self.key_indexes[(table, column)]
