"""Preflight of expressions: every expression typed against its table's columns.

An expression generator or modifier is compiled with the type of each column
of its row (`Ty`: kind, nullable, string length bound), in column dependency
order so that a string built from strings built from strings is bounded.
Type mistakes, a nullable result in a non-null column, sibling functions
outside a fact, unknown tables in `table_rows()` and misuse of hidden columns
are problems with their JSON path, before anything is generated.
"""

from __future__ import annotations

from collections.abc import Iterator

from datagen.engine import dsl
from datagen.engine.errors import Problem, did_you_mean
from datagen.engine.expressions import (
    UNKNOWN_STRING,
    Compiled,
    ExpressionError,
    Ty,
    column_type,
    compile_expression,
    fits,
)
from datagen.engine.generators.kind import kind_of, spec_of
from datagen.engine.relations import (
    CycleError,
    Graph,
    add_edge,
    expression_sources,
    ordered_topological_sort,
)

SIBLING_HINT = "position(), sibling_count(), previous() and running_sum() work in fact tables"


def expression_problems(dataset: dsl.Dataset) -> Iterator[Problem]:
    from datagen.engine.aggregates import aggregate_problems
    from datagen.engine.plan import late_columns

    types_of: dict[str, dict[str, Ty]] = {}
    for ni, node in enumerate(dataset.nodes):
        types_of[node.id] = {}
        yield from _node_problems(dataset, node, f"nodes[{ni}]", types_of[node.id])
    yield from _hidden_reference_problems(dataset)
    late = {node.id: late_columns(dataset, node) for node in dataset.nodes}
    yield from aggregate_problems(dataset, types_of, late)


def _static_type(dataset: dsl.Dataset, col: dsl.Column) -> Ty:
    """The type of a column whose values are not computed by an expression."""
    max_len = None
    if col.type == "string":
        picks = kind_of(col).picks(spec_of(col))
        values = picks.choices if picks is not None else None
        max_len = max((len(str(v)) for v in values), default=1) if values else UNKNOWN_STRING
    return column_type(col.type, col.nullable, max_len)


def _order(node: dsl.Node) -> list[dsl.Column]:
    """Columns in an order that puts an expression after the columns it reads (when it can)."""
    graph: Graph = {c.name: set() for c in node.columns}
    names = set(graph)
    position = {c.name: i for i, c in enumerate(node.columns)}
    for col in node.columns:
        for source in expression_sources(col):
            try:
                used = compile_expression(source, names - {col.name} | {"value"}).names
            except ExpressionError:
                continue
            for dep in used - {"value", col.name}:
                add_edge(graph, dep, col.name)
    try:
        order = ordered_topological_sort(graph, key=position.__getitem__)
    except CycleError:  # reported by the cycle check
        order = [c.name for c in node.columns]
    by_name = {c.name: c for c in node.columns}
    return [by_name[n] for n in order]


def _node_problems(
    dataset: dsl.Dataset, node: dsl.Node, npath: str, types: dict[str, Ty]
) -> Iterator[Problem]:
    """Problems of the node's expressions; fills `types` with each column's type."""
    types.update({c.name: _static_type(dataset, c) for c in node.columns})
    index = {c.name: i for i, c in enumerate(node.columns)}
    tables = [n.id for n in dataset.nodes]
    if node.pk is not None and (pk := node.column(node.pk)) is not None and pk.hidden:
        yield Problem(f"{npath}.columns[{index[pk.name]}].hidden", "the pk cannot be hidden")
    for col in _order(node):
        cpath = f"{npath}.columns[{index[col.name]}]"
        others = {name: ty for name, ty in types.items() if name != col.name}
        kind = kind_of(col)
        current = types[col.name]
        checks: list[tuple[str, str, dict[str, Ty]]] = [
            (f"{cpath}.generator.{kind.name}.expr", source, others)
            for source in kind.expressions(spec_of(col))
        ]
        for mi, mod in enumerate(col.modifiers):
            expr = getattr(mod.args, "expr", None)
            if mod.transform == "expression" and isinstance(expr, str):
                env = {**others, "value": current}
                checks.append((f"{cpath}.modifiers[{mi}].args.expr", expr, env))
        for path, source, env in checks:
            try:
                result = compile_expression(source, set(env), env)
            except ExpressionError as exc:
                yield _expression_problem(path, exc, col.name)
                current = column_type(col.type, col.nullable)
                continue
            yield from _result_problems(path, result, col, node, tables)
            current = Ty(col.type, col.nullable, _bound(result.type, col))
        types[col.name] = current


