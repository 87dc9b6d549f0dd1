"""The plan the executor runs, and the column graph it is built from.

The plan fixes the order of tables and columns, the row counts and which
columns later tables read, so that blocks can be computed independently.
The semantic checks of a schema live in engine/preflight/.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from datagen.engine import dsl
from datagen.engine.errors import InputError, did_you_mean
from datagen.engine.expressions import ExpressionError, compiled
from datagen.engine.fanout import fanout_span
from datagen.engine.generators.aggregate import Feed, aggregate_columns, feeds_of
from datagen.engine.generators.kind import Site, kind_of, kinds_with_specs, spec_of
from datagen.engine.modifiers.kind import default_time_column as default_time_column
from datagen.engine.modifiers.kind import modifier_of
from datagen.engine.relations import (
    ForeignKey,
    Graph,
    add_edge,
    ancestors,
    column_reads,
    descendants,
    expression_sources,
    foreign_keys,
    levels,
    ordered_topological_sort,
    split_ref,
    write_order,
)

# Rows per logical block: a constant of the engine (not a user knob), part of
# the determinism contract: changing it changes the bytes of every dataset.
BLOCK_ROWS = 1 << 17
DEFAULT_ENTITY_ROWS = 1000

NUMERIC = {"int", "float"}
TEMPORAL = {"date", "datetime"}


def parent_fk_column(node: dsl.Node, parent: dsl.Node) -> str | None:
    """The fact's column that looks up its parent's key, if any."""
    for col, kind, spec in kinds_with_specs(node):
        if kind.key_reference(spec) == f"{parent.id}.{parent.pk}":
            return col.name
    return None


def column_graph(dataset: dsl.Dataset, node: dsl.Node) -> Graph:
    """Edges dep -> column for same-row dependencies inside one table."""
    graph: Graph = {c.name: set() for c in node.columns}
    names = set(graph)
    for col in node.columns:
        for dep in column_dependencies(dataset, node, col):
            if dep in names and dep != col.name:
                add_edge(graph, dep, col.name)
    for repaired, _, other in same_row_repairs(dataset, node, graph):
        add_edge(graph, other, repaired)  # the repaired side is computed after the other
    return graph


FLIPPED = {"<": ">", "<=": ">=", ">": "<", ">=": "<="}


def same_row_repairs(
    dataset: dsl.Dataset, node: dsl.Node, graph: Graph | None = None
) -> list[tuple[str, str, str]]:
    """(repaired column, op, other column) for each inequality between two columns of a row.

    The left side is repaired against the right one, unless the right one is computed
    from the left (`end_date = add_days(start_date, term)` with `start_date < end_date`):
    then the derived side is repaired (`end_date > start_date`), which is no cycle.
    """
    if graph is None:
        graph = {c.name: set() for c in node.columns}
        for col in node.columns:
            for dep in column_dependencies(dataset, node, col):
                if dep in graph and dep != col.name:
                    add_edge(graph, dep, col.name)
    repairs = []
    for ineq in dataset.constraints.inequalities:
        lt, lc = split_ref(ineq.left)
        rt, rc = split_ref(ineq.right)
        if lt == rt == node.id and lc in graph and rc in graph and lc != rc:
            if _depends_on(graph, rc, lc):
                repairs.append((rc, FLIPPED[ineq.op], lc))
            else:
                repairs.append((lc, ineq.op, rc))
    return repairs


def _depends_on(graph: Graph, column: str, on: str) -> bool:
    """Whether `column` is computed, directly or not, from `on` (graph: column -> its deps)."""
    seen, todo = {column}, [column]
    while todo:
        for dep in graph.get(todo.pop(), ()):
            if dep == on:
                return True
            if dep not in seen:
                seen.add(dep)
                todo.append(dep)
    return False


def column_dependencies(dataset: dsl.Dataset, node: dsl.Node, col: dsl.Column) -> set[str]:
    """Columns of the same row a column reads: its generator's, then its modifiers'."""
    site = Site(dataset, node, col, "")
    deps = set(kind_of(col).dependencies(spec_of(col), site))
    for mod in col.modifiers:
        deps |= modifier_of(mod).dependencies(mod.args, site)
    return {d for d in deps if d}


# --------------------------------------------------------------------------- the plan


@dataclass
class TablePlan:
    node: dsl.Node
    column_order: list[str]
    rows: int | None  # None for facts until their parent's fanout is drawn
    estimated_rows: int
    parent: str | None = None
    parent_fk: str | None = None  # the fact's FK column to its first parent
    # child-vs-parent and same-row inequalities repaired by construction
    inequalities: list[tuple[str, str, str, str]] = field(default_factory=list)
    # (left column, op, right table, right column); right table == this table for same row
    aligned: bool = False  # blocks hold whole parents (previous(), running_sum(), aggregates)
    # aggregate columns and the columns computed from them: made in a second pass
    late: frozenset[str] = frozenset()
    # columns the first pass skips (late ones, and those no other table reads)
    first_pass_skip: frozenset[str] = frozenset()
    feeds: list[Feed] = field(default_factory=list)  # aggregates into parents this table feeds


@dataclass
class Plan:
    dataset: dsl.Dataset
    seed: int
    tables: dict[str, TablePlan]
    order: list[str]
    levels: list[list[str]]
    keep: dict[str, set[str]]  # table -> columns later tables read
    foreign_keys: list[ForeignKey]

    @property
    def estimated_total_rows(self) -> int:
        return sum(t.estimated_rows for t in self.tables.values())


def parse_row_overrides(items: list[str] | tuple[str, ...], dataset: dsl.Dataset) -> dict[str, int]:
    """`--rows customer=5000` items -> {table: rows}; unknown tables get a did-you-mean."""
    out: dict[str, int] = {}
    ids = [n.id for n in dataset.nodes]
    for item in items:
        if "=" not in item:
            raise InputError(f"--rows {item!r}: expected TABLE=N, e.g. --rows customer=5000")
        table, _, count = item.partition("=")
        table = table.strip()
        node = dataset.node(table)
        if node is None:
            hint = did_you_mean(table, ids)
            raise InputError(
                f"--rows {item!r}: unknown table `{table}`"
                + (f"; did you mean `{hint}`?" if hint else "")
            )
        if node.kind == "fact":
            raise InputError(
                f"--rows {item!r}: `{table}` is a fact; its rows come from its parent's fanout (use --scale)"
            )
        try:
            value = int(float(count.replace("_", "").replace(",", "")))
        except ValueError:
            raise InputError(f"--rows {item!r}: `{count}` is not a whole number") from None
        if value < 0:
            raise InputError(f"--rows {item!r}: rows must be >= 0")
        out[table] = value
    return out


def build_plan(
    dataset: dsl.Dataset,
    seed: int,
    rows: dict[str, int] | None = None,
    scale: float = 1.0,
) -> Plan:
    if scale <= 0 or not math.isfinite(scale):
        raise InputError(f"--scale must be a positive number, got {scale}")
    rows = rows or {}
    lv = levels(dataset)
    order = [t for level in lv for t in level]
    tables: dict[str, TablePlan] = {}
    estimated: dict[str, int] = {}
    for table in order:
        node = dataset.node(table)
        assert node is not None
        graph = column_graph(dataset, node)
        position = {c.name: i for i, c in enumerate(node.columns)}
        column_order = ordered_topological_sort(graph, key=position.__getitem__)
        n_rows: int | None
        if node.kind == "fact":
            n_rows = None
            parent = dataset.node(node.parents[0])
            assert parent is not None
            est = int(round(estimated[parent.id] * _fanout_mean(node.fanout)))  # type: ignore[arg-type]
            parent_fk = parent_fk_column(node, parent)
        elif node.kind == "vocab":
            n_rows = node.rows if node.rows is not None else _enum_rows(node)
            n_rows = rows.get(table, n_rows)
            est, parent_fk = n_rows, None
        else:
            base = node.rows if node.rows is not None else DEFAULT_ENTITY_ROWS
            n_rows = rows.get(table, max(1, int(round(base * scale))) if base > 0 else 0)
            est, parent_fk = n_rows, None
        estimated[table] = est
        ineqs = [(c, op, table, other) for c, op, other in same_row_repairs(dataset, node)]
        for ineq in dataset.constraints.inequalities:
            lt, lc = split_ref(ineq.left)
            rt, rc = split_ref(ineq.right)
            if lt == table and rt != table:
                ineqs.append((lc, ineq.op, rt, rc))
        tables[table] = TablePlan(
            node=node,
            column_order=column_order,
            rows=n_rows,
            estimated_rows=est,
            parent=node.parents[0] if node.kind == "fact" else None,
            parent_fk=parent_fk,
            inequalities=ineqs,
            aligned=node.kind == "fact" and needs_whole_parents(dataset, node),
            late=frozenset(late_columns(dataset, node, graph)),
            feeds=feeds_of(dataset, table),
        )
    keep = _kept_columns(dataset, tables)
    for tp in tables.values():
        if tp.late:
            graph = column_graph(dataset, tp.node)
            needed = set(keep[tp.node.id])
            for name in keep[tp.node.id]:
                needed |= ancestors(graph, name)
            tp.first_pass_skip = frozenset(set(tp.column_order) - needed)
    return Plan(
        dataset=dataset,
        seed=seed,
        tables=tables,
        order=write_order(dataset),
        levels=lv,
        keep=keep,
        foreign_keys=foreign_keys(dataset),
    )


def late_columns(dataset: dsl.Dataset, node: dsl.Node, graph: Graph | None = None) -> set[str]:
    """Aggregate columns and every column computed from them (the second pass)."""
    graph = graph if graph is not None else column_graph(dataset, node)
    late: set[str] = set()
    for col, _ in aggregate_columns(node):
        late |= {col.name} | descendants(graph, col.name)
    return late


def needs_whole_parents(dataset: dsl.Dataset, node: dsl.Node) -> bool:
    """Whether a fact's blocks must hold all the children of their parents."""
    if feeds_of(dataset, node.id):
        return True
    for col in node.columns:
        if kind_of(col).whole_parents(spec_of(col), Site(dataset, node, col, "")):
            return True
        for source in expression_sources(col):
            try:
                uses = compiled(source).uses
            except ExpressionError:
                continue
            if "siblings" in uses:
                return True
    return False


