"""'What you asked for': the description's claims as measured, the page's first section."""

from __future__ import annotations

from html import escape

from datagen.engine.validate.claims import expected_text, measured_text
from datagen.engine.validate.report import Report

STATUS_CLASS = {
    "honoured": "good",
    "not_honoured": "bad",
    "not_modelled": "bad",
    "unmeasurable": "warn",
}


def claims_section(report: Report) -> str:
    """One row per claim, those not honoured first: phrase, expected, measured, status."""
    if not report.claims:
        return (
            '<section id="asked"><h2>What you asked for</h2><p class="muted">No claims: the '
            "schema lists none of the description's facts to check.</p></section>"
        )
    unmet = report.unmet_claims()
    ordered = [*unmet, *(c for c in report.claims if c["status"] == "honoured")]
    rows = "".join(
        f'<tr data-claim="{escape(c["id"])}" data-status="{escape(c["status"])}">'
        f"<td>“{escape(c['text'])}”</td><td>{escape(c['kind'])}</td>"
        f"<td>{escape(expected_text(c))}</td><td>{escape(measured_text(c))}</td>"
        f'<td><span class="badge {STATUS_CLASS.get(c["status"], "warn")}">'
        f"{escape(c['status'].replace('_', ' '))}</span></td></tr>"
        for c in ordered
    )
    honoured = len(report.claims) - len(unmet)
    return (
        f'<section id="asked"><h2>What you asked for <span class="muted">{honoured}/'
        f"{len(report.claims)} honoured</span></h2>"
        '<div class="scroll"><table class="claims"><thead><tr><th>you said</th><th>kind</th><th>expected</th>'
        f"<th>measured on the data</th><th>status</th></tr></thead><tbody>{rows}</tbody>"
        "</table></div></section>"
    )
