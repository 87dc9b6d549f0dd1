"""Relations between tables, derived from the schema: foreign keys and the DAG.

Shared by the planner, the validator and the writers (DDL), so that every
layer agrees on what references what.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from graphlib import CycleError, TopologicalSorter

from datagen.engine import dsl
from datagen.engine.dslbase import split_ref
from datagen.engine.generators.kind import kind_of, kinds_with_specs, spec_of
from datagen.engine.modifiers.kind import modifier_of

# A directed graph as {node: set of its predecessors} (graphlib's shape): an
# edge a -> b means "a comes first". Every node is a key, even without edges.
Graph = dict[str, set[str]]

__all__ = ["CompositeKey", "CycleError", "ForeignKey", "Graph", "split_ref"]


@dataclass(frozen=True)
class ForeignKey:
    table: str
    column: str
    ref_table: str
    ref_column: str
    nullable: bool

    @property
    def self_reference(self) -> bool:
        return self.table == self.ref_table


def foreign_keys(dataset: dsl.Dataset) -> list[ForeignKey]:
    """Every FK: lookups of another table's key (no `on`) plus declared ones."""
    found: dict[tuple[str, str], ForeignKey] = {}
    for node, col, ref_node, ref_column in _key_references(dataset):
        if ref_node.pk == ref_column or _is_unique(ref_node, ref_column):
            found[(node.id, col.name)] = ForeignKey(
                node.id, col.name, ref_node.id, ref_column, col.nullable
            )
    for fk in dataset.constraints.foreign_keys:
        table, column = split_ref(fk.column)
        ref_table, ref_column = split_ref(fk.references)
        node = dataset.node(table)
        col = node.column(column) if node else None
        found.setdefault(
            (table, column),
            ForeignKey(table, column, ref_table, ref_column, bool(col and col.nullable)),
        )
    return list(found.values())


@dataclass(frozen=True)
class CompositeKey:
    """A composite foreign key: `columns` of `table` hold `ref_columns` (the composite
    primary key of `ref_table`) of one row of it."""

    table: str
    columns: tuple[str, ...]
    ref_table: str
    ref_columns: tuple[str, ...]


def composite_foreign_keys(dataset: dsl.Dataset) -> list[CompositeKey]:
    """A lookup of a column of another table's composite pk samples a row of that table;
    with lookups `on` it of the key's other columns, the columns form a composite FK
    (lineitem (l_partkey, l_suppkey) -> partsupp (ps_partkey, ps_suppkey))."""
    found = []
    for node, col, ref_node, ref_column in _key_references(dataset):
        ref_table = ref_node.id
        if ref_table == node.id or ref_column not in (ref_node.pk_columns or []):
            continue
        held = {ref_column: col.name}
        match = getattr(spec_of(col), "match", None) or {}
        held.update({theirs: ours for theirs, ours in match.items() if theirs not in held})
        for other, _, other_spec in kinds_with_specs(node):
            source = getattr(other_spec, "from_", None)
            if getattr(other_spec, "on", None) == col.name and isinstance(source, str):
                table, column = split_ref(source)
                if table == ref_table and column in ref_node.pk_columns:  # type: ignore[operator]
                    held.setdefault(column, other.name)
        ref_columns = tuple(ref_node.pk_columns or ())
        if set(held) == set(ref_columns) and (ref_columns[0] == ref_column or match):
            found.append(
                CompositeKey(node.id, tuple(held[c] for c in ref_columns), ref_table, ref_columns)
            )
    return found


def _key_references(dataset: dsl.Dataset) -> Iterator[tuple[dsl.Node, dsl.Column, dsl.Node, str]]:
    """Each column its kind makes a foreign key (a lookup without `on`), with the table and
    the column it refers to (when that table exists)."""
    for node in dataset.nodes:
        for col, kind, spec in kinds_with_specs(node):
            key = kind.key_reference(spec)
            if key is None:
                continue
            ref_table, ref_column = split_ref(key)
            ref_node = dataset.node(ref_table)
            if ref_node is not None:
                yield node, col, ref_node, ref_column


def fk_between(dataset: dsl.Dataset, child: str, parent: str) -> ForeignKey | None:
    """The FK column of `child` that points at `parent` (the first one declared)."""
    node = dataset.node(child)
    for fk in foreign_keys(dataset):
        if fk.table == child and fk.ref_table == parent and not fk.self_reference:
            if node is not None and node.parents and node.parents[0] == parent:
                return fk
    for fk in foreign_keys(dataset):
        if fk.table == child and fk.ref_table == parent and not fk.self_reference:
            return fk
    return None


def _is_unique(node: dsl.Node, column: str) -> bool:
    col = node.column(column)
    return bool(col and (col.unique or kind_of(col).uniqueness == "always"))


def add_edge(graph: Graph, first: str, then: str) -> None:
    """Edge first -> then (both become nodes)."""
    graph.setdefault(first, set())
    graph.setdefault(then, set()).add(first)


