"""`datagen validate`: score a dataset directory against its schema."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from datagen.agent.commands.options import (
    SCORE,
    Say,
    console_options,
    data_dir_option,
    data_format_option,
    deprecated_alias,
    dsn_option,
    plain_console,
    schema_argument,
    stage_progress,
)


@click.command("validate")
@schema_argument
@data_dir_option
@click.option(
    "--report",
    "report_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write the JSON report to this file (keys documented in docs/report.md).",
)
@deprecated_alias("-o", dest="report_path", use="--report", type=click.Path(path_type=Path))
@click.option(
    "--min-score",
    type=SCORE,
    default=90.0,
    show_default=True,
    help="Exit 1 below this score.",
)
@data_format_option
@dsn_option
@click.option(
    "--replay",
    "run_replay",
    is_flag=True,
    help="Also regenerate from the seed in .metadata.json and compare file hashes.",
)
@click.option(
    "--html",
    "write_html",
    is_flag=True,
    help="Also write the visual report to DATA/report.html and print its path.",
)
@deprecated_alias("--format", dest="output", use="--output", type=click.Choice(["text", "json"]))
@console_options
def validate_cmd(
    schema: Path,
    data_dir: Path,
    report_path: Path | None,
    min_score: float,
    data_format: str | None,
    dsn: str | None,
    run_replay: bool,
    write_html: bool,
    say: Say,
) -> None:
    """Check the dataset in --data against SCHEMA and print a quality score (0-100).

    Structural checks (files, columns, types, keys, nulls, row counts, fanout),
    value checks (ranges, inequalities, patterns, enums, unique) and behavioural
    checks (targets, declared weights and patterns, fanout mean, null rates).
    Score = 100 x (0.4 structural + 0.3 value + 0.3 behavioural pass rates),
    categories without checks left out and the weights renormalized.

    Exit code 0 when the score is at least --min-score and no structural check
    failed, 1 otherwise, 2 for bad input (missing directory, invalid schema,
    unreadable file).

    \b
    Examples:
      datagen validate examples/shop.json --data out/shop
      datagen validate shop.json --data out/shop --report report.json --min-score 95
      datagen validate shop.json --data out/shop --json > report.json
      datagen validate shop.json --data out/shop --replay
      datagen validate shop.json --data out/shop --html
    """
    from rich.markup import escape

    from datagen.engine.load import load_dataset
    from datagen.engine.validate import render_console, replay, validate_dataset

    dataset = load_dataset(schema)
    progress = stage_progress(say)
    with progress, progress.stage("validating"):
        report = validate_dataset(dataset, data_dir, fmt=data_format, dsn=dsn)
    if run_replay:
        report = report.with_check(replay(dataset, data_dir))
    if report_path is not None:
        report.write(report_path)
    if say.json:
        click.echo(report.to_json(), nl=False)
    elif say.quiet:
        verdict = "pass" if report.ok(min_score) else "FAIL"
        click.echo(f"quality score {report.score:.1f} / 100 (minimum {min_score:g}: {verdict})")
    else:
        console = plain_console()
        render_console(report, console, min_score=min_score)
        if say.verbose:  # every check, passed ones too, one line each
            for check in report.checks:
                mark = "ok  " if check.passed else "FAIL"
                console.print(
                    f"{mark} {check.category:<10} {check.name:<20} {check.where}", markup=False
                )
        if report_path is not None:
            console.print(f"[dim]report written to {escape(str(report_path))}[/]")
    if write_html:
        from datagen.engine.htmlreport import write_html_report

        html_path = write_html_report(
            dataset, data_dir, report, fmt=data_format, min_score=min_score, dsn=dsn
        )
        # stdout stays pure JSON with --output json
        click.echo(f"HTML report: {html_path}", err=say.json)
    if not report.ok(min_score):
        sys.exit(1)
