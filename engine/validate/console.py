"""The Rich console summary: what you asked for, score, one bar per category, failed checks."""

from __future__ import annotations

import json
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from datagen.engine.validate.claims import claim_line
from datagen.engine.validate.report import Check, Report
from datagen.engine.validate.sample_size import summary_lines

BAR_WIDTH = 30


def render_console(report: Report, console: Console, *, min_score: float | None = None) -> None:
    if report.claims:
        render_claims(report, console)
    failed = report.failed()
    colour = (
        "green"
        if report.structural_ok and not failed
        else "yellow"
        if report.structural_ok
        else "red"
    )
    headline = Text.assemble(
        ("Quality score ", "bold"), (f"{report.score:.1f}", f"bold {colour}"), " / 100"
    )
    if min_score is not None:
        verdict = "pass" if report.ok(min_score) else "FAIL"
        headline.append(f"   (minimum {min_score:g}: {verdict})", style=colour)
    console.print(headline)
    for name, cat in report.categories.items():
        console.print(_bar(name, cat))
    console.print(
        Text("score = 100 x sum(weight x pass rate) over categories with checks", style="dim")
    )
    for line in summary_lines(report.skipped):
        console.print(Text(line, style="yellow"))
    if failed:
        console.print(_checks_table(f"Failed checks ({len(failed)})", failed))
    if report.checks:
        console.print(_kinds_table(report))


CLAIM_STYLES = {
    "honoured": ("✓", "green"),
    "not_honoured": ("✗", "bold red"),
    "not_modelled": ("✗", "bold red"),
    "unmeasurable": ("?", "yellow"),
}


def render_claims(report: Report, console: Console) -> None:
    """'What you asked for': one line per claim, those not honoured first."""
    unmet = report.unmet_claims()
    honoured = len(report.claims) - len(unmet)
    console.print(
        Text.assemble(
            ("What you asked for", "bold"),
            f"  {honoured}/{len(report.claims)} honoured",
        )
    )
    for claim in [*unmet, *(c for c in report.claims if c["status"] == "honoured")]:
        mark, style = CLAIM_STYLES.get(claim["status"], ("?", "yellow"))
        console.print(Text.assemble(f"  {mark} ", (claim_line(claim), style)))


def _bar(name: str, cat: dict[str, Any]) -> Text:
    if not cat["total"]:
        what = "claims" if name == "fidelity" else "checks"
        return Text(
            f"  {name:<11} {'':{BAR_WIDTH}}  no {what} (left out of the score)", style="dim"
        )
    rate = cat["rate"]
    filled = round(rate * BAR_WIDTH)
    style = "green" if rate == 1 else "yellow" if rate >= 0.8 else "red"
    return Text.assemble(
        f"  {name:<11} ",
        ("█" * filled, style),
        ("░" * (BAR_WIDTH - filled), "dim"),
        f"  {cat['passed']}/{cat['total']}  ({100 * rate:.0f}%, weight {cat['weight']:.2f})",
    )


def _checks_table(title: str, checks: list[Check]) -> Table:
    table = Table(title=title, title_justify="left")
    for name in ("category", "check", "where"):
        table.add_column(name)
    table.add_column("measured", overflow="fold", max_width=24)
    table.add_column("expected", overflow="fold", max_width=24)
    table.add_column("details", overflow="fold", min_width=30, max_width=70)
    for check in checks:
        details = check.message
        if check.examples:
            details += "\ne.g. " + "; ".join(_example(e) for e in check.examples[:3])
        # Text(), not str: values like "timestamp[us]" must not be read as Rich markup
        table.add_row(
            Text(check.category),
            Text(check.name, style="bold red"),
            Text(check.where),
            Text(_short(check.measured)),
            Text(_short(check.expected)),
            Text(details),
        )
    return table


def _kinds_table(report: Report) -> Table:
    """Every kind of check with how many passed: the passing ones need no more room."""
    kinds: dict[tuple[str, str], list[int]] = {}
    for check in report.checks:
        counts = kinds.setdefault((check.category, check.name), [0, 0])
        counts[0] += check.passed
        counts[1] += 1
    table = Table(title="Checks by kind", title_justify="left")
    table.add_column("category")
    table.add_column("check")
    table.add_column("passed", justify="right")
    for (category, name), (passed, total) in kinds.items():
        style = "green" if passed == total else "bold red"
        table.add_row(Text(category), Text(name), Text(f"{passed}/{total}", style=style))
    return table


def _example(example: Any) -> str:
    """{"row": 3, "order_id": 4} -> row=3 order_id=4"""
    if isinstance(example, dict):
        return " ".join(f"{k}={_short(v, 30)}" for k, v in example.items())
    return _short(example, 80)


def _short(value: Any, limit: int = 60) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return text if len(text) <= limit else text[: limit - 1] + "…"
