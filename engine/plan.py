"""Planning: semantic preflight of a schema, and the plan the executor runs.

Preflight finds every problem the models cannot see (unknown references,
cycles, expressions that do not compile, facts without a key to their
parent...) and reports them all at once with JSON paths. The plan fixes the
order of tables and columns, the row counts and which columns later tables
read, so that blocks can be computed independently.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache

import networkx as nx

from datagen.engine import dsl
from datagen.engine.aggregates import Feed, aggregate_columns, feeds_of
from datagen.engine.errors import InputError, Problem, did_you_mean
from datagen.engine.expressions import ExpressionError, compile_expression, compiled
from datagen.engine.relations import (
    ForeignKey,
    dependency_graph,
    fk_between,
    foreign_keys,
    levels,
    split_ref,
    write_order,
)
from datagen.engine.typecheck import expression_problems

# Rows per logical block: a constant of the engine (not a user knob), part of
# the determinism contract: changing it changes the bytes of every dataset.
BLOCK_ROWS = 1 << 17
DEFAULT_ENTITY_ROWS = 1000

NUMERIC = {"int", "float"}
TEMPORAL = {"date", "datetime"}


@lru_cache(maxsize=1)
def _faker_methods() -> frozenset[str]:
    from faker import Faker

    fake = Faker("en_US")
    names = set()
    for name in dir(fake):
        if name.startswith("_") or name in {"seed", "seed_instance", "seed_locale", "add_provider"}:
            continue
        try:
            if callable(getattr(fake, name)):
                names.add(name)
        except (AttributeError, TypeError, NotImplementedError):
            continue
    return frozenset(names)


@lru_cache(maxsize=1)
def _faker_locales() -> frozenset[str]:
    from faker.config import AVAILABLE_LOCALES

    return frozenset(AVAILABLE_LOCALES)


# --------------------------------------------------------------------------- preflight


def preflight(dataset: dsl.Dataset) -> list[Problem]:
    problems: list[Problem] = []
    tables = {n.id: n for n in dataset.nodes}

    def ref_problem(path: str, ref: str) -> Problem | None:
        table, column = split_ref(ref)
        node = tables.get(table)
        if node is None:
            return Problem(
                path, f"unknown table `{table}`", "a table id", did_you_mean(table, tables)
            )
        if node.column(column) is None:
            names = [c.name for c in node.columns]
            return Problem(
                path, f"table `{table}` has no column `{column}`", None, did_you_mean(column, names)
            )
        return None

    for ni, node in enumerate(dataset.nodes):
        npath = f"nodes[{ni}]"
        names = [c.name for c in node.columns]
        for pi, parent in enumerate(node.parents):
            if parent not in tables:
                problems.append(
                    Problem(
                        f"{npath}.parents[{pi}]",
                        f"unknown table `{parent}`",
                        None,
                        did_you_mean(parent, tables),
                    )
                )
        if node.kind == "fact" and node.parents and node.parents[0] in tables:
            parent = tables[node.parents[0]]
            if parent.pk is None:
                problems.append(
                    Problem(f"{npath}.parents[0]", f"parent `{parent.id}` has no `pk` to reference")
                )
            elif _parent_fk_column(node, parent) is None:
                problems.append(
                    Problem(
                        f"{npath}.columns",
                        f"fact `{node.id}` needs a column that looks up its parent's key "
                        f"`{parent.id}.{parent.pk}`",
                        f'{{"name": "{parent.pk}", "type": "int", "generator": {{"lookup": '
                        f'{{"from": "{parent.id}.{parent.pk}"}}}}}}',
                    )
                )
        if (
            node.kind == "vocab"
            and node.rows is None
            and not any(
                isinstance(dsl.generator_spec(c.generator), dsl.EnumListSpec) for c in node.columns
            )
        ):
            problems.append(
                Problem(f"{npath}.rows", "a vocab table needs `rows` or an `enum_list` column")
            )
        if node.pk is not None:
            pk_col = node.column(node.pk)
            assert pk_col is not None
            spec = dsl.generator_spec(pk_col.generator)
            if not (isinstance(spec, dsl.SequenceSpec) or pk_col.unique):
                problems.append(
                    Problem(
                        f"{npath}.pk",
                        f"pk `{node.pk}` must be unique by construction",
                        'a `sequence` generator or `"unique": true`',
                    )
                )
            if pk_col.nullable:
                problems.append(Problem(f"{npath}.pk", f"pk `{node.pk}` must not be nullable"))

        for ci, col in enumerate(node.columns):
            cpath = f"{npath}.columns[{ci}]"
            problems.extend(_column_problems(dataset, node, col, cpath, names, ref_problem))

        problems.extend(_column_cycle_problems(dataset, node, npath))

    graph = dependency_graph(dataset)
    try:
        cycle = nx.find_cycle(graph)
    except nx.NetworkXNoCycle:
        cycle = None
    if cycle:
        path = " -> ".join([e[0] for e in cycle] + [cycle[0][0]])
        problems.append(
            Problem(
                "nodes",
                f"tables depend on each other in a cycle: {path}",
                "a DAG (a table may reference itself only through a nullable column)",
            )
        )

    c = dataset.constraints
    for kind, items in (("ranges", c.ranges), ("pattern", c.pattern), ("enum", c.enum)):
        for i, item in enumerate(items):
            if p := ref_problem(f"constraints.{kind}[{i}].column", item.column):
                problems.append(p)
    for i, fk in enumerate(c.foreign_keys):
        for side in ("column", "references"):
            if p := ref_problem(f"constraints.foreign_keys[{i}].{side}", getattr(fk, side)):
                problems.append(p)
    for i, u in enumerate(c.unique):
        node = tables.get(u.table)
        if node is None:
            problems.append(
                Problem(
                    f"constraints.unique[{i}].table",
                    f"unknown table `{u.table}`",
                    None,
                    did_you_mean(u.table, tables),
                )
            )
            continue
        for j, name in enumerate(u.columns):
            if node.column(name) is None:
                problems.append(
                    Problem(
                        f"constraints.unique[{i}].columns[{j}]",
                        f"table `{u.table}` has no column `{name}`",
                        None,
                        did_you_mean(name, [c.name for c in node.columns]),
                    )
                )
    for i, ineq in enumerate(c.inequalities):
        path = f"constraints.inequalities[{i}]"
        bad = False
        for side in ("left", "right"):
            if p := ref_problem(f"{path}.{side}", getattr(ineq, side)):
                problems.append(p)
                bad = True
        if bad:
            continue
        lt, lc = split_ref(ineq.left)
        rt, rc = split_ref(ineq.right)
        ltype = tables[lt].column(lc).type  # type: ignore[union-attr]
        rtype = tables[rt].column(rc).type  # type: ignore[union-attr]
        if not ({ltype, rtype} <= NUMERIC or {ltype, rtype} <= TEMPORAL):
            problems.append(
                Problem(path, f"cannot compare {ltype} `{ineq.left}` with {rtype} `{ineq.right}`")
            )
        if lt != rt and fk_between(dataset, lt, rt) is None:
            problems.append(
                Problem(
                    path,
                    f"`{lt}` has no foreign key to `{rt}`, so their rows cannot be compared",
                    "the same table, or a child table and its parent",
                )
            )
    problems.extend(_target_problems(dataset, tables))
    problems.extend(expression_problems(dataset))
    return problems


def _parent_fk_column(node: dsl.Node, parent: dsl.Node) -> str | None:
    for col in node.columns:
        spec = dsl.generator_spec(col.generator)
        if (
            isinstance(spec, dsl.LookupSpec)
            and spec.on is None
            and spec.from_ == f"{parent.id}.{parent.pk}"
        ):
            return col.name
    return None


def _column_problems(dataset, node, col, cpath, names, ref_problem) -> Iterator[Problem]:  # type: ignore[no-untyped-def]
    kind = dsl.generator_kind(col.generator)
    spec = dsl.generator_spec(col.generator)
    gpath = f"{cpath}.generator.{kind}"
    others = [n for n in names if n != col.name]

    def type_problem(allowed: set[str], what: str) -> Problem | None:
        if col.type not in allowed:
            return Problem(
                f"{cpath}.type",
                f"a {what} generator cannot make a `{col.type}` column",
                " or ".join(sorted(allowed)),
            )
        return None

    if isinstance(spec, dsl.SequenceSpec):
        if p := type_problem({"int"}, "sequence"):
            yield p
    elif isinstance(spec, dsl.DistributionSpec):
        if p := type_problem(NUMERIC, "distribution"):
            yield p
        if col.unique:
            yield Problem(
                f"{cpath}.unique",
                "a distribution cannot be unique by construction",
                "a sequence, faker, lookup or expression column",
            )
    elif isinstance(spec, dsl.DatetimeSeriesSpec):
        if p := type_problem(TEMPORAL, "datetime_series"):
            yield p
        if spec.within == "timeframe" and dataset.timeframe is None:
            yield Problem(
                f"{gpath}.within",
                "`timeframe` is used but the schema has no `timeframe`",
                '{"timeframe": {"start": "2024-01-01", "end": "2025-01-01"}} or an own window',
            )
        hour = any(p.dimension == "hour" for p in spec.pattern)
        freq = spec.freq or (dataset.timeframe.freq if dataset.timeframe else "s")
        if hour and freq == "D":
            yield Problem(f"{gpath}.pattern", "an hour pattern needs a freq finer than a day")
        if col.unique:
            yield Problem(f"{cpath}.unique", "a datetime_series cannot be unique by construction")
    elif isinstance(spec, dsl.ChoiceSpec):
        if spec.choices_ref and (p := ref_problem(f"{gpath}.choices_ref", spec.choices_ref)):
            yield p
        if spec.choices is not None:
            wrong = [v for v in spec.choices if not _fits(v, col.type)]
            if wrong:
                yield Problem(
                    f"{gpath}.choices", f"choice {wrong[0]!r} does not fit a `{col.type}` column"
                )
    elif isinstance(spec, dsl.FakerSpec):
        if spec.method not in _faker_methods():
            yield Problem(
                f"{gpath}.method",
                f"unknown Faker method `{spec.method}`",
                "a Faker provider method such as name, email, city, company",
                did_you_mean(spec.method, _faker_methods()),
            )
        if spec.locale and spec.locale not in _faker_locales():
            yield Problem(
                f"{gpath}.locale",
                f"unknown Faker locale `{spec.locale}`",
                None,
                did_you_mean(spec.locale, _faker_locales()),
            )
        if spec.locale_from and spec.locale_from not in others:
            yield Problem(
                f"{gpath}.locale_from",
                f"no column `{spec.locale_from}` in `{node.id}`",
                None,
                did_you_mean(spec.locale_from, others),
            )
    elif isinstance(spec, dsl.LookupSpec):
        p = ref_problem(f"{gpath}.from", spec.from_)
        if p:
            yield p
        else:
            yield from _lookup_problems(dataset, node, col, spec, gpath, others)
    # expressions (generator and modifier) are type checked by engine/typecheck.py
    elif isinstance(spec, dsl.EnumListSpec):
        wrong = [v for v in spec.values if not _fits(v, col.type)]
        if wrong:
            yield Problem(
                f"{gpath}.values", f"value {wrong[0]!r} does not fit a `{col.type}` column"
            )

    for mi, mod in enumerate(col.modifiers):
        mpath = f"{cpath}.modifiers[{mi}].args"
        numeric_mods = (
            dsl.MultiplyMod,
            dsl.AddMod,
            dsl.ClampMod,
            dsl.JitterMod,
            dsl.SeasonalityMod,
            dsl.OutliersMod,
            dsl.EffectMod,
            dsl.TrendMod,
        )
        if isinstance(mod, numeric_mods) and col.type not in NUMERIC:
            yield Problem(
                f"{cpath}.modifiers[{mi}].transform",
                f"`{mod.transform}` needs a numeric column, `{col.name}` is {col.type}",
            )
        if isinstance(mod, dsl.TimeJitterMod) and col.type not in TEMPORAL:
            yield Problem(
                f"{cpath}.modifiers[{mi}].transform",
                f"`time_jitter` needs a date/datetime column, `{col.name}` is {col.type}",
            )
        if isinstance(mod, (dsl.SeasonalityMod, dsl.TrendMod, dsl.EffectMod)):
            ts = mod.args.at if isinstance(mod, dsl.EffectMod) else mod.args.column
            if ts is None:
                if default_time_column(node, exclude=col.name) is None:
                    yield Problem(
                        mpath, f"`{mod.transform}` needs a datetime column in `{node.id}`"
                    )
            elif ts not in others or node.column(ts).type not in TEMPORAL:  # type: ignore[union-attr]
                yield Problem(
                    mpath,
                    f"`{ts}` is not a date/datetime column of `{node.id}`",
                    None,
                    did_you_mean(ts, others),
                )
        if isinstance(mod, dsl.EffectMod):
            event = dataset.node(mod.args.table)
            if event is None:
                yield Problem(
                    f"{mpath}.table",
                    f"unknown table `{mod.args.table}`",
                    None,
                    did_you_mean(mod.args.table, [n.id for n in dataset.nodes]),
                )
            else:
                for side in ("start", "end"):
                    name = getattr(mod.args, side)
                    c = event.column(name)
                    if c is None or c.type not in TEMPORAL:
                        yield Problem(
                            f"{mpath}.{side}",
                            f"`{name}` is not a date/datetime column of `{event.id}`",
                            None,
                            did_you_mean(name, [c.name for c in event.columns]),
                        )


def _lookup_problems(dataset, node, col, spec, gpath, others) -> Iterator[Problem]:  # type: ignore[no-untyped-def]
    ref_table, ref_col = split_ref(spec.from_)
    ref_node = dataset.node(ref_table)
    target = ref_node.column(ref_col)
    if target.type != col.type and not ({target.type, col.type} <= NUMERIC):
        yield Problem(
            f"{gpath}.from", f"`{spec.from_}` is {target.type} but `{col.name}` is {col.type}"
        )
    if spec.on is not None:
        if spec.on not in others:
            yield Problem(
                f"{gpath}.on",
                f"no column `{spec.on}` in `{node.id}`",
                None,
                did_you_mean(spec.on, others),
            )
            return
        on_spec = dsl.generator_spec(node.column(spec.on).generator)
        if not (
            isinstance(on_spec, dsl.LookupSpec)
            and on_spec.on is None
            and on_spec.from_.split(".")[0] == ref_table
        ):
            yield Problem(
                f"{gpath}.on",
                f"`{spec.on}` is not a foreign key to `{ref_table}`",
                f'a column with {{"lookup": {{"from": "{ref_table}.{ref_node.pk}"}}}}',
            )
        return
    is_key = (
        ref_node.pk == ref_col
        or target.unique
        or isinstance(dsl.generator_spec(target.generator), dsl.SequenceSpec)
    )
    if not is_key:
        fk_cols = [
            c.name
            for c in node.columns
            if isinstance(dsl.generator_spec(c.generator), dsl.LookupSpec)
            and dsl.generator_spec(c.generator).on is None  # type: ignore[union-attr]
            and dsl.generator_spec(c.generator).from_.split(".")[0] == ref_table  # type: ignore[union-attr]
            and c.name != col.name
        ]
        hint = (
            f'`"on": "{fk_cols[0]}"`'
            if fk_cols
            else f"a foreign key column to `{ref_table}` and `on`"
        )
        yield Problem(
            f"{gpath}",
            f"`{spec.from_}` is not a key of `{ref_table}`: an attribute lookup needs `on`",
            hint,
        )
    if ref_table == node.id:
        if not col.nullable:
            yield Problem(
                f"{gpath}.from",
                f"self-reference `{col.name}` must be nullable (the first row has no one to point at)",
                '"nullable": true',
            )
        if not isinstance(dsl.generator_spec(target.generator), dsl.SequenceSpec):
            yield Problem(
                f"{gpath}.from", f"a self-reference needs `{spec.from_}` to be a sequence"
            )
    if col.unique and ref_node.kind == "fact":
        yield Problem(f"{cpath_of(gpath)}.unique", "a unique lookup needs an entity or vocab table")


def cpath_of(gpath: str) -> str:
    return gpath.rsplit(".generator", 1)[0]


def _column_cycle_problems(dataset: dsl.Dataset, node: dsl.Node, npath: str) -> list[Problem]:
    graph = column_graph(dataset, node)
    try:
        cycle = nx.find_cycle(graph)
    except nx.NetworkXNoCycle:
        return []
    path = " -> ".join([e[0] for e in cycle] + [cycle[0][0]])
    return [Problem(f"{npath}.columns", f"columns depend on each other in a cycle: {path}")]


def _target_problems(dataset: dsl.Dataset, tables: dict[str, dsl.Node]) -> Iterator[Problem]:
    t = dataset.targets
    groups = (
        ("weekend_share", t.weekend_share, TEMPORAL),
        ("mean_in_range", t.mean_in_range, NUMERIC | {"bool"}),
        ("seasonality", t.seasonality, TEMPORAL),
        ("composite_effect", t.composite_effect, NUMERIC),
    )
    for kind, items, types in groups:
        for i, target in enumerate(items):
            path = f"targets.{kind}[{i}]"
            node = tables.get(target.table)
            if node is None:
                yield Problem(
                    f"{path}.table",
                    f"unknown table `{target.table}`",
                    None,
                    did_you_mean(target.table, tables),
                )
                continue
            names = [c.name for c in node.columns]
            col = node.column(target.column)
            if col is None:
                yield Problem(
                    f"{path}.column",
                    f"table `{target.table}` has no column `{target.column}`",
                    None,
                    did_you_mean(target.column, names),
                )
            elif col.type not in types:
                yield Problem(
                    f"{path}.column", f"`{target.column}` is {col.type}", " or ".join(sorted(types))
                )
            extra = getattr(target, "value", None) or getattr(target, "time_column", None)
            if extra and node.column(extra) is None:
                yield Problem(
                    path,
                    f"table `{target.table}` has no column `{extra}`",
                    None,
                    did_you_mean(extra, names),
                )
            if hasattr(target, "min") and hasattr(target, "max") and target.min > target.max:
                yield Problem(path, f"min {target.min} is greater than max {target.max}")
            if kind == "seasonality":
                expected = dsl.PATTERN_LENGTH[target.dimension]
                if len(target.weights) != expected:
                    yield Problem(
                        f"{path}.weights",
                        f"a {target.dimension} shape needs {expected} weights, got {len(target.weights)}",
                    )


def _fits(value: object, type_: str) -> bool:
    if type_ == "string":
        return isinstance(value, str)
    if type_ == "bool":
        return isinstance(value, bool)
    if type_ == "int":
        return isinstance(value, int) and not isinstance(value, bool)
    if type_ == "float":
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if type_ in TEMPORAL:
        if not isinstance(value, str):
            return False
        try:
            dsl.parse_instant(value)
        except ValueError:
            return False
        return True
    return False


def default_time_column(node: dsl.Node, exclude: str | None = None) -> str | None:
    return next((c.name for c in node.columns if c.type in TEMPORAL and c.name != exclude), None)


def column_graph(dataset: dsl.Dataset, node: dsl.Node) -> nx.DiGraph:
    """Edges dep -> column for same-row dependencies inside one table."""
    graph = nx.DiGraph()
    names = {c.name for c in node.columns}
    for col in node.columns:
        graph.add_node(col.name)
    for col in node.columns:
        for dep in column_dependencies(dataset, node, col):
            if dep in names and dep != col.name:
                graph.add_edge(dep, col.name)
    for ineq in dataset.constraints.inequalities:
        lt, lc = split_ref(ineq.left)
        rt, rc = split_ref(ineq.right)
        if lt == rt == node.id and lc in names and rc in names and lc != rc:
            graph.add_edge(rc, lc)  # the left side is repaired against the right side
    return graph


def column_dependencies(dataset: dsl.Dataset, node: dsl.Node, col: dsl.Column) -> set[str]:
    spec = dsl.generator_spec(col.generator)
    names = {c.name for c in node.columns} - {col.name}
    deps: set[str] = set()
    if isinstance(spec, dsl.ExpressionSpec):
        try:
            deps |= set(compile_expression(spec.expr, names).names)
        except ExpressionError:
            pass
    elif isinstance(spec, dsl.LookupSpec) and spec.on:
        deps.add(spec.on)
    elif isinstance(spec, dsl.FakerSpec) and spec.locale_from:
        deps.add(spec.locale_from)
    for mod in col.modifiers:
        if isinstance(mod, (dsl.SeasonalityMod, dsl.TrendMod)):
            deps.add(mod.args.column or default_time_column(node, exclude=col.name) or "")
        elif isinstance(mod, dsl.EffectMod):
            deps.add(mod.args.at or default_time_column(node, exclude=col.name) or "")
        elif isinstance(mod, dsl.ExpressionMod):
            try:
                deps |= set(compile_expression(mod.args.expr, names | {"value"}).names) - {"value"}
            except ExpressionError:
                pass
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
        column_order = list(nx.lexicographical_topological_sort(graph, key=position.__getitem__))
        n_rows: int | None
        if node.kind == "fact":
            n_rows = None
            parent = dataset.node(node.parents[0])
            assert parent is not None
            est = int(round(estimated[parent.id] * _fanout_mean(node.fanout)))  # type: ignore[arg-type]
            parent_fk = _parent_fk_column(node, parent)
        elif node.kind == "vocab":
            n_rows = node.rows if node.rows is not None else _enum_rows(node)
            n_rows = rows.get(table, n_rows)
            est, parent_fk = n_rows, None
        else:
            base = node.rows if node.rows is not None else DEFAULT_ENTITY_ROWS
            n_rows = rows.get(table, max(1, int(round(base * scale))) if base > 0 else 0)
            est, parent_fk = n_rows, None
        estimated[table] = est
        ineqs = []
        for ineq in dataset.constraints.inequalities:
            lt, lc = split_ref(ineq.left)
            rt, rc = split_ref(ineq.right)
            if lt == table:
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
    for table, tp in tables.items():
        if tp.late:
            graph = column_graph(dataset, tp.node)
            needed = set(keep[table])
            for name in keep[table]:
                needed |= nx.ancestors(graph, name)
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


def late_columns(dataset: dsl.Dataset, node: dsl.Node, graph: nx.DiGraph | None = None) -> set[str]:
    """Aggregate columns and every column computed from them (the second pass)."""
    graph = graph if graph is not None else column_graph(dataset, node)
    late: set[str] = set()
    for col, _ in aggregate_columns(node):
        late |= {col.name} | nx.descendants(graph, col.name)
    return late


def needs_whole_parents(dataset: dsl.Dataset, node: dsl.Node) -> bool:
    """Whether a fact's blocks must hold all the children of their parents."""
    if feeds_of(dataset, node.id):
        return True
    for col in node.columns:
        spec = dsl.generator_spec(col.generator)
        sources = [spec.expr] if isinstance(spec, dsl.ExpressionSpec) else []
        sources += [m.args.expr for m in col.modifiers if isinstance(m, dsl.ExpressionMod)]
        for source in sources:
            try:
                uses = compiled(source).uses
            except ExpressionError:
                continue
            if "siblings" in uses:
                return True
    return False


