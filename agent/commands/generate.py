"""`datagen generate`: schema + seed -> tables on disk (or a sample with --dry-run)."""

from __future__ import annotations

import contextlib
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from datagen.agent.commands.options import (
    PROFILE_NAMES,
    SCORE,
    Say,
    console_options,
    plain_console,
    schema_argument,
)
from datagen.engine.errors import InputError
from datagen.engine.formats import format_names, get_format, parse_formats

if TYPE_CHECKING:  # the engine is imported when the command runs, not for its --help
    from rich.console import Console

    from datagen.engine import dsl
    from datagen.engine.run import RunResult
    from datagen.engine.sizing import SizingPlan


def _human_bytes(n: float) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n:.1f} GB"


def print_sample(tables: dict, console: Console, limit: int = 5) -> None:  # type: ignore[type-arg]
    from rich.table import Table

    for name, table in tables.items():
        view = Table(title=f"{name} ({table.num_rows} rows in the dry run)", title_justify="left")
        for field in table.schema:
            view.add_column(field.name, overflow="fold")
        for row in table.slice(0, limit).to_pylist():
            view.add_row(*("∅" if v is None else str(v) for v in row.values()))
        console.print(view)


class WorkersType(click.ParamType):
    """--workers N (N >= 1) or `auto` (every core): None stands for auto."""

    name = "workers"

    def convert(self, value: Any, param: Any, ctx: Any) -> int | None:
        if value is None or isinstance(value, int) and value >= 1:
            return value  # type: ignore[no-any-return]
        text = str(value).strip().lower()
        if text == "auto":
            return None
        if text.isdigit() and int(text) >= 1:
            return int(text)
        self.fail(f"{value!r}: give a number of workers (1 or more) or auto", param, ctx)


