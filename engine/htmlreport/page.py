"""The HTML page: one self-contained file (inline CSS and SVG, no script, no external URL).

Sections, in reading order: what you asked for (the description's claims as
measured), score and categories, failed checks with their
offending rows, tables and their relationships, declared vs. observed
behaviour, a profile per column, and every check. The JSON report itself is
embedded (`<script type="application/json" id="datagen-report">`, data, not
code) so the page carries exactly the facts of `report.json`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from html import escape
from typing import Any

from datagen.engine import dsl
from datagen.engine.generators.kind import kind_of, spec_of
from datagen.engine.htmlreport.behaviour import Shape
from datagen.engine.htmlreport.claims import claims_section
from datagen.engine.htmlreport.plots import PlotJob
from datagen.engine.htmlreport.profile import ColumnProfile, display, format_number
from datagen.engine.validate.report import Check, Report
from datagen.engine.validate.sample_size import NOT_ENOUGH_DATA

CSS_FILE = "report.css"
FAILED_SHOWN_OPEN = 5  # more failed checks than this: their groups start closed
TARGET_CHECKS = ("weekend_share", "mean_in_range")
SHAPE_CHECKS = (
    "hour_pattern",
    "dow_pattern",
    "month_pattern",
    "seasonality",
    "composite_effect",
    "choice_weights",
)


@dataclass
class TableInfo:
    name: str
    kind: str
    rows: int | None  # None: the table's file is missing
    columns: int
    bytes: int | None
    location: str
    pk: str | None
    parents: list[str]


def render_page(
    *,
    dataset: dsl.Dataset,
    report: Report,
    tables: list[TableInfo],
    profiles: dict[str, list[ColumnProfile]],
    shapes: list[Shape],
    graph_svg: str,
    column_plots: dict[tuple[str, str], str],
    shape_plots: list[str],
    css: str,
    min_score: float | None = None,
    plots_left_out: bool = False,
) -> str:
    name = dataset.metadata.name
    body = [
        _header(dataset, report, tables),
        claims_section(report),
        _score(report, min_score),
        _failed(report),
        _tables(tables, graph_svg, report),
        _behaviour(report, shapes, shape_plots),
        _columns(dataset, profiles, report, column_plots, plots_left_out),
        _all_checks(report),
        _embedded_json(report),
    ]
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{escape(name)}: quality report ({report.score:.1f}/100)</title>\n"
        f"<style>\n{css}\n</style>\n</head>\n<body>\n<main>\n"
        + "\n".join(body)
        + "\n</main>\n</body>\n</html>\n"
    )


# --------------------------------------------------------------------------- header, score


def _header(dataset: dsl.Dataset, report: Report, tables: list[TableInfo]) -> str:
    ctx = report.to_dict()
    data = ctx.get("data") or {}
    schema = ctx.get("schema") or {}
    present = [t for t in tables if t.rows is not None]
    # the numbers come from the data read back, never from the description
    facts: list[tuple[str, Any]] = [
        (
            "tables",
            f"{len(present)}" + (f" of {len(tables)}" if len(present) < len(tables) else ""),
        ),
        ("rows", f"{sum(t.rows or 0 for t in present):,}"),
        ("data", data.get("dir") or "in memory"),
        ("format", data.get("format")),
        ("seed", data.get("seed")),
        ("schema hash", (schema.get("hash") or "")[:16]),
        ("datagen", ctx.get("datagen_version")),
    ]
    if data.get("schema_hash_matches") is False:
        facts.append(("warning", "the data was generated from a different schema version"))
    description = dataset.metadata.description
    generated = " · ".join(f"{escape(t.name)} {t.rows:,}" for t in present)
    nav = " · ".join(
        f'<a href="#{anchor}">{label}</a>'
        for anchor, label in (
            ("asked", "what you asked for"),
            ("score", "score"),
            ("failed", "failed checks"),
            ("tables", "tables"),
            ("behaviour", "behaviour"),
            ("columns", "columns"),
            ("checks", "all checks"),
        )
    )
    return (
        f'<header><h1>{escape(dataset.metadata.name)} <span class="muted">quality report</span></h1>'
        + (
            f'<p class="lead"><span class="label">described as</span> “{escape(description)}”</p>'
            if description
            else ""
        )
        + (
            f'<p class="generated"><span class="label">rows in the data</span> {generated}</p>'
            if generated
            else ""
        )
        + '<dl class="facts">'
        + "".join(
            f"<div><dt>{escape(k)}</dt><dd>{escape(str(v))}</dd></div>"
            for k, v in facts
            if v is not None
        )
        + f'</dl><nav class="noprint">{nav}</nav></header>'
    )


def _verdict_class(report: Report) -> str:
    if not report.structural_ok:
        return "bad"
    return "good" if not report.failed() else "warn"


def _score(report: Report, min_score: float | None) -> str:
    verdict = ""
    if min_score is not None:
        ok = report.ok(min_score)
        verdict = (
            f'<p class="verdict {"good" if ok else "bad"}">minimum {min_score:g}: '
            f"{'pass' if ok else 'FAIL'}"
            + ("" if report.structural_ok else " (a structural check failed)")
            + "</p>"
        )
    rows = []
    for name, cat in report.categories.items():
        if not cat["total"]:
            what = "claims" if name == "fidelity" else "checks"
            rows.append(
                f'<tr class="muted"><th>{escape(name)}</th><td colspan="3">no {what} '
                "(left out of the score)</td></tr>"
            )
            continue
        rate = cat["rate"]
        css = "good" if rate == 1 else "warn" if rate >= 0.8 else "bad"
        rows.append(
            f"<tr><th>{escape(name)}</th>"
            f'<td class="bar-cell"><div class="bar"><div class="fill {css}" '
            f'style="width:{100 * rate:.1f}%"></div></div></td>'
            f'<td class="num">{cat["passed"]}/{cat["total"]} ({100 * rate:.0f}%)</td>'
            f'<td class="num muted">weight {cat["weight"]:.2f}</td></tr>'
        )
    summary = report.to_dict()["summary"]
    thin = sum(str(s.get("reason", "")).startswith(NOT_ENOUGH_DATA) for s in report.skipped)
    set_aside = (
        f' <a href="#not-scored">{len(report.skipped)} not scored</a>'
        + (f" ({thin} over too few rows: {NOT_ENOUGH_DATA})" if thin else "")
        + "."
        if report.skipped
        else ""
    )
    return (
        f'<section id="score" class="score-section"><div class="score {_verdict_class(report)}">'
        f'<span class="score-value">{report.score:.1f}</span><span class="score-max">/ 100</span>'
        f'<span class="score-label">quality score</span></div><div class="categories">'
        f'<table class="cats">{"".join(rows)}</table>'
        f'<p class="muted small">{summary["checks"]} checks: {summary["passed"]} passed, '
        f"{summary['failed']} failed.{set_aside} Score = 100 × Σ weight × pass rate over the categories "
        f"with checks (base weights structural 0.4, value 0.3, behavioral 0.3, fidelity 0.4: "
        f"claims honoured / stated; renormalized)."
        f"</p>{verdict}</div></section>"
    )


# --------------------------------------------------------------------------- failed checks


def _failed(report: Report) -> str:
    failed = report.failed()
    if not failed:
        return (
            '<section id="failed"><h2>Failed checks</h2>'
            '<p class="good-note">Every check passed.</p></section>'
        )
    order = {"structural": 0, "value": 1, "behavioral": 2}
    groups: dict[tuple[str, str], list[Check]] = {}
    for check in sorted(failed, key=lambda c: order.get(c.category, 3)):
        groups.setdefault((check.category, check.name), []).append(check)
    # a few failures are shown open; many are one line per kind, opened on demand
    open_ = " open" if len(failed) <= FAILED_SHOWN_OPEN else ""
    parts = []
    for (category, name), checks in groups.items():
        where = ", ".join(c.where for c in checks[:3]) + (", …" if len(checks) > 3 else "")
        parts.append(
            f'<details class="failed-group" data-kind="{escape(name)}"{open_}><summary>'
            f'<span class="badge bad">{escape(category)}</span> <b>{escape(name)}</b> '
            f'<span class="count">{len(checks)} failed</span> '
            f'<span class="where">{escape(where)}</span></summary>'
            + "".join(_failed_card(check) for check in checks)
            + "</details>"
        )
    kinds = f"{len(groups)} kind{'s' if len(groups) != 1 else ''}"
    return (
        f'<section id="failed"><h2>Failed checks ({len(failed)}, {kinds})</h2>'
        f"{''.join(parts)}</section>"
    )


def _failed_card(check: Check) -> str:
    examples = _examples(check.examples)
    return (
        f'<article class="failed-check" data-check="{escape(check.name)}" '
        f'data-where="{escape(check.where)}">'
        f'<h3><span class="badge bad">{escape(check.category)}</span> {escape(check.name)} '
        f'<span class="where">{escape(check.where)}</span></h3>'
        + (f"<p>{escape(check.message)}</p>" if check.message else "")
        + '<dl class="me">'
        f"<div><dt>measured</dt><dd>{_value(check.measured)}</dd></div>"
        f"<div><dt>expected</dt><dd>{_value(check.expected)}</dd></div></dl>"
        + (f'<div class="examples"><h4>offending examples</h4>{examples}</div>' if examples else "")
        + "</article>"
    )


def _examples(examples: list[Any]) -> str:
    if not examples:
        return ""
    if all(isinstance(e, dict) for e in examples):
        keys = list(dict.fromkeys(k for e in examples for k in e))
        head = "".join(f"<th>{escape(str(k))}</th>" for k in keys)
        body = "".join(
            "<tr>" + "".join(f"<td>{_cell(e.get(k))}</td>" for k in keys) + "</tr>"
            for e in examples
        )
        return (
            f'<div class="scroll"><table class="grid"><thead><tr>{head}</tr></thead>'
            f"<tbody>{body}</tbody></table></div>"
        )
    return "<ul>" + "".join(f"<li>{_value(e)}</li>" for e in examples) + "</ul>"


def _cell(value: Any) -> str:
    if isinstance(value, float):
        return escape(format_number(value))
    if isinstance(value, (dict, list)):
        return _value(value)
    return escape(display(value))


def _value(value: Any, limit: int = 700) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return f"<code>{escape(text)}</code>"


# --------------------------------------------------------------------------- tables


def _check_counts(report: Report) -> dict[str, tuple[int, int]]:
    counts: dict[str, list[int]] = {}
    for check in report.checks:
        if check.table:
            entry = counts.setdefault(check.table, [0, 0])
            entry[0] += check.passed
            entry[1] += 1
    return {t: (p, n) for t, (p, n) in counts.items()}


def _tables(tables: list[TableInfo], graph_svg: str, report: Report) -> str:
    counts = _check_counts(report)
    rows = []
    for info in tables:
        passed, total = counts.get(info.name, (0, 0))
        css = "" if passed == total else ' class="bad"'
        rows_cell = (
            f"{info.rows:,}" if info.rows is not None else '<span class="bad">missing</span>'
        )
        size = _bytes(info.bytes) if info.bytes is not None else "–"
        rows.append(
            f'<tr data-table="{escape(info.name)}"><th><a href="#table-{escape(info.name)}">'
            f"{escape(info.name)}</a></th><td>{escape(info.kind)}</td>"
            f'<td class="num">{rows_cell}</td><td class="num">{info.columns}</td>'
            f'<td class="num">{size}</td><td>{escape(info.pk or "–")}</td>'
            f"<td>{escape(', '.join(info.parents) or '–')}</td>"
            f'<td class="num"><span{css}>{passed}/{total}</span></td></tr>'
        )
    total_rows = sum(t.rows or 0 for t in tables)
    total_bytes = sum(t.bytes or 0 for t in tables)
    return (
        '<section id="tables"><h2>Tables</h2><div class="scroll">'
        '<table class="grid overview"><thead><tr><th>table</th><th>kind</th><th>rows</th>'
        "<th>columns</th><th>bytes</th><th>primary key</th><th>parents</th>"
        f"<th>checks passed</th></tr></thead><tbody>{''.join(rows)}</tbody>"
        f'<tfoot><tr><th>total</th><td></td><td class="num">{total_rows:,}</td><td></td>'
        f'<td class="num">{_bytes(total_bytes)}</td><td colspan="3"></td></tr></tfoot></table></div>'
        '<h3>Relationships</h3><div class="graph-wrap">'
        f"{graph_svg}</div>"
        '<p class="muted small">Arrows go from a referenced table to the table whose column '
        "(the label) holds the foreign key; dashed: nullable. Columns are generation levels.</p>"
        "</section>"
    )


def _bytes(n: float) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n:.1f} GB"


# --------------------------------------------------------------------------- behaviour


def _behaviour(report: Report, shapes: list[Shape], plots: list[str]) -> str:
    targets = [c for c in report.checks if c.name in TARGET_CHECKS]
    parts = ['<section id="behaviour"><h2>Declared vs. observed behaviour</h2>']
    if targets:
        rows = "".join(
            f'<tr class="{"" if c.passed else "bad-row"}"><td>{_status(c)}</td>'
            f"<td>{escape(c.name)}</td><td>{escape(c.where)}</td>"
            f'<td class="num">{_cell(c.measured)}</td><td>{_target_band(c.expected)}</td>'
            f'<td class="small">{escape(c.message)}</td></tr>'
            for c in targets
        )
        parts.append(
            '<h3>Targets</h3><div class="scroll"><table class="grid"><thead><tr><th></th>'
            "<th>target</th><th>where</th><th>measured</th>"
            "<th>declared (allowed with sampling error)</th><th>details</th>"
            f"</tr></thead><tbody>{rows}</tbody></table></div>"
        )
    if shapes:
        parts.append(
            '<p class="key small"><span class="swatch observed"></span> observed '
            '<span class="swatch declared"></span> declared '
            '<span class="swatch off"></span> observed, outside the allowed error</p>'
            '<div class="shapes">'
        )
        for shape, plot in zip(shapes, plots, strict=True):
            parts.append(_shape_card(shape, plot))
        parts.append("</div>")
    if not targets and not shapes:
        parts.append('<p class="muted">The schema declares no behaviour to compare.</p>')
    parts.append("</section>")
    return "".join(parts)


def _target_band(expected: Any) -> str:
    if isinstance(expected, dict) and "min" in expected:
        allowed = expected.get("allowed") or [None, None]
        return (
            f"{format_number(expected['min'])} – {format_number(expected['max'])} "
            f'<span class="muted">({format_number(allowed[0])} – {format_number(allowed[1])})</span>'
        )
    return _value(expected)


def _status(check: Check | None) -> str:
    if check is None:
        return '<span class="badge muted-badge">not scored</span>'
    return (
        '<span class="badge good">pass</span>'
        if check.passed
        else '<span class="badge bad">FAIL</span>'
    )


def shape_plot_job(shape: Shape) -> PlotJob:
    return (
        "shape",
        (shape.labels, shape.observed, shape.declared),
        {"ylabel": shape.ylabel, "bad_labels": shape.bad_labels},
    )


def _shape_card(shape: Shape, plot: str) -> str:
    check = shape.check
    detail = ""
    if check is not None:
        measured = check.measured
        if isinstance(measured, dict):
            headline = {k: v for k, v in measured.items() if not isinstance(v, (dict, list))}
        else:
            headline = {"measured": measured}
        expected = (
            check.expected if isinstance(check.expected, dict) else {"expected": check.expected}
        )
        limits = {k: v for k, v in expected.items() if not isinstance(v, (dict, list))}
        detail = (
            f'<p class="small">check <b>{escape(check.name)}</b>: '
            + ", ".join(f"{escape(k)} {escape(format_number(v))}" for k, v in headline.items())
            + (
                "; expected "
                + ", ".join(f"{escape(k)} {escape(format_number(v))}" for k, v in limits.items())
                if limits
                else ""
            )
            + (f". {escape(check.message)}" if check.message else "")
            + "</p>"
        )
    return (
        f'<article class="shape card{"" if check is None or check.passed else " failed"}">'
        f"<h3>{_status(check)} {escape(shape.title)}</h3>{plot}"
        f'<p class="muted small">{escape(shape.note)}</p>{detail}</article>'
    )


# --------------------------------------------------------------------------- columns


def _columns(
    dataset: dsl.Dataset,
    profiles: dict[str, list[ColumnProfile]],
    report: Report,
    plots: dict[tuple[str, str], str],
    plots_left_out: bool = False,
) -> str:
    failed_at: dict[tuple[str | None, str | None], list[Check]] = {}
    for check in report.failed():
        failed_at.setdefault((check.table, check.column), []).append(check)
    parts = ['<section id="columns"><h2>Columns</h2>']
    if plots_left_out:
        parts.append('<p class="muted">Plots left out (<code>--no-plots</code>).</p>')
    for node in dataset.nodes:
        columns = profiles.get(node.id)
        parts.append(f'<div class="table-block" id="table-{escape(node.id)}">')
        parts.append(f'<h3>{escape(node.id)} <span class="muted">{escape(node.kind)}</span></h3>')
        if columns is None:
            parts.append('<p class="bad">No file for this table.</p></div>')
            continue
        parts.append('<div class="cards">')
        for profile in columns:
            failed = failed_at.get((node.id, profile.name), [])
            plot = plots.get((node.id, profile.name), "")
            parts.append(_column_card(node, profile, failed, plot))
        parts.append("</div></div>")
    parts.append("</section>")
    return "".join(parts)


def column_plot_job(profile: ColumnProfile, col: dsl.Column | None) -> PlotJob | None:
    """The column's plot, unless it would say nothing (a key sequence, a single length)."""
    hist = profile.histogram
    if hist is None or profile.rows == profile.nulls:
        return None
    if col is not None and not kind_of(col).plot(spec_of(col)):
        return None
    if hist.xlabel.startswith("length") and len(hist.counts) < 2:
        return None
    return ("histogram", (hist,), {})


