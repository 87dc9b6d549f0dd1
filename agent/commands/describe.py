"""`datagen describe`: what a schema will produce, before producing it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from datagen.agent.commands.options import Say, console_options, plain_console, schema_argument

if TYPE_CHECKING:  # the engine is imported when the command runs, not for its --help
    from datagen.engine import dsl


@click.command("describe")
@schema_argument
@click.option("--rows", "row_items", multiple=True, metavar="TABLE=N", help="As for generate.")
@click.option("--scale", type=float, default=1.0, show_default=True, help="As for generate.")
@console_options
def describe_cmd(schema: Path, row_items: tuple[str, ...], scale: float, say: Say) -> None:
    """Show tables, kinds, estimated rows, DAG levels, foreign keys and constraints.

    \b
    Example:
      datagen describe examples/bank.json --scale 10
    """
    from rich.table import Table

    from datagen.engine.load import load_dataset
    from datagen.engine.plan import build_plan, parse_row_overrides

    dataset = load_dataset(schema)
    plan = build_plan(dataset, seed=0, rows=parse_row_overrides(row_items, dataset), scale=scale)
    level_of = {t: i for i, level in enumerate(plan.levels) for t in level}
    if say.json:
        click.echo(json.dumps(_as_json(dataset, plan, level_of), indent=2))
        return
    console = plain_console()
    tables = Table(
        title=f"{dataset.metadata.name}: {len(dataset.nodes)} tables", title_justify="left"
    )
    for name in ("table", "kind", "level", "est. rows", "columns", "pk", "parents / fanout"):
        tables.add_column(
            name, justify="right" if name in ("level", "est. rows", "columns") else "left"
        )
    for table in plan.order:
        tp = plan.tables[table]
        node = tp.node
        fan = ""
        if node.fanout is not None:
            f = node.fanout
            shape = f"poisson λ={f.lambda_:g}" if f.distribution == "poisson" else "uniform"
            fan = f"{', '.join(node.parents)}: {shape} [{f.min}, {f.max if f.max is not None else '∞'}]"
        tables.add_row(
            table,
            node.kind,
            str(level_of[table]),
            f"{tp.estimated_rows:,}",
            str(len(node.columns)),
            node.pk or "",
            fan,
        )
    console.print(tables)
    console.print(f"estimated total: {plan.estimated_total_rows:,} rows")
    if plan.foreign_keys:
        fks = Table(title="foreign keys", title_justify="left")
        for name in ("column", "references", "nullable"):
            fks.add_column(name)
        for fk in plan.foreign_keys:
            fks.add_row(
                f"{fk.table}.{fk.column}",
                f"{fk.ref_table}.{fk.ref_column}",
                "yes" if fk.nullable else "no",
            )
        console.print(fks)
    lines = _constraint_lines(dataset)
    if lines:
        console.print("[bold]constraints and targets[/]")
        for line in lines:
            console.print(f"  - {line}", markup=False)


def _constraint_lines(dataset: dsl.Dataset) -> list[str]:
    c, t = dataset.constraints, dataset.targets
    lines = [f"{i.left} {i.op} {i.right}" for i in c.inequalities]
    lines += [f"{r.column} {_interval(r.min, r.max)}" for r in c.ranges]
    lines += [f"{p.column} matches /{p.regex}/" for p in c.pattern]
    lines += [f"{e.column} in {e.values}" for e in c.enum]
    lines += [f"unique {u.table}({', '.join(u.columns)})" for u in c.unique]
    lines += [
        f"target weekend_share {w.table}.{w.column} {_interval(w.min, w.max)}"
        for w in t.weekend_share
    ]
    lines += [
        f"target mean {m.table}.{m.column} {_interval(m.min, m.max)}" for m in t.mean_in_range
    ]
    lines += [f"target {s.dimension} seasonality of {s.table}.{s.column}" for s in t.seasonality]
    lines += [
        f"target composite effect on {e.table}.{e.column} ({e.metric} <= {e.max})"
        for e in t.composite_effect
    ]
    return lines


def _interval(low: object, high: object) -> str:
    """`in [a, b]`, `>= a` or `<= b`: an open bound is left out, never printed as None."""
    if low is not None and high is not None:
        return f"in [{low}, {high}]"
    if low is not None:
        return f">= {low}"
    if high is not None:
        return f"<= {high}"
    return "(no bounds)"


def _as_json(dataset: dsl.Dataset, plan: Any, level_of: dict[str, int]) -> dict[str, Any]:
    tables = []
    for table in plan.order:
        node = plan.tables[table].node
        fanout = node.fanout.model_dump(mode="json", by_alias=True) if node.fanout else None
        tables.append(
            {
                "table": table,
                "kind": node.kind,
                "level": level_of[table],
                "estimated_rows": plan.tables[table].estimated_rows,
                "columns": len(node.columns),
                "pk": node.pk,
                "parents": list(node.parents),
                "fanout": fanout,
            }
        )
    return {
        "name": dataset.metadata.name,
        "tables": tables,
        "estimated_total_rows": plan.estimated_total_rows,
        "foreign_keys": [
            {
                "column": f"{fk.table}.{fk.column}",
                "references": f"{fk.ref_table}.{fk.ref_column}",
                "nullable": fk.nullable,
            }
            for fk in plan.foreign_keys
        ],
        "constraints": _constraint_lines(dataset),
    }
