"""`datagen import`: a DSL schema from SQL DDL or from a live database's catalogue."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

import click
from rich.console import Console

from datagen.engine.errors import InputError

DIALECT_HELP = "postgres, mysql, sqlite, duckdb, tsql, ... (sqlglot's names; default: generic SQL)"


@click.command("import")
@click.argument("ddl_file", required=False, type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--dialect", default=None, metavar="NAME", help=f"SQL dialect of the file: {DIALECT_HELP}."
)
@click.option(
    "--from",
    "url",
    default=None,
    metavar="URL",
    help="Read a live database instead: sqlite:///app.db, duckdb:///x.duckdb, postgresql://...",
)
@click.option(
    "--profile",
    is_flag=True,
    help="With --from: read per-column statistics (counts, nulls, distincts, min/max, top values, "
    "lengths) and use them as the generators' parameters. No row is copied.",
)
@click.option(
    "--rows",
    "rows",
    multiple=True,
    metavar="TABLE=N",
    help="Rows of a table (repeatable); a table given here is generated with exactly N rows.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write the schema here (default: print it). An existing file is kept unless --force.",
)
@click.option("--force", is_flag=True, help="Replace an existing --output file.")
def import_cmd(
    ddl_file: Path | None,
    dialect: str | None,
    url: str | None,
    profile: bool,
    rows: tuple[str, ...],
    output: Path | None,
    force: bool,
) -> None:
    """Turn SQL DDL (or a live database) into a datagen schema, ready to generate.

    Tables, column types, NOT NULL, primary and foreign keys (composite ones
    approximated), UNIQUE, CHECKs (comparisons, BETWEEN, IN lists), ENUM types
    and comments are read; generators are chosen from column names, types and
    constraints, and every choice is printed and kept in the schema's
    metadata.assumptions.

    \b
    Examples:
      datagen import chinook.sql --dialect sqlite -o chinook.json
      datagen import schema.sql --dialect postgres --rows users=5000 -o app.json
      datagen import --from sqlite:///app.db --profile -o app.json
      datagen import --from postgresql://me@localhost/shop -o shop.json
    """
    from datagen.agent.importer import import_schema

    counts = _parse_rows(rows)
    if output is not None and output.exists() and not force:
        raise InputError(f"--output {output} exists: pass --force to replace it, or another path")
    result = import_schema(ddl_file, dialect=dialect, url=url, profile=profile, rows=counts)
    text = json.dumps(result.dataset.to_json_dict(), indent=2, ensure_ascii=False) + "\n"
    err = Console(stderr=True, highlight=False, soft_wrap=True)
    dataset = result.dataset
    err.print(
        f"[bold]imported[/] {len(dataset.nodes)} table(s), "
        f"{sum(len(n.columns) for n in dataset.nodes)} column(s) from {_source(ddl_file, url)}"
    )
    if result.notes:
        err.print(f"[bold yellow]approximated or left out ({len(result.notes)}):[/]")
        for note in result.notes:
            err.print(f"  - {note}", markup=False)
    err.print(f"[bold]assumptions ({len(result.assumptions)}):[/] (also in metadata.assumptions)")
    for assumption in result.assumptions:
        err.print(f"  - {assumption}", markup=False)
    if output is None:
        click.echo(text, nl=False)
        return
    _write_atomically(output, text)
    err.print(f"schema written to {output}; next: datagen generate {output} --out out/")


def _parse_rows(items: tuple[str, ...]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for item in items:
        table, sep, value = item.partition("=")
        try:
            count = int(value.replace("_", "").replace(",", ""))
        except ValueError:
            count = -1
        if not sep or not table.strip() or count < 0:
            raise InputError(f"--rows {item!r}: expected TABLE=N with N a whole number >= 0")
        counts[table.strip().lower()] = count
    return counts


def _source(ddl_file: Path | None, url: str | None) -> str:
    if url is not None:
        from datagen.engine.writers.postgres import redact

        return redact(url)
    return str(ddl_file)


def _write_atomically(path: Path, text: str) -> None:
    """Write to a temporary file beside `path`, then rename: never a half-written schema."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