def _column_card(node: dsl.Node, profile: ColumnProfile, failed: list[Check], plot: str) -> str:
    col = node.column(profile.name)
    kind = kind_of(col).name if col is not None else "not in schema"
    declared = profile.declared or "?"
    type_text = declared if profile.stored == declared else f"{declared} (stored {profile.stored})"
    nonnull = profile.rows - profile.nulls
    stats: list[tuple[str, str]] = [
        ("nulls", f"{profile.nulls:,} ({100 * profile.null_share:.1f}%)"),
        (
            "distinct",
            ("" if profile.distinct_exact else "≈ ")
            + (f"{profile.distinct:,}" if profile.distinct is not None else "–"),
        ),
    ]
    for key, value in profile.stats.items():
        stats.append((key, format_number(value) if not isinstance(value, str) else value))
    if profile.top and profile.stored == "string" and nonnull:
        shown = ", ".join(f"{label} {100 * n / nonnull:.0f}%" for label, n in profile.top[:3])
        stats.append(("top", shown))
    rows = "".join(f"<tr><th>{escape(k)}</th><td>{escape(v)}</td></tr>" for k, v in stats)
    flags = "".join(
        f'<li><span class="badge bad">{escape(c.name)}</span> {escape(c.message)}</li>'
        for c in failed
    )
    pk = ' <span class="badge key">PK</span>' if node.pk == profile.name else ""
    return (
        f'<article class="column card{" failed" if failed else ""}" '
        f'data-column="{escape(node.id)}.{escape(profile.name)}">'
        f'<h4>{escape(profile.name)}{pk} <span class="type">{escape(type_text)}</span>'
        f' <span class="gen">{escape(kind)}</span></h4>'
        + (f'<ul class="flags">{flags}</ul>' if flags else "")
        + f'<table class="stats">{rows}</table>{plot}</article>'
    )


