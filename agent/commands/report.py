"""`datagen report`: validate a dataset and write the visual HTML report."""

from __future__ import annotations

import json
from pathlib import Path

import click

from datagen.agent.commands.options import (
    SCORE,
    Say,
    console_options,
    data_dir_option,
    data_format_option,
    dsn_option,
    schema_argument,
    stage_progress,
    warn_deprecated,
)
from datagen.engine.errors import InputError


@click.command("report")
@schema_argument
@data_dir_option
@click.option(
    "--out",
    "-o",
    type=click.Path(path_type=Path),
    default=None,
    help="Folder to write report.html into [default: DATA].",
)
@click.option(
    "--report",
    "json_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Also write the JSON report to this file (the same checks as the page).",
)
@click.option(
    "--min-score",
    type=SCORE,
    default=None,
    help="Show pass/fail against this score on the page (the exit code stays 0).",
)
@click.option(
    "--no-plots",
    is_flag=True,
    help="Leave the plots out: a quicker page for a wide schema (the profiles and checks stay).",
)
@data_format_option
@dsn_option
@console_options
def report_cmd(
    schema: Path,
    data_dir: Path,
    out: Path | None,
    json_path: Path | None,
    min_score: float | None,
    no_plots: bool,
    data_format: str | None,
    dsn: str | None,
    say: Say,
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
      datagen report shop.json --data out/shop --out site/ --min-score 95
      datagen report wide.json --data out/wide --no-plots
    """
    html_file = None
    if out is not None and out.is_file() and out.suffix.lower() not in (".html", ".htm"):
        raise InputError(f"--out {out} is a file of yours: give a folder (report.html goes in it)")
    if out is not None and (
        out.suffix.lower() in (".html", ".htm") or (out.exists() and not out.is_dir())
    ):
        # --out used to take the HTML file itself (a page, a FIFO, a device); a folder now
        warn_deprecated(f"--out {out.name}", "--out FOLDER (writes FOLDER/report.html)")
        html_file = out
    elif out is not None:
        html_file = out / "report.html"
    from datagen.engine.htmlreport import write_html_report
    from datagen.engine.load import load_dataset
    from datagen.engine.validate import validate_dataset

    dataset = load_dataset(schema)

    with stage_progress(say) as progress:
        with progress.stage("validating"):
            report = validate_dataset(dataset, data_dir, fmt=data_format, dsn=dsn)
        if json_path is not None:
            report.write(json_path)
        with progress.stage("writing the report"):
            path = write_html_report(
                dataset, data_dir, report, out=html_file, fmt=data_format, min_score=min_score,
                dsn=dsn, plots=not no_plots,
            )  # fmt: skip
    failed = len(report.failed())
    if say.json:
        click.echo(json.dumps({"html": str(path), "score": report.score, "failed": failed}))
        return
    if not say.quiet:
        click.echo(f"quality score {report.score:.1f} / 100, {failed} failed check(s)", err=True)
    click.echo(str(path))