@click.command("generate")
@schema_argument
@click.option(
    "--out",
    "-o",
    type=click.Path(file_okay=False, allow_dash=True),
    default=None,
    help="Output directory [default: out/<schema name>]; `-` with --format events: the feed "
    "on stdout; an fsspec URL (s3://bucket/path) with --partition-rows/--partition-by.",
)
@click.option(
    "--seed", type=int, default=None, help="Master seed [default: the schema's `seed`, else 42]."
)
@click.option(
    "--rows",
    "row_items",
    multiple=True,
    metavar="TABLE=N",
    help="Rows of an entity or vocab table; repeatable.",
)
@click.option(
    "--scale",
    type=float,
    default=1.0,
    show_default=True,
    help="Multiply every entity's rows (facts follow through their fanout).",
)
@click.option(
    "--format",
    "fmt",
    default="parquet",
    show_default=True,
    metavar="FORMAT[,FORMAT...]",
    help=f"One or several of: {', '.join(format_names())} (e.g. parquet,sqlite). "
    "See docs/formats.md.",
)
@click.option(
    "--profile",
    type=click.Choice(PROFILE_NAMES),
    default="clean",
    show_default=True,
    help="Corruption profile: realistic/dirty inject missing values, typos, duplicates, orphan "
    "FKs... and list every defect in _defects.parquet.",
)
@click.option(
    "--dsn",
    envvar="DATAGEN_DSN",
    default=None,
    metavar="URL",
    help="PostgreSQL for --format postgres, e.g. postgresql://user@localhost/db [env DATAGEN_DSN].",
)
@click.option("--dry-run", is_flag=True, help="Print a small sample of every table; write nothing.")
@click.option(
    "--validate",
    "run_validate",
    is_flag=True,
    help="Validate after generating and write report.json next to the data.",
)
@click.option(
    "--min-score",
    type=SCORE,
    default=90.0,
    show_default=True,
    help="With --validate: exit 1 below this score.",
)
@click.option(
    "--html",
    "write_html",
    is_flag=True,
    help="Validate and also write the visual report to OUT/report.html; print its path.",
)
@click.option(
    "--workers",
    "-j",
    type=WorkersType(),
    default=None,
    metavar="N|auto",
    help="Blocks computed (and part files encoded) in parallel [default: auto, every core]. "
    "Output is identical for any N.",
)
@click.option(
    "--target-size",
    default=None,
    metavar="SIZE",
    help="Pick the scale so the output lands near SIZE (e.g. 500MB, 5GB), from a calibration run.",
)
@click.option(
    "--target-rows",
    type=click.IntRange(min=1),
    default=None,
    help="Pick the scale so the dataset has about N rows in total.",
)
@click.option(
    "--scheduler",
    type=click.Choice(["threads", "dask"]),
    default="threads",
    show_default=True,
    help="Where blocks run: local threads, or Dask tasks (a LocalCluster unless --address).",
)
@click.option(
    "--address",
    default=None,
    metavar="tcp://HOST:PORT",
    help="With --scheduler dask: an existing Dask scheduler.",
)
@click.option(
    "--partition-rows",
    type=click.IntRange(min=1),
    default=None,
    metavar="N",
    help="Write each table as a folder of Parquet part files of about N rows (whole blocks of "
    "131,072), encoded in parallel; read back as one dataset.",
)
@click.option(
    "--partition-by",
    default=None,
    metavar="COLUMN",
    help="Split each table holding COLUMN into Hive-style COLUMN=value/ folders of part files.",
)
@click.option(
    "--force",
    is_flag=True,
    help="Write into an --out that holds other files (never deleting or overwriting them) and "
    "skip the free-disk-space check.",
)
@console_options
def generate_cmd(
    schema: Path,
    out: str | None,
    seed: int | None,
    row_items: tuple[str, ...],
    scale: float,
    fmt: str,
    profile: str,
    dsn: str | None,
    dry_run: bool,
    run_validate: bool,
    min_score: float,
    write_html: bool,
    workers: int | None,
    target_size: str | None,
    target_rows: int | None,
    scheduler: str,
    address: str | None,
    partition_rows: int | None,
    partition_by: str | None,
    force: bool,
    say: Say,
) -> None:
    """Generate the tables of SCHEMA (JSON or YAML) into a directory.

    One file per table plus `.metadata.json` (seed, schema hash, rows, bytes).
    Output is written to a temporary directory and renamed when complete, so a
    failed run leaves nothing half-written. Same schema + seed = same bytes.

    \b
    Examples:
      datagen generate examples/shop.json --out out/shop --seed 42
      datagen generate examples/bank.json --rows customer=50000 --format csv
      datagen generate examples/saas.json --scale 10 --validate
      datagen generate examples/shop.json --dry-run
      datagen generate examples/bank.json --format parquet,sqlite,duckdb
      datagen generate examples/shop.json --format events --out - | head
      datagen generate examples/shop.json --profile dirty --format csv
      datagen generate examples/tpch.json --target-size 1GB --workers 2
      datagen generate examples/tpch.json --scheduler dask --address tcp://10.0.0.5:8786
      datagen generate examples/tpch.json --partition-rows 1000000 --scheduler dask
    """
    from datagen.engine.execute import default_workers
    from datagen.engine.load import load_dataset
    from datagen.engine.parts import is_url
    from datagen.engine.plan import parse_row_overrides
    from datagen.engine.run import RunOptions, resolve_seed
    from datagen.engine.run.progress import RunProgress, summary_line

    # rich only when the command talks: --quiet and --json runs do not pay its import;
    # piped, a long path is printed whole, not folded at 80
    console = plain_console(stderr=True) if say.chatty else None
    if out is not None and not out.strip():
        raise InputError("--out is empty: give a folder (or leave --out out for out/<name>)")
    if address is not None and scheduler != "dask":
        raise InputError(f"--address {address} is a Dask scheduler's: add --scheduler dask")
    dataset = load_dataset(schema)
    seed = resolve_seed(seed, dataset)
    rows = parse_row_overrides(row_items, dataset)
    workers = workers or default_workers()
    formats = parse_formats(fmt)
    sizing_format = next((f for f in formats if not get_format(f).one_file), "parquet")
    sizing = choose_scale(
        dataset,
        scale,
        target_size,
        target_rows,
        seed=seed,
        fmt=sizing_format,
        rows=rows,
        workers=workers,
    )
    if sizing is not None:
        scale = sizing.scale
        if console is not None:
            console.print(f"sizing: {sizing.describe()}", markup=False)
    if dry_run:
        sample = _dry(dataset, seed)
        if say.json:
            rows_of = {name: table.slice(0, 5).to_pylist() for name, table in sample.items()}
            click.echo(json.dumps(rows_of, indent=2, default=str))
            return
        print_sample(sample, plain_console())
        if console is not None:
            console.print(f"[dim]dry run: {len(sample)} tables sampled, nothing written[/]")
        return
    if out is not None and str(out) == "-":
        if formats != ["events"]:
            raise InputError("--out - (stdout) is for --format events alone")
        _events_to_stdout(dataset, seed, rows, scale, profile, workers)
        return
    target: str | Path = (
        out if out and is_url(out) else Path(out or Path("out") / dataset.metadata.name)
    )
    options = RunOptions(
        formats=formats,
        rows=rows,
        scale=scale,
        profile=profile,
        dsn=dsn,
        workers=workers,
        scheduler=scheduler,
        address=address,
        validate=run_validate,
        html=write_html,
        min_score=min_score,
        force=force,
        partition_rows=partition_rows,
        partition_by=partition_by,
    )
    progress = RunProgress(console) if console is not None else None
    with progress if progress is not None else contextlib.nullcontext():
        result = run_dataset(dataset, target, seed=seed, options=options, progress=progress)
    if say.json:
        click.echo(json.dumps(run_summary(result, formats), indent=2))
    elif console is not None:
        from rich.table import Table

        title = f"{dataset.metadata.name}: seed {seed}, {', '.join(formats)}"
        if profile != "clean":
            title += f", profile {profile}"
        summary = Table(title=title, title_justify="left")
        for name in ("table", "rows", "columns", "size"):
            summary.add_column(name, justify="left" if name == "table" else "right")
        for t in result.generated.tables:
            size = _human_bytes(t.bytes) if t.bytes else "-"
            summary.add_row(t.name, f"{t.rows:,}", str(t.columns), size)
        console.print(summary)
        shared = shared_files(result)
        if shared:
            files = ", ".join(f"{name} {_human_bytes(size)}" for name, size in shared.items())
            console.print(f"files: {files}", markup=False)
        if say.verbose:
            for path in sorted(result.out.iterdir()) if isinstance(target, Path) else []:
                if path.is_file():
                    console.print(f"  {path}  {_human_bytes(path.stat().st_size)}", markup=False)
        console.print(summary_line(result.total_rows, result.seconds, str(target)), markup=False)
    if result.report is not None:
        from datagen.engine.validate import render_console

        if console is not None:
            render_console(result.report, console)
        if result.html is not None and not say.json:
            click.echo(f"HTML report: {result.html}")
        if not result.report.ok(min_score):
            sys.exit(1)