# --------------------------------------------------------------------------- all checks


def _all_checks(report: Report) -> str:
    rows = "".join(
        f'<tr class="{"" if c.passed else "bad-row"}"><td>{_status(c)}</td>'
        f"<td>{escape(c.category)}</td><td>{escape(c.name)}</td><td>{escape(c.where)}</td>"
        f'<td class="clip">{_value(c.measured, 160)}</td>'
        f'<td class="clip">{_value(c.expected, 160)}</td></tr>'
        for c in report.checks
    )
    return (
        f'<section id="checks"><h2>All checks ({len(report.checks)})</h2><div class="scroll">'
        '<table class="grid checks"><thead><tr><th></th><th>category</th><th>check</th>'
        f"<th>where</th><th>measured</th><th>expected</th></tr></thead><tbody>{rows}</tbody>"
        "</table></div>"
        '<p class="muted small">The full JSON report is embedded in this file '
        "(element <code>#datagen-report</code>).</p></section>" + _not_scored(report)
    )


def _not_scored(report: Report) -> str:
    """The checks set aside: over too few rows (not enough data), or unable to run."""
    if not report.skipped:
        return ""
    rows = "".join(
        f'<tr data-skipped="{escape(str(s.get("name")))}"><td>{_skip_badge(s)}</td>'
        f"<td>{escape(str(s.get('category')))}</td><td>{escape(str(s.get('name')))}</td>"
        f"<td>{escape('.'.join(str(p) for p in (s.get('table'), s.get('column')) if p) or '-')}"
        f'</td><td class="small">{escape(str(s.get("reason")))}</td></tr>'
        for s in report.skipped
    )
    return (
        f'<section id="not-scored"><h2>Not scored ({len(report.skipped)})</h2>'
        '<p class="muted small">Left out of the score: a statistical check over fewer rows '
        "than its kind needs says nothing (not enough data), and a check whose column is "
        "missing could not run.</p>"
        '<div class="scroll"><table class="grid"><thead><tr><th></th><th>category</th>'
        f"<th>check</th><th>where</th><th>why</th></tr></thead><tbody>{rows}</tbody>"
        "</table></div></section>"
    )


def _skip_badge(skipped: dict[str, Any]) -> str:
    if str(skipped.get("reason", "")).startswith(NOT_ENOUGH_DATA):
        return f'<span class="badge warn">{NOT_ENOUGH_DATA}</span>'
    return '<span class="badge muted-badge">not run</span>'


def _embedded_json(report: Report) -> str:
    text = json.dumps(report.to_dict(), ensure_ascii=False, indent=1)
    # "</" cannot end the element early when escaped; JSON reads "<\/" as "</"
    text = text.replace("</", "<\\/")
    return f'<script type="application/json" id="datagen-report">\n{text}\n</script>'
