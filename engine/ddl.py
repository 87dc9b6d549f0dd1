"""SQL DDL derived from the DSL: typed tables, keys, NOT NULL and CHECK constraints.

One description of each table (`TableDef`) is rendered for three dialects:
SQLite, DuckDB and PostgreSQL. The database sinks create their tables from
it and `datagen ddl` prints it. Tables come in generation (DAG) order, so a
foreign key always points at a table created, and loaded, before its child.

What becomes a constraint:
- the node's `pk` (or composite `pk_columns`) -> PRIMARY KEY; `unique` columns, `constraints.unique` and
  columns other tables reference -> UNIQUE;
- composite foreign keys (`engine.relations.composite_foreign_keys`) -> FOREIGN KEY
  (a, b) REFERENCES t (x, y);
- foreign keys (`engine.relations.foreign_keys`) -> REFERENCES, except a
  self-reference in DuckDB (it checks an INSERT against the rows present
  before it, so a table that references its own earlier rows cannot load);
- columns that can never be null -> NOT NULL;
- `ranges`, `enum` and same-row `inequalities` -> CHECK; inequalities across
  tables need a join and are left to `datagen validate`, as are `pattern`s
  (regular expression dialects differ between databases).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from datagen.engine import dsl
from datagen.engine.errors import InputError
from datagen.engine.generators import kind as kinds
from datagen.engine.logical import format_of
from datagen.engine.names import DIALECTS, Dialect
from datagen.engine.relations import (
    CompositeKey,
    ForeignKey,
    composite_foreign_keys,
    foreign_keys,
    split_ref,
    write_order,
)

SQL_TYPES: dict[str, dict[str, str]] = {
    "sqlite": {
        "int": "INTEGER",
        "float": "REAL",
        "string": "TEXT",
        "bool": "INTEGER",
        "date": "TEXT",
        "datetime": "TEXT",
    },
    "duckdb": {
        "int": "BIGINT",
        "float": "DOUBLE",
        "string": "VARCHAR",
        "bool": "BOOLEAN",
        "date": "DATE",
        "datetime": "TIMESTAMP",
    },
    "postgres": {
        "int": "bigint",
        "float": "double precision",
        "string": "text",
        "bool": "boolean",
        "date": "date",
        "datetime": "timestamp",
    },
}

TEMPORAL = ("date", "datetime")
NUMERIC = ("int", "float")


@dataclass
class ColumnDef:
    name: str
    type: str  # the DSL type
    not_null: bool
    format: str | None = None  # a logical type: decimal(p,s), uuid, timestamptz, time

    def sql_type(self, dialect: Dialect) -> str:
        if self.format:
            return format_of(self.format).sql[dialect]
        return SQL_TYPES[dialect][self.type]


@dataclass
class TableDef:
    name: str
    columns: list[ColumnDef]
    pk: str | None
    unique: list[list[str]] = field(default_factory=list)
    foreign_keys: list[ForeignKey] = field(default_factory=list)
    pk_columns: list[str] = field(default_factory=list)  # a composite primary key
    composite_keys: list[CompositeKey] = field(default_factory=list)
    checks: list[Check] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # constraints left out, and why

    def column(self, name: str) -> ColumnDef:
        return next(c for c in self.columns if c.name == name)


@dataclass
class Check:
    """A CHECK: `kind` range | enum | inequality | bool, rendered per dialect."""

    kind: str
    column: str
    type: str
    op: str = ""
    bound: float | str | None = None
    values: list[dsl.Scalar] = field(default_factory=list)
    other: str = ""


def quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def literal(value: dsl.Scalar) -> str:
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, (int, float)):
        return repr(value)
    return "'" + str(value).replace("'", "''") + "'"


def table_order(dataset: dsl.Dataset) -> list[str]:
    """Tables in the order they are written: parents before children, except a table
    with aggregates over its children, written after them."""
    return write_order(dataset)


def table_defs(
    dataset: dsl.Dataset, dialect: Dialect, *, constraints: bool = True
) -> list[TableDef]:
    """Every table of the dataset, in DAG order. constraints=False: columns and types only
    (for dirty profiles, whose duplicates, orphans and out-of-range values a keyed,
    checked table would refuse)."""
    if dialect not in DIALECTS:
        raise InputError(f"unknown SQL dialect {dialect!r}; choose one of: {', '.join(DIALECTS)}")
    order = table_order(dataset)
    position = {t: i for i, t in enumerate(order)}
    fks = foreign_keys(dataset)
    referenced = {(fk.ref_table, fk.ref_column) for fk in fks}
    defs = []
    for table in order:
        node = dataset.node(table)
        assert node is not None
        tdef = TableDef(
            table,
            [
                ColumnDef(c.name, c.type, not column_may_be_null(dataset, node, c), c.format)
                for c in node.columns
            ],
            node.pk,
            pk_columns=list(node.pk_columns or []),
        )
        defs.append(tdef)
        if not constraints:
            tdef.pk = None
            tdef.pk_columns = []
            for col in tdef.columns:
                col.not_null = False
            tdef.notes.append("no keys or constraints: a corruption profile breaks them on purpose")
            continue
        _add_unique(dataset, node, tdef, referenced)
        for fk in fks:
            if fk.table != table:
                continue
            if fk.self_reference and dialect == "duckdb":
                tdef.notes.append(
                    f"{fk.column} -> {fk.ref_table}.{fk.ref_column}: not declared, DuckDB checks "
                    "an INSERT against the rows present before it"
                )
            elif not fk.self_reference and position[fk.ref_table] > position[table]:
                tdef.notes.append(
                    f"{fk.column} -> {fk.ref_table}.{fk.ref_column}: not declared, "
                    f"`{fk.ref_table}` is generated after `{table}`"
                )
            else:
                tdef.foreign_keys.append(fk)
        for key in composite_foreign_keys(dataset):
            if key.table != table:
                continue
            if position[key.ref_table] > position[table]:
                tdef.notes.append(
                    f"({', '.join(key.columns)}) -> {key.ref_table}: not declared, "
                    f"`{key.ref_table}` is generated after `{table}`"
                )
            else:
                tdef.composite_keys.append(key)
        tdef.checks = _checks(dataset, node)
    return defs


def column_may_be_null(dataset: dsl.Dataset, node: dsl.Node, col: dsl.Column) -> bool:
    """Nulls come from `null_rate` and from what the generator kind says (lookups: a
    self-reference's first row, or an attribute looked up through a nullable FK or of a
    nullable column)."""
    return kinds.column_may_be_null(dataset, node, col)


def _add_unique(
    dataset: dsl.Dataset, node: dsl.Node, tdef: TableDef, referenced: set[tuple[str, str]]
) -> None:
    groups: list[list[str]] = []
    for col in node.columns:
        if col.unique or (node.id, col.name) in referenced:
            groups.append([col.name])
    for unique in dataset.constraints.unique:
        if unique.table == node.id:
            groups.append(list(unique.columns))
    for group in groups:
        if group != node.key_columns and group not in tdef.unique:
            tdef.unique.append(group)


def _checks(dataset: dsl.Dataset, node: dsl.Node) -> list[Check]:
    checks = []
    for col in node.columns:
        if col.type == "bool":
            checks.append(Check("bool", col.name, col.type))
    constraints = dataset.constraints
    for rng in constraints.ranges:
        table, column = split_ref(rng.column)
        col = node.column(column) if table == node.id else None
        if col is None or col.type not in NUMERIC + TEMPORAL or col.format == "time":
            continue
        for op, bound in ((">=", rng.min), ("<=", rng.max)):
            if bound is None:
                continue
            if col.type in NUMERIC and isinstance(bound, str):
                continue
            checks.append(Check("range", column, col.type, op=op, bound=bound))
    for enum in constraints.enum:
        table, column = split_ref(enum.column)
        col = node.column(column) if table == node.id else None
        if col is not None and col.type in ("string", "int", "float"):
            checks.append(Check("enum", column, col.type, values=list(enum.values)))
    for ineq in constraints.inequalities:
        left_table, left = split_ref(ineq.left)
        right_table, right = split_ref(ineq.right)
        if left_table != node.id or right_table != node.id:
            continue
        left_col, right_col = node.column(left), node.column(right)
        if left_col is None or right_col is None:
            continue
        if "time" in (left_col.format, right_col.format):
            continue  # a time of day is no instant: left to `datagen validate`
        checks.append(Check("inequality", left, left_col.type, op=ineq.op, other=right))
    return checks


# --------------------------------------------------------------------------- rendering


def render_check(check: Check, tdef: TableDef, dialect: Dialect) -> str:
    name = quote(check.column)
    if check.kind == "bool":
        return f"{name} IN (0, 1)" if dialect == "sqlite" else ""
    if check.kind == "enum":
        values = ", ".join(literal(_typed(v, check.type)) for v in check.values)
        return f"{name} IN ({values})"
    if check.kind == "range":
        assert check.bound is not None
        if check.type in TEMPORAL:
            return f"{_temporal(name, dialect)} {check.op} {_instant(check.bound, dialect)}"
        return f"{name} {check.op} {literal(_number(check.bound))}"
    if check.kind == "inequality":
        other = tdef.column(check.other)
        if check.type in TEMPORAL or other.type in TEMPORAL:
            left = _temporal(name, dialect)
            right = _temporal(quote(check.other), dialect)
            return f"{left} {check.op} {right}"
        return f"{name} {check.op} {quote(check.other)}"
    raise AssertionError(check.kind)


def _number(bound: float | str) -> int | float:
    value = float(bound)
    return int(value) if value.is_integer() and abs(value) < 2**53 else value


def _typed(value: dsl.Scalar, type_: str) -> dsl.Scalar:
    if type_ == "string":
        return str(value)
    return value


def _temporal(expr: str, dialect: Dialect) -> str:
    # SQLite keeps dates and datetimes as ISO text: julianday compares them as instants
    return f"julianday({expr})" if dialect == "sqlite" else expr


def _instant(bound: float | str, dialect: Dialect) -> str:
    text = str(dsl.parse_instant(str(bound))).replace("T", " ")
    if dialect == "sqlite":
        return f"julianday('{text}')"
    return f"TIMESTAMP '{text}'"


def create_table_sql(tdef: TableDef, dialect: Dialect) -> str:
    lines = []
    for col in tdef.columns:
        line = f"  {quote(col.name)} {col.sql_type(dialect)}"
        if col.not_null:
            line += " NOT NULL"
        lines.append(line)
    if tdef.pk:
        lines.append(f"  PRIMARY KEY ({quote(tdef.pk)})")
    elif tdef.pk_columns:
        lines.append(f"  PRIMARY KEY ({', '.join(quote(c) for c in tdef.pk_columns)})")
    for group in tdef.unique:
        lines.append(f"  UNIQUE ({', '.join(quote(c) for c in group)})")
    for fk in tdef.foreign_keys:
        lines.append(
            f"  FOREIGN KEY ({quote(fk.column)}) REFERENCES {quote(fk.ref_table)} ({quote(fk.ref_column)})"
        )
    for key in tdef.composite_keys:
        lines.append(
            f"  FOREIGN KEY ({', '.join(quote(c) for c in key.columns)}) REFERENCES "
            f"{quote(key.ref_table)} ({', '.join(quote(c) for c in key.ref_columns)})"
        )
    for check in tdef.checks:
        expr = render_check(check, tdef, dialect)
        if expr:
            lines.append(f"  CHECK ({expr})")
    notes = "".join(f"-- {note}\n" for note in tdef.notes)
    # STRICT: SQLite refuses a value of the wrong type instead of storing it anyway
    suffix = " STRICT" if dialect == "sqlite" else ""
    return f"{notes}CREATE TABLE {quote(tdef.name)} (\n" + ",\n".join(lines) + f"\n){suffix};"


def ddl_script(dataset: dsl.Dataset, dialect: Dialect, *, constraints: bool = True) -> str:
    """The whole schema as SQL, tables in DAG order (the tables as written: without hidden
    helper columns)."""
    dataset = dataset.output_view()
    header = f"-- {dataset.metadata.name}: DDL for {dialect}, generated by datagen from the DSL\n"
    if dialect == "sqlite":
        header += "PRAGMA foreign_keys = ON;\n"
    body = "\n\n".join(
        create_table_sql(t, dialect) for t in table_defs(dataset, dialect, constraints=constraints)
    )
    return header + "\n" + body + "\n"