def dependency_graph(dataset: dsl.Dataset) -> Graph:
    """Edge parent -> child for every table a table needs first (self-loops excluded)."""
    graph: Graph = {node.id: set() for node in dataset.nodes}
    for node in dataset.nodes:
        for parent in node.parents:
            if parent != node.id:
                add_edge(graph, parent, node.id)
        for col in node.columns:
            for ref in column_reads(dataset, node, col):
                table = ref.split(".", 1)[0]
                if table != node.id and table in graph:
                    add_edge(graph, table, node.id)
    for ineq in dataset.constraints.inequalities:
        left_table, right_table = ineq.left.split(".")[0], ineq.right.split(".")[0]
        if left_table != right_table:
            add_edge(graph, right_table, left_table)
    for fk in dataset.constraints.foreign_keys:
        # a declared FK (e.g. an imported composite key's column) loads after its target
        child, parent = fk.column.split(".")[0], fk.references.split(".")[0]
        if child != parent and dataset.node(parent) is not None:
            if not _aggregated_from(dataset, fk.column, parent):
                add_edge(graph, parent, child)
    return graph


def _aggregated_from(dataset: dsl.Dataset, column: str, table: str) -> bool:
    """Whether `column` (table.column) is an aggregate over `table`: an FK cycle (a
    customer's last order) broken by the aggregate's later pass, which makes the column
    after that table, so the FK adds no edge."""
    owner, name = split_ref(column)
    node = dataset.node(owner)
    col = node.column(name) if node is not None else None
    if col is None or kind_of(col).name != "aggregate":
        return False
    return getattr(spec_of(col), "child", None) == table


def find_cycle(graph: Graph) -> list[str] | None:
    """A cycle as [a, b, ..., a], or None for a DAG."""
    try:
        TopologicalSorter(graph).prepare()
    except CycleError as exc:
        return list(exc.args[1])  # each node an immediate predecessor of the next
    return None


def generations(graph: Graph) -> Iterable[list[str]]:
    """Nodes in layers: each layer needs only earlier ones. Raises CycleError."""
    sorter = TopologicalSorter(graph)
    sorter.prepare()
    while sorter.is_active():
        ready = list(sorter.get_ready())
        yield ready
        sorter.done(*ready)


def ordered_topological_sort(graph: Graph, key: Callable[[str], int]) -> list[str]:
    """A topological order that takes the smallest `key` among the ready nodes each time
    (Kahn's algorithm with a heap): the same order for the same graph, always."""
    successors: dict[str, list[str]] = {n: [] for n in graph}
    waiting = {n: len(preds) for n, preds in graph.items()}
    for node, preds in graph.items():
        for pred in preds:
            successors[pred].append(node)
    heap = [(key(n), n) for n, count in waiting.items() if count == 0]
    heapq.heapify(heap)
    order: list[str] = []
    while heap:
        _, node = heapq.heappop(heap)
        order.append(node)
        for succ in successors[node]:
            waiting[succ] -= 1
            if waiting[succ] == 0:
                heapq.heappush(heap, (key(succ), succ))
    if len(order) != len(graph):
        raise CycleError("the graph has a cycle", find_cycle(graph))
    return order


def column_references(col: dsl.Column) -> list[str]:
    """`table.column`s a column reads: its generator's, then its modifiers'."""
    refs = list(kind_of(col).references(spec_of(col)))
    for mod in col.modifiers:
        refs += modifier_of(mod).references(mod.args)
    return refs


def column_reads(dataset: dsl.Dataset, node: dsl.Node, col: dsl.Column) -> list[str]:
    """What `column_references` gives, plus what the kind finds with the schema
    (`table.*`: a row count only) and the tables of `table_rows()` in its expressions."""
    from datagen.engine.expressions import ExpressionError, compiled
    from datagen.engine.generators.kind import Site

    refs = column_references(col)
    refs += kind_of(col).reads(spec_of(col), Site(dataset, node, col, ""))
    for source in expression_sources(col):
        try:
            refs += [f"{table}.*" for table in sorted(compiled(source).tables)]
        except ExpressionError:
            continue
    return refs


def expression_sources(col: dsl.Column) -> list[str]:
    """The expression texts of a column: its generator's (expression kinds), its modifiers'."""
    out = list(kind_of(col).expressions(spec_of(col)))
    for mod in col.modifiers:
        expr = getattr(mod.args, "expr", None)
        if mod.transform == "expression" and isinstance(expr, str):
            out.append(expr)
    return out


def ancestors(graph: Graph, node: str) -> set[str]:
    """Every node `node` depends on, directly or not."""
    out: set[str] = set()
    todo = list(graph.get(node, ()))
    while todo:
        current = todo.pop()
        if current not in out:
            out.add(current)
            todo.extend(graph.get(current, ()))
    return out


def descendants(graph: Graph, node: str) -> set[str]:
    """Every node that depends on `node`, directly or not."""
    return {other for other in graph if node in ancestors(graph, other)}


def levels(dataset: dsl.Dataset) -> list[list[str]]:
    """Tables grouped by generation level, in schema order within a level."""
    graph = dependency_graph(dataset)
    order = {n.id: i for i, n in enumerate(dataset.nodes)}
    return [sorted(gen, key=order.__getitem__) for gen in generations(graph)]


def write_order(dataset: dsl.Dataset) -> list[str]:
    """Tables in the order they are made and written: the DAG order, except that a
    table with aggregates over its children comes right after the last of them."""
    from datagen.engine.generators.aggregate import waits_for

    waits = {parent: set(children) for parent, children in waits_for(dataset).items()}
    out: list[str] = []

    def done(table: str) -> None:
        out.append(table)
        for parent in [p for p, children in waits.items() if table in children]:
            waits[parent].discard(table)
            if not waits[parent]:
                del waits[parent]
                done(parent)

    for table in [t for level in levels(dataset) for t in level]:
        if table not in waits:
            done(table)
    out += [t for t in waits if t not in out]  # unreachable after preflight
    return out
