"""`datagen import`: a DSL schema from SQL DDL or from a live database's catalogue."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

import click

from datagen.agent.commands.options import Say, console_options, plain_console
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
    "--out",
    "-o",
    "out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write the schema to this file (default: print it). An existing file is kept unless "
    "--force.",
)
@click.option("--force", is_flag=True, help="Replace an existing --out file.")
@console_options
def import_cmd(
    ddl_file: Path | None,
    dialect: str | None,
    url: str | None,
    profile: bool,
    rows: tuple[str, ...],
    out: Path | None,
    force: bool,
    say: Say,
) -> None:
    """Turn SQL DDL (or a live database) into a datagen schema, ready to generate.

    Tables, column types, NOT NULL, DEFAULT, primary and foreign keys (composite
    ones too), UNIQUE, CHECKs (comparisons, BETWEEN, IN lists, lengths), ENUM
    types and comments are read; generators are chosen from column names, types
    and constraints, and every choice is printed and kept in the schema's
    metadata.assumptions. What could not be read or generated for is printed
    and written as a not_modelled claim. With --json (and --out) a summary of
    the import goes to stdout instead. See docs/import.md.

    \b
    Examples:
      datagen import chinook.sql --dialect sqlite --out chinook.json
      datagen import schema.sql --dialect postgres --rows users=5000 --out app.json
      datagen import --from sqlite:///app.db --profile --out app.json
      datagen import --from postgresql://me@localhost/shop --out shop.json
    """
    from datagen.agent.importer import import_schema

    counts = _parse_rows(rows)
    if out is not None and out.exists() and not force:
        raise InputError(f"--out {out} exists: pass --force to replace it, or another path")
    result = import_schema(ddl_file, dialect=dialect, url=url, profile=profile, rows=counts)
    dataset = result.dataset
    text = json.dumps(dataset.to_json_dict(), indent=2, ensure_ascii=False) + "\n"
    if out is not None:
        _write_atomically(out, text)
    summary = {
        "source": _source(ddl_file, url),
        "schema": str(out) if out is not None else None,
        "tables": len(dataset.nodes),
        "columns": sum(len(n.columns) for n in dataset.nodes),
        "notes": result.notes,
        "assumptions": result.assumptions,
    }
    if say.json and out is not None:
        click.echo(json.dumps(summary, indent=2, ensure_ascii=False))
    elif out is None:
        click.echo(text, nl=False)
    if say.chatty:
        _print_summary(summary)


def _print_summary(summary: dict[str, Any]) -> None:
    from rich.markup import escape

    err = plain_console(stderr=True)
    err.print(
        f"[bold]imported[/] {summary['tables']} table(s), {summary['columns']} column(s) "
        f"from {escape(summary['source'])}"
    )
    notes, assumptions = summary["notes"], summary["assumptions"]
    if notes:
        err.print(f"[bold yellow]approximated or left out ({len(notes)}):[/]")
        for note in notes:
            err.print(f"  - {note}", markup=False)
    err.print(f"[bold]assumptions ({len(assumptions)}):[/] (also in metadata.assumptions)")
    for assumption in assumptions:
        err.print(f"  - {assumption}", markup=False)
    if summary["schema"]:
        err.print(f"schema written to {summary['schema']}; next: datagen generate "
                  f"{summary['schema']} --out out/", markup=False)  # fmt: skip


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