def _expression_problem(path: str, exc: ExpressionError, column: str) -> Problem:
    """The compiler's message; a column reading itself (`balance = previous(balance) + x`)
    gets why, instead of "unknown name" for a name that is right there."""
    if str(exc).startswith(f"unknown name `{column}`"):
        return Problem(
            path,
            f"`{column}` reads itself: a column cannot use its own value, not even "
            "through previous()",
            "running_sum(x) for a running total; running_sum(x, 0) never goes below 0",
        )
    return Problem(path, str(exc), "a valid expression over this table's columns")


def _bound(ty: Ty, col: dsl.Column) -> int | None:
    if col.type != "string":
        return None
    return ty.max_len if ty.kind == "string" and ty.max_len else UNKNOWN_STRING


def _result_problems(
    path: str, result: Compiled, col: dsl.Column, node: dsl.Node, tables: list[str]
) -> Iterator[Problem]:
    why = fits(result.type, col.type)
    if why is not None:
        yield Problem(path, why, f"an expression giving {col.type}")
    if result.type.nullable and not col.nullable:
        yield Problem(
            path,
            f"the expression can be null (null, or a nullable input) but `{col.name}` is not nullable",
            '"nullable": true, or coalesce(x, default)',
        )
    if "siblings" in result.uses and node.kind != "fact":
        yield Problem(path, f"`{node.id}` is not a fact: it has no siblings", SIBLING_HINT)
    for table in sorted(result.tables):
        if table not in tables:
            yield Problem(
                path, f"table_rows(): unknown table `{table}`", None, did_you_mean(table, tables)
            )
        elif table == node.id:
            yield Problem(path, "table_rows() of the table itself is not known while it is made")


def _hidden_reference_problems(dataset: dsl.Dataset) -> Iterator[Problem]:
    hidden = {(n.id, c.name) for n in dataset.nodes for c in n.columns if c.hidden}
    if not hidden:
        return
    c = dataset.constraints
    refs: list[tuple[str, str]] = []
    for kind in ("ranges", "pattern", "enum"):
        for i, item in enumerate(getattr(c, kind)):
            refs.append((f"constraints.{kind}[{i}].column", item.column))
    for i, fk in enumerate(c.foreign_keys):
        refs.append((f"constraints.foreign_keys[{i}].column", fk.column))
        refs.append((f"constraints.foreign_keys[{i}].references", fk.references))
    for i, ineq in enumerate(c.inequalities):
        refs.append((f"constraints.inequalities[{i}].left", ineq.left))
        refs.append((f"constraints.inequalities[{i}].right", ineq.right))
    for i, u in enumerate(c.unique):
        refs += [
            (f"constraints.unique[{i}].columns[{j}]", f"{u.table}.{n}")
            for j, n in enumerate(u.columns)
        ]
    for kind, items in dataset.targets:
        for i, target in enumerate(items):
            refs.append((f"targets.{kind}[{i}].column", f"{target.table}.{target.column}"))
    for path, ref in refs:
        table, _, column = ref.partition(".")
        if (table, column) in hidden:
            yield Problem(
                path,
                f"`{ref}` is a hidden helper column: it is not written, so it cannot be checked",
                'remove "hidden", or check a written column',
            )


def static_types(dataset: dsl.Dataset, node: dsl.Node) -> dict[str, Ty]:
    """The type of every column of a table (expressions inferred), for checks of other tables."""
    types: dict[str, Ty] = {}
    for _ in _node_problems(dataset, node, "", types):
        pass
    return types
