"""A `Catalog` (tables, keys, checks) -> a DSL schema, with every choice written down.

Generators come from the offline author's column lexicon (names and types),
then the source's constraints are laid over them so the data always loads:
CHECK bounds and numeric precision clamp the values, ENUM and IN lists become
choices over exactly those values, lengths cap the strings, UNIQUE columns are
unique by construction, foreign keys become lookups. Tables with one
mandatory parent become facts with a fanout; the rest are entities.

Composite keys use the DSL's own support: `pk_columns` (PRIMARY KEY (a, b) in
the DDL, `pk_unique` in the validator) and composite foreign keys (a lookup of
the key's first column, the others copied `on` it). A link table (a reference
and a second reference, or a reference and a line number) is a fact of its
first reference's table whose second column takes distinct values per parent
(`distinct` lookups, `position()`): unique by construction. A composite key
that is not such a pair, or whose table was given an exact row count, is made
unique by a hidden `key_index` helper column (not written) whose values a
fixed permutation spreads over every combination of the key's columns. Each
choice is listed in the assumptions, each approximation in the notes.
"""

from __future__ import annotations

import heapq
import math
import re
from dataclasses import dataclass, field
from functools import lru_cache
from graphlib import CycleError, TopologicalSorter
from typing import Any

import numpy as np

from datagen.agent.importer.catalog import Catalog, ColumnInfo, ColumnStats, TableInfo
from datagen.agent.offline.lexicon.columns import generator_for_column
from datagen.engine import dsl
from datagen.engine.errors import InputError
from datagen.engine.load import parse_dataset

