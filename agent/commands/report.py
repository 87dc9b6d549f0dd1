"""`datagen report`: validate a dataset and write the visual HTML report."""

from __future__ import annotations

from pathlib import Path

import click
from rich.console import Console

from datagen.agent.commands.options import (
    data_dir_option,
    data_format_option,
    dsn_option,
    schema_argument,
)
from datagen.engine.load import load_dataset
from datagen.engine.validate import validate_dataset


@click.command("report")
@schema_argument
@data_dir_option
@click.option(
    "--out",
    "-o",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Where to write the HTML [default: DATA/report.html].",
)
@click.option(
    "--json",
    "json_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Also write the JSON report here (the same checks as the page).",
)
@click.option(
    "--min-score",
    type=click.FloatRange(0, 100),
    default=None,
    help="Show pass/fail against this score on the page (the exit code stays 0).",
)
@data_format_option
@dsn_option
def report_cmd(
    schema: Path,
    data_dir: Path,
    out: Path | None,
    json_path: Path | None,
    min_score: float | None,
    data_format: str | None,
    dsn: str | None,
) -> None:
    """Write a self-contained HTML quality report for the dataset in --data.

    One file that opens offline (inline CSS and plots, no scripts, no external
    URL): the score and its categories, failed checks with offending rows, the
    tables and their foreign keys, each declared behaviour against the observed
    one, and a profile with a small plot per column. The validator's JSON
    report is embedded, so the page shows the same facts as `datagen validate`.
    Exit code 0 when written, 2 for bad input; use `datagen validate` to gate.

    \b
    Examples:
      datagen report examples/bank.json --data out/bank
      datagen report shop.json -d out/shop --out shop-report.html --min-score 95
    """
    dataset = load_dataset(schema)
    report = validate_dataset(dataset, data_dir, fmt=data_format, dsn=dsn)
    if json_path is not None:
        report.write(json_path)
    from datagen.engine.htmlreport import write_html_report

    path = write_html_report(
        dataset, data_dir, report, out=out, fmt=data_format, min_score=min_score, dsn=dsn
    )
    failed = len(report.failed())
    Console(stderr=True, highlight=False).print(
        f"quality score {report.score:.1f} / 100, {failed} failed check(s)"
    )
    click.echo(str(path))
