"""The visual quality report: one self-contained HTML file next to (or instead of) report.json.

    html = html_report(dataset, "out/bank")                  # validates, then renders
    path = write_html_report(dataset, "out/bank", report)     # -> out/bank/report.html
    html = html_report_for_tables(dataset, tables, report)    # a dry run's in-memory tables

The page shows the validator's report (the same checks, the same numbers,
and the JSON itself embedded), plus what only a picture shows well: a
profile and a plot per column, the relationship graph, and each declared
behaviour against the observed one. Every plot is drawn from aggregates
that DuckDB computes over the files (see profile.py), so a report on ten
million rows costs a few column scans.

Modules: `profile` (aggregates), `behaviour` (declared vs. observed),
`plots` (matplotlib -> inline SVG), `graph` (tables and FKs as SVG),
`page` (the HTML), `style` (its CSS).
"""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa

from datagen.engine import dsl
from datagen.engine.htmlreport.behaviour import declared_shapes
from datagen.engine.htmlreport.graph import relationship_svg
from datagen.engine.htmlreport.page import (
    TableInfo,
    column_plot_job,
    render_page,
    shape_plot_job,
)
from datagen.engine.htmlreport.plots import render_all
from datagen.engine.htmlreport.profile import Profiler
from datagen.engine.htmlreport.style import CSS
from datagen.engine.outfile import write_output_file
from datagen.engine.validate import Report, validate_dataset
from datagen.engine.validate.run import open_data
from datagen.engine.validate.source import ArrowSource, TableSource

HTML_FILE = "report.html"

__all__ = [
    "HTML_FILE",
    "html_report",
    "html_report_for_tables",
    "render_html",
    "write_html_report",
]


def html_report(
    dataset: dsl.Dataset,
    data_dir: str | Path,
    report: Report | None = None,
    *,
    fmt: str | None = None,
    min_score: float | None = None,
    dsn: str | None = None,
    plots: bool = True,
) -> str:
    """The HTML report of the dataset in `data_dir`; validates first unless `report` is given."""
    data_dir = Path(data_dir)
    if report is None:
        report = validate_dataset(dataset, data_dir, fmt=fmt, dsn=dsn)
    data = open_data(dataset, data_dir, fmt, dsn=dsn)
    return render_html(
        dataset, report, data.sources, sizes=data.sizes(), min_score=min_score, plots=plots
    )


def write_html_report(
    dataset: dsl.Dataset,
    data_dir: str | Path,
    report: Report | None = None,
    *,
    out: str | Path | None = None,
    fmt: str | None = None,
    min_score: float | None = None,
    dsn: str | None = None,
    plots: bool = True,
) -> Path:
    """Write the report (default `<data_dir>/report.html`) atomically and return its path."""
    html = html_report(
        dataset, data_dir, report, fmt=fmt, min_score=min_score, dsn=dsn, plots=plots
    )
    path = Path(out) if out is not None else Path(data_dir) / HTML_FILE
    return write_output_file(path, html)


def html_report_for_tables(
    dataset: dsl.Dataset,
    tables: dict[str, pa.Table],
    report: Report,
    *,
    min_score: float | None = None,
    plots: bool = True,
) -> str:
    """The report of in-memory tables (a dry run, validated with `validate_tables`)."""
    sources: dict[str, TableSource] = {
        name: ArrowSource(name, table) for name, table in tables.items() if dataset.node(name)
    }
    sizes = {name: table.nbytes for name, table in tables.items()}
    return render_html(dataset, report, sources, sizes=sizes, min_score=min_score, plots=plots)


def render_html(
    dataset: dsl.Dataset,
    report: Report,
    sources: dict[str, TableSource],
    *,
    sizes: dict[str, int | None] | None = None,
    min_score: float | None = None,
    plots: bool = True,
) -> str:
    """The page; `plots=False` leaves the matplotlib plots out (about 0.06 CPU s each, most of
    the cost of a wide schema's report): the profiles, the graph and the checks stay."""
    dataset = dataset.output_view()  # hidden helper columns are not written nor shown
    sizes = sizes or {}
    profiler = Profiler(sources)
    try:
        profiles = {}
        for node in dataset.nodes:
            if node.id in sources:
                declared = {c.name: c.type for c in node.columns}
                profiles[node.id] = profiler.table_profiles(node.id, declared)
        shapes = declared_shapes(dataset, report, profiler)
    finally:
        profiler.close()
    tables = [
        TableInfo(
            name=node.id,
            kind=node.kind,
            rows=sources[node.id].num_rows if node.id in sources else None,
            columns=len(sources[node.id].names) if node.id in sources else len(node.columns),
            bytes=sizes.get(node.id),
            location=sources[node.id].location if node.id in sources else "",
            pk=node.pk,
            parents=list(node.parents),
        )
        for node in dataset.nodes
    ]
    graph = relationship_svg(dataset, {t.name: t.rows for t in tables})
    column_jobs = {}
    for node in dataset.nodes:
        for profile in profiles.get(node.id, []):
            job = column_plot_job(profile, node.column(profile.name))
            if job is not None:
                column_jobs[(node.id, profile.name)] = job
    jobs = list(column_jobs.values()) + [shape_plot_job(s) for s in shapes]
    drawn = render_all(jobs) if plots else ["" for _ in jobs]
    column_plots = dict(zip(column_jobs, drawn, strict=False))
    shape_plots = drawn[len(column_jobs) :]
    return render_page(
        dataset=dataset,
        report=report,
        tables=tables,
        profiles=profiles,
        shapes=shapes,
        graph_svg=graph,
        column_plots=column_plots,
        shape_plots=shape_plots,
        css=CSS,
        min_score=min_score,
        plots_left_out=not plots,
    )