HIDDEN_KEY = "key_index"  # expressions take no names that start with _
DEFAULT_ROWS = 1000
REFERENCE_ROWS = 20
REFERENCE_WORDS = (
    "type", "status", "category", "categories", "genre", "language", "country", "countries",
    "region", "currency", "currencies", "role", "kind", "shipper", "level", "tier", "unit",
)  # fmt: skip
DETAIL_WORDS = ("line", "item", "detail", "entry", "entries")
LOST = (  # the reader's notes of what it left out of the tables (ddl.py)
    "left out of the table, not understood",
    "skipped, not understood",
    "statement skipped: CREATE TABLE",
)
SMALL_KEY = 10**7  # a fact's key type holding fewer numbers is declared as a range
NULL_RATE = 0.1
FK_NULL_RATE = 0.05
TIMEFRAME = {"start": "2024-01-01", "end": "2025-01-01", "freq": "s"}
MAX_LIST = 100_000
FAKER_SAMPLE = 600  # values measured per Faker method to see whether it fits a length
CODE_ALPHABET = np.frombuffer(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", dtype=np.uint8)
IDENT = re.compile(dsl.IDENT)
# text the database parses into its own type: values it accepts, whatever the name says
SPECIAL_TEXT: dict[str, tuple[dict[str, Any], str]] = {
    "uuid": ({"faker": {"method": "uuid4"}}, "random UUIDs (a UUID column)"),
    "json": (
        {
            "choice": {
                "choices": [
                    "{}",
                    '{"source": "web"}',
                    '{"source": "app", "beta": true}',
                    '{"tags": ["new"]}',
                ]
            }
        },  # fmt: skip
        "small JSON documents (a JSON column)",
    ),
    # a fixed list: Faker's `time` ends at the wall clock, so its values would drift
    "time": (
        {
            "choice": {
                "choices": [f"{h:02d}:{m:02d}:00" for h in range(24) for m in (0, 15, 30, 45)]
            }
        },
        "times of day on the quarter hour (a TIME column)",
    ),
}


@dataclass
class ImportResult:
    dataset: dsl.Dataset
    assumptions: list[str] = field(default_factory=list)  # what was guessed
    notes: list[str] = field(default_factory=list)  # what was approximated or left out


@dataclass
class _Key:
    """How a table's key values are made, so a 1:1 child or a link table can follow them."""

    generator: dict[str, Any]
    rows: int


@dataclass
class _Pair:
    """A two-column key built by the DSL itself: a fact of `parent` (through `link`) whose
    `other` column is a distinct reference per parent, or a line number from `start`; with
    an exact row count, an entity whose two references take distinct pairs (`sampled`)."""

    link: str
    other: str
    parent: str
    cap: int | None  # the most rows one parent can have (partners, or the CHECK's range)
    start: int | None = None  # a line number: position() counted from here
    sampled: bool = False  # exact rows: an entity of distinct pairs of two plain lookups
    day: bool = False  # a date or timestamp: one day after another from the timeframe's start


@dataclass
class _Builder:
    catalog: Catalog
    rows: dict[str, int]
    default_rows: int
    assumptions: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    constraints: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    claims: list[dict[str, Any]] = field(default_factory=list)  # what the data may break
    names: dict[str, str] = field(default_factory=dict)  # source table -> DSL id
    keys: dict[str, _Key] = field(default_factory=dict)  # source table -> its key values
    hidden_keys: set[str] = field(default_factory=set)  # tables given a hidden `key_index`

    # ------------------------------------------------------------------ tables

    def build(self) -> dict[str, Any]:
        tables = self.catalog.tables
        for table in tables:
            self.names[table.name.lower()] = self._ident(table.name, f"table {table.name}")
        self._resolve_references()
        exact = self._exact_tables()
        order = _parent_first(tables)
        nodes: dict[str, dict[str, Any]] = {}
        for table in order:
            nodes[table.name] = self._node(table, exact)
        self._break_cycles(nodes)
        dataset = {
            "version": "1.0",
            "metadata": {
                "name": _stem(self.catalog.source),
                "description": f"imported from {self.catalog.source}",
                "assumptions": self.assumptions + [f"approximated: {n}" for n in self.notes],
                "tags": ["imported"],
            },
            "timeframe": dict(TIMEFRAME),
            "nodes": [nodes[t.name] for t in tables],
            "constraints": self.constraints,
        }
        if self.claims:
            dataset["claims"] = self.claims
        return dataset

    def _not_modelled(self, text: str, kind: str, reason: str) -> None:
        """A rule of the DDL the data is not made to keep: a claim that caps the score."""
        self.claims.append(
            {
                "id": f"ddl_{len(self.claims) + 1}",
                "text": text[:500],
                "kind": kind,
                "status": "not_modelled",
                "reason": reason,
            }
        )

    def _ident(self, name: str, what: str) -> str:
        fixed = _safe_name(name)
        if fixed != name:
            self.notes.append(f"{what} renamed `{fixed}` (the DSL takes letters, digits and _)")
        return fixed

    def _table_id(self, table: TableInfo | str) -> str:
        name = table if isinstance(table, str) else table.name
        return self.names[name.lower()]

    def _resolve_references(self) -> None:
        for table in self.catalog.tables:
            kept = []
            for fk in table.foreign_keys:
                parent = self.catalog.table(fk.ref_table)
                if parent is None:
                    self.notes.append(
                        f"{table.name}({', '.join(fk.columns)}) -> {fk.ref_table}: no such table "
                        "in the source; generated without the reference"
                    )
                    self._not_modelled(
                        f"{table.name}({', '.join(fk.columns)}) REFERENCES {fk.ref_table}",
                        "relationship",
                        f"`{fk.ref_table}` is not a table of the source",
                    )
                    continue
                fk.ref_table = parent.name
                if not fk.ref_columns:
                    fk.ref_columns = list(parent.primary_key)
                fk.ref_columns = [
                    (parent.column(c).name if parent.column(c) else c)  # type: ignore[union-attr]
                    for c in fk.ref_columns
                ]
                kept.append(fk)
            table.foreign_keys = kept

    def _exact_tables(self) -> set[str]:
        """Tables whose row count must be known in advance (composite keys, 1:1 children)."""
        exact: set[str] = set()
        for table in self.catalog.tables:
            group = self._group(table)
            for fk in table.foreign_keys:
                if group and len(fk.columns) == 1 and fk.columns[0] in group:
                    exact.add(fk.ref_table)  # a key's formula counts on the parent's rows
                if len(fk.columns) == 1 and _is_unique(table, fk.columns[0]):
                    exact.add(fk.ref_table)
                    exact.add(table.name)
        return exact

    def _node(self, table: TableInfo, exact: set[str]) -> dict[str, Any]:
        tid = self._table_id(table)
        node: dict[str, Any] = {"id": tid, "kind": "entity", "columns": []}
        if table.comment:
            node["description"] = table.comment
        single_parent = self._single_parent(table, exact)
        group = self._group(table)
        pair = self._pair(table, group, exact) if group else None
        link = bool(group) and pair is None  # its rows follow its key's combinations
        rows = 0 if link or pair else self._rows(table, single_parent is not None)
        made: dict[str, dict[str, Any]] = {}  # columns made by a composite key, by name
        if pair is not None and pair.sampled:
            node["rows"] = self._pair_rows(table, pair)
            made |= self._pair_columns(table, group, pair)
        elif pair is not None:
            node["kind"] = "fact"
            node["parents"] = [self._table_id(pair.parent)]
            node["fanout"] = self._pair_fanout(table, pair)
            made |= self._pair_columns(table, group, pair)
        elif single_parent is not None:
            parent_table, _ = single_parent
            node["kind"] = "fact"
            node["parents"] = [self._table_id(parent_table)]
            node["fanout"] = self._fanout(table, parent_table)
        else:
            node["rows"] = rows
        if len(table.primary_key) == 1:
            node["pk"] = self._col_ident(table, table.primary_key[0])
        elif len(table.primary_key) > 1:
            node["pk_columns"] = [self._col_ident(table, c) for c in table.primary_key]
        if link:
            made |= {c["name"].lower(): c for c in self._composite_key(table, node, group)}
        for other in table.unique:
            if len(other) > 1 and other != group:
                self._add("unique", {"table": tid, "columns": [self._col_ident(table, c)
                                                               for c in other]})  # fmt: skip
                self.notes.append(
                    f"`{table.name}`: UNIQUE ({', '.join(other)}) is checked but not unique by "
                    "construction (one composite key per table is)"
                )
        for fk in table.foreign_keys:
            if len(fk.columns) > 1:  # copied from one referenced row, inside a key or not
                made |= {c["name"].lower(): c for c in self._composite_reference(table, fk)}
        # hidden key columns first, then the source's columns in the source's order
        node["columns"] = [c for c in made.values() if c.get("hidden")]
        for col in table.columns:
            ident = self._col_ident(table, col.name).lower()
            made_col = made.get(ident)
            node["columns"].append(made_col or self._column(table, col, node))
        if pair is not None and pair.sampled:  # two plain uniform lookups: distinct pairs
            for name in (pair.link, pair.other):
                ident = self._col_ident(table, name)
                lookup = next(c for c in node["columns"] if c["name"] == ident)["generator"]
                if lookup["lookup"].pop("weights_kind", None):
                    self.notes.append(
                        f"`{table.name}.{name}`: drawn uniformly, not with the source's skew "
                        "(a key of distinct pairs is built from two uniform references)"
                    )
        elif pair is not None and pair.start is None:
            other = self._col_ident(table, pair.other)
            lookup = next(c for c in node["columns"] if c["name"] == other)["generator"]["lookup"]
            lookup["distinct"] = True
        self._inequalities(table, node)
        if node["kind"] == "entity":
            self._remember_key(table, node)
        return node

    def _pair(self, table: TableInfo, group: list[str], exact: set[str]) -> _Pair | None:
        """The DSL's own unique pair for a two-column key, NOT NULL both: (a reference, a
        second reference), or (a reference, a whole number) when no exact row count is asked
        (a fact's rows come from its fanout; an exact count of two references is an entity
        of distinct pairs)."""
        if len(group) != 2 or table.name in exact:
            return None
        if not all(_column(table, c).not_null for c in group):
            return None
        exact_rows = self._rows_given(table) or table.rows is not None
        references = {f.columns[0]: f for f in table.foreign_keys if len(f.columns) == 1}
        for link, other in (group, group[::-1]):
            fk = references.get(link)
            if fk is None or fk.ref_table == table.name or fk.ref_table not in self.keys:
                continue
            second = references.get(other)
            if second is not None:
                partner = self.keys.get(second.ref_table)
                if second.ref_table == table.name or partner is None or partner.rows < 1:
                    continue
                return _Pair(link, other, fk.ref_table, partner.rows, sampled=exact_rows)
            col = _column(table, other)
            if col.type in ("date", "datetime") and not (exact_rows or col.bounds):
                return _Pair(link, other, fk.ref_table, None, start=0, day=True)
            if (
                exact_rows
                or col.type != "int"
                or col.enum_values
                or any(isinstance(b.value, str) for b in col.bounds)
            ):
                continue
            low, high = _int_bounds(col)
            if high is not None and high < low:
                continue
            return _Pair(link, other, fk.ref_table, None if high is None else high - low + 1, low)
        return None

    def _pair_rows(self, table: TableInfo, pair: _Pair) -> int:
        """The exact rows of a table of distinct pairs: at most one row per pair."""
        rows = self._rows(table, fact=False)
        pairs = self.keys[pair.parent].rows * (pair.cap or 0)
        if rows > pairs:
            self.notes.append(
                f"`{table.name}`: {rows} rows asked but ({pair.link}, {pair.other}) has only "
                f"{pairs} pairs; {pairs} rows"
            )
            rows = pairs
        self.assumptions.append(
            f"`{table.name}`: each row a distinct ({pair.link}, {pair.other}) pair of "
            f"`{pair.parent}` and its partner rows, drawn without replacement: its key is "
            "unique by construction"
        )
        return rows

    def _pair_fanout(self, table: TableInfo, pair: _Pair) -> dict[str, Any]:
        lam = 4.0 if any(w in table.name.lower() for w in DETAIL_WORDS) else 3.0
        top = int(lam * 5 + 10)
        if pair.cap is not None:
            lam, top = min(lam, max(pair.cap / 2, 0.5)), min(top, pair.cap)
        what = (
            f"a distinct `{pair.other}` per row"
            if pair.start is None
            else f"`{pair.other}` one day after another from {TIMEFRAME['start']}"
            if pair.day
            else f"`{pair.other}` numbering them from {pair.start}"
        )
        self.assumptions.append(
            f"`{table.name}`: about {lam:g} rows per `{pair.parent}` row (poisson fanout, at "
            f"most {top}), {what}: its key ({pair.link}, {pair.other}) is unique by construction"
        )
        return {"distribution": "poisson", "lambda": lam, "min": 0, "max": top}

    def _pair_columns(
        self, table: TableInfo, group: list[str], pair: _Pair
    ) -> dict[str, dict[str, Any]]:
        tid = self._table_id(table)
        columns = [self._col_ident(table, c) for c in group]
        if group != table.primary_key:  # a UNIQUE pair beside the table's own key
            self._add("unique", {"table": tid, "columns": columns})
        if pair.start is None:
            return {}  # both references are lookups; the second one is made distinct
        col = _column(table, pair.other)
        name = self._col_ident(table, pair.other)
        if pair.day:  # a daily row per parent: the timeframe's first day, then the next...
            first = (
                f"date('{TIMEFRAME['start']}')"
                if col.type == "date"
                else f"timestamp('{TIMEFRAME['start']} 00:00:00')"
            )
            return {name.lower(): {"name": name, "type": col.type, "generator": {
                "expression": {"expr": f"add_days({first}, position() - 1)"}}}}  # fmt: skip
        low, high = _int_bounds(col)
        if col.bounds:
            bounds = {"min": low} | ({"max": high} if high is not None else {})
            self._add("ranges", {"column": f"{tid}.{name}", **bounds})
        expr = "position()" if low == 1 else f"position() + {low - 1}"
        made: dict[str, Any] = {"name": name, "type": "int",
                                "generator": {"expression": {"expr": expr}}}  # fmt: skip
        if col.comment:
            made["description"] = col.comment
        return {name.lower(): made}

    def _group(self, table: TableInfo) -> list[str]:
        """The composite key made unique by construction: the primary key, else the first
        multi-column UNIQUE; empty when there is none."""
        if len(table.primary_key) > 1:
            return table.primary_key
        return next((g for g in table.unique if len(g) > 1), [])

    def _single_parent(self, table: TableInfo, exact: set[str]) -> tuple[str, str] | None:
        if table.name in exact or self._group(table) or self._rows_given(table):
            return None
        if table.rows is not None:  # profiled: exact counts
            return None
        mandatory = [
            fk
            for fk in table.foreign_keys
            if len(fk.columns) == 1
            and fk.ref_table != table.name
            and _column(table, fk.columns[0]).not_null
        ]
        if len(mandatory) != 1:
            return None
        return mandatory[0].ref_table, mandatory[0].columns[0]

    def _rows_given(self, table: TableInfo) -> bool:
        return table.name.lower() in self.rows or self._table_id(table).lower() in self.rows

    def _rows(self, table: TableInfo, fact: bool) -> int:
        for key in (table.name.lower(), self._table_id(table).lower()):
            if key in self.rows:
                self.assumptions.append(f"`{table.name}`: {self.rows[key]} rows, as asked")
                return self.rows[key]
        if table.rows is not None:
            self.assumptions.append(f"`{table.name}`: {table.rows} rows, as in the source")
            return table.rows
        if fact:
            return 0
        words = [w.lower() for w in re.split(r"[_\W]+|(?<=[a-z])(?=[A-Z])", table.name)]
        if any(w.rstrip("s") in REFERENCE_WORDS or w in REFERENCE_WORDS for w in words if w):
            rows = REFERENCE_ROWS
            self.assumptions.append(f"`{table.name}`: a reference list, {rows} rows")
        else:
            rows = self.default_rows
            self.assumptions.append(
                f"`{table.name}`: {rows} rows (--rows {table.name}=N to change)"
            )
        return rows

    def _fanout(self, table: TableInfo, parent: str) -> dict[str, Any]:
        words = table.name.lower()
        lam = 4.0 if any(w in words for w in DETAIL_WORDS) else 3.0
        self.assumptions.append(
            f"`{table.name}`: about {lam:g} rows per `{parent}` row (poisson fanout; a fact of "
            f"its one mandatory parent)"
        )
        return {"distribution": "poisson", "lambda": lam, "min": 0, "max": int(lam * 5 + 10)}

    def _remember_key(self, table: TableInfo, node: dict[str, Any]) -> None:
        if not node.get("pk"):
            return
        col = next(c for c in node["columns"] if c["name"] == node["pk"])
        gen = col["generator"]
        if "sequence" in gen or "enum_list" in gen:
            self.keys[table.name] = _Key(gen, int(node["rows"]))

    # ------------------------------------------------------------------ keys

    def _composite_key(
        self, table: TableInfo, node: dict[str, Any], group: list[str]
    ) -> list[dict[str, Any]]:
        """Hidden sequence -> a permutation of all key combinations -> each key column."""
        what = "primary key" if group == table.primary_key else "UNIQUE key"
        domains: list[tuple[str, int, int, str | None]] = []  # column, size, offset, parent
        for name in group:
            col = _column(table, name)
            fk = next((f for f in table.foreign_keys if f.columns == [name]), None)
            held = any(len(f.columns) > 1 and name in f.columns for f in table.foreign_keys)
            parent_key = self.keys.get(fk.ref_table) if fk else None
            if fk is not None and parent_key is not None and "sequence" in parent_key.generator:
                start = int(parent_key.generator["sequence"].get("start", 1))
                domains.append((name, parent_key.rows, start, fk.ref_table))
            elif fk is None and col.type == "int" and not held:
                low, high = _int_bounds(col)
                if col.bounds:
                    bounds = {"min": low} | ({"max": high} if high is not None else {})
                    self._add("ranges", {"column": f"{self._table_id(table)}.{name}", **bounds})
                size = min((high - low + 1) if high is not None else 10, 10)
                domains.append((name, max(size, 1), low, None))
            else:
                self.notes.append(
                    f"`{table.name}`: composite {what} ({', '.join(group)}) has a column "
                    f"`{name}` that is "
                    + (
                        "part of a composite reference"
                        if held
                        else "neither a reference to an integer key nor an integer"
                    )  # fmt: skip
                    + "; its combinations are checked but not unique by construction"
                )
                if group != table.primary_key:  # the primary key is declared by pk_columns
                    self._add("unique", {"table": self._table_id(table),
                                         "columns": [self._col_ident(table, c) for c in group]})  # fmt: skip
                node["rows"] = self._rows(table, fact=False)
                return []
        combinations = math.prod(size for _, size, _, _ in domains)
        wanted = self._link_rows(table, domains, combinations)
        node["rows"] = wanted
        # an empty referenced table leaves no combination: keep the formula defined, 0 rows
        domains = [(name, max(size, 1), offset, parent) for name, size, offset, parent in domains]
        combinations = max(combinations, 1)
        step = _coprime(combinations)
        index = f"(({HIDDEN_KEY} * {step}) % {combinations})"
        columns: list[dict[str, Any]] = [
            {
                "name": HIDDEN_KEY,
                "type": "int",
                "generator": {"sequence": {"start": 0}},
                "hidden": True,
                "description": f"makes the composite {what} unique (a helper, not written)",
            }
        ]
        stride = combinations
        tid = self._table_id(table)
        for name, size, offset, parent in domains:
            stride //= size
            expr = (
                f"{offset} + {index} // {stride} % {size}"
                if stride > 1
                else (f"{offset} + {index} % {size}")
            )
            columns.append({"name": self._col_ident(table, name), "type": "int",
                            "generator": {"expression": {"expr": expr}}})  # fmt: skip
            if parent is not None:
                parent_col = self._col_ident(parent, self._parent_key_column(parent))
                self._add(
                    "foreign_keys",
                    {
                        "column": f"{tid}.{self._col_ident(table, name)}",
                        "references": f"{self._table_id(parent)}.{parent_col}",
                    },
                )
        if group != table.primary_key:  # the primary key is declared by pk_columns
            self._add("unique", {"table": tid, "columns": [c["name"] for c in columns[1:]]})
        self.hidden_keys.add(table.name)
        self.notes.append(
            f"`{table.name}`: composite {what} ({', '.join(group)}) made unique by a hidden "
            f"`{HIDDEN_KEY}` helper column (not written) whose permutation of the "
            f"{combinations} combinations gives every row its own; it holds while the "
            "referenced tables keep the row counts of this import (import again with --rows "
            "to change them)"
        )
        return columns

    def _link_rows(
        self, table: TableInfo, domains: list[tuple[str, int, int, str | None]], combinations: int
    ) -> int:
        asked = next(
            (
                self.rows[k]
                for k in (table.name.lower(), self._table_id(table).lower())
                if k in self.rows
            ),
            table.rows,
        )
        if asked is None:
            largest = (
                max(size for _, size, _, parent in domains if parent)
                if any(d[3] for d in domains)
                else combinations
            )
            asked = min(3 * largest, max(1, combinations // 2))
            self.assumptions.append(
                f"`{table.name}`: {asked} rows (--rows {table.name}=N to change)"
            )
        if asked > combinations:
            self.notes.append(
                f"`{table.name}`: {asked} rows asked but its key has only {combinations} "
                f"combinations; {combinations} rows"
            )
            asked = combinations
        return asked

    def _parent_key_column(self, parent: str) -> str:
        table = self.catalog.table(parent)
        assert table is not None and table.primary_key
        return table.primary_key[0]

    def _composite_reference(self, table: TableInfo, fk: Any) -> list[dict[str, Any]]:
        parent = self.catalog.table(fk.ref_table)
        assert parent is not None
        pid = self._table_id(parent)
        refs = [c.lower() for c in fk.ref_columns]
        key = [c.lower() for c in parent.primary_key]
        nullable = not any(_column(table, c).not_null for c in fk.columns)
        if len(key) > 1 and sorted(refs) == sorted(key):
            # the DSL's composite foreign key: a lookup of the key's first column samples a
            # row, the other columns are copied from that row (`on`)
            held = dict(zip(refs, fk.columns, strict=True))
            first = self._col_ident(table, held[key[0]])
            columns = []
            for ref in parent.primary_key:
                name = self._col_ident(table, held[ref.lower()])
                lookup: dict[str, Any] = {"from": f"{pid}.{self._col_ident(parent, ref)}"}
                if name != first:
                    lookup["on"] = first
                column: dict[str, Any] = {"name": name, "type": _column(table, name).type,
                                          "generator": {"lookup": lookup}}  # fmt: skip
                if nullable:
                    column["nullable"] = True
                    column["null_rate"] = FK_NULL_RATE if name == first else 0.0
                columns.append(column)
            self.assumptions.append(
                f"`{table.name}`({', '.join(fk.columns)}) -> `{parent.name}`: a composite "
                f"foreign key, each row's values copied from one `{parent.name}` row"
            )
            return columns
        if refs != [c.lower() for c in self._group(parent)] or parent.name not in self.hidden_keys:
            self.notes.append(
                f"`{table.name}`({', '.join(fk.columns)}) -> `{parent.name}`: a composite "
                "reference to columns that are not a key made unique by construction; each "
                "column is looked up on its own, so the pairs may not exist in the parent"
            )
            self._not_modelled(
                f"{table.name}({', '.join(fk.columns)}) REFERENCES "
                f"{parent.name}({', '.join(fk.ref_columns)})",
                "relationship",
                "each column of this composite reference is drawn on its own",
            )
            return [
                {
                    "name": self._col_ident(table, c),
                    "type": _column(table, c).type,
                    "generator": {"lookup": {"from": f"{pid}.{self._col_ident(parent, r)}"}},
                }
                for c, r in zip(fk.columns, fk.ref_columns, strict=True)
            ]
        # a composite UNIQUE of the parent (the DSL's composite references are to primary
        # keys): the parent's hidden helper key is looked up, the columns copied through it
        hidden = f"{pid}_{HIDDEN_KEY}"[:63]
        columns = [
            {
                "name": hidden,
                "type": "int",
                "generator": {"lookup": {"from": f"{pid}.{HIDDEN_KEY}"}},
                "hidden": True,
                "description": f"the referenced row of {pid} (a helper, not written)",
            }
        ]
        for c, r in zip(fk.columns, fk.ref_columns, strict=True):
            columns.append(
                {
                    "name": self._col_ident(table, c),
                    "type": _column(table, c).type,
                    "generator": {
                        "lookup": {"from": f"{pid}.{self._col_ident(parent, r)}", "on": hidden}
                    },
                }
            )
        self.notes.append(
            f"`{table.name}`({', '.join(fk.columns)}) -> `{parent.name}`: a composite foreign "
            f"key to a UNIQUE key, not the primary key: its columns are copied from the row a "
            f"hidden `{hidden}` helper column picks; the validator does not check it as one "
            "reference"
        )
        return columns

    # ------------------------------------------------------------------ columns

    def _col_ident(self, table: TableInfo | str, name: str) -> str:
        if isinstance(table, str):
            found = self.catalog.table(table)
            assert found is not None
            table = found
        col = table.column(name)
        return _safe_name(col.name if col else name)

    def _column(self, table: TableInfo, col: ColumnInfo, node: dict[str, Any]) -> dict[str, Any]:
        tid = self._table_id(table)
        name = self._ident(col.name, f"column {table.name}.{col.name}")
        where = f"`{table.name}.{col.name}`"
        fk = next((f for f in table.foreign_keys if f.columns == [col.name]), None)
        out: dict[str, Any]
        if table.primary_key == [col.name] and fk is None:
            out = self._key_column(table, col, name, node)
            self._declare_bounds(table, col, name)
        elif fk is not None:
            out = self._reference(table, col, name, fk, node)
            self._declare_bounds(table, col, name)
        else:
            out, why = _lexicon(_snake(tid), _snake(name), col.type)
            out = {**out, "name": name, "type": col.type}
            if col.special in SPECIAL_TEXT:
                out["generator"], why = SPECIAL_TEXT[col.special]
                out.pop("modifiers", None)
            guessed, said = out["generator"], len(self.assumptions)
            self.assumptions.append(f"{where}: {why.split('`: ', 1)[-1]}")
            self._apply_stats(table, col, out)
            self._apply_enum(table, col, out)
            self._apply_bounds(table, col, out)
            self._apply_time_bounds(table, col, out)
            self._apply_like(table, col, out)
            self._apply_unique_and_length(table, col, out, node)
            if out["generator"] is not guessed:  # replaced: the guess is no longer the choice
                del self.assumptions[said]
            self._length_pattern(table, col, out)
            if not col.not_null:
                rate = _null_rate(col.stats, NULL_RATE)
                out["nullable"] = True
                out["null_rate"] = rate
        if (
            out["type"] == "float"
            and col.precision is not None
            and col.scale
            and 1 <= col.precision <= 38
            and col.scale <= col.precision
        ):  # NUMERIC(p, s): stored as the same decimal (exact in Parquet, DuckDB, PostgreSQL)
            out["type"] = f"decimal({col.precision},{col.scale})"
        description = [col.comment] if col.comment else []
        if col.default is not None:
            description.append(f"default {col.default}")
        if description:
            out["description"] = "; ".join(description)
        return out

    def _apply_time_bounds(self, table: TableInfo, col: ColumnInfo, out: dict[str, Any]) -> None:
        """CHECK (day >= '2025-06-01'): a range the validator checks, and the values drawn
        inside it (the timeframe's part within the bounds, else a year beside them)."""
        if col.type not in ("date", "datetime"):
            return
        unit = np.timedelta64(1, "D" if col.type == "date" else "s")
        low: Any = None  # numpy datetime64 values; `end` is exclusive
        end: Any = None
        for bound in col.bounds:
            try:
                value = np.datetime64(str(bound.value).replace(" ", "T"), "s")
            except ValueError:
                continue
            if col.type == "date" and bound.op in (">", "<="):
                value = value.astype("datetime64[D]").astype("datetime64[s]")
            if bound.op in (">", ">="):
                first = value + unit if bound.op == ">" else value
                low = first if low is None else max(low, first)
            elif bound.op in ("<", "<="):
                after = value + unit if bound.op == "<=" else value
                end = after if end is None else min(end, after)
        if low is None and end is None:
            return
        if low is not None and end is not None and low >= end:
            raise _no_value(self.catalog.source, table, col)
        text = (lambda t: str(t.astype("datetime64[D]"))) if col.type == "date" else (
            lambda t: str(t).replace("T", " "))  # fmt: skip
        item: dict[str, Any] = {"column": f"{self._table_id(table)}.{out['name']}"}
        if low is not None:
            item["min"] = text(low)
        if end is not None:
            item["max"] = text(end - unit)
        self._add("ranges", item)
        gen = out["generator"].get("datetime_series")
        window = (gen or {}).get("within")
        if not isinstance(window, dict):
            window = {"start": TIMEFRAME["start"], "end": TIMEFRAME["end"]}
        start: Any = np.datetime64(str(window["start"]).replace(" ", "T"), "s")
        stop: Any = np.datetime64(str(window["end"]).replace(" ", "T"), "s")
        start, stop = max(start, low) if low is not None else start, (
            min(stop, end) if end is not None else stop)  # fmt: skip
        if start >= stop:  # the timeframe lies outside the bounds: a year beside them
            year = np.timedelta64(365, "D")
            start = low if low is not None else end - year
            stop = end if end is not None else low + year
            start = max(start, stop - year)
        spec = {"within": {"start": text(start), "end": text(stop)}}
        if col.type == "date":
            spec["freq"] = "D"  # type: ignore[assignment]
        out["generator"] = {"datetime_series": {**(gen or {}), **spec}}
        out.pop("modifiers", None)
        self.assumptions.append(
            f"`{table.name}.{col.name}`: between {spec['within']['start']} and "
            f"{spec['within']['end']} (end excluded), inside its CHECK"
        )

    def _declare_bounds(self, table: TableInfo, col: ColumnInfo, name: str) -> None:
        """A key's or reference's CHECK bounds: declared for the validator (and the DDL), not
        laid over its values (they are the referenced keys)."""
        numbers = [b for b in col.bounds if not isinstance(b.value, str)]
        if not numbers or col.type not in ("int", "float"):
            return
        low = max((float(b.value) for b in numbers if b.op in (">", ">=")), default=None)
        high = min((float(b.value) for b in numbers if b.op in ("<", "<=")), default=None)
        if col.type == "int":  # whole numbers: > 0 is >= 1
            strict = {float(b.value) for b in numbers if b.op in (">", "<")}
            low = (
                None if low is None else (math.floor(low) + 1 if low in strict else math.ceil(low))
            )
            high = (None if high is None else (math.ceil(high) - 1 if high in strict
                                                else math.floor(high)))  # fmt: skip
        if low is not None and high is not None and low > high:
            raise _no_value(self.catalog.source, table, col)
        item: dict[str, Any] = {"column": f"{self._table_id(table)}.{name}"}
        if low is not None:
            item["min"] = _number(low)
        if high is not None:
            item["max"] = _number(high)
        if len(item) > 1:
            self._add("ranges", item)

    def _apply_like(self, table: TableInfo, col: ColumnInfo, out: dict[str, Any]) -> None:
        """CHECK (x LIKE '%Trailers%' OR ...): values made from the patterns themselves (`%`
        and `_` filled in), and a `pattern` constraint the validator checks."""
        if not col.like_patterns:
            return
        values = list(
            dict.fromkeys(p.replace("%", "").replace("_", "x") for p in col.like_patterns)
        )
        if col.length is not None and any(len(v) > col.length for v in values):
            values = [v for v in values if len(v) <= col.length]
        if not values:
            raise _no_value(self.catalog.source, table, col)
        regex = "|".join(
            "".join(".*" if c == "%" else "." if c == "_" else re.escape(c) for c in p)
            for p in col.like_patterns
        )
        self._add("pattern", {"column": f"{self._table_id(table)}.{out['name']}",
                              "regex": f"(?s)(?:{regex})"})  # fmt: skip
        out["generator"] = {"choice": {"choices": values}}
        out.pop("modifiers", None)
        self.assumptions.append(
            f"`{table.name}.{col.name}`: one of {values} (its CHECK's LIKE patterns)"
        )

    def _length_pattern(self, table: TableInfo, col: ColumnInfo, out: dict[str, Any]) -> None:
        """A CHECK on the length of a text column: a `pattern` the validator checks."""
        if col.length_range is None:
            return
        low, high = col.length_range
        regex = f"(?s).{{{low},{'' if high is None else high}}}"
        self._add("pattern", {"column": f"{self._table_id(table)}.{out['name']}", "regex": regex})
        self.assumptions.append(
            f"`{table.name}.{col.name}`: values of {low} to {high or 'any number of'} "
            "characters (its CHECK on the length)"
        )

    def _int_key(
        self, table: TableInfo, col: ColumnInfo, name: str, node: dict[str, Any]
    ) -> dict[str, Any]:
        """1, 2, 3, ... (from a CHECK's lower bound), never more keys than the type (NUMBER(2),
        SMALLINT) and the CHECKs hold: an entity's rows are capped, a fact's are checked."""
        low, high = _int_bounds(col)
        start = max(low, 1) if col.bounds else 1
        most = min(_type_limits(col)[1], math.inf if high is None else high)
        if most < start:
            raise _no_value(self.catalog.source, table, col)
        self.assumptions.append(
            f"`{table.name}.{col.name}`: the key, numbered {start}, {start + 1}, {start + 2}, ..."
        )
        if math.isfinite(most):
            room = int(most) - start + 1
            if node.get("rows") is not None and node["rows"] > room:
                self.notes.append(
                    f"`{table.name}`: {room} rows, not {node['rows']}: its key "
                    f"{col.name} {col.sql_type} holds {start}..{int(most)} only"
                )
                node["rows"] = room
                said = f"`{table.name}`: "  # the row count said before: now this one
                self.assumptions = [a for a in self.assumptions
                                    if not (a.startswith(said) and " rows" in a)]  # fmt: skip
                self.assumptions.append(f"{said}{room} rows, all its key's type holds")
            elif node.get("rows") is None and room < SMALL_KEY:  # a fact: checked to fit
                self._add("ranges", {"column": f"{self._table_id(table)}.{name}",
                                     "max": _number(most)})  # fmt: skip
        return {"name": name, "type": "int", "generator": {"sequence": {"start": start}}}

    def _key_column(
        self, table: TableInfo, col: ColumnInfo, name: str, node: dict[str, Any]
    ) -> dict[str, Any]:
        if col.type == "int":
            return self._int_key(table, col, name, node)
        out, why = _lexicon(_snake(self._table_id(table)), _snake(name), col.type)
        out = {**out, "name": name, "type": col.type}
        out.pop("modifiers", None)
        if col.special in SPECIAL_TEXT:
            out["generator"], why = SPECIAL_TEXT[col.special]
        self._apply_unique_and_length(table, col, out, node, key=True)
        self._length_pattern(table, col, out)
        self.assumptions.append(
            f"`{table.name}.{col.name}`: a unique key of {col.sql_type} ({why.split('`: ', 1)[-1]})"
        )
        return out

    def _reference(
        self, table: TableInfo, col: ColumnInfo, name: str, fk: Any, node: dict[str, Any]
    ) -> dict[str, Any]:
        parent = self.catalog.table(fk.ref_table)
        assert parent is not None
        ref = f"{self._table_id(parent)}.{self._col_ident(parent, fk.ref_columns[0])}"
        parent_col = parent.column(fk.ref_columns[0])
        col_type = parent_col.type if parent_col is not None else col.type
        if _is_unique(table, col.name) and parent.name != table.name:
            key = self.keys.get(parent.name)
            if key is not None:
                self._add("foreign_keys", {"column": f"{self._table_id(table)}.{name}",
                                           "references": ref})  # fmt: skip
                node["rows"] = key.rows
                node.pop("fanout", None)
                self.assumptions.append(
                    f"`{table.name}`: one row per `{parent.name}` row (its key is a reference)"
                )
                return {"name": name, "type": col_type, "generator": dict(key.generator),
                        "unique": True}  # fmt: skip
        out: dict[str, Any] = {
            "name": name,
            "type": col_type,
            "generator": {"lookup": {"from": ref}},
        }
        head = col.stats.head_share if col.stats is not None else None
        if head is not None and head > 0.3 and parent.name != table.name:
            # the source's popular parents: the top fifth hold this share of the references
            out["generator"]["lookup"]["weights_kind"] = f"head_tail@{{0.2,{min(head, 0.99):.2f}}}"
            self.assumptions.append(
                f"`{table.name}.{col.name}`: the top fifth of `{parent.name}` rows get "
                f"{head:.0%} of the references, as in the source"
            )
        if parent.name == table.name:
            out["nullable"] = True
            out["null_rate"] = _null_rate(col.stats, NULL_RATE)
            if col.not_null:
                self.notes.append(
                    f"`{table.name}.{col.name}`: NOT NULL self-reference; the first row has no "
                    "earlier row to point at and is null"
                )
                self._not_modelled(
                    f"{table.name}.{col.name} NOT NULL REFERENCES {table.name}",
                    "relationship",
                    "a self-reference's first row has no earlier row to point at: it is null",
                )
        elif not col.not_null:
            out["nullable"] = True
            out["null_rate"] = _null_rate(col.stats, FK_NULL_RATE)
        where, empty = f"`{table.name}.{col.name}`", out.get("null_rate", 0)
        also = f", empty in {empty:.0%} of rows" if empty else ""
        if parent.name == table.name:
            self.assumptions.append(f"{where}: an earlier `{table.name}` row{also}")
        elif node.get("parents") != [self._table_id(parent)] or not col.not_null:
            how = "" if "weights_kind" in out["generator"]["lookup"] else " drawn uniformly"
            self.assumptions.append(f"{where}: a row of `{parent.name}`{how}{also}")
        if (
            len(fk.ref_columns) == 1
            and parent_col is not None
            and parent.primary_key != [parent_col.name]
        ):
            parent_col.unique = True  # a referenced column is unique in any database
        return out

    def _apply_stats(self, table: TableInfo, col: ColumnInfo, out: dict[str, Any]) -> None:
        stats = col.stats
        if stats is None or stats.rows == 0:
            return
        where = f"`{table.name}.{col.name}`"
        present = stats.rows - stats.nulls
        if col.type in ("string", "int", "bool") and stats.top and not col.unique:
            covered = sum(share for _, share in stats.top)
            if stats.distinct <= len(stats.top) and covered > 0.999 and stats.distinct <= 50:
                values = [v for v, _ in stats.top]
                out["generator"] = {"choice": {"choices": values,
                                               "weights": [round(s, 6) for _, s in stats.top]}}  # fmt: skip
                out.pop("modifiers", None)
                self.assumptions.append(f"{where}: {len(values)} values with the source's shares")
                return
        if col.type in ("int", "float") and stats.min is not None and stats.max is not None:
            low, high = float(stats.min), float(stats.max)
            if high > low and present > 1:
                mean = stats.mean if stats.mean is not None else (low + high) / 2
                std = stats.std if stats.std else (high - low) / 4
                out["generator"] = {"distribution": {"type": "normal", "params": {"mean": mean,
                                    "std": max(std, 1e-9)}, "clamp": [low, high]}}  # fmt: skip
                self.assumptions.append(
                    f"{where}: normal(mean {mean:.4g}, std {std:.4g}) within the source's "
                    f"[{low:g}, {high:g}]"
                )
        if col.type in ("date", "datetime") and stats.min is not None and stats.max is not None:
            start, end = str(stats.min)[:19], str(stats.max)[:19]
            try:
                window = dsl.Window(start=start, end=end)
            except ValueError:
                return
            spec: dict[str, Any] = {"within": window.model_dump()}
            if col.type == "date":
                spec["freq"] = "D"
            out["generator"] = {"datetime_series": spec}
            self.assumptions.append(f"{where}: between {start} and {end}, as in the source")
        if col.type == "string" and stats.max_length and col.length is None:
            col.length, col.length_profiled = stats.max_length, True

    def _apply_enum(self, table: TableInfo, col: ColumnInfo, out: dict[str, Any]) -> None:
        if not col.enum_values:
            return
        values: list[Any] = [
            (
                str(v)
                if col.type == "string"
                else int(v)
                if col.type == "int"
                else bool(v)
                if col.type == "bool"
                else v
            )
            for v in col.enum_values
        ]
        if col.type == "string" and col.length is not None and not col.length_profiled:
            fits = [v for v in values if len(v) <= col.length]
            if len(fits) < len(values):  # a value the column cannot store is never written
                if not fits:
                    raise _no_value(self.catalog.source, table, col)
                self.notes.append(
                    f"`{table.name}.{col.name}`: {sorted(set(values) - set(fits))} left out "
                    f"of its list: longer than its {col.sql_type}"
                )
                values = fits
        gen = out.get("generator", {})
        weights = None
        if "choice" in gen and gen["choice"].get("weights"):
            # the profile's (or the lexicon's) shares, for the values of the list
            share = dict(zip(gen["choice"]["choices"], gen["choice"]["weights"], strict=False))
            weights = [share.get(v, 0.0) for v in values]
            weights = weights if sum(weights) > 0 else None
        spec: dict[str, Any] = {"choices": values}
        if weights:
            spec["weights"] = weights
        out["generator"] = {"choice": spec}
        out.pop("modifiers", None)
        self._add("enum", {"column": f"{self._table_id(table)}.{out['name']}", "values": values})
        self.assumptions.append(
            f"`{table.name}.{col.name}`: one of {values} (the source's ENUM/CHECK list)"
        )

    def _apply_bounds(self, table: TableInfo, col: ColumnInfo, out: dict[str, Any]) -> None:
        if col.type not in ("int", "float") or col.enum_values:
            return
        step = 1.0 if col.type == "int" else 10.0 ** -(col.scale if col.scale is not None else 2)
        low, high = -math.inf, math.inf
        for bound in col.bounds:
            if isinstance(bound.value, str):
                continue
            value = float(bound.value)
            if bound.op == ">":
                low = max(low, math.floor(value) + 1 if col.type == "int" else value + step)
            elif bound.op == ">=":
                low = max(low, math.ceil(value) if col.type == "int" else value)
            elif bound.op == "<":
                high = min(high, math.ceil(value) - 1 if col.type == "int" else value - step)
            elif bound.op == "<=":
                high = min(high, math.floor(value) if col.type == "int" else value)
        checked = (low if low > -math.inf else None, high if high < math.inf else None)
        if low > high:
            raise _no_value(self.catalog.source, table, col)
        type_low, type_high = _type_limits(col)
        low, high = max(low, type_low), min(high, type_high)
        if checked != (None, None):
            rng: dict[str, Any] = {"column": f"{self._table_id(table)}.{out['name']}"}
            if checked[0] is not None:
                rng["min"] = _number(checked[0])
            if checked[1] is not None:
                rng["max"] = _number(checked[1])
            self._add("ranges", rng)
        if low == -math.inf and high == math.inf:
            return
        gen = out["generator"]
        if "choice" in gen and gen["choice"].get("choices"):
            kept = [v for v in gen["choice"]["choices"] if low <= float(v) <= high]
            if kept:
                weights = gen["choice"].get("weights")
                spec: dict[str, Any] = {"choices": kept}
                if weights:
                    picked = [w for v, w in zip(gen["choice"]["choices"], weights, strict=True)
                              if low <= float(v) <= high]  # fmt: skip
                    if sum(picked) > 0:
                        spec["weights"] = picked
                out["generator"] = {"choice": spec}
                return
        if "distribution" in gen:
            old = gen["distribution"].get("clamp") or [-math.inf, math.inf]
            new_low, new_high = max(low, old[0]), min(high, old[1])
            both_checked = checked[0] is not None and checked[1] is not None
            if col.stats is not None and new_low <= old[0] and old[1] <= new_high:
                pass  # the source's own range, inside the CHECK: the profile's shape stays
            elif not both_checked and _kept_share(old, new_low, new_high) >= 0.5:
                gen["distribution"]["clamp"] = [_number(new_low), _number(new_high)]
            elif not both_checked and checked[0] is not None and high > low:
                # the name's guess lies outside the bound (a "rate" >= 0.99): values above it
                scale = max(abs(low) * 3, 1.0)
                out["generator"] = {"distribution": {"type": "lognormal", "params": {
                    "mean": round(math.log(scale), 4), "sigma": 0.6},
                    "clamp": [_number(low), _number(high)]}}  # fmt: skip
                self.assumptions.append(
                    f"`{table.name}.{col.name}`: lognormal, median {scale:g}, above its CHECK "
                    f"bound {_number(low)}"
                )
            else:
                out["generator"] = {"distribution": {"type": "uniform", "params": {
                    "low": _number(_finite(low, high, lower=True)),
                    "high": _number(_finite(low, high, lower=False))}}}  # fmt: skip
                out.pop("modifiers", None)
                self.assumptions.append(
                    f"`{table.name}.{col.name}`: uniform within its CHECK bounds"
                )
        elif "sequence" not in gen and "lookup" not in gen:
            out["generator"] = {"distribution": {"type": "uniform", "params": {
                "low": _number(_finite(low, high, lower=True)),
                "high": _number(_finite(low, high, lower=False))}}}  # fmt: skip
            out.pop("modifiers", None)
        modifiers = [m for m in out.get("modifiers", []) if m.get("transform") != "clamp"]
        if col.type == "float" and col.scale is not None:
            rounding = {"transform": "expression", "args": {"expr": f"round(value, {col.scale})"}}
            modifiers = [m for m in modifiers if m != rounding] + [rounding]
        clamp: dict[str, Any] = {}
        if low > -math.inf:
            clamp["min"] = _number(low)
        if high < math.inf:
            clamp["max"] = _number(high)
        modifiers.append({"transform": "clamp", "args": clamp})
        out["modifiers"] = modifiers

    def _apply_unique_and_length(
        self,
        table: TableInfo,
        col: ColumnInfo,
        out: dict[str, Any],
        node: dict[str, Any],
        key: bool = False,
    ) -> None:
        unique = key or _is_unique(table, col.name)
        if col.special == "uuid":  # random 122 bits: distinct without a stamp
            out["unique"] = unique
            return
        if col.type != "string":
            if unique and "sequence" not in out["generator"]:
                out["generator"] = {"sequence": {"start": 1}}
                out.pop("modifiers", None)
                self.assumptions.append(f"`{table.name}.{col.name}`: unique, so a sequence")
            if unique:
                out["unique"] = True
            return
        rows = int(node.get("rows") or 0) or self._estimate_fact_rows(node)
        gen = out["generator"]
        where = f"`{table.name}.{col.name}`"
        guessed_unique = bool(out.pop("unique", False))  # the lexicon's, not the source's
        method = gen["faker"]["method"] if "faker" in gen else None
        if unique:
            out["unique"] = True
            profiled = col.length_profiled  # the source's longest, not a limit of the type
            if method is not None and (
                col.length is None
                or profiled
                or _faker_max_length(method, unique=True, rows=rows) <= col.length
            ):
                if profiled and _faker_max_length(method, unique=True, rows=rows) > (
                    col.length or 0
                ):
                    self.assumptions.append(
                        f"{where}: unique Faker `{method}` values, some longer than the source's "
                        f"longest ({col.length} characters; the type sets no limit)"
                    )
                return
            prefix = re.sub(r"[^A-Za-z]", "", col.name)[:3].upper() or "K"
            out["generator"] = {"enum_list": {"values": _codes(prefix, rows, col.length, col.name)}}
            out.pop("modifiers", None)
            self.assumptions.append(
                f"{where}: {rows} distinct codes"
                + (f" of at most {col.length} characters" if col.length else "")
            )
            if rows > MAX_LIST:
                self.notes.append(f"{where}: unique codes repeat after {MAX_LIST} rows")
            return
        if method is not None:
            if (
                col.length is None
                or _faker_max_length(method, unique=guessed_unique, rows=rows) <= col.length
            ):
                if guessed_unique:
                    out["unique"] = True
                return
            if _faker_max_length(method, unique=False, rows=rows) <= col.length:
                return
            values = _faker_sample(method)
            short = list(dict.fromkeys(v[: col.length].rstrip() for v in values))[:50]
            out["generator"] = {"choice": {"choices": [v for v in short if v] or ["x"]}}
            self.assumptions.append(
                f"{where}: {method} values cut to {col.length} characters ({col.sql_type})"
            )
        elif col.length is not None and "choice" in gen and gen["choice"].get("choices"):
            choices = [str(v)[: col.length] for v in gen["choice"]["choices"]]
            if len(set(choices)) != len(choices):
                out["generator"] = {"choice": {"choices": list(dict.fromkeys(choices))}}
            else:
                gen["choice"]["choices"] = choices

    def _estimate_fact_rows(self, node: dict[str, Any]) -> int:
        """The most rows a fact can get: every parent row at the fanout's maximum."""
        fanout = node.get("fanout") or {}
        parent = self.catalog.table(node["parents"][0]) if node.get("parents") else None
        key = self.keys.get(parent.name) if parent is not None else None
        parent_rows = key.rows if key is not None else self.default_rows
        return int(fanout.get("max", 10)) * parent_rows

    # ------------------------------------------------------------------ constraints

    def _different(self, table: TableInfo, node: dict[str, Any], left: str, right: str) -> None:
        """CHECK (a <> b): two references into one table never point at the same row (the
        lookup's `distinct_from`); anything else is a rule the data is not made to keep."""
        references = {f.columns[0]: f.ref_table for f in table.foreign_keys if len(f.columns) == 1}
        parent_link = node.get("parents", [None])[0]
        columns = {c["name"]: c for c in node["columns"]}
        for this, other in ((right, left), (left, right)):
            ident, other_ident = self._col_ident(table, this), self._col_ident(table, other)
            lookup = columns[ident]["generator"].get("lookup") if ident in columns else None
            same = references.get(this) is not None and references.get(this) == references.get(
                other
            )
            link = parent_link == self._table_id(references[this]) if same else False
            if same and lookup and not lookup.get("on") and not link and this != table.name:
                lookup["distinct_from"] = other_ident
                self.assumptions.append(
                    f"`{table.name}.{this}`: never the same `{references[this]}` row as "
                    f"`{other}` (its CHECK)"
                )
                return
        self.notes.append(
            f"`{table.name}`: CHECK ({left} <> {right}) is not generated for; the data may break it"
        )
        self._not_modelled(
            f"{table.name}: CHECK ({left} <> {right})",
            "range",
            "two columns that differ are generated for when they reference the same table",
        )

    def _inequalities(self, table: TableInfo, node: dict[str, Any]) -> None:
        tid = self._table_id(table)
        for comparison in table.comparisons:
            if comparison.op == "<>":
                self._different(table, node, comparison.left, comparison.right)
        pairs = [(c.left, c.op, c.right) for c in table.comparisons if c.op != "<>"]
        declared = {(left.lower(), right.lower()) for left, _, right in pairs}
        names = {c.name.lower(): c for c in table.columns}
        for later, earlier in (("updated_at", "created_at"), ("modified_at", "created_at"),
                               ("end_date", "start_date"), ("ended_at", "started_at"),
                               ("updated", "created"), ("end_time", "start_time")):  # fmt: skip
            if (
                later in names
                and earlier in names
                and (later, earlier) not in declared
                and (
                    earlier,
                    later,
                )
                not in declared
            ):
                if names[later].type in ("date", "datetime") and names[earlier].type in (
                    "date",
                    "datetime",
                ):
                    pairs.append((names[later].name, ">=", names[earlier].name))
                    self.assumptions.append(
                        f"`{table.name}`: {names[later].name} >= {names[earlier].name}"
                    )
        for left, op, right in pairs:
            left_col, right_col = table.column(left), table.column(right)
            if left_col is None or right_col is None:
                continue
            self._add(
                "inequalities",
                {
                    "left": f"{tid}.{self._col_ident(table, left_col.name)}",
                    "op": op,
                    "right": f"{tid}.{self._col_ident(table, right_col.name)}",
                },
            )
        for sql in table.skipped_checks:
            self.notes.append(
                f"`{table.name}`: CHECK ({sql}) is not understood; the data may break it"
            )
            self._not_modelled(
                f"{table.name}: CHECK ({sql})",
                "range",
                "datagen import generates for comparisons with a constant, BETWEEN, IN lists "
                "and comparisons of two columns only",
            )

    def _add(self, kind: str, item: dict[str, Any]) -> None:
        items = self.constraints.setdefault(kind, [])
        if item not in items:
            items.append(item)

    def _break_cycles(self, nodes: dict[str, dict[str, Any]]) -> None:
        """References that go round in a circle: the nullable one in each circle stays empty."""
        # (child, parent) -> the reference column (the last one, when several)
        references: dict[tuple[str, str], dict[str, Any]] = {}
        for node in nodes.values():
            for col in node["columns"]:
                lookup = col["generator"].get("lookup")
                if lookup and lookup.get("on") is None:
                    target = lookup["from"].split(".")[0]
                    if target != node["id"]:
                        references[node["id"], target] = col
        nodes = {node["id"]: node for node in nodes.values()}
        declared = self.constraints.get("foreign_keys", [])
        while True:
            # a one-to-one reference is a copy of the parent's key sequence, with the key
            # declared as a constraint: the preflight counts that edge too
            edges = dict(references)
            for fk in declared:
                child, parent = fk["column"].split(".")[0], fk["references"].split(".")[0]
                if child != parent:
                    edges.setdefault((child, parent), fk)
            cycle = _reference_cycle(edges)
            if cycle is None:
                return
            one_to_one = [e for e in cycle if edges[e] in declared and e not in references]
            if one_to_one:
                fk = edges[one_to_one[0]]
                declared.remove(fk)
                self.notes.append(
                    f"`{fk['column']}` -> `{fk['references']}`: the references go round in a "
                    "circle; this one-to-one key keeps the parent's numbers (each value is a "
                    "key) but is not declared as a foreign key"
                )
                continue
            for child, parent in cycle:
                col = references[child, parent]
                if col.get("nullable"):
                    col["null_rate"] = 1.0
                    col["generator"] = {"sequence": {}}
                    self.notes.append(
                        f"`{child}.{col['name']}` -> `{parent}`: the references go round in a "
                        "circle; this nullable one is left empty"
                    )
                    del references[child, parent]
                    break
            else:
                if not self._draw_from_key_range(nodes, references, cycle):
                    child, parent = cycle[0][0], cycle[0][1]
                    self.notes.append(
                        f"`{child}` -> `{parent}`: the references go round in a circle with no "
                        "nullable column to break it"
                    )
                    return

    def _own_rows(self, node: dict[str, Any]) -> None:
        """A fact in a circle of references becomes a table of its own row count."""
        table = next(t for t in self.catalog.tables if self._table_id(t) == node["id"])
        node["kind"], node["rows"] = "entity", self._rows(table, False)
        node.pop("parents", None)
        node.pop("fanout", None)
        self.notes.append(
            f"`{node['id']}`: {node['rows']} rows of its own, its parent key sampled "
            "(it is in a circle of references)"
        )

    def _draw_from_key_range(
        self,
        nodes: dict[str, dict[str, Any]],
        references: dict[tuple[str, str], dict[str, Any]],
        cycle: list[tuple[str, str]],
    ) -> bool:
        """A circle of NOT NULL references (Sakila: staff.store_id -> store,
        store.manager_staff_id -> staff): one reference into a table of consecutive keys
        is drawn from that key range, so every value is a key without the table having to be
        generated first. Its foreign key is then not declared in the schema (said)."""
        # a table of known rows first; else a fact becomes a table of its own row count
        order = sorted(cycle, key=lambda edge: nodes[edge[1]].get("rows") is None)
        for child, parent in order:
            target = nodes[parent]
            if target.get("rows") is None and target.get("kind") == "fact":
                self._own_rows(target)
            rows, key = target.get("rows"), target.get("pk")
            key_col = next((c for c in target["columns"] if c["name"] == key), None)
            sequence = (key_col or {}).get("generator", {}).get("sequence")
            if not isinstance(rows, int) or rows < 1 or sequence is None:
                continue
            if sequence.get("step", 1) != 1:
                continue
            start = int(sequence.get("start", 1))
            if nodes[child].get("parents") == [parent]:  # its parent link becomes a draw
                self._own_rows(nodes[child])
            col = references[child, parent]
            col["generator"] = {"expression": {"expr": f"randint({start}, {start + rows - 1})"}}
            circle = " -> ".join([c for c, _ in cycle] + [cycle[0][0]])
            self.notes.append(
                f"`{child}.{col['name']}` -> `{parent}`: the references go round in a circle "
                f"({circle}) with no nullable column; this one is drawn from `{parent}`'s keys "
                f"{start}..{start + rows - 1} (each value is a key) and is not declared as a "
                f"foreign key; change `{parent}`'s rows and this range together"
            )
            del references[child, parent]
            return True
        return False


# --------------------------------------------------------------------------- helpers


def build_dataset(
    catalog: Catalog, rows: dict[str, int] | None = None, default_rows: int = DEFAULT_ROWS
) -> ImportResult:
    """The DSL schema of `catalog`, validated by the engine's own loader."""
    builder = _Builder(catalog, {k.lower(): v for k, v in (rows or {}).items()}, default_rows)
    builder.notes.extend(catalog.notes)
    for note in catalog.notes:  # a part of the DDL the reader left out: the data lacks it
        unique_index = note.startswith("CREATE UNIQUE INDEX") and note.endswith("skipped")
        if unique_index or any(marker in note for marker in LOST):
            builder._not_modelled(
                note, "unread", "datagen import could not read this part of the DDL"
            )
    data = builder.build()
    dataset = parse_dataset(data, source=catalog.source)
    return ImportResult(dataset, builder.assumptions, builder.notes)


def _lexicon(table: str, column: str, dsl_type: str) -> tuple[dict[str, Any], str]:
    """The lexicon's generator for a column; a name it does not know is read without its
    leading words (`billing_postal_code` as `postal_code`), said in the reason."""
    out, why = generator_for_column(table, column, dsl_type)
    words = column.split("_")
    for start in range(1, len(words)):
        if "unknown name" not in why:
            break
        tail = "_".join(words[start:])
        guess, reason = generator_for_column(table, tail, dsl_type)
        if "unknown name" not in reason:
            out = {**guess, "name": out["name"]}
            why = f"{reason.split('`: ', 1)[-1]} (read as `{tail}`)"
    return out, why


def _no_value(source: str, table: TableInfo, col: ColumnInfo) -> InputError:
    """A column whose CHECKs (or list and length) no value satisfies: nothing to generate."""
    rules = [f"{b.op} {b.value}" for b in col.bounds] + (
        [f"IN {col.enum_values}"] if col.enum_values else []
    )
    return InputError(
        f"{source}: `{table.name}.{col.name}` {col.sql_type}: no value satisfies its CHECKs "
        f"({', '.join(rules)}); a row of this table could never be stored"
    )


def _safe_name(name: str) -> str:
    """A DSL identifier for a database name: other characters become `_`, never a leading
    digit, at most 63 characters (the same for a column wherever it is named)."""
    if IDENT.match(name) and len(name) <= 63:
        return name
    fixed = re.sub(r"[^A-Za-z0-9_]+", "_", name).strip("_")[:62] or "x"
    return "_" + fixed if fixed[0].isdigit() else fixed


def _column(table: TableInfo, name: str) -> ColumnInfo:
    col = table.column(name)
    assert col is not None, f"{table.name}.{name}"
    return col


def _is_unique(table: TableInfo, name: str) -> bool:
    col = table.column(name)
    lowered = name.lower()
    return bool(col and col.unique) or [lowered] in (
        [[c.lower() for c in group] for group in table.unique]
        + [[c.lower() for c in table.primary_key]]
    )


def _parent_first(tables: list[TableInfo]) -> list[TableInfo]:
    """Tables with their referenced tables first (so keys are known to their children)."""
    position = {t.name: i for i, t in enumerate(tables)}
    sorter: TopologicalSorter[str] = TopologicalSorter()
    for table in tables:
        parents = {fk.ref_table for fk in table.foreign_keys} & position.keys()
        sorter.add(table.name, *sorted(parents - {table.name}, key=position.__getitem__))
    try:
        sorter.prepare()
    except CycleError:
        return list(tables)
    # of the tables ready, the earliest in the input first (a stable order)
    ready: list[tuple[int, str]] = []
    names = []
    while sorter.is_active():
        for name in sorter.get_ready():
            heapq.heappush(ready, (position[name], name))
        _, name = heapq.heappop(ready)
        names.append(name)
        sorter.done(name)
    by_name = {t.name: t for t in tables}
    return [by_name[n] for n in names]


def _reference_cycle(references: dict[tuple[str, str], Any]) -> list[tuple[str, str]] | None:
    """One circle of references as (child, parent) pairs, or None."""
    sorter: TopologicalSorter[str] = TopologicalSorter()
    for child, parent in references:
        sorter.add(child)
        sorter.add(parent, child)  # the child comes before: the search walks child -> parent
    try:
        sorter.prepare()
    except CycleError as exc:
        nodes = exc.args[1]
        return list(zip(nodes, nodes[1:], strict=False))
    return None


def _int_bounds(col: ColumnInfo) -> tuple[int, int | None]:
    low, high = 1, None
    for bound in col.bounds:
        if isinstance(bound.value, str):
            continue
        value = float(bound.value)
        if bound.op == ">":
            low = math.floor(value) + 1
        elif bound.op == ">=":
            low = math.ceil(value)
        elif bound.op == "<":
            high = math.ceil(value) - 1
        elif bound.op == "<=":
            high = math.floor(value)
    return low, high


def _coprime(modulus: int) -> int:
    """A multiplier coprime with `modulus` near its golden section: a spread-out permutation."""
    if modulus <= 2:
        return 1
    step = int(modulus * 0.6180339887) | 1
    while math.gcd(step, modulus) != 1:
        step += 1
    return step


def _type_limits(col: ColumnInfo) -> tuple[float, float]:
    if col.type == "int" and col.int_bytes:
        limit = 2 ** (8 * col.int_bytes - 1) - 1
        return -limit, limit
    if col.type == "int" and col.precision is not None:
        return -(10.0**col.precision - 1), 10.0**col.precision - 1
    if col.type == "float" and col.precision is not None:
        scale = col.scale or 0
        if col.precision - scale > 300:  # NUMERIC(1000): wider than any float
            return -math.inf, math.inf
        limit = 10.0 ** (col.precision - scale) - 10.0**-scale
        return -limit, limit
    return -math.inf, math.inf


def _kept_share(old: list[float], low: float, high: float) -> float:
    """How much of the guessed clamp [old] is left inside [low, high]."""
    if high <= low:
        return 0.0
    if not (math.isfinite(old[0]) and math.isfinite(old[1])) or old[1] <= old[0]:
        return 1.0
    return (min(high, old[1]) - max(low, old[0])) / (old[1] - old[0])


def _finite(low: float, high: float, *, lower: bool) -> float:
    if low > -math.inf and high < math.inf:
        return low if lower else high
    if low > -math.inf:
        return low if lower else low + max(100.0, abs(low))
    return high - max(100.0, abs(high)) if lower else high


def _number(value: float) -> int | float:
    return int(value) if float(value).is_integer() and abs(value) < 2**53 else round(value, 10)


def _null_rate(stats: ColumnStats | None, default: float) -> float:
    if stats is None or stats.rows == 0:
        return default
    return round(stats.nulls / stats.rows, 4)


@lru_cache(maxsize=64)
def _faker_sample(method: str) -> tuple[str, ...]:
    from faker import Faker

    fake = Faker("en_US")
    fake.seed_instance(0)
    produce = getattr(fake, method)
    return tuple(str(produce()) for _ in range(FAKER_SAMPLE))


def _faker_max_length(method: str, *, unique: bool, rows: int) -> int:
    """The longest value a Faker method gave in a sample, with the unique stamp's digits."""
    try:
        longest = max(len(v) for v in _faker_sample(method))
    except AttributeError:
        return 10**9
    longest = int(longest * 1.2) + 2  # the engine's pool is another sample: leave room
    if unique:
        longest += len(str(rows)) + 2
    return longest


def _codes(prefix: str, count: int, length: int | None, salt: str) -> list[str]:
    """`count` distinct codes (`CUS-0001` or, when too long, random letters and digits)."""
    count = max(1, min(count, MAX_LIST))
    digits = len(str(count))
    if length is None or len(prefix) + 1 + digits <= length:
        return [f"{prefix}-{i:0{digits}d}" for i in range(1, count + 1)]
    width = max(1, length)
    rng = np.random.default_rng(sum(salt.encode()) + width)
    found: dict[str, None] = {}
    while len(found) < count and len(found) < len(CODE_ALPHABET) ** width:
        draw = CODE_ALPHABET[rng.integers(0, len(CODE_ALPHABET), size=(count * 2, width))]
        for code in draw.view(f"S{width}").ravel():
            found.setdefault(code.decode(), None)
    return list(found)[:count]


def _snake(name: str) -> str:
    """`FirstName` -> `first_name`: the lexicon knows snake_case names."""
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name).lower()


def _stem(source: str) -> str:
    """The dataset's name: the file's stem, or the database's name in a URL."""
    if "://" in source:
        from urllib.parse import urlparse

        source = urlparse(source).path
    stem = re.split(r"[\\/]", source.rstrip("/"))[-1]
    stem = stem.rsplit(".", 1)[0] if "." in stem else stem
    name = re.sub(r"\W+", "_", stem).strip("_")[:60] or "imported"
    return f"db_{name}" if name[0].isdigit() else name