def _fanout_mean(fanout: dsl.Fanout) -> float:
    mean = fanout.mean
    lo = fanout.min
    hi = fanout.max if fanout.max is not None else math.inf
    return min(max(mean, lo), hi)


def _enum_rows(node: dsl.Node) -> int:
    return max(
        len(spec.values)
        for c in node.columns
        if isinstance(spec := dsl.generator_spec(c.generator), dsl.EnumListSpec)
    )


def _kept_columns(dataset: dsl.Dataset, tables: dict[str, TablePlan]) -> dict[str, set[str]]:
    keep: dict[str, set[str]] = {t: set() for t in tables}
    for node in dataset.nodes:
        for col in node.columns:
            spec = dsl.generator_spec(col.generator)
            if isinstance(spec, dsl.LookupSpec):
                t, c = split_ref(spec.from_)
                keep[t].add(c)
            elif isinstance(spec, dsl.ChoiceSpec) and spec.choices_ref:
                t, c = split_ref(spec.choices_ref)
                keep[t].add(c)
            for mod in col.modifiers:
                if isinstance(mod, dsl.EffectMod):
                    keep[mod.args.table] |= {mod.args.start, mod.args.end}
    for ineq in dataset.constraints.inequalities:
        rt, rc = split_ref(ineq.right)
        lt, _ = split_ref(ineq.left)
        if rt != lt:
            keep[rt].add(rc)
    return keep