def shared_files(result: RunResult) -> dict[str, int]:
    """Files that hold every table (databases, the events feed) and their sizes in bytes."""
    written = result.generated.metadata.get("formats") or {}
    sizes: dict[str, int] = {}
    for fmt, files in written.items():
        if get_format(fmt).one_file:
            for name in files:
                path = result.out / name
                if path.is_file():
                    sizes[name] = path.stat().st_size
    return sizes


def run_summary(result: RunResult, formats: list[str]) -> dict[str, Any]:
    """`generate --json`: what was written, how big, how fast, and the score if validated."""
    summary: dict[str, Any] = {
        "out": str(result.out),
        "seed": result.seed,
        "formats": formats,
        "tables": [
            {"name": t.name, "file": t.file, "rows": t.rows, "columns": t.columns, "bytes": t.bytes}
            for t in result.generated.tables
        ],
        "total_rows": result.total_rows,
        "seconds": round(result.seconds, 3),
        "rows_per_second": round(result.rows_per_second),
    }
    shared = shared_files(result)
    if shared:
        summary["files"] = shared
    if result.report is not None:
        summary["score"] = result.report.score
    if result.html is not None:
        summary["html"] = str(result.html)
    return summary


def choose_scale(
    dataset: dsl.Dataset,
    scale: float,
    target_size: str | None,
    target_rows: int | None,
    *,
    seed: int,
    fmt: str,
    rows: dict[str, int],
    workers: int,
) -> SizingPlan | None:
    """--target-size / --target-rows -> a sizing plan (they exclude --scale and each other)."""
    if target_size is None and target_rows is None:
        return None
    if target_size is not None and target_rows is not None:
        raise InputError("--target-size and --target-rows exclude each other: give one")
    if scale != 1.0:
        raise InputError("--scale and --target-size/--target-rows exclude each other: give one")
    from datagen.engine.sizing import parse_size, scale_for_rows, scale_for_size

    if target_rows is not None:
        return scale_for_rows(dataset, target_rows, rows)
    assert target_size is not None
    return scale_for_size(
        dataset, parse_size(target_size), seed=seed, fmt=fmt, rows=rows, workers=workers
    )


def _events_to_stdout(dataset, seed, rows, scale, profile, workers):  # type: ignore[no-untyped-def]
    """The feed is ordered by time, so every fact row is needed before the first line:
    generate into a temporary directory, then stream the file out."""
    import shutil
    import tempfile

    from datagen.engine.execute import generate_dataset

    with tempfile.TemporaryDirectory(prefix="datagen-events-") as tmp:
        out = Path(tmp) / "run"
        generate_dataset(
            dataset,
            out,
            seed=seed,
            fmt="events",
            rows=rows,
            scale=scale,
            profile=profile,
            workers=workers,
        )
        with open(out / "events.jsonl", "rb") as feed:
            shutil.copyfileobj(feed, sys.stdout.buffer)
        sys.stdout.flush()


def run_dataset(*args: Any, **kwargs: Any) -> RunResult:
    """The engine's run service (a name of this module, so a test can stand in for it)."""
    from datagen.engine.run import run_dataset as run

    return run(*args, **kwargs)


def _dry(dataset, seed):  # type: ignore[no-untyped-def]
    from datagen.engine.execute import dry_run

    return dry_run(dataset, seed=seed, rows_per_table=100)
