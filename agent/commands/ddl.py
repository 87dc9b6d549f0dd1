"""`datagen ddl`: the SQL DDL of a schema, for PostgreSQL, SQLite or DuckDB."""

from __future__ import annotations

from pathlib import Path

import click

from datagen.agent.commands.options import DIALECT_NAMES, schema_argument


@click.command("ddl")
@schema_argument
@click.option(
    "--dialect",
    type=click.Choice(DIALECT_NAMES),
    default="postgres",
    show_default=True,
    help="SQL dialect.",
)
@click.option(
    "--no-constraints",
    is_flag=True,
    help="Columns and types only: no keys, NOT NULL or CHECKs (what dirty profiles load into).",
)
def ddl_cmd(schema: Path, dialect: str, no_constraints: bool) -> None:
    """Print the CREATE TABLE statements of SCHEMA, tables in dependency order.

    Types come from the DSL; primary keys, UNIQUE, foreign keys, NOT NULL and
    CHECKs (ranges, enums, same-row inequalities) from its columns and
    constraints. The same DDL is what `--format sqlite|duckdb|postgres` creates.

    \b
    Examples:
      datagen ddl examples/bank.json
      datagen ddl examples/shop.json --dialect sqlite | sqlite3 shop.db
    """
    from datagen.engine.ddl import ddl_script
    from datagen.engine.load import load_dataset

    dataset = load_dataset(schema)
    click.echo(ddl_script(dataset, dialect, constraints=not no_constraints), nl=False)  # type: ignore[arg-type]