def _fanout_mean(fanout: dsl.Fanout) -> float:
    mean = fanout.mean
    lo, most = fanout_span(fanout)
    hi = most if most is not None else math.inf
    return min(max(mean, lo), hi)


def _enum_rows(node: dsl.Node) -> int:
    return max(
        rows
        for _, kind, spec in kinds_with_specs(node)
        if (rows := kind.vocabulary_rows(spec)) is not None
    )


def _kept_columns(dataset: dsl.Dataset, tables: dict[str, TablePlan]) -> dict[str, set[str]]:
    keep: dict[str, set[str]] = {t: set() for t in tables}
    for node in dataset.nodes:
        for col in node.columns:
            for ref in column_reads(dataset, node, col):
                t, c = split_ref(ref)
                if c != "*" and t in keep:  # `t.*`: only its row count is read
                    keep[t].add(c)
    for node in dataset.nodes:  # a fanout `by` a parent column reads it
        if node.fanout is not None and node.fanout.by is not None and node.parents:
            if node.parents[0] in keep:
                keep[node.parents[0]].add(node.fanout.by)
    for ineq in dataset.constraints.inequalities:
        rt, rc = split_ref(ineq.right)
        lt, _ = split_ref(ineq.left)
        if rt != lt:
            keep[rt].add(rc)
    return keep
